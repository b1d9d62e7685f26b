"""Reading the access log for coordinators: who has seen a case, and refused attempts (ACC-7).

Rows name users of the coordinator's own service. Someone from another
service who tried one of our records is shown by their account name only, with
the time and what they tried (no name, no role: the rest is that service's
data), and a case id outside the service is shown as an id, never with a
reference.
"""

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from cases.access_log.labels import OBJECT_LABELS, page_label
from cases.models import Case
from pps.models import AccessLogEntry, User
from pps.roles import Role


@dataclass(frozen=True)
class AccessLogRow:
    entry: AccessLogEntry
    who: str
    role: str
    what: str

    @property
    def allowed(self) -> bool:
        return self.entry.allowed


def case_access_entries(case: Case) -> QuerySet[AccessLogEntry]:
    """Every read of the case and every refused attempt at it, newest first."""
    return AccessLogEntry.objects.filter(case_id=case.pk).select_related("user")


def denied_entries(service_id: int) -> QuerySet[AccessLogEntry]:
    """Refusals by this service's users, and refusals of anyone at this service's
    records: those the log marks as ours (``owner_service``, any record) and
    those naming one of our cases (a refusal by role, before any look-up)."""
    own_cases = Case.objects.filter(service_id=service_id).values("pk")
    return (
        AccessLogEntry.objects.filter(allowed=False)
        .filter(
            Q(service_id=service_id) | Q(owner_service_id=service_id) | Q(case_id__in=own_cases)
        )
        .select_related("user")
    )


def _who(user: User, service_id: int) -> str:
    if user.service_id != service_id:
        return f"{user.username} (another service)"
    name = user.get_full_name()
    return f"{name} ({user.username})" if name else user.username


def _case(entry: AccessLogEntry, references: dict[int, str]) -> str:
    reference = references.get(entry.case_id)
    return (
        f"case {reference}"
        if reference
        else f"case id {entry.case_id} (not a case of this service)"
    )


def _what(entry: AccessLogEntry, references: dict[int, str]) -> str:
    """What was opened or refused, in words: "Refused: the access log of case PPS-…"."""
    kind = entry.object_type
    if kind == "case" and entry.case_id is not None:
        thing = _case(entry, references)
    elif kind == "case_page" and entry.case_id is not None:
        thing = f"{page_label(entry.object_id)} of {_case(entry, references)}"
    elif kind == "page":
        thing = page_label(entry.object_id)
    else:
        label = OBJECT_LABELS.get(kind, kind.replace("_", " "))
        if entry.case_id is None:
            thing = f"{label} {entry.object_id}"
        elif entry.action == AccessLogEntry.Action.LIST:
            # A listing's id is the case's, not the record's.
            thing = f"the {label} of {_case(entry, references)}"
        else:
            thing = f"{label} {entry.object_id} of {_case(entry, references)}"
    if entry.allowed:
        return f"{entry.get_action_display()}: {thing}"
    if entry.action == AccessLogEntry.Action.DOWNLOAD:
        return f"Refused download: {thing}"
    return f"Refused: {thing}"


def describe(entries, *, service_id: int) -> list[AccessLogRow]:
    """Turn a page of log entries into what a coordinator of ``service_id`` may read."""
    entries = list(entries)
    references = dict(
        Case.objects.filter(
            pk__in={e.case_id for e in entries if e.case_id is not None}, service_id=service_id
        ).values_list("pk", "reference")
    )
    role_names = dict(Role.choices)
    rows = []
    for entry in entries:
        what = _what(entry, references)
        rows.append(
            AccessLogRow(
                entry=entry,
                who=_who(entry.user, service_id),
                role=(
                    role_names.get(entry.role, entry.role or "No role")
                    if entry.user.service_id == service_id
                    else "Not shown"
                ),
                what=what,
            )
        )
    return rows
