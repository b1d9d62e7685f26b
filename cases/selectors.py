"""Permission-filtered reads for case pages (built on cases.access)."""

import re
from collections import defaultdict

from django.db.models import Q, QuerySet

from cases.access import sees_archived_cases, visible_cases
from cases.models import Case, Channel, Child, Contact, Parent
from pps.crypto import load_data_keys
from pps.fields import blind_index_for
from pps.models import User
from pps.roles import CASE_WORKER_ROLES

REFERENCE_PATTERN = re.compile(r"^(?:PPS-\d{4}-)?0*(\d{1,12})$", re.IGNORECASE)


def search_criteria(query: str) -> dict:
    """What a search looks for, without the words: ``{}`` (everything), ``{"case": id}``
    for a reference, or ``{"name": digest}``, a surname's blind index (``None``
    matches nothing). The case list keeps this in the session, never the words."""
    query = query.strip()
    if not query:
        return {}
    reference = REFERENCE_PATTERN.match(query)
    if reference:
        return {"case": int(reference.group(1))}
    return {"name": blind_index_for("name", query)}


def search_cases(user: User, query: str, *, archived: bool = False) -> QuerySet[Case]:
    """Visible cases matching a reference or, exactly, a parent's or child's surname."""
    return search_cases_matching(user, search_criteria(query), archived=archived)


def search_cases_matching(user: User, criteria: dict, *, archived: bool = False) -> QuerySet[Case]:
    """Visible cases matching ``search_criteria``.

    Archived cases are out of everyday lists and search; ``archived=True`` asks
    for them instead (RET-2). The encrypted summary is deferred: lists never
    show it, and decrypting it would unwrap each case's key one query at a time
    before ``with_people`` can load them all at once.
    """
    cases = visible_cases(user).select_related("assigned_staff").defer("summary")
    archived_only = Q(status=Case.Status.ARCHIVED)
    if archived:
        cases = cases.filter(archived_only)
    elif sees_archived_cases(user):
        # For anyone else ``visible_cases`` has already left them out: saying
        # it twice made PostgreSQL misjudge the pager's count (a parallel scan,
        # 20 ms instead of 16 at 100,000 cases).
        cases = cases.exclude(archived_only)
    if "case" in criteria:
        return cases.filter(pk=criteria["case"])
    if "name" not in criteria:
        return cases
    digest = criteria["name"]
    if digest is None:
        return cases.none()
    # One set of case ids from two index-only lookups. An OR across joins to
    # both tables scans every case; an OR of two IN lists makes PostgreSQL walk
    # the service's cases testing each against both (69 ms for a surname of
    # 115 cases at 100,000, against 12 ms for the union; SQLite 13 -> 10 ms).
    matching = (
        Parent.objects.filter(family_name_bidx=digest)
        .values("case_id")
        .union(Child.objects.filter(family_name_bidx=digest).values("case_id"))
    )
    return cases.filter(pk__in=matching)


def with_people(cases: list[Case]) -> list[Case]:
    """Attach ``parent_names`` to a page of cases, unwrapping all their keys in one query.

    Only the names, read as plain columns: a list shows nothing else, every other
    contact detail would be decrypted for nothing, and a prefetch builds a model
    and a queryset per row, which cost twice the query itself.
    """
    load_data_keys({case.data_key_id for case in cases})
    names = defaultdict(list)
    parents = Parent.objects.filter(case_id__in=[case.pk for case in cases]).order_by("id")
    for case_id, given_name, family_name in parents.values_list(
        "case_id", "given_name", "family_name"
    ):
        names[case_id].append(f"{given_name} {family_name}".strip())
    for case in cases:
        case.parent_names = names[case.pk]
    return cases


def can_read_case_notes(user: User) -> bool:
    """Staff call notes are case-file information, which volunteers never see (ACC-3)."""
    return user.role in CASE_WORKER_ROLES


def visible_contacts(user: User, case: Case) -> QuerySet[Contact]:
    """Newest first; voicemail and helpline messages are for staff only (REF-7).

    For volunteers the notes are not even loaded: templates must also check
    ``can_read_case_notes``, and the sentinel crawl test proves they do.
    """
    contacts = case.contacts.select_related("topic", "staff")
    if not can_read_case_notes(user):
        contacts = contacts.exclude(channel=Channel.VOICEMAIL).defer("notes")
    return contacts
