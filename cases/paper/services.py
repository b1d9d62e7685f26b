"""Recording a case's paper file and its shredding (GOV-8): staff and coordinators."""

import datetime

from django.db import transaction
from django.utils import timezone

from cases.models import Case
from cases.paper.models import PaperFile
from pps.history import save_as
from pps.models import User
from pps.rules import RuleError


def _check(by: User, case: Case) -> None:
    if not (by.is_case_worker and by.service_id == case.service_id):
        raise RuleError("Only staff or a coordinator of this service can do this.")


@transaction.atomic
def paper_file_locate(*, case: Case, by: User, location: str) -> PaperFile:
    """Say where the case's paper file is kept (or that it has moved).

    A shredded file has no location any more: the record is final."""
    _check(by, case)
    location = location.strip()
    if not location:
        raise RuleError("Enter where the paper file is kept.")
    paper = PaperFile.objects.select_for_update().filter(case=case).first()
    if paper is None:
        paper = PaperFile(case=case, data_key_id=case.data_key_id)
    elif paper.shredded_on:
        raise RuleError("This paper file has been shredded.")
    paper.location = location
    return save_as(paper, by)


@transaction.atomic
def paper_file_shred(*, case: Case, by: User, shredded_on: datetime.date) -> PaperFile:
    """Record that the paper file was shredded, on a date, by the person recording it.

    Only a closed (or archived) case's file is shredded, and not before it closed
    (policy 002: kept one year after closure, then shredded)."""
    _check(by, case)
    paper = PaperFile.objects.select_for_update().filter(case=case).first()
    if paper is None:
        raise RuleError("Record where the paper file is kept first.")
    if paper.shredded_on:
        raise RuleError("This paper file has already been recorded as shredded.")
    if case.status == Case.Status.OPEN or case.closed_on is None:
        raise RuleError("The paper file of an open case is not shredded.")
    if shredded_on > timezone.localdate():
        raise RuleError("The date it was shredded must be today or in the past.")
    if shredded_on < case.closed_on:
        raise RuleError(
            f"The paper file cannot have been shredded before the case closed "
            f"({case.closed_on:%d/%m/%Y})."
        )
    paper.shredded_on, paper.shredded_by = shredded_on, by
    return save_as(paper, by)
