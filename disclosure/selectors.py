"""Reads about requests for information that other areas ask for."""

from disclosure.models import OPEN_STATES, DisclosureRequest


def open_request_case_ids(case_ids: list[int]) -> set[int]:
    """The cases among ``case_ids`` with a request still open: someone is waiting
    for an answer, so the case is not purged under them (a purge blocker)."""
    return set(
        DisclosureRequest.objects.filter(case_id__in=case_ids, state__in=OPEN_STATES).values_list(
            "case_id", flat=True
        )
    )
