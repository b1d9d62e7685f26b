"""Training case studies (COM-6): coordinators prepare, review, sign off and download.

Staff, volunteers and administrators never reach these pages (403). The case
is loaded through the access helper; the download is logged.
"""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from cases.access import get_case_for_user
from cases.case_studies.access import get_case_study_for_user
from cases.case_studies.forms import CaseStudyEditForm, SignOffForm
from cases.case_studies.models import CaseStudy
from cases.case_studies.services import case_study_prepare, case_study_revise, case_study_sign_off
from pps.decorators import no_volunteer_export, role_required
from pps.models import AccessLogEntry
from pps.pdf import pdf_response, render_pdf
from pps.roles import Role
from pps.submission import run_action, submit


def _study(request, case_id: int, study_id: int, *, action=AccessLogEntry.Action.VIEW):
    study = get_case_study_for_user(request.user, case_id, study_id, action=action)
    return study.case, study


@require_POST
@role_required(Role.COORDINATOR)
def case_study_new(request, case_id: int):
    case = get_case_for_user(request.user, case_id)
    prepared, study = run_action(request, lambda: case_study_prepare(case=case, by=request.user))
    if not prepared:
        return redirect(reverse("cases:section_letters", args=[case.pk]) + "#case-studies")
    return redirect("cases:case_study", case.pk, study.pk)


@require_GET
@role_required(Role.COORDINATOR)
def case_study_review(request, case_id: int, study_id: int):
    case, study = _study(request, case_id, study_id)
    return _review_page(request, case, study)


@require_POST
@role_required(Role.COORDINATOR)
def case_study_edit(request, case_id: int, study_id: int):
    case, study = _study(request, case_id, study_id)
    form = CaseStudyEditForm(request.POST)
    revised, _ = submit(
        form, lambda data: case_study_revise(study=study, text=data["text"], by=request.user)
    )
    if revised:
        messages.success(request, "Your changes are saved and have been checked again.")
        return redirect("cases:case_study", case.pk, study.pk)
    return _review_page(request, case, study, edit_form=form, status=400)


@require_POST
@role_required(Role.COORDINATOR)
def case_study_approve(request, case_id: int, study_id: int):
    case, study = _study(request, case_id, study_id)
    form = SignOffForm(request.POST)
    signed_off, _ = submit(form, lambda _data: case_study_sign_off(study=study, by=request.user))
    if signed_off:
        messages.success(request, "Signed off. The case study can now be downloaded.")
        return redirect("cases:case_study", case.pk, study.pk)
    return _review_page(request, case, study, sign_off_form=form, status=400)


@require_GET
@role_required(Role.COORDINATOR)
@no_volunteer_export
def case_study_download(request, case_id: int, study_id: int):
    case, study = _study(request, case_id, study_id, action=AccessLogEntry.Action.DOWNLOAD)
    if study.status != CaseStudy.Status.SIGNED_OFF:
        # Visible to this coordinator, but not yet allowed out.
        messages.error(request, "Read and sign off the case study before downloading it.")
        return redirect("cases:case_study", case.pk, study.pk)
    pdf = render_pdf(
        "case_studies/case_study_pdf.html",
        {
            "document_title": "Training case study",
            "coded_reference": f"Training case study {study.pk}",
            "generated_on": timezone.localdate(),
            "text": study.text,
        },
    )
    return pdf_response(pdf, f"training-case-study-{study.pk}.pdf")


def _review_page(request, case, study, *, edit_form=None, sign_off_form=None, status=200):
    return render(
        request,
        "case_studies/review.html",
        {
            "case": case,
            "study": study,
            "edit_form": edit_form or CaseStudyEditForm(initial={"text": study.text}),
            "sign_off_form": sign_off_form or SignOffForm(),
        },
        status=status,
    )
