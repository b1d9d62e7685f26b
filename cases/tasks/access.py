"""The permission-checked, logged fetch of one task on a case (CAS-5).

Tasks are staff work: staff and coordinators of the case's service only, never
volunteers (who do not own tasks) or administrators (ACC-1). Missing, forbidden
and on another case answer 404 alike, logged.
"""

from cases.access import get_on_visible_case
from cases.models import Task
from pps.models import User


def get_task_for_user(user: User, case_id, task_id, **kwargs) -> Task:
    return get_on_visible_case(
        user,
        Task.objects.select_related("owner"),
        case_id,
        task_id,
        message="No such task on this case.",
        **kwargs,
    )
