"""Consent screens for staff: record, review, withdraw, timeline, signed forms (CON-1 to CON-7).

Every view loads its case through ``cases.access.get_case_for_user``, or a
decision or signed form through ``consent.access`` (404 for missing and
forbidden alike, logged). Volunteers see the current decision on
the case page only (``consent_tags``); they change nothing and download
nothing (ACC-5), so every view here is for staff and coordinators.
"""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from cases.access import get_case_for_user
from consent import services
from consent.access import get_consent_decision_for_user, get_signed_form_for_user
from consent.documents import consent_form_pdf
from consent.forms import DecisionForm, SignedFormUploadForm, WithdrawForm
from consent.roles import role_labels
from consent.selectors import (
    awaiting_signed_forms,
    consent_status,
    decision_in_force,
    decision_timeline,
    decisions_by_id,
    review_due_on,
    review_interval_months,
    reviews_due,
)
from consent.sharing import internal_document
from pps.access_log import record_listing
from pps.decorators import no_volunteer_export, role_required
from pps.models import AccessLogEntry
from pps.paging import IdFirstPaginator
from pps.pdf import pdf_response
from pps.roles import CASE_WORKER_ROLES
from pps.submission import submit
from pps.uploads import document_response

REVIEWS_PER_PAGE = 50
staff_only = role_required(*CASE_WORKER_ROLES)


@require_GET
@staff_only
def timeline(request, case_id: int):
    case = get_case_for_user(request.user, case_id)
    return render(
        request,
        "consent/timeline.html",
        {
            "case": case,
            "status": consent_status(case),
            "decisions": decision_timeline(case),
            "events": case.sharing_events.select_related("by", "consent_decision"),
            # Volunteers whose access ended without a coordinator ending it (CON-7).
            "ended_assignments": case.volunteer_assignments.exclude(end_reason="")
            .filter(ended_at__isnull=False)
            .select_related("volunteer")
            .order_by("-ended_at"),
            "labels": role_labels(case.service_id),
        },
    )


def form_page(request, template: str, *, case, form, heading: str, **extra):
    """Render one of the consent form pages (they extend consent/_form_page.html)."""
    context = {"case": case, "form": form, "heading": heading, **extra}
    return render(request, f"consent/{template}", context)


def _decision_page(request, case, form, *, review_of=None):
    heading = "Review consent" if review_of else "Record consent"
    return form_page(
        request, "decision_form.html", case=case, form=form, heading=heading, review_of=review_of
    )


def _open_assignments(case) -> int:
    return case.volunteer_assignments.filter(ended_at__isnull=True).count()


def _tell_assignments_ended(request, case, open_before: int) -> None:
    """Say when the new decision ended volunteer assignments (CON-7, CON-8)."""
    ended = open_before - _open_assignments(case)
    if ended:
        messages.warning(
            request,
            f"The parent's consent no longer covers volunteers: {ended} volunteer "
            f"assignment{'s' if ended != 1 else ''} ended and the volunteer can no longer "
            "see this case. The reason is shown on the case's volunteers page.",
        )


def _save_decision(request, case, *, review_of=None):
    form = DecisionForm(request.POST, service=case.service)
    open_before = _open_assignments(case)
    recorded, decision = submit(
        form,
        lambda data: services.consent_record(
            case=case,
            by=request.user,
            kind=data["kind"],
            obtained_how=data["obtained_how"],
            decided_on=data["decided_on"],
            effective_from=data["effective_from"],
            roles=data["roles"],
            parties=data["parties"],
            limits_explained=data["limits_explained"],
            note=data["note"],
            review_of=review_of,
        ),
    )
    if recorded:
        if decision.needs_signed_form:
            messages.warning(
                request,
                "Consent recorded but incomplete: print the consent form, and attach the "
                "signed copy before anything is shared.",
            )
        else:
            messages.success(request, "Consent decision recorded.")
        _tell_assignments_ended(request, case, open_before)
        return redirect("consent:timeline", case_id=case.pk)
    return _decision_page(request, case, form, review_of=review_of)


@require_GET
@staff_only
def record(request, case_id: int):
    case = get_case_for_user(request.user, case_id)
    form = DecisionForm(initial=DecisionForm.initial_from(None), service=case.service)
    return _decision_page(request, case, form)


@require_POST
@staff_only
def record_save(request, case_id: int):
    case = get_case_for_user(request.user, case_id)
    return _save_decision(request, case)


def _decision_to_review(request, case):
    """The decision in force; None (with a message saying why) when there is none."""
    decision = decision_in_force(case, timezone.now())
    if decision is None:
        messages.info(request, "There is no consent decision to review yet: record one.")
    return decision


