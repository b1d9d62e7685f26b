"""A case's disclosure log (DIS-8): every request, step, release and override, for the life of the case.

Entries come from sources registered here. This app registers its own
(requests and their steps); the child-protection override registers another
with ``register_log_source(fn)``, where ``fn(case)`` returns entries with
``at`` (an aware datetime), ``action`` (short text), ``summary`` (safe to show
the service's staff) and ``by`` (a User or None).
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from cases.models import Case
from pps.models import User

LogSource = Callable[[Case], Iterable]
_sources: dict[str, LogSource] = {}


@dataclass(frozen=True)
class LogEntry:
    at: datetime
    action: str
    summary: str
    by: User | None
    request_id: int | None = None  # the request an entry belongs to, if any
    override_id: int | None = None  # the child-protection override, if any


def register_log_source(fn: LogSource, *, name: str | None = None) -> None:
    """Add a source of log entries (idempotent per name, so app reloads are harmless)."""
    _sources[name or f"{fn.__module__}.{fn.__qualname__}"] = fn


def unregister_log_source(name: str) -> None:
    _sources.pop(name, None)


def request_events(case: Case) -> Iterable[LogEntry]:
    from disclosure.models import DisclosureEvent

    for event in DisclosureEvent.objects.filter(case=case).select_related("by"):
        yield LogEntry(
            at=event.at,
            action=event.get_action_display(),
            # The action is its own column: "Approved | Request 3: no objection".
            summary=f"Request {event.request_id}: {event.details}"
            if event.details
            else f"Request {event.request_id}.",
            by=event.by,
            request_id=event.request_id,
        )


def disclosure_log(case: Case) -> list:
    """Every entry from every source, oldest first."""
    entries = [entry for source in _sources.values() for entry in source(case)]
    return sorted(entries, key=lambda entry: entry.at)


register_log_source(request_events, name="disclosure.requests")
