"""Parental responsibility is checked for the parent the support is for, not for the case (REF-5).

Parent A holds parental responsibility, parent B (on the same case) does not:
a volunteer for B or a disclosure on B's behalf is refused, for A allowed.
"""

import pytest
from django.urls import reverse

from cases import services
from cases.models import VolunteerAssignment
from disclosure.models import DisclosureRequest
from tests.consent.helpers import record
from tests.disclosure.helpers import answer, approve, log_request, notify
from tests.factories import make_case, parent_fields

NOT_HELD = "not recorded as holding parental responsibility"


@pytest.fixture
def two_parents(case, staff):
    """The case's first parent (A) holds parental responsibility; B does not."""
    record(case, staff)  # consent covers volunteers and third parties
    parent_a = case.parents.get()
    parent_b = services.parent_add(
        case=case, by=staff, **parent_fields(relationship="father", parental_responsibility="no")
    )
    return parent_a, parent_b


def test_ref5_volunteer_for_a_parent_without_responsibility_is_refused(
    case, two_parents, volunteer, coordinator
):
    parent_a, parent_b = two_parents
    with pytest.raises(services.RuleError, match=NOT_HELD):
        services.volunteer_assign(case=case, volunteer=volunteer, by=coordinator, parent=parent_b)
    assert not case.volunteer_assignments.exists()
    assert not volunteer.has_perm("cases.view_case", case)
    assignment = services.volunteer_assign(
        case=case, volunteer=volunteer, by=coordinator, parent=parent_a
    )
    assert assignment.parent == parent_a


def test_ref5_volunteer_screen_asks_which_parent_and_refuses_one_without_responsibility(
    case, two_parents, volunteer, coordinator, client_for
):
    parent_a, parent_b = two_parents
    client = client_for(coordinator)
    url = reverse("cases:volunteer_assign", args=[case.pk])
    page = client.get(reverse("cases:volunteers", args=[case.pk])).content.decode()
    assert "Parent or carer the volunteer will support" in page

    response = client.post(url, {"volunteer": volunteer.pk, "parent": parent_b.pk})
    assert response.status_code == 400 and NOT_HELD in response.content.decode()
    response = client.post(url, {"volunteer": volunteer.pk})
    assert response.status_code == 400
    assert "Choose the parent or carer the volunteer will support" in response.content.decode()
    assert not VolunteerAssignment.objects.exists()

    response = client.post(url, {"volunteer": volunteer.pk, "parent": parent_a.pk})
    assert response.status_code == 302
    assert case.volunteer_assignments.get().parent == parent_a


def test_ref5_another_parent_holding_responsibility_is_not_enough(
    service, staff, volunteer, coordinator
):
    """The case as a whole allows in-depth support, the parent asking for it does not hold it."""
    case = make_case(service, staff, parental_responsibility="unknown")
    record(case, staff)
    services.parent_add(case=case, by=staff, **parent_fields(parental_responsibility="yes"))
    assert services.case_allows_in_depth_support(case)
    first = case.parents.order_by("pk").first()
    with pytest.raises(services.RuleError, match=NOT_HELD):
        services.volunteer_assign(case=case, volunteer=volunteer, by=coordinator, parent=first)


def test_ref5_a_case_with_one_parent_needs_no_choice(
    case, staff, volunteer, coordinator, client_for
):
    record(case, staff)
    client = client_for(coordinator)
    page = client.get(reverse("cases:volunteers", args=[case.pk])).content.decode()
    assert "Parent or carer the volunteer will support" not in page
    client.post(reverse("cases:volunteer_assign", args=[case.pk]), {"volunteer": volunteer.pk})
    assert case.volunteer_assignments.get().parent == case.parents.get()
    request = log_request(case, staff)
    assert request.on_behalf_of == case.parents.get()


def test_ref5_disclosure_on_behalf_of_a_parent_without_responsibility_is_refused(
    case, two_parents, staff, coordinator
):
    parent_a, parent_b = two_parents
    with pytest.raises(services.RuleError, match=NOT_HELD):
        log_request(case, staff, on_behalf_of=parent_b)
    with pytest.raises(services.RuleError, match="Choose the parent or carer"):
        log_request(case, staff)
    assert not DisclosureRequest.objects.exists()
    request = log_request(case, staff, on_behalf_of=parent_a)
    notify(request, staff)
    answer(request, staff)
    assert approve(request, coordinator).state == "approved"
    # A subject access request is the parent's own, not on anyone's behalf.
    own = log_request(case, staff, requester_type="parent_subject_access", subject_parent=parent_a)
    assert own.on_behalf_of is None


def test_ref5_disclosure_screen_refuses_a_parent_without_responsibility(
    case, two_parents, staff, client_for
):
    parent_a, parent_b = two_parents
    client = client_for(staff)
    assert (
        "on whose behalf" in client.get(reverse("disclosure:new", args=[case.pk])).content.decode()
    )
    post = {
        "requester_type": "la_officer",
        "requester_name": "SEN officer",
        "what_asked": "Notes of the calls.",
        "received_on": "2026-03-02",
    }
    response = client.post(
        reverse("disclosure:create", args=[case.pk]), {**post, "on_behalf_of": parent_b.pk}
    )
    assert response.status_code == 200 and NOT_HELD in response.content.decode()
    response = client.post(reverse("disclosure:create", args=[case.pk]), post)
    assert "Choose the parent or carer the disclosure is on behalf of" in response.content.decode()
    assert not DisclosureRequest.objects.exists()
    response = client.post(
        reverse("disclosure:create", args=[case.pk]), {**post, "on_behalf_of": parent_a.pk}
    )
    assert response.status_code == 302
    assert DisclosureRequest.objects.get().on_behalf_of == parent_a
