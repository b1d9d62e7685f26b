"""Disclosure screens (DIS-1 to DIS-8): who sees what, and the journey through the forms."""

import pytest
from django.urls import reverse
from django.utils import timezone

from disclosure.models import DisclosureRequest, State
from tests.consent.helpers import record
from tests.disclosure.helpers import answer, approve, log_request, notify
from tests.two_factor import with_sudo


def url(name, request, **kwargs):
    return reverse(f"disclosure:{name}", args=[request.case_id, request.pk])


def test_dis1_staff_log_a_request_with_its_due_date(case, staff, client_for):
    client = client_for(staff)
    assert client.get(reverse("disclosure:new", args=[case.pk])).status_code == 200
    response = client.post(
        reverse("disclosure:create", args=[case.pk]),
        {
            "requester_type": "foi",
            "requester_name": "A member of the public",
            "what_asked": "How many calls about transport?",
            "received_on": "2026-03-02",
        },
    )
    request = DisclosureRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == url("detail", request)
    assert request.due_on.isoformat() == "2026-03-30"
    assert request.recipient_role == "other"  # the default for the type
    page = client.get(reverse("disclosure:case_log", args=[case.pk])).content.decode()
    assert "Request logged" in page and "Freedom of Information request" in page


def test_gov5_a_parent_asking_under_foi_for_their_own_notes_goes_by_the_family_route(
    case, staff, client_for
):
    parent = case.parents.get()
    client = client_for(staff)
    response = client.post(
        reverse("disclosure:create", args=[case.pk]),
        {
            "requester_type": "foi",
            "requester_name": parent.full_name,
            "what_asked": "Copies of my notes from the helpline calls.",
            "received_on": "2026-03-02",
            "subject_parent": parent.pk,
        },
    )
    request = DisclosureRequest.objects.get()
    assert response.status_code == 302
    assert (request.requester_type, request.route) == ("parent_subject_access", "subject_access")
    assert request.is_family_route and request.subject_parent == parent
    assert request.recipient_role == "" and request.on_behalf_of is None
    # Subject access's deadline (one calendar month), not FOI's 20 working days.
    assert request.due_on.isoformat() == "2026-04-02"
    page = client.get(reverse("disclosure:case_log", args=[case.pk])).content.decode()
    assert "answered as their subject access request, by the family route" in page
    # Anyone else's FOI request stays a third-party one.
    client.post(
        reverse("disclosure:create", args=[case.pk]),
        {"requester_type": "foi", "requester_name": "A journalist", "what_asked": "Figures",
         "received_on": "2026-03-02"},
    )  # fmt: skip
    other = DisclosureRequest.objects.exclude(pk=request.pk).get()
    assert (other.requester_type, other.route) == ("foi", "third_party")


def test_dis1_bad_input_is_a_clear_message_and_saves_nothing(case, staff, client_for):
    response = client_for(staff).post(
        reverse("disclosure:create", args=[case.pk]),
        {"requester_type": "child_subject_access", "requester_name": "X", "what_asked": "Y",
         "received_on": timezone.localdate().isoformat()},
    )  # fmt: skip
    assert response.status_code == 200
    assert "Choose the child making the request" in response.content.decode()
    assert not DisclosureRequest.objects.exists()


def test_dis1_coordinators_see_overdue_and_due_soon(case, staff, coordinator, client_for):
    import datetime

    old = log_request(case, staff, received_on=timezone.localdate() - datetime.timedelta(days=60))
    soon = log_request(
        case, staff, requester_type="parent_subject_access", subject_parent=case.parents.first(),
        received_on=timezone.localdate() - datetime.timedelta(days=28),
    )  # fmt: skip
    page = client_for(coordinator).get(reverse("disclosure:requests_due")).content.decode()
    assert "1 overdue, 1 due within 5 working days" in page
    assert f"Request {old.pk}" in page and f"Request {soon.pk}" in page
    assert "govuk-tag--red" in page and "govuk-tag--yellow" in page


def test_dis2_staff_record_the_notice_and_the_answer(case, staff, client_for):
    request = log_request(case, staff)
    client = client_for(staff)
    today = timezone.localdate().isoformat()
    client.post(
        url("notified_save", request), {"version": 1, "notified_on": today, "method": "letter"}
    )
    response = client.post(
        url("answer_save", request),
        {"version": 2, "answer": "consented", "answered_on": today, "evidence": ""},
    )
    assert "needs the signed form" in response.content.decode()
    client.post(
        url("answer_save", request),
        {"version": 2, "answer": "consented", "answered_on": today, "evidence": "letter"},
    )
    request.refresh_from_db()
    assert request.state == State.CONSENT_RECORDED and request.consent_evidence == "letter"


