"""Closing and reopening a case (CAS-3): date and reason, retention at once (RET-1),
read-only while closed, reopened by a coordinator with a reason."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from cases import services
from cases.closing.statistics import closures_by_reason
from cases.family import services as family_services
from cases.helpline import services as helpline
from cases.letters.services import letter_send
from cases.models import Case, CaseClosure, ClosureReason, Task
from cases.statistics.report import Period, build_report
from cases.tasks.services import task_cancel, task_create, task_done
from pps.rules import RuleError
from retention.models import CaseCategory, CaseRetention
from retention.purge import purge_preview
from retention.rules import add_years
from retention.services import legal_hold_place
from tests.cases.helpline_helpers import topic_of
from tests.factories import make_case, parent_fields
from tests.two_factor import with_sudo

TODAY = datetime.date.today


def days_ago(days: int) -> datetime.date:
    return TODAY() - datetime.timedelta(days=days)


def close(case, by, **kwargs):
    kwargs.setdefault("reason", ClosureReason.SUPPORT_COMPLETE)
    return services.case_close(case=case, by=by, **kwargs)


@pytest.fixture
def old_case(service, staff):
    """A case opened a year ago, so closure dates in the past are allowed."""
    return services.case_open(
        service=service,
        by=staff,
        opened_on=days_ago(365),
        parent=parent_fields(storage_agreed_on=days_ago(365)),
    )


# --- closing -------------------------------------------------------------------


def test_cas3_ret1_closing_sets_category_and_destruction_date_in_the_same_transaction(
    old_case, staff
):
    close(old_case, staff, closed_on=days_ago(30), reason=ClosureReason.REFERRED_ON)
    retention = CaseRetention.objects.get(case=old_case)
    assert retention.destroy_on == add_years(days_ago(30), 12)
    assert [link.category.code for link in CaseCategory.objects.filter(case=old_case)] == [
        "parent_support"
    ]
    closure = CaseClosure.objects.get(case=old_case)
    assert (closure.closed_on, closure.reason, closure.closed_by) == (
        days_ago(30),
        "referred_on",
        staff,
    )


def test_cas3_closure_date_cannot_be_in_the_future_or_before_opening(old_case, staff):
    with pytest.raises(RuleError, match="today or in the past"):
        close(old_case, staff, closed_on=TODAY() + datetime.timedelta(days=1))
    with pytest.raises(RuleError, match="before the case was opened"):
        close(old_case, staff, closed_on=days_ago(400))
    with pytest.raises(RuleError, match="reason"):
        close(old_case, staff, reason="bored")
    old_case.refresh_from_db()
    assert old_case.status == "open" and not CaseRetention.objects.filter(case=old_case).exists()


def test_cas3_open_tasks_must_be_done_or_cancelled_first(case, staff, coordinator):
    due = timezone.now() + datetime.timedelta(days=1)
    first = task_create(case=case, by=staff, owner=coordinator, due_at=due)
    second = task_create(case=case, by=staff, due_at=due)
    with pytest.raises(RuleError) as refused:
        close(case, staff)
    message = str(refused.value)
    assert "Mark each open task done or cancel it" in message
    assert coordinator.get_full_name() in message and staff.get_full_name() in message
    case.refresh_from_db()
    assert case.status == "open"
    task_done(task=first, by=coordinator)
    task_cancel(task=second, by=staff)
    assert close(case, staff).status == "closed"


def test_cas3_only_staff_or_a_coordinator_of_the_service_close(
    case, volunteer, admin_user, other_service_staff
):
    for user in (volunteer, admin_user, other_service_staff):
        with pytest.raises(RuleError, match="Only staff or a coordinator"):
            close(case, user)
    case.refresh_from_db()
    assert case.status == "open"


def test_cas3_closing_ends_volunteer_assignments(assigned_case, coordinator, volunteer):
    close(assigned_case, coordinator)
    assert not assigned_case.volunteer_assignments.filter(ended_at__isnull=True).exists()


def test_cas3_a_closed_case_is_read_only(case, staff, service):
    parent = case.parents.get()
    child = services.child_add(case=case, by=staff, given_name="Ada", family_name="B")
    close(case, staff)
    topic = topic_of(service)
    writes = {
        "contact": lambda: services.contact_log(
            case=case, by=staff, channel="helpline", topic=topic, outcome="advice"
        ),
        "child": lambda: services.child_add(case=case, by=staff, given_name="C", family_name="D"),
        "child information": lambda: family_services.child_information_add(
            child=child, by=staff, kind="school", source="parent", text="School"
        ),
        "parent": lambda: services.parent_add(
            case=case,
            by=staff,
            given_name="E",
            family_name="F",
            relationship="father",
            storage_agreed_on=TODAY(),
            storage_agreed_how="telephone",
        ),
        "case update": lambda: services.case_update(
            case=case, by=staff, expected_version=case.version, summary="x", assigned_staff=None
        ),
        "caseworker": lambda: services.case_assign_staff(case=case, staff=staff, by=staff),
        "task": lambda: task_create(case=case, by=staff, due_at=timezone.now()),
        "referral": lambda: helpline.referral_record(
            case=case,
            by=staff,
            referrer_type="school",
            referrer_name="R",
            organisation="O",
            referrer_role="SENCO",
            referred_on=TODAY(),
            parent_agreed_on=TODAY(),
            parent_agreed_how="telephone",
            agreement_evidence="Signed form",
        ),
        "appointment letter": lambda: letter_send(
            case=case,
            parent=parent,
            kind="appointment",
            method="post",
            details={
                "appointment_date": "2030-01-01",
                "appointment_time": "10:00",
                "appointment_place": "Office",
            },
            by=staff,
        ),
    }
    for name, write in writes.items():
        with pytest.raises(RuleError, match="closed and read-only"):
            write()
            pytest.fail(f"{name}: allowed on a closed case")
        case.refresh_from_db()
    assert (case.contacts.count(), case.children.count(), case.parents.count()) == (0, 1, 1)
    assert not Task.objects.exists() and not case.letters.exists()
    # The family is still told the case has closed.
    letter_send(case=case, parent=parent, kind="closure", method="post", details={}, by=staff)


# --- reopening -------------------------------------------------------------------


def test_cas3_coordinator_reopens_with_a_reason_which_clears_the_destruction_date(
    old_case, staff, coordinator
):
    close(old_case, staff, closed_on=days_ago(30))
    assert CaseRetention.objects.get(case=old_case).destroy_on is not None
    with pytest.raises(RuleError, match="Only a coordinator"):
        services.case_reopen(case=old_case, by=staff, reason="Parent called")
    with pytest.raises(RuleError, match="why the case is being reopened"):
        services.case_reopen(case=old_case, by=coordinator, reason="  ")
    services.case_reopen(case=old_case, by=coordinator, reason="REOPEN-WHY-1")
    old_case.refresh_from_db()
    assert (old_case.status, old_case.closed_on) == ("open", None)
    retention = CaseRetention.objects.get(case=old_case)
    assert retention.destroy_on is None and retention.last_closed_on == days_ago(30)
    closure = CaseClosure.objects.get(case=old_case)
    assert (closure.reopened_on, closure.reopened_by, closure.reopen_reason) == (
        TODAY(),
        coordinator,
        "REOPEN-WHY-1",
    )
    # Both appear in the case's history, with who did them.
    statuses = list(old_case.history.order_by("history_id").values_list("status", "history_user"))
    assert statuses[-2:] == [("closed", staff.pk), ("open", coordinator.pk)]
    assert closure.history.order_by("history_id").last().history_user == coordinator
    # Open for work again, and closing again never brings the date earlier.
    services.contact_log(
        case=old_case,
        by=staff,
        channel="helpline",
        topic=topic_of(old_case.service),
        outcome="advice",
    )
    close(old_case, staff, closed_on=days_ago(60))
    assert CaseRetention.objects.get(case=old_case).destroy_on == add_years(days_ago(30), 12)


def test_cas3_ret4_a_legal_hold_stays_through_reopening_and_still_stops_the_purge(
    service, staff, coordinator
):
    case = make_case(service, staff)
    close(case, staff)
    hold = legal_hold_place(case=case, reason="tribunal", by=coordinator)
    services.case_reopen(case=case, by=coordinator, reason="Tribunal papers arrived")
    hold.refresh_from_db()
    assert hold.is_active
    close(case, staff)
    retention = CaseRetention.objects.get(case=case)
    preview = purge_preview(service=service, today=retention.destroy_on)
    assert [item.case_id for item in preview.blocked] == [case.pk] and preview.due == []


def test_cas3_ret2_an_archived_case_is_reopened_as_before_and_loses_its_date(
    old_case, staff, coordinator
):
    close(old_case, staff, closed_on=days_ago(200))
    services.case_archive(case=old_case, by=coordinator)
    with pytest.raises(RuleError, match="archived and read-only"):
        services.child_add(case=old_case, by=staff, given_name="A", family_name="B")
    services.case_reopen(case=old_case, by=coordinator, reason="New enquiry from the parent")
    old_case.refresh_from_db()
    assert (old_case.status, old_case.archived_on) == ("open", None)
    assert CaseRetention.objects.get(case=old_case).destroy_on is None


# --- screens ---------------------------------------------------------------------


def test_cas3_close_page_uses_date_boxes_and_names_the_field_in_errors(case, staff, client_for):
    client = client_for(staff)
    url = reverse("closing:close", args=[case.pk])
    page = client.get(url).content.decode()
    assert 'name="closed_on_day"' in page and 'type="date"' not in page
    tomorrow = TODAY() + datetime.timedelta(days=1)
    response = client.post(
        url,
        {
            "version": case.version,
            "closed_on_day": tomorrow.day,
            "closed_on_month": tomorrow.month,
            "closed_on_year": tomorrow.year,
        },
    )
    text = response.content.decode()
    assert response.status_code == 400
    assert "Date the case closed cannot be in the future" in text
    assert "Choose why the case is closing." in text
    case.refresh_from_db()
    assert case.status == "open"


def test_cas3_closing_from_the_case_page_shows_the_destruction_date(case, staff, client_for):
    client = client_for(staff)
    detail = reverse("cases:detail", args=[case.pk])
    assert reverse("closing:close", args=[case.pk]) in client.get(detail).content.decode()
    today = TODAY()
    response = client.post(
        reverse("closing:close", args=[case.pk]),
        {
            "version": case.version,
            "closed_on_day": today.day,
            "closed_on_month": today.month,
            "closed_on_year": today.year,
            "reason": "no_contact",
        },
    )
    assert response["Location"] == detail
    page = client.get(detail).content.decode()
    assert "No contact from the family after follow-up" in page
    assert add_years(today, 12).strftime("%-d %B %Y") in page and "Parent support" in page
    assert reverse("closing:close", args=[case.pk]) not in page
    assert reverse("cases:edit", args=[case.pk]) not in page


def test_cas3_close_page_lists_the_open_tasks(case, staff, client_for):
    task_create(case=case, by=staff, due_at=timezone.now(), note="RING-THE-SENCO")
    page = client_for(staff).get(reverse("closing:close", args=[case.pk])).content.decode()
    assert "RING-THE-SENCO" in page and "1 open task" in page


def test_cas3_reopening_asks_the_coordinator_to_confirm_who_they_are(
    case, staff, coordinator, client_for
):
    close(case, staff)
    url = reverse("closing:reopen", args=[case.pk])
    client = client_for(coordinator)
    assert client.get(url)["Location"].startswith(reverse("security:sudo"))
    with_sudo(client)
    response = client.post(url, {"version": case.version, "reason": "Parent rang again"})
    case.refresh_from_db()
    assert response["Location"] == reverse("cases:detail", args=[case.pk])
    assert case.status == "open"
    assert client_for(staff).get(url).status_code == 403


# --- statistics ------------------------------------------------------------------


def test_cas3_sta1_statistics_count_closures_by_reason_and_reopenings(service, staff, coordinator):
    cases = [make_case(service, staff) for _ in range(3)]
    close(cases[0], staff, reason=ClosureReason.NO_CONTACT)
    close(cases[1], staff, reason=ClosureReason.NO_CONTACT)
    close(cases[2], staff, reason=ClosureReason.OUT_OF_AREA)
    services.case_reopen(case=cases[2], by=coordinator, reason="Moved back")
    period = Period.parse(f"{TODAY():%Y-%m}")
    by_reason = closures_by_reason(service, period).table()
    counts = dict(zip(by_reason.row_labels, (row[0] for row in by_reason.counts), strict=True))
    assert counts[ClosureReason.NO_CONTACT.label] == 2
    assert counts[ClosureReason.OUT_OF_AREA.label] == 1
    report = build_report(service=service, period=period, threshold=3)
    cases_table = next(t for t in report.tables if t.table.key == "cases").table
    assert (
        dict(zip(cases_table.row_labels, (row[0] for row in cases_table.counts), strict=True))[
            "Reopened"
        ]
        == 1
    )
    assert any(t.table.key == "closures" for t in report.tables)


# --- demo -------------------------------------------------------------------------


def test_cas3_cas5_demo_has_tasks_overdue_done_and_closed_and_reopened_cases(capsys):
    from django.core.management import call_command

    call_command("seed_demo", "--cases", "6")
    capsys.readouterr()
    north = Task.objects.filter(case__service__code="north")
    now = timezone.now()
    assert north.filter(state="open", due_at__lt=now).exists()
    assert north.filter(state="done").exists() and north.filter(state="cancelled").exists()
    assert north.filter(contact__outcome="callback").exists()
    closures = CaseClosure.objects.filter(case__service__code="north")
    assert closures.filter(reason="support_complete", reopened_on__isnull=True).exists()
    assert closures.filter(reopened_on__isnull=False).exists()
    closed = Case.objects.get(pk=closures.get(reason="support_complete").case_id)
    assert closed.status == "closed" and CaseRetention.objects.get(case=closed).destroy_on
