"""The access helper: need to know, one 404 for missing and forbidden, every read logged."""

import pytest
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from cases import services
from cases.access import get_case_for_user, on_visible_cases, visible_cases
from cases.family import services as family_services
from cases.models import ChildInformation, Parent
from pps.models import AccessLogEntry
from tests.factories import make_case


def test_acc2_staff_and_coordinators_see_all_cases_of_their_service(
    case, staff, coordinator, other_service_staff
):
    assert list(visible_cases(staff)) == [case]
    assert list(visible_cases(coordinator)) == [case]
    assert list(visible_cases(other_service_staff)) == []


def test_acc2_volunteer_sees_only_assigned_cases(
    service, staff, assigned_case, volunteer, volunteer_unassigned
):
    make_case(service, staff)
    assert list(visible_cases(volunteer)) == [assigned_case]
    assert list(visible_cases(volunteer_unassigned)) == []


@pytest.mark.parametrize(
    "persona",
    [
        "staff",
        "coordinator",
        "volunteer",
        "volunteer_unassigned",
        "other_service_staff",
        "admin_user",
    ],
)
def test_acc2_records_on_visible_cases_are_those_of_the_cases_the_user_sees(
    request, service, staff, assigned_case, other_service, persona
):
    """``on_visible_cases`` keeps exactly the records of ``visible_cases``, as a
    correlated EXISTS: never ``case IN (every visible case)``, which SQLite
    builds in full before reading a single record."""
    make_case(service, staff)
    make_case(other_service, request.getfixturevalue("other_service_staff"))
    user = request.getfixturevalue(persona)
    records = on_visible_cases(user, Parent.objects.all())
    expected = Parent.objects.filter(case__in=list(visible_cases(user)))
    assert set(records) == set(expected)
    if visible_cases(user).exists():
        sql = str(records.query)
        assert "EXISTS" in sql and "IN (SELECT" not in sql


def test_acc1_admin_sees_no_case_content(case, admin_user, client_for):
    assert list(visible_cases(admin_user)) == []
    assert client_for(admin_user).get(reverse("cases:detail", args=[case.pk])).status_code == 403


def test_acc2_unassigning_or_closing_removes_volunteer_access_at_once(
    assigned_case, volunteer, coordinator, client_for
):
    client = client_for(volunteer)
    url = reverse("cases:detail", args=[assigned_case.pk])
    assert client.get(url).status_code == 200
    assignment = assigned_case.volunteer_assignments.get()
    services.volunteer_unassign(assignment=assignment, by=coordinator)
    assert client.get(url).status_code == 404

    services.volunteer_assign(case=assigned_case, volunteer=volunteer, by=coordinator)
    assert client.get(url).status_code == 200
    services.case_close(case=assigned_case, by=coordinator)
    assert client.get(url).status_code == 404


def test_acc6_missing_and_forbidden_answer_the_same_404_and_are_logged(case, other_service_staff):
    for pk in (case.pk, 999999):
        with pytest.raises(Http404):
            get_case_for_user(other_service_staff, pk)
    denied = AccessLogEntry.objects.filter(user=other_service_staff, allowed=False)
    assert sorted(denied.values_list("case_id", flat=True)) == sorted([case.pk, 999999])


def test_acc6_forbidden_page_shows_nothing_of_the_case(case, other_service_staff, client_for):
    response = client_for(other_service_staff).get(reverse("cases:detail", args=[case.pk]))
    missing = client_for(other_service_staff).get(reverse("cases:detail", args=[999999]))
    assert response.status_code == missing.status_code == 404
    assert case.reference.encode() not in response.content


def test_acc7_every_case_read_is_logged(case, staff, client_for):
    client_for(staff).get(reverse("cases:detail", args=[case.pk]))
    entry = AccessLogEntry.objects.get(user=staff, action="view")
    assert (entry.case_id, entry.allowed, entry.role, entry.object_type) == (
        case.pk,
        True,
        "staff",
        "case",
    )


def test_acc7_cases_shown_in_a_list_are_logged(service, staff, client_for):
    cases = [make_case(service, staff) for _ in range(3)]
    client_for(staff).get(reverse("cases:list"))
    listed = AccessLogEntry.objects.filter(user=staff, action="list")
    assert sorted(listed.values_list("case_id", flat=True)) == sorted(c.pk for c in cases)


def test_acc3_volunteer_sees_parent_supplied_information_only(
    assigned_case, volunteer, staff, client_for
):
    child = services.child_add(case=assigned_case, by=staff, given_name="Ava", family_name="Jones")
    family_services.child_information_add(
        child=child, by=staff, kind="sen_need", source="parent", text="PARENT-SAID-THIS"
    )
    family_services.child_information_add(
        child=child,
        by=staff,
        kind=ChildInformation.Kind.SCHOOL_RECORD,
        source="case_file",
        text="CASE-FILE-ONLY",
    )
    url = reverse("cases:detail", args=[assigned_case.pk])
    volunteer_page = client_for(volunteer).get(url).content.decode()
    staff_page = client_for(staff).get(url).content.decode()
    assert "PARENT-SAID-THIS" in volunteer_page and "CASE-FILE-ONLY" not in volunteer_page
    assert "PARENT-SAID-THIS" in staff_page and "CASE-FILE-ONLY" in staff_page


def test_ref7_voicemail_hidden_from_volunteers(
    assigned_case, volunteer, staff, service, client_for
):
    services.contact_log(
        case=assigned_case,
        by=staff,
        channel="voicemail",
        topic=service.topics.first(),
        outcome="callback",
        notes="VOICEMAIL-MESSAGE",
        callback={"due_at": timezone.now()},
    )
    url = reverse("cases:detail", args=[assigned_case.pk])
    assert "VOICEMAIL-MESSAGE" not in client_for(volunteer).get(url).content.decode()
    assert "VOICEMAIL-MESSAGE" in client_for(staff).get(url).content.decode()


def test_case_list_paginates(service, staff, client_for):
    for _ in range(27):
        make_case(service, staff)
    client = client_for(staff)
    first = client.get(reverse("cases:list"))
    second = client.get(reverse("cases:list"), {"page": 2})
    assert len(first.context["cases"]) == 25 and len(second.context["cases"]) == 2


def test_sec4_markup_in_notes_is_escaped(case, staff, service, client_for):
    services.contact_log(
        case=case,
        by=staff,
        channel="helpline",
        topic=service.topics.first(),
        outcome="advice",
        notes="<script>alert(1)</script>",
    )
    page = client_for(staff).get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert (
        "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    )


def test_case_list_query_count_does_not_grow_with_the_page(
    service, staff, client_for, django_assert_max_num_queries
):
    from django.db import connections
    from django.test.utils import CaptureQueriesContext

    from pps import crypto

    for _ in range(30):
        make_case(service, staff)
    client = client_for(staff)
    client.get(reverse("cases:list"))  # warm the session
    crypto.forget_cached_keys()
    with (
        CaptureQueriesContext(connections["default"]) as main,
        CaptureQueriesContext(connections["keystore"]) as keys,
    ):
        assert client.get(reverse("cases:list")).status_code == 200
    assert len(keys) == 1, "all 25 data keys of the page are unwrapped with one key-store query"
    assert len(main) <= 9  # includes the second-factor device check every request makes
