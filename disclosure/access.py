"""Permission-checked, logged reads of requests for information.

``get_disclosure_for_user`` loads one request through
``cases.access.get_on_visible_case``: it must be on the case in the URL and
that case visible to the user; otherwise 404, logged either way (ACC-6,
ACC-7). ``visible_disclosures`` is the list equivalent. Who may reach the
pages at all (staff and coordinators; approvers for the decisions) is the
views' role check.
"""

from django.db.models import QuerySet
from django.http import Http404

from cases.access import get_on_visible_case, on_visible_cases
from disclosure.models import DisclosureRequest, ReleaseJob
from pps.models import User
from pps.roles import CASE_WORKER_ROLES


def visible_disclosures(user: User) -> QuerySet[DisclosureRequest]:
    """Requests on cases the user may open; none for a volunteer (ACC-5) or an administrator."""
    if user.role not in CASE_WORKER_ROLES:
        return DisclosureRequest.objects.none()
    return on_visible_cases(user, DisclosureRequest.objects.all())


def get_disclosure_for_user(user: User, case_id, disclosure_id, **kwargs) -> DisclosureRequest:
    return get_on_visible_case(
        user,
        DisclosureRequest.objects.select_related("logged_by", "decided_by"),
        case_id,
        disclosure_id,
        message="No such request on this case.",
        **kwargs,
    )


def get_release_job_for_user(
    user: User, case_id, disclosure_id, job_id
) -> tuple[DisclosureRequest, ReleaseJob]:
    """A large release's job (OPS-2): through its request's checked, logged read."""
    disclosure = get_disclosure_for_user(user, case_id, disclosure_id)
    job = ReleaseJob.objects.filter(request=disclosure, pk=job_id).first()
    if job is None:
        raise Http404("No such release on this request.")
    return disclosure, job
