"""Tasks: callbacks and follow-ups with an owner, a due time and a done state (CAS-5)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from cases import services
from cases.helpline import services as helpline
from cases.models import Contact, Task
from cases.tasks.selectors import case_task_list, overdue_tasks
from cases.tasks.services import task_cancel, task_create, task_done, task_reassign
from pps.rules import RuleError
from tests.cases.helpline_helpers import contact_post, topic_of
from tests.factories import make_case
from tests.raw_db import tables_containing


def in_hours(hours: float) -> datetime.datetime:
    return timezone.now() + datetime.timedelta(hours=hours)


def date_parts(prefix: str, moment: datetime.datetime) -> dict:
    local = timezone.localtime(moment)
    return {
        f"{prefix}_day": str(local.day),
        f"{prefix}_month": str(local.month),
        f"{prefix}_year": str(local.year),
    }


def time_parts(prefix: str, moment: datetime.datetime) -> dict:
    local = timezone.localtime(moment)
    return {prefix: f"{local:%H:%M}"}


# --- services ----------------------------------------------------------------


def test_cas5_task_has_owner_due_time_encrypted_note_and_history(case, staff, coordinator):
    task = task_create(
        case=case, by=staff, owner=coordinator, due_at=in_hours(2), note="CALL-NOTE-7f3"
    )
    task.refresh_from_db()
    assert (task.owner, task.state, task.created_by) == (coordinator, "open", staff)
    assert task.note == "CALL-NOTE-7f3" and task.data_key_id == case.data_key_id
    # Encrypted at rest under the case's key, history included (SEC-1).
    assert tables_containing("CALL-NOTE-7f3") == set()
    assert task.history.get().history_user == staff


def test_cas5_owner_defaults_to_the_person_adding_it(case, staff):
    assert task_create(case=case, by=staff, due_at=in_hours(1)).owner == staff


@pytest.mark.parametrize("who", ["volunteer", "admin", "other_service_staff"])
def test_cas5_owner_must_be_staff_of_the_service(
    case, staff, volunteer, admin_user, other_service_staff, who
):
    owner = {
        "volunteer": volunteer,
        "admin": admin_user,
        "other_service_staff": other_service_staff,
    }[who]
    with pytest.raises(RuleError, match="staff or a coordinator"):
        task_create(case=case, by=staff, owner=owner, due_at=in_hours(1))
    assert not Task.objects.exists()


def test_cas5_only_staff_of_the_service_add_tasks(case, volunteer, other_service_staff):
    for user in (volunteer, other_service_staff):
        with pytest.raises(RuleError):
            task_create(case=case, by=user, due_at=in_hours(1))
    assert not Task.objects.exists()


def test_cas5_done_and_cancelled_record_who_and_when(case, staff, coordinator):
    done = task_done(task=task_create(case=case, by=staff, due_at=in_hours(1)), by=coordinator)
    cancelled = task_cancel(task=task_create(case=case, by=staff, due_at=in_hours(1)), by=staff)
    done.refresh_from_db()
    cancelled.refresh_from_db()
    assert (done.state, done.finished_by) == ("done", coordinator) and done.finished_at
    assert (cancelled.state, cancelled.finished_by) == ("cancelled", staff)
    with pytest.raises(RuleError, match="already done"):
        task_cancel(task=done, by=staff)
    with pytest.raises(RuleError, match="already cancelled"):
        task_done(task=cancelled, by=staff)


def test_cas5_reassign_gives_an_open_task_to_someone_else(case, staff, coordinator):
    task = task_create(case=case, by=staff, due_at=in_hours(1))
    task_reassign(task=task, owner=coordinator, by=staff)
    task.refresh_from_db()
    assert task.owner == coordinator
    assert [row.owner_id for row in task.history.order_by("history_id")] == [
        staff.pk,
        coordinator.pk,
    ]
    with pytest.raises(RuleError, match="already theirs"):
        task_reassign(task=task, owner=coordinator, by=staff)
    task_done(task=task, by=coordinator)
    with pytest.raises(RuleError, match="already done"):
        task_reassign(task=task, owner=staff, by=coordinator)


def test_cas5_overdue_is_open_and_due_before_now(case, staff):
    late = task_create(case=case, by=staff, due_at=in_hours(-1))
    task_create(case=case, by=staff, due_at=in_hours(1))
    task_done(task=task_create(case=case, by=staff, due_at=in_hours(-2)), by=staff)
    assert list(overdue_tasks()) == [late]
    marked = {task.pk: task.overdue for task in case_task_list(case)}
    assert [pk for pk, overdue in marked.items() if overdue] == [late.pk]


# --- callback arranged ----------------------------------------------------------


def test_cas5_callback_arranged_cannot_be_saved_without_a_task(case, staff, service):
    with pytest.raises(RuleError, match="needs a task"):
        services.contact_log(
            case=case, by=staff, channel="helpline", topic=topic_of(service), outcome="callback"
        )
    assert not Contact.objects.exists() and not Task.objects.exists()


def test_cas5_callback_arranged_saves_contact_and_task_together(case, staff, coordinator, service):
    contact = services.contact_log(
        case=case,
        by=staff,
        channel="helpline",
        topic=topic_of(service),
        outcome="callback",
        callback={"due_at": in_hours(3), "owner": coordinator, "note": "Ring back"},
    )
    task = Task.objects.get()
    assert (task.contact, task.owner, task.note) == (contact, coordinator, "Ring back")


def test_cas5_a_refused_task_saves_no_contact(case, staff, volunteer, service):
    with pytest.raises(RuleError):
        services.contact_log(
            case=case,
            by=staff,
            channel="helpline",
            topic=topic_of(service),
            outcome="callback",
            callback={"due_at": in_hours(3), "owner": volunteer},
        )
    assert not Contact.objects.exists()


def test_cas5_anonymous_contacts_cannot_arrange_a_callback(service, staff):
    with pytest.raises(RuleError, match="needs a case"):
        services.anonymous_contact_log(
            service=service,
            by=staff,
            channel="helpline",
            topic=topic_of(service),
            outcome="callback",
        )


def test_cas5_voicemail_logged_as_callback_needs_its_task(service, staff, case):
    voicemail = helpline.voicemail_log(
        service=service, by=staff, received_at=timezone.now(), caller_number="", summary="Ring me"
    )
    with pytest.raises(RuleError, match="needs a task"):
        helpline.voicemail_log_on_case(
            voicemail=voicemail, case=case, by=staff, topic=topic_of(service), outcome="callback"
        )
    helpline.voicemail_log_on_case(
        voicemail=voicemail,
        case=case,
        by=staff,
        topic=topic_of(service),
        outcome="callback",
        callback={"due_at": in_hours(1)},
    )
    assert Task.objects.get().contact == Contact.objects.get()


def test_cas5_follow_up_form_requires_the_callback_date_and_time(case, staff, service, client_for):
    url = reverse("helpline:follow_up", args=[case.pk])
    page = client_for(staff).post(url, contact_post(service, outcome="callback"))
    text = page.content.decode()
    assert "Enter the callback date: a callback arranged needs a task." in text
    assert "Enter the callback time: a callback arranged needs a task." in text
    assert 'href="#id_callback_due_on_day"' in text  # the error summary links to the box
    assert not Contact.objects.exists()


def test_cas5_follow_up_form_saves_the_callback_for_the_current_user(
    case, staff, service, client_for
):
    due = in_hours(26)
    data = contact_post(
        service,
        outcome="callback",
        callback_note="Ring about the annual review",
        **date_parts("callback_due_on", due),
        **time_parts("callback_due_time", due),
    )
    response = client_for(staff).post(reverse("helpline:follow_up", args=[case.pk]), data)
    assert response.status_code == 302
    task = Task.objects.get()
    assert (task.owner, task.contact, task.note) == (
        staff,
        Contact.objects.get(),
        data["callback_note"],
    )
    assert timezone.localtime(task.due_at).replace(second=0, microsecond=0) == timezone.localtime(
        due
    ).replace(second=0, microsecond=0)


def test_cas5_callback_date_is_day_month_year_boxes_not_a_date_picker(case, staff, client_for):
    page = client_for(staff).get(reverse("helpline:follow_up", args=[case.pk])).content.decode()
    assert 'name="callback_due_on_day"' in page and 'name="callback_due_time"' in page
    assert 'type="date"' not in page.split('id="id_callback_due_on"')[1].split("</fieldset>")[0]


# --- screens ---------------------------------------------------------------------


def test_cas5_task_page_lists_tasks_tags_overdue_and_adds_one(case, staff, coordinator, client_for):
    task_create(case=case, by=staff, due_at=in_hours(-3), note="LATE-ONE")
    client = client_for(staff)
    url = reverse("tasks:list", args=[case.pk])
    page = client.get(url).content.decode()
    assert "LATE-ONE" in page and "Overdue" in page
    due = in_hours(48)
    response = client.post(
        reverse("tasks:add", args=[case.pk]),
        {
            **date_parts("due_on", due),
            **time_parts("due_time", due),
            "owner": str(coordinator.pk),
            "note": "NEW-ONE",
        },
    )
    assert response["Location"] == url
    assert Task.objects.get(note__isnull=False, owner=coordinator).note == "NEW-ONE"


def test_cas5_task_form_names_the_missing_field(case, staff, client_for):
    response = client_for(staff).post(
        reverse("tasks:add", args=[case.pk]), {"due_on_day": "3", "due_on_year": "2099"}
    )
    text = response.content.decode()
    assert response.status_code == 400
    assert "Date due must include a month" in text
    assert "Enter the time the task is due." in text
    assert not Task.objects.exists()


def test_cas5_done_cancel_and_reassign_from_the_screens(case, staff, coordinator, client_for):
    client = client_for(staff)
    one = task_create(case=case, by=staff, due_at=in_hours(1))
    two = task_create(case=case, by=staff, due_at=in_hours(2))
    client.post(reverse("tasks:done", args=[case.pk, one.pk]))
    client.post(reverse("tasks:cancel", args=[case.pk, two.pk]))
    three = task_create(case=case, by=staff, due_at=in_hours(3))
    client.post(reverse("tasks:reassign", args=[case.pk, three.pk]), {"owner": coordinator.pk})
    states = dict(Task.objects.values_list("pk", "state"))
    assert (states[one.pk], states[two.pk]) == ("done", "cancelled")
    assert Task.objects.get(pk=three.pk).owner == coordinator


def test_cas5_a_task_of_another_case_is_not_found_through_this_one(
    case, staff, service, client_for
):
    other = make_case(service, staff)
    theirs = task_create(case=other, by=staff, due_at=in_hours(1))
    response = client_for(staff).post(reverse("tasks:done", args=[case.pk, theirs.pk]))
    assert response.status_code == 404
    assert Task.objects.get(pk=theirs.pk).state == "open"


def test_cas5_tasks_are_for_staff_of_the_service(
    case, staff, volunteer, other_service_staff, client_for
):
    task = task_create(case=case, by=staff, due_at=in_hours(1))
    south_staff = other_service_staff
    assert client_for(volunteer).get(reverse("tasks:list", args=[case.pk])).status_code == 403
    response = client_for(south_staff).post(reverse("tasks:done", args=[case.pk, task.pk]))
    assert response.status_code == 404
    assert Task.objects.get(pk=task.pk).state == "open"
