"""The path converter every id in a URL goes through (SEC-4: bad input is a clear error).

Django's ``<int:...>`` matches any run of digits, so ``/cases/99999999999999999999999/``
reached the view and the first query (or the access log's insert) raised
OverflowError on SQLite and DataError on PostgreSQL: a 500. Ids are positive
signed 64-bit integers in both databases, so a URL whose id cannot be one does
not match at all, which is the same 404 as any other unknown URL.
"""

from django.urls import register_converter

from pps.form_fields import MAX_ID


class IdConverter:
    # At most 19 digits without leading zeros; the value check below bounds the rest.
    regex = "[1-9][0-9]{0,18}"

    def to_python(self, value: str) -> int:
        number = int(value)
        if number > MAX_ID:
            raise ValueError  # the resolver treats it as no match: 404
        return number

    def to_url(self, value) -> str:
        number = int(value)
        if not 0 < number <= MAX_ID:
            raise ValueError  # reverse() raises NoReverseMatch
        return str(number)


def register() -> None:
    register_converter(IdConverter, "id")
