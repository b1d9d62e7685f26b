"""Coordinators assign volunteers to a case and end assignments (ACC-2, ACC-4).

Assigning grants the volunteer's object permission on the case; ending it
(or closing the case) revokes it, effective on the volunteer's next request.
"""

from django.contrib import messages
from django.db import IntegrityError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from cases import services
from cases.access import get_assignment_for_user, get_case_for_user
from cases.models import Case
from consent.sharing import outbound_path, volunteer_sharing_check
from pps.decorators import role_required
from pps.form_fields import ModelChoiceField, PlainTextForm
from pps.roles import Role
from pps.submission import submit
from pps.volunteers.onboarding import onboarding_statuses, service_volunteers


class VolunteerAssignForm(PlainTextForm):
    volunteer = ModelChoiceField(
        queryset=None,
        label="Volunteer",
        empty_label="Choose a volunteer",
        error_messages={
            "required": "Choose a volunteer to assign.",
            "invalid_choice": "Choose one of the volunteers listed.",
        },
    )

    # REF-5: the parent the volunteer supports, asked only when the case has
    # more than one (each needs their own parental responsibility).
    parent = ModelChoiceField(
        queryset=None,
        required=False,
        label="Parent or carer the volunteer will support",
        empty_label="Choose a parent or carer",
        error_messages={"invalid_choice": "Choose one of the parents or carers listed."},
    )

    def __init__(self, *args, choices_from, parents, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["volunteer"].queryset = choices_from
        self.fields["volunteer"].label_from_instance = lambda u: u.get_full_name() or u.username
        if parents.count() > 1:
            self.fields["parent"].queryset = parents
            self.fields["parent"].required = True
            self.fields["parent"].error_messages["required"] = (
                "Choose the parent or carer the volunteer will support."
            )
            self.fields["parent"].label_from_instance = _parent_label
        else:
            del self.fields["parent"]


def _parent_label(parent) -> str:
    return f"{parent.full_name} ({parent.get_parental_responsibility_display().lower()})"


def _render(request, case: Case, form=None, status=200):
    statuses = onboarding_statuses(case.service_id)
    assignments = list(
        case.volunteer_assignments.select_related("volunteer", "assigned_by").order_by(
            "ended_at", "-assigned_at"
        )
    )
    assigned_ids = {a.volunteer_id for a in assignments if a.ended_at is None}
    ready = [s.volunteer for s in statuses if s.ready and s.volunteer.pk not in assigned_ids]
    # The same consent rule the service applies (CON-8): only volunteers the
    # parent's consent covers are offered, and the panel says why when none is.
    assignable, consent_refusal = [], ""
    if case.status == Case.Status.OPEN:
        for volunteer in ready:
            covered = volunteer_sharing_check(case=case, volunteer=volunteer)
            if covered.allowed:
                assignable.append(volunteer.pk)
            else:
                consent_refusal = consent_refusal or covered.reason
    if form is None:
        form = _form(case, assignable)
    return render(
        request,
        "cases/case_volunteers.html",
        {
            "case": case,
            "current": [a for a in assignments if a.ended_at is None],
            "past": [a for a in assignments if a.ended_at is not None],
            "not_ready": [s for s in statuses if not s.ready],
            "form": form,
            "can_assign": case.status == Case.Status.OPEN and bool(assignable),
            "consent_refusal": "" if assignable else consent_refusal,
        },
        status=status,
    )


def _form(case: Case, assignable_ids, data=None):
    return VolunteerAssignForm(
        data,
        choices_from=service_volunteers(case.service_id)
        .filter(pk__in=assignable_ids)
        .order_by("last_name", "first_name"),
        parents=case.parents.all(),
    )


@require_GET
@role_required(Role.COORDINATOR)
def case_volunteers(request, case_id: int):
    return _render(request, get_case_for_user(request.user, case_id))


@require_POST
@role_required(Role.COORDINATOR)
@outbound_path("Sharing the case with a volunteer at the parent's request (CON-8)")
def volunteer_assign(request, case_id: int):
    case = get_case_for_user(request.user, case_id)
    # Any active volunteer of the service may be chosen; the service decides
    # (and explains) whether they can be assigned.
    form = _form(
        case,
        [s.volunteer.pk for s in onboarding_statuses(case.service_id)],
        data=request.POST,
    )
    try:
        assigned, _ = submit(
            form,
            lambda data: services.volunteer_assign(
                case=case, volunteer=data["volunteer"], by=request.user, parent=data.get("parent")
            ),
            field="volunteer",
        )
    except IntegrityError:
        # Two coordinators assigning the same volunteer at once: one wins.
        messages.info(request, "That volunteer is already assigned to this case.")
        return redirect("cases:volunteers", case_id=case.pk)
    if not assigned:
        return _render(request, case, form, status=400)
    volunteer = form.cleaned_data["volunteer"]
    messages.success(
        request, f"{volunteer.get_full_name() or volunteer.username} can now see this case."
    )
    return redirect("cases:volunteers", case_id=case.pk)


@require_POST
@role_required(Role.COORDINATOR)
def volunteer_unassign(request, case_id: int, assignment_id: int):
    assignment = get_assignment_for_user(request.user, case_id, assignment_id)
    case = assignment.case
    if assignment.ended_at is not None:
        messages.info(request, "That assignment had already ended.")
    else:
        services.volunteer_unassign(assignment=assignment, by=request.user)
        volunteer = assignment.volunteer
        messages.success(
            request,
            f"{volunteer.get_full_name() or volunteer.username} can no longer see this case.",
        )
    return redirect("cases:volunteers", case_id=case.pk)
