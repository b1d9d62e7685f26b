"""Permission-checked, logged reads of letters and privacy statements.

Each loads through ``cases.access.get_on_visible_case``: the record must be on
the case in the URL and that case visible to the user; otherwise 404, logged
either way (ACC-6, ACC-7). Who may reach these pages at all (staff and
coordinators) is the views' role check.
"""

from django.db.models import Exists, OuterRef, Prefetch, prefetch_related_objects

from cases.access import get_on_visible_case
from cases.letters.models import Letter, PrivacyStatementSent
from cases.models import Case, Parent
from pps.models import User

NOT_ON_CASE = "No such document on this case."


def get_letter_for_user(user: User, case_id, letter_id, **kwargs) -> Letter:
    return get_on_visible_case(
        user,
        Letter.objects.all(),
        case_id,
        letter_id,
        message=NOT_ON_CASE,
        **kwargs,
    )


def get_privacy_statement_for_user(
    user: User, case_id, statement_id, **kwargs
) -> PrivacyStatementSent:
    return get_on_visible_case(
        user,
        PrivacyStatementSent.objects.all(),
        case_id,
        statement_id,
        message=NOT_ON_CASE,
        **kwargs,
    )


def parents_with_statement_flag(case: Case) -> None:
    """Prefetch the parents of a case already loaded through ``cases.access``, each
    marked ``statement_sent`` (for the statement reminder)."""
    sent = PrivacyStatementSent.objects.filter(parent=OuterRef("pk"))
    parents = Parent.objects.annotate(statement_sent=Exists(sent)).order_by("id")
    prefetch_related_objects([case], Prefetch("parents", queryset=parents))
