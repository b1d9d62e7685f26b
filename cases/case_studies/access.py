"""The permission-checked, logged read of a case study (COM-6).

Through ``cases.access.get_on_visible_case``, like every record on a case: on
the case in the URL, that case visible to the user, and a coordinator's;
otherwise 404, logged either way (ACC-6, ACC-7).
"""

from cases.access import get_on_visible_case
from cases.case_studies.models import CaseStudy
from pps.models import User
from pps.roles import Role


def get_case_study_for_user(user: User, case_id, study_id, **kwargs) -> CaseStudy:
    return get_on_visible_case(
        user,
        CaseStudy.objects.select_related("prepared_by", "signed_off_by"),
        case_id,
        study_id,
        roles=(Role.COORDINATOR,),
        message="No such case study.",
        **kwargs,
    )
