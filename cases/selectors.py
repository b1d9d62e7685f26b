"""Permission-filtered reads for case pages (built on cases.access)."""

from collections import defaultdict

from django.db.models import QuerySet

from cases.models import Case, Channel, Contact, Parent
from cases.search.selectors import search_cases_matching, search_criteria
from pps.crypto import load_data_keys
from pps.models import User
from pps.roles import CASE_WORKER_ROLES


def search_cases(user: User, query: str, *, archived: bool = False) -> QuerySet[Case]:
    """Visible cases matching one search box query (``cases.search.selectors``)."""
    return search_cases_matching(user, search_criteria(query), archived=archived)


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