def test_sec4_a_stale_second_click_gets_a_conflict(case, staff, client_for):
    request = log_request(case, staff)
    client = client_for(staff)
    data = {"version": 1, "notified_on": timezone.localdate().isoformat(), "method": "letter"}
    assert client.post(url("notified_save", request), data).status_code == 302
    assert client.post(url("notified_save", request), data).status_code == 409


@pytest.fixture
def ready(case, staff):
    record(case, staff, "full")
    request = log_request(case, staff)
    notify(request, staff)
    answer(request, staff)
    return request


def test_dis4_approval_needs_sudo_then_the_approver(ready, staff, coordinator, client_for):
    client = client_for(coordinator)
    response = client.get(url("decide", ready))
    assert response["Location"].startswith(reverse("security:sudo"))
    with_sudo(client)
    page = client.get(url("decide", ready)).content.decode()
    assert "Consent check: The parent gave full consent" in page
    response = client.post(url("approve_save", ready), {"version": ready.version})
    assert response.status_code == 302
    ready.refresh_from_db()
    assert ready.state == State.APPROVED and ready.decided_by == coordinator


def test_dis4_the_person_who_logged_it_is_told_they_cannot_decide(ready, staff, client_for):
    client = with_sudo(client_for(staff))
    page = client.get(url("decide", ready)).content.decode()
    assert "You logged this request" in page
    response = client.post(url("approve_save", ready), {"version": ready.version})
    assert "You logged this request" in response.content.decode()
    ready.refresh_from_db()
    assert ready.state == State.CONSENT_RECORDED


def test_dis5_release_through_the_screens_and_download_the_pack(ready, coordinator, client_for):
    approve(ready, coordinator)
    client = with_sudo(client_for(coordinator))
    page = client.get(url("release", ready)).content.decode()
    assert "summary:0" in page
    response = client.post(
        url("release_save", ready), {"version": ready.version, "items": ["summary:0"]}
    )
    assert response.status_code == 302
    download = client.get(url("pack_download", ready))
    assert download["Content-Type"] == "application/pdf"
    assert download.content == DisclosureRequest.objects.get(pk=ready.pk).release.pdf
    assert client.get(url("family_pack_download", ready)).status_code == 302  # wrong route


def test_dis4_head_records_deputy_and_absence(service, coordinator, staff, admin_user, client_for):
    from disclosure.models import DisclosureApprovers

    client = client_for(admin_user)
    response = client.post(reverse("disclosure:approvers_save"), {"head": coordinator.pk})
    assert response.status_code == 302
    today = timezone.localdate().isoformat()
    response = client_for(coordinator).post(
        reverse("disclosure:approvers_save"),
        {"head": coordinator.pk, "deputy": staff.pk, "absent_from": today, "absent_until": today},
    )
    assert response.status_code == 302
    approvers = DisclosureApprovers.objects.get(service=service)
    assert approvers.deputy == staff and approvers.head_absent_on(timezone.localdate())
    response = client_for(coordinator).post(
        reverse("disclosure:approvers_save"), {"head": coordinator.pk, "deputy": coordinator.pk}
    )
    assert "someone other than the head" in response.content.decode()


def test_dis8_case_page_links_to_the_log(case, staff, client_for):
    page = client_for(staff).get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert reverse("disclosure:case_log", args=[case.pk]) in page


def test_dis3_whole_record_released_through_the_family_route(ready, staff, coordinator, client_for):
    request = log_request(ready.case, staff)
    notify(request, staff)
    answer(request, staff, "whole_record", whole_record_to="parent")
    approve(request, coordinator)
    client = with_sudo(client_for(coordinator))
    assert (
        client.post(url("release_save", request), {"version": request.version}).status_code == 302
    )
    request.refresh_from_db()
    assert request.state == State.APPROVED  # not released by the third-party route
    response = client.post(
        url("family_release_save", request), {"version": request.version, "reviewed": "on"}
    )
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.state == State.RELEASED and request.release.sharing_event is None
    assert client.get(url("family_pack_download", request))["Content-Type"] == "application/pdf"


def test_dis1_coordinators_case_list_counts_requests_due(case, staff, coordinator, client_for):
    import datetime

    log_request(case, staff, received_on=timezone.localdate() - datetime.timedelta(days=60))
    page = client_for(coordinator).get(reverse("cases:list")).content.decode()
    assert "1 overdue, 0 due within 5 working days" in page
    staff_page = client_for(staff).get(reverse("cases:list")).content.decode()
    assert "due within 5 working days" not in staff_page
