"""Who changed what: the history of users, roles and settings, newest first (SEC-3).

For administrators: the records that decide who may see what or how the
service works, never a case. The models are named by label, not imported:
they live in every area, and ``pps`` imports none (DESIGN.md, floors).
Each entry says when, who, which record and which fields changed (field names
only: a value such as a policy's text is not repeated here).
"""

import heapq
from dataclasses import dataclass
from datetime import datetime
from itertools import islice

from django.apps import apps

# Users (role, service, active), the service's own settings, policies, and the
# settings each area keeps per service.
WATCHED = (
    "pps.User",
    "pps.Service",
    "pps.ConfidentialityPolicy",
    "cases.Topic",
    "cases.StatisticsSettings",
    "consent.RecipientRole",
    "consent.ConsentSettings",
    "disclosure.DisclosureApprovers",
    "retention.RetentionCategory",
    "retention.ServiceRetentionSettings",
    "governance.Breach",
    "governance.Maintainer",
)
KINDS = {"+": "Created", "~": "Changed", "-": "Deleted"}


@dataclass(frozen=True)
class Change:
    at: datetime
    by: str
    kind: str
    what: str
    record: str
    fields: tuple[str, ...]


def _histories(service_id: int):
    for label in WATCHED:
        model = apps.get_model(label)
        rows = model.history.model.objects.select_related("history_user")
        if label == "pps.Service":
            rows = rows.filter(id=service_id)
        else:
            rows = rows.filter(service_id=service_id)
        yield model, rows.order_by("-history_date", "-history_id")


def change_described(model, row) -> Change:
    fields: tuple[str, ...] = ()
    if row.history_type == "~":
        previous = row.prev_record
        if previous is not None:
            delta = row.diff_against(previous)
            fields = tuple(
                str(model._meta.get_field(change.field).verbose_name) for change in delta.changes
            )
    who = row.history_user.get_username() if row.history_user else "the system"
    return Change(
        at=row.history_date,
        by=who,
        kind=KINDS.get(row.history_type, row.history_type),
        what=str(model._meta.verbose_name).capitalize(),
        record=str(row.instance),
        fields=fields,
    )


class ServiceChanges:
    """The merged history of one service, sliceable and countable for a Paginator.

    A page needs the newest ``stop`` rows of each table at most; they are merged
    by time, so no table is read further than the page asked for.
    """

    def __init__(self, service_id: int):
        self.service_id = service_id

    def count(self) -> int:
        return sum(rows.count() for _, rows in _histories(self.service_id))

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index: slice) -> list[Change]:
        start, stop = index.start or 0, index.stop
        streams = [_stream(model, rows[:stop]) for model, rows in _histories(self.service_id)]
        merged = heapq.merge(*streams, key=lambda item: item[0], reverse=True)
        return [change_described(model, row) for _, model, row in islice(merged, start, stop)]


def _stream(model, rows):
    return (((row.history_date, row.history_id), model, row) for row in rows)
