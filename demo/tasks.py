"""Demo tasks and closures (CAS-3, CAS-5), made through the same services as the screens.

On the newest open cases: a callback arranged on a
helpline contact (its task due tomorrow), an overdue task, a done and a
cancelled one; a case closed with its reason (so its destruction date shows);
and one closed and reopened by the coordinator (both cases no volunteer
works on, with no task open).
"""

import datetime

from django.utils import timezone

from cases import services
from cases.models import Case, Channel, ClosureReason, Outcome, Task, VolunteerAssignment
from cases.tasks.services import task_cancel, task_create, task_done


def _at(days: int, hour: int) -> datetime.datetime:
    day = timezone.localdate() + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


def seed_tasks_and_closures(*, service, users, topics) -> None:
    staff, staff2, coordinator = users["staff"], users["staff2"], users["coordinator"]
    today = timezone.localdate()
    open_cases = Case.objects.filter(service=service, status=Case.Status.OPEN).order_by("-pk")
    busy = VolunteerAssignment.objects.filter(ended_at__isnull=True).values("case_id")
    with_tasks = Task.objects.filter(state=Task.State.OPEN).values("case_id")
    # Closed and reopened: cases no volunteer works on (closing ends their access).
    to_close = list(open_cases.exclude(pk__in=busy).exclude(pk__in=with_tasks)[:2])
    worked = list(open_cases.exclude(pk__in=[case.pk for case in to_close])[:2])
    if len(to_close) < 2 or not worked:
        return
    closing_case, reopened_case = to_close
    callback_case, worked_case = worked[0], worked[-1]
    services.contact_log(
        case=callback_case,
        by=staff,
        channel=Channel.HELPLINE,
        topic=topics[0],
        outcome=Outcome.CALLBACK,
        notes="Parent asked for a call back once the school has replied.",
        callback={
            "due_at": _at(1, 10),
            "note": "Call the parent back about the school's reply.",
        },
    )
    task_create(
        case=callback_case,
        by=staff,
        owner=staff,
        due_at=_at(-2, 16),
        note="Send the EHC needs assessment information sheet.",
    )
    done = task_create(
        case=worked_case,
        by=staff,
        owner=staff2,
        due_at=_at(-1, 11),
        note="Check the annual review date with the parent.",
    )
    task_done(task=done, by=staff2)
    cancelled = task_create(
        case=worked_case, by=staff, due_at=_at(3, 14), note="Book a meeting room."
    )
    task_cancel(task=cancelled, by=staff)
    services.case_close(
        case=closing_case,
        by=staff,
        closed_on=max(closing_case.opened_on, today - datetime.timedelta(days=10)),
        reason=ClosureReason.SUPPORT_COMPLETE,
    )
    services.case_close(
        case=reopened_case,
        by=staff,
        closed_on=max(reopened_case.opened_on, today - datetime.timedelta(days=30)),
        reason=ClosureReason.NO_CONTACT,
    )
    services.case_reopen(
        case=reopened_case,
        by=coordinator,
        reason="The parent called back about the annual review.",
    )
