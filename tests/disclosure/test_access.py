"""The permission-checked fetch of a request for information in
``disclosure/access.py`` (ACC-2, ACC-5, ACC-6, ACC-7, DIS-1).

Found and logged for staff and coordinators of the case's service; 404, logged,
for a missing id, another service's request, a volunteer (assigned or not), and
a request of another case under this case's URL.
"""

from disclosure.access import get_disclosure_for_user, visible_disclosures
from tests.disclosure.helpers import log_request
from tests.factories import make_case
from tests.record_access import assert_fetch_rule


def test_acc6_get_disclosure_for_user(
    assigned_case,
    service,
    staff,
    coordinator,
    volunteer,
    volunteer_unassigned,
    other_service,
    other_service_staff,
):
    other_case = make_case(service, staff)
    south_case = make_case(other_service, other_service_staff)
    assert_fetch_rule(
        get_disclosure_for_user,
        object_type="disclosurerequest",
        user=coordinator,
        record=log_request(assigned_case, staff),
        other_case_record=log_request(other_case, staff),
        other_service_record=log_request(south_case, other_service_staff),
        refused_users=[volunteer, volunteer_unassigned],
    )


def test_acc2_visible_disclosures_are_the_services_and_not_a_volunteers(
    assigned_case, staff, volunteer, other_service, other_service_staff
):
    ours = log_request(assigned_case, staff)
    log_request(make_case(other_service, other_service_staff), other_service_staff)
    assert list(visible_disclosures(staff)) == [ours]
    assert list(visible_disclosures(volunteer)) == []