@require_GET
@staff_only
def review(request, case_id: int):
    case = get_case_for_user(request.user, case_id)
    current = _decision_to_review(request, case)
    if current is None:
        return redirect("consent:record", case_id=case.pk)
    form = DecisionForm(initial=DecisionForm.initial_from(current), service=case.service)
    return _decision_page(request, case, form, review_of=current)


@require_POST
@staff_only
def review_save(request, case_id: int):
    case = get_case_for_user(request.user, case_id)
    current = _decision_to_review(request, case)
    if current is None:
        return redirect("consent:record", case_id=case.pk)
    return _save_decision(request, case, review_of=current)


def _withdraw_page(request, case, form):
    return form_page(
        request,
        "withdraw.html",
        case=case,
        form=form,
        heading="Withdraw consent",
        status=consent_status(case),
        labels=role_labels(case.service_id),
    )


@require_GET
@staff_only
def withdraw(request, case_id: int):
    case = get_case_for_user(request.user, case_id)
    return _withdraw_page(request, case, WithdrawForm())


@require_POST
@staff_only
def withdraw_save(request, case_id: int):
    case = get_case_for_user(request.user, case_id)
    form = WithdrawForm(request.POST)
    open_before = _open_assignments(case)
    withdrawn, _ = submit(
        form, lambda data: services.consent_withdraw(case=case, by=request.user, **data)
    )
    if withdrawn:
        messages.success(request, "Consent withdrawn. Nothing more may be shared.")
        _tell_assignments_ended(request, case, open_before)
        return redirect("consent:timeline", case_id=case.pk)
    return _withdraw_page(request, case, form)


@require_GET
@no_volunteer_export
@staff_only
@internal_document("The consent form is printed for the parent to sign; it names no one else.")
def form_pdf(request, case_id: int, decision_id: int):
    download = AccessLogEntry.Action.DOWNLOAD
    decision = get_consent_decision_for_user(request.user, case_id, decision_id, action=download)
    case = decision.case
    if not decision.permits_sharing:
        messages.error(request, "A consent form is printed only for full or restricted consent.")
        return redirect("consent:timeline", case_id=case.pk)
    return pdf_response(
        consent_form_pdf(decision), f"consent-form-{case.reference}-{decision.pk}.pdf"
    )


def _upload_page(request, case, decision, form):
    return form_page(
        request,
        "signed_form_upload.html",
        case=case,
        form=form,
        heading="Attach the signed copy",
        decision=decision,
        labels=role_labels(case.service_id),
    )


@require_GET
@staff_only
def signed_form(request, case_id: int, decision_id: int):
    decision = get_consent_decision_for_user(request.user, case_id, decision_id)
    case = decision.case
    return _upload_page(request, case, decision, SignedFormUploadForm())


@require_POST
@staff_only
def signed_form_save(request, case_id: int, decision_id: int):
    decision = get_consent_decision_for_user(request.user, case_id, decision_id)
    case = decision.case
    form = SignedFormUploadForm(request.POST, request.FILES)
    attached, _ = submit(
        form,
        lambda data: services.signed_form_attach(
            decision=decision,
            content=data["document"],
            content_type=data["content_type"],
            by=request.user,
        ),
    )
    if attached:
        messages.success(request, "Signed copy attached. The consent is complete.")
        return redirect("consent:timeline", case_id=case.pk)
    return _upload_page(request, case, decision, form)


@require_GET
@no_volunteer_export
@staff_only
@internal_document("The service's own copy of what the parent signed; staff only.")
def signed_form_download(request, case_id: int, form_id: int):
    download = AccessLogEntry.Action.DOWNLOAD
    document = get_signed_form_for_user(request.user, case_id, form_id, action=download)
    case = document.case
    return document_response(
        document.content, document.content_type, f"signed-consent-{case.reference}-{document.pk}"
    )


@require_GET
@staff_only
def reviews(request):
    """Consent reviews due, and in-person consents still waiting for the signed form."""
    months = review_interval_months(request.user.service_id)
    page = IdFirstPaginator(reviews_due(request.user), REVIEWS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    due = list(page.object_list)
    awaiting = list(awaiting_signed_forms(request.user)[:REVIEWS_PER_PAGE])
    decisions = decisions_by_id(case.consent_decision_id for case in [*due, *awaiting])
    for case in [*due, *awaiting]:
        case.consent = decisions[case.consent_decision_id]
        case.review_due = review_due_on(case.consent, months)
    record_listing(
        request.user, object_type="case", case_ids=[case.pk for case in [*due, *awaiting]]
    )
    return render(
        request,
        "consent/reviews.html",
        {"page_obj": page, "due": due, "awaiting": awaiting, "months": months},
    )
