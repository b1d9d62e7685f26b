"""Logging that cannot leak what families told the service (no personal data in logs).

- ``RedactingFormatter`` writes tracebacks without the exception's message:
  messages can quote a value (``ValueError: invalid literal ... 'Smith'``);
  the type, file and line are what is needed to find the fault.
- ``DropQueryStrings`` strips query strings from request lines (a search by
  surname travels in the query string of the case list).
- ``DropHealthChecks`` drops request lines for ``/healthz``: a monitor asks
  every few seconds, and its lines would bury the requests people made.
"""

import logging
import re
import traceback

QUERY_STRING = re.compile(r"(/[^\s?\"']*)\?[^\s\"']+")
# The request line as the development server and gunicorn's access log quote it.
HEALTH_REQUEST = re.compile(r"\b(?:GET|HEAD) /healthz[ ?]")


class RedactingFormatter(logging.Formatter):
    def formatException(self, ei):  # noqa: N802 - logging's API
        exc_type, exc, tb = ei
        lines = ["Traceback (most recent call last):\n", *traceback.format_tb(tb)]
        cause = exc.__cause__ or exc.__context__ if exc is not None else None
        name = f"{exc_type.__module__}.{exc_type.__qualname__}" if exc_type else "Exception"
        lines.append(f"{name}: [message withheld: it may contain personal data]")
        if cause is not None:
            lines.append(f"\n(raised while handling {type(cause).__qualname__})")
        return "".join(lines).rstrip("\n")

    def formatStack(self, stack_info):  # noqa: N802 - logging's API
        return stack_info


class DropQueryStrings(logging.Filter):
    @staticmethod
    def _clean(value):
        return QUERY_STRING.sub(r"\1?…", value) if isinstance(value, str) else value

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(self._clean(arg) for arg in record.args)
        elif isinstance(record.args, dict):
            record.args = {key: self._clean(value) for key, value in record.args.items()}
        record.msg = self._clean(record.msg)
        return True


class DropHealthChecks(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # a malformed record is logging's to report
            return True
        return not HEALTH_REQUEST.search(message)
