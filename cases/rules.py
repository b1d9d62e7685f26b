"""Rules every write to a case's own data checks, shared by the case areas.

Kept apart from ``cases.services`` so that the areas beside it (tasks, the
helpline) check the same rule without importing the case services.
"""

from cases.models.case import Case
from pps.rules import RuleError

CASE_CLOSED = "This case is closed and read-only. A coordinator can reopen it."
CASE_ARCHIVED = "This case is archived and read-only; open a new case instead."


def why_read_only(case: Case) -> str | None:
    """Why the case cannot be changed, or None if it is open: what a page says before
    offering a form the service would refuse."""
    if case.status == Case.Status.ARCHIVED:
        return CASE_ARCHIVED
    if case.status != Case.Status.OPEN:
        return CASE_CLOSED
    return None


def require_open(case: Case) -> None:
    """A closed or archived case is read-only (CAS-3, RET-2): every service that
    changes what the case records calls this, under the case's lock where it takes one."""
    if refusal := why_read_only(case):
        raise RuleError(refusal)


# GOV-4: said at the first contact with each parent or carer, and recorded.
PURPOSE_NOT_EXPLAINED = (
    "Tell the parent why the service keeps their information and that nothing is shared "
    "without their permission, on a need-to-know basis, and record that you did."
)
