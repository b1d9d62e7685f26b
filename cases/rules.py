"""Rules every write to a case's own data checks, shared by the case areas.

Kept apart from ``cases.services`` so that the areas beside it (tasks, the
helpline) check the same rule without importing the case services.
"""

from cases.models.case import Case
from pps.rules import RuleError

CASE_CLOSED = "This case is closed and read-only. A coordinator can reopen it."
CASE_ARCHIVED = "This case is archived and read-only; open a new case instead."


def require_open(case: Case) -> None:
    """A closed or archived case is read-only (CAS-3, RET-2): every service that
    changes what the case records calls this, under the case's lock where it takes one."""
    if case.status == Case.Status.ARCHIVED:
        raise RuleError(CASE_ARCHIVED)
    if case.status != Case.Status.OPEN:
        raise RuleError(CASE_CLOSED)
