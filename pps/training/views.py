"""Coordinators' screens for staff data-protection and FOI training (GOV-1)."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from pps.decorators import role_required
from pps.models import StaffTraining, User
from pps.roles import Role
from pps.training.forms import StaffTrainingForm
from pps.training.records import (
    TrainingError,
    service_staff,
    staff_training_correct,
    staff_training_record,
    staff_training_status,
    staff_training_statuses,
)


def get_staff_member_for_coordinator(coordinator: User, pk) -> User:
    """A staff member or coordinator of the coordinator's own service; 404 for anyone else."""
    person = service_staff(coordinator.service_id).filter(pk=pk).first()
    if person is None:
        raise Http404("No such staff member.")
    return person


@require_GET
@role_required(Role.COORDINATOR)
def training_list(request):
    return render(
        request,
        "pps/training/list.html",
        {
            "statuses": staff_training_statuses(request.user.service_id),
            "refresher_months": request.user.service.volunteer_refresher_months,
        },
    )


@require_GET
@role_required(Role.COORDINATOR)
def training_detail(request, user_id: int):
    person = get_staff_member_for_coordinator(request.user, user_id)
    return render(
        request,
        "pps/training/detail.html",
        {
            "person": person,
            "status": staff_training_status(person),
            "trainings": person.staff_trainings.select_related("recorded_by"),
        },
    )


def _training_form(request, person, heading, save, initial=None):
    form = StaffTrainingForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            save(form.cleaned_data["completed_on"])
        except TrainingError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Training recorded.")
            return redirect("training:detail", user_id=person.pk)
    return render(
        request,
        "pps/training/record_form.html",
        {"person": person, "form": form, "heading": heading},
        status=400 if request.method == "POST" else 200,
    )


@require_http_methods(["GET", "POST"])
@role_required(Role.COORDINATOR)
def training_add(request, user_id: int):
    person = get_staff_member_for_coordinator(request.user, user_id)

    def save(completed_on):
        staff_training_record(staff_member=person, by=request.user, completed_on=completed_on)

    return _training_form(request, person, "Record data-protection and FOI training", save)


@require_http_methods(["GET", "POST"])
@role_required(Role.COORDINATOR)
def training_correct(request, user_id: int, training_id: int):
    person = get_staff_member_for_coordinator(request.user, user_id)
    training = get_object_or_404(StaffTraining, pk=training_id, staff_member=person)

    def save(completed_on):
        staff_training_correct(training=training, by=request.user, completed_on=completed_on)

    return _training_form(
        request,
        person,
        "Correct the date of a training",
        save,
        initial={"completed_on": training.completed_on},
    )
