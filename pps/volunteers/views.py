"""Coordinators' screens for volunteer onboarding: agreements, training, refreshers (ACC-4)."""

from django.contrib import messages
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from pps.access_log import record_access, record_listing
from pps.decorators import no_volunteer_export, role_required
from pps.models import AccessLogEntry, User, VolunteerAgreement
from pps.roles import Role
from pps.uploads import document_response
from pps.volunteers.forms import VolunteerAgreementForm, VolunteerTrainingForm
from pps.volunteers.onboarding import (
    OnboardingError,
    onboarding_status,
    onboarding_statuses,
    service_volunteers,
    volunteer_agreement_record,
    volunteer_training_record,
)


def get_volunteer_for_coordinator(coordinator: User, pk) -> User:
    """A volunteer of the coordinator's own service; 404 for anyone else."""
    volunteer = service_volunteers(coordinator.service_id).filter(pk=pk).first()
    if volunteer is None:
        raise Http404("No such volunteer.")
    return volunteer


@require_GET
@role_required(Role.COORDINATOR)
def volunteer_list(request):
    statuses = onboarding_statuses(request.user.service_id)
    open_counts = dict(
        service_volunteers(request.user.service_id)
        .annotate(
            open_cases=Count(
                "volunteer_assignments", filter=Q(volunteer_assignments__ended_at__isnull=True)
            )
        )
        .values_list("pk", "open_cases")
    )
    rows = [(status, open_counts.get(status.volunteer.pk, 0)) for status in statuses]
    return render(
        request,
        "pps/volunteers/list.html",
        {"rows": rows, "refresher_months": request.user.service.volunteer_refresher_months},
    )


@require_GET
@role_required(Role.COORDINATOR)
def volunteer_detail(request, user_id: int):
    volunteer = get_volunteer_for_coordinator(request.user, user_id)
    assignments = list(
        volunteer.volunteer_assignments.filter(ended_at__isnull=True)
        .order_by("case_id")
        .values("case_id", "case__reference", "assigned_at")
    )
    record_listing(request.user, object_type="case", case_ids=[a["case_id"] for a in assignments])
    return render(
        request,
        "pps/volunteers/detail.html",
        {
            "volunteer": volunteer,
            "status": onboarding_status(volunteer),
            "agreements": volunteer.volunteer_agreements.defer("document").select_related(
                "recorded_by"
            ),
            "trainings": volunteer.volunteer_trainings.select_related("recorded_by"),
            "assignments": assignments,
        },
    )


def _record_form(request, user_id, form_class, heading, record):
    volunteer = get_volunteer_for_coordinator(request.user, user_id)
    form = form_class(*((request.POST, request.FILES) if request.method == "POST" else ()))
    if request.method == "POST" and form.is_valid():
        try:
            message = record(volunteer, form.cleaned_data)
        except OnboardingError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, message)
            return redirect("volunteers:detail", user_id=volunteer.pk)
    return render(
        request,
        "pps/volunteers/record_form.html",
        {"volunteer": volunteer, "form": form, "heading": heading},
        status=400 if request.method == "POST" else 200,
    )


@require_http_methods(["GET", "POST"])
@role_required(Role.COORDINATOR)
def agreement_add(request, user_id: int):
    def record(volunteer, data):
        volunteer_agreement_record(
            volunteer=volunteer,
            by=request.user,
            signed_on=data["signed_on"],
            uploaded_file=data["document"],
            remote_working_undertaking=data["remote_working_undertaking"],
        )
        return "Signed agreement saved."

    return _record_form(
        request, user_id, VolunteerAgreementForm, "Upload a signed agreement", record
    )


@require_http_methods(["GET", "POST"])
@role_required(Role.COORDINATOR)
def training_add(request, user_id: int):
    def record(volunteer, data):
        volunteer_training_record(
            volunteer=volunteer, by=request.user, completed_on=data["completed_on"]
        )
        return "Training recorded."

    return _record_form(
        request, user_id, VolunteerTrainingForm, "Record data-protection training", record
    )


@require_GET
@no_volunteer_export
@role_required(Role.COORDINATOR)
def agreement_download(request, user_id: int, agreement_id: int):
    volunteer = get_volunteer_for_coordinator(request.user, user_id)
    agreement = get_object_or_404(VolunteerAgreement, pk=agreement_id, volunteer=volunteer)
    if not agreement.content_type:
        # Its scan was destroyed at the end of its retention period (GOV-7).
        raise Http404("The scan of this agreement has been destroyed.")
    record_access(
        request.user,
        action=AccessLogEntry.Action.DOWNLOAD,
        object_type="volunteer_agreement",
        object_id=agreement.pk,
    )
    return document_response(
        agreement.document, agreement.content_type, f"volunteer-agreement-{agreement.pk}"
    )
