"""The family screens from the case summary (CAS-1, CAS-2, CAS-7, SEC-4).

One screen and one save per person; GOV.UK date boxes whose errors name the
field; a conflict keeps what was typed; a closed case is read-only; removing a
person is for a coordinator who has just confirmed who they are.
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from cases import services as case_services
from cases.family import services
from cases.models import ChildInformation, Parent
from tests.factories import parent_fields
from tests.two_factor import with_sudo

# Read at each use: a constant would go stale in a run that crosses midnight.
TODAY = timezone.localdate


def date_boxes(name: str, value: datetime.date | None) -> dict:
    if value is None:
        return {f"{name}_day": "", f"{name}_month": "", f"{name}_year": ""}
    return {
        f"{name}_day": str(value.day),
        f"{name}_month": str(value.month),
        f"{name}_year": str(value.year),
    }


def parent_post(**changes) -> dict:
    data = {
        "given_name": "Tomas",
        "family_name": "Quarrie",
        "relationship": "father",
        "parental_responsibility": "yes",
        "phone": "01632 960 555",
        "email": "tomas@example.com",
        "email_permission": "on",
        "address": "12 Mill Lane",
        "postcode": "ne1 4st",
        "storage_agreed_how": "telephone",
        **date_boxes("storage_agreed_on", TODAY()),
        "purpose_explained": "on",
    }
    data.update(changes)
    return data


def child_post(**changes) -> dict:
    data = {
        "given_name": "Ysolde",
        "family_name": "Quarrie",
        "school_phase": "secondary",
        **date_boxes("date_of_birth", datetime.date(2012, 6, 12)),
    }
    data.update(changes)
    return data


@pytest.fixture
def child(case, staff):
    return case_services.child_add(case=case, by=staff, given_name="Ysolde", family_name="Quarrie")


def test_cas1_staff_add_a_second_parent_from_the_case_summary_in_one_save(case, staff, client_for):
    client = client_for(staff)
    summary = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    add_url = reverse("cases:parent_add", args=[case.pk])
    assert add_url in summary
    page = client.get(add_url).content.decode()
    assert 'class="govuk-date-input"' in page and 'type="date"' not in page
    response = client.post(add_url, parent_post())
    assert response.status_code == 302
    added = case.parents.order_by("id").last()
    assert (added.full_name, added.postcode, added.email_permission) == (
        "Tomas Quarrie",
        "NE1 4ST",
        True,
    )
    assert added.storage_agreed_on == TODAY() and added.history.get().history_user == staff


def test_cas1_the_edit_screen_shows_every_field_and_saves_them_all(case, staff, client_for):
    parent = case.parents.get()
    client = client_for(staff)
    url = reverse("cases:parent_edit", args=[case.pk, parent.pk])
    page = client.get(url).content.decode()
    for name in services.PARENT_FIELDS:
        assert f'name="{name}' in page, name
    response = client.post(url, parent_post(version="1", parental_responsibility="no"))
    assert response.status_code == 302
    parent = Parent.objects.get(pk=parent.pk)
    assert (parent.family_name, parent.phone, parent.parental_responsibility) == (
        "Quarrie",
        "01632 960 555",
        "no",
    )
    assert parent.version == 2


@pytest.mark.parametrize(
    ("boxes", "message"),
    [
        ({"date_of_birth_month": ""}, "Date of birth must include a month"),
        ({"date_of_birth_day": "31", "date_of_birth_month": "2"}, "Date of birth must be a real date"),
        ({"date_of_birth_year": "15"}, "Date of birth must have a year with 4 numbers"),
        # Tomorrow is worked out when the test runs, not when it is collected.
        (lambda: date_boxes("date_of_birth", TODAY() + datetime.timedelta(days=1)), "Date of birth cannot be in the future"),
    ],
)  # fmt: skip
def test_cas7_date_boxes_refuse_a_bad_date_naming_the_field(
    case, staff, client_for, boxes, message
):
    boxes = boxes() if callable(boxes) else boxes
    response = client_for(staff).post(
        reverse("cases:child_add", args=[case.pk]), child_post(**boxes)
    )
    assert response.status_code == 400
    page = response.content.decode()
    # In the error summary (linking to the day box) and beside the field.
    assert page.count(message) == 2, page
    assert 'href="#id_date_of_birth_day"' in page and 'id="id_date_of_birth_day"' in page
    assert not case.children.exists()


def test_cas7_a_day_month_year_date_is_never_read_month_first(case, staff, client_for):
    client_for(staff).post(reverse("cases:child_add", args=[case.pk]), child_post())
    assert case.children.get().date_of_birth == datetime.date(2012, 6, 12)


def test_cas1_a_conflicting_edit_keeps_what_was_typed_and_says_why(
    case, staff, coordinator, client_for, child
):
    services.child_update(
        child=child, by=coordinator, expected_version=1,
        given_name="Saved", family_name="First", date_of_birth=None, school_phase="",
    )  # fmt: skip
    response = client_for(staff).post(
        reverse("cases:child_edit", args=[case.pk, child.pk]),
        child_post(given_name="Typed", version="1"),
    )
    assert response.status_code == 409
    page = response.content.decode()
    assert "Someone else saved changes" in page
    assert 'value="Typed"' in page and "Saved First" in page
    assert 'name="version" value="2"' in page
    child.refresh_from_db()
    assert child.given_name == "Saved"


def test_cas1_a_closed_case_shows_no_change_links_and_refuses_the_screens(
    case, staff, client_for, child
):
    case_services.case_close(case=case, by=staff)
    client = client_for(staff)
    summary = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert reverse("cases:parent_add", args=[case.pk]) not in summary
    assert reverse("cases:child_edit", args=[case.pk, child.pk]) not in summary
    url = reverse("cases:child_edit", args=[case.pk, child.pk])
    for response in (client.get(url), client.post(url, child_post(version="1"))):
        assert response.status_code == 302
    child.refresh_from_db()
    assert child.family_name == "Quarrie" and child.version == 1


def test_cas1_removing_a_parent_is_for_a_coordinator_after_confirming_who_they_are(
    case, staff, coordinator, client_for
):
    second = case_services.parent_add(case=case, by=staff, **parent_fields(relationship="father"))
    url = reverse("cases:parent_remove", args=[case.pk, second.pk])
    assert client_for(staff).post(url, {"reason": "duplicate", "version": "1"}).status_code == 403
    client = client_for(coordinator)
    assert client.get(url)["Location"].startswith(reverse("security:sudo"))
    assert client.post(url, {"reason": "duplicate", "version": "1"}).status_code == 302
    assert Parent.objects.filter(pk=second.pk).exists()  # the sudo page, not a removal

    with_sudo(client)
    summary = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert url in summary
    page = client.post(url, {"version": "1"})
    assert page.status_code == 400 and "Choose why they are being removed." in page.content.decode()
    response = client.post(url, {"reason": "duplicate", "version": "1"})
    assert response.status_code == 302
    assert not Parent.objects.filter(pk=second.pk).exists()
    only = case.parents.get()
    refused = client.post(
        reverse("cases:parent_remove", args=[case.pk, only.pk]),
        {"reason": "duplicate", "version": "1"},
    )
    assert refused.status_code == 400 and "only parent or carer" in refused.content.decode()


def test_cas2_information_is_added_corrected_and_ended_through_the_screens(
    case, staff, client_for, child
):
    client = client_for(staff)
    response = client.post(
        reverse("cases:child_information_add", args=[case.pk, child.pk]),
        {
            "kind": "ehc_plan",
            "source": "case_file",
            "text": "EHC plan: speech and language therapy weekly",
            **date_boxes("started_on", datetime.date(2025, 9, 1)),
            **date_boxes("review_on", datetime.date(2026, 9, 1)),
        },
    )
    assert response.status_code == 302
    item = ChildInformation.objects.get(child=child)
    assert (item.started_on, item.review_on) == (
        datetime.date(2025, 9, 1),
        datetime.date(2026, 9, 1),
    )
    summary = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "Next annual review 1 September 2026" in summary

    response = client.post(
        reverse("cases:child_information_edit", args=[case.pk, item.pk]),
        {"kind": "professional_report", "source": "parent", "text": "Report", "version": "1"},
    )
    assert response.status_code == 400
    assert "choose the case file as its source" in response.content.decode()

    response = client.post(
        reverse("cases:child_information_end", args=[case.pk, item.pk]),
        {"version": "1", **date_boxes("ended_on", TODAY())},
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.ended_on == TODAY()
    summary = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert f"Ended {TODAY():%-d %B %Y}" in summary
    assert reverse("cases:child_information_end", args=[case.pk, item.pk]) not in summary
