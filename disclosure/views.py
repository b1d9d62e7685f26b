"""Screens for requests for information (DIS-1 to DIS-6, DIS-8).

Cases load through ``cases.access.get_case_for_user`` and requests through
``disclosure.access.get_disclosure_for_user`` (404 for missing and forbidden
alike, and for a request of another case; logged). Volunteers and
administrators never see disclosures (403). Staff log requests and record the
parent's notice and answer; approving, refusing and releasing are for the
approvers (``disclosure.approvers``) and need a recent re-authentication.
"""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from cases.access import get_case_for_user
from consent.roles import role_labels
from consent.sharing import SharingRefused, internal_document, outbound_path, sharing_require
from disclosure import forms, services
from disclosure.access import (
    get_disclosure_for_user,
    get_release_job_for_user,
    visible_disclosures,
)
from disclosure.approvers import approvers_for, may_decide, may_manage, why_not
from disclosure.due_dates import deadline_basis, urgency
from disclosure.jobs import (
    active_release_job,
    job_is_live,
    release_job_create,
    release_job_enqueue,
    release_runs_as_task,
)
from disclosure.log import disclosure_log
from disclosure.models import OPEN_STATES, DisclosureRequest, State
from disclosure.release_pack import chosen_pack, render_pack
from disclosure.subject_access import family_pack, older_children_to_decide
from pps.access_log import record_listing
from pps.decorators import no_volunteer_export, role_required
from pps.models import AccessLogEntry
from pps.pdf import pdf_response
from pps.roles import CASE_WORKER_ROLES, Role
from pps.security.sudo import sudo_required
from pps.submission import submit

staff_only = role_required(*CASE_WORKER_ROLES)


def _load(request, case_id, request_id, **kwargs):
    item = get_disclosure_for_user(request.user, case_id, request_id, **kwargs)
    case = item.case
    item.role_label = role_labels(case.service_id).get(item.recipient_role, item.recipient_role)
    return case, item


def _to_detail(item: DisclosureRequest):
    return redirect("disclosure:detail", case_id=item.case_id, request_id=item.pk)


# --- lists -------------------------------------------------------------------


@require_GET
@staff_only
def requests_due(request):
    """Open requests in the service, soonest due first, overdue and due-soon tagged (DIS-1)."""
    today = timezone.localdate()
    open_requests = list(
        visible_disclosures(request.user).filter(state__in=OPEN_STATES).select_related("case")
    )
    for item in open_requests:
        item.urgency = urgency(item.due_on, today)
    record_listing(request.user, object_type="case", case_ids={r.case_id for r in open_requests})
    return render(
        request,
        "disclosure/requests_due.html",
        {
            "requests": open_requests,
            "overdue": sum(r.urgency == "overdue" for r in open_requests),
            "due_soon": sum(r.urgency == "due soon" for r in open_requests),
        },
    )


@require_GET
@staff_only
def case_log(request, case_id: int):
    """Every request, step, release and override on the case, for its whole life (DIS-8)."""
    case = get_case_for_user(request.user, case_id)
    return render(
        request,
        "disclosure/case_log.html",
        {
            "case": case,
            "entries": disclosure_log(case),
            "requests": case.disclosure_requests.order_by("-received_on", "-id"),
        },
    )


# --- logging a request and the parent's side (staff) -------------------------


def _new_page(request, case, form):
    return render(request, "disclosure/new.html", {"case": case, "form": form})


@require_GET
@staff_only
def new(request, case_id: int):
    case = get_case_for_user(request.user, case_id)
    form = forms.RequestForm(case=case, initial={"received_on": timezone.localdate()})
    return _new_page(request, case, form)


@require_POST
@staff_only
def create(request, case_id: int):
    case = get_case_for_user(request.user, case_id)
    form = forms.RequestForm(request.POST, case=case)
    logged, item = submit(
        form, lambda data: services.disclosure_request_log(case=case, by=request.user, **data)
    )
    if logged:
        messages.success(request, f"Request logged. It is due by {item.due_on:%d/%m/%Y}.")
        return _to_detail(item)
    return _new_page(request, case, form)


def _detail_page(request, case, item, **forms_given):
    versioned = {"version": item.version}
    context = {
        "case": case,
        "item": item,
        "urgency": urgency(item.due_on, timezone.localdate()) if item.is_open else "",
        "deadline_basis": deadline_basis(item.requester_type),
        "events": item.events.select_related("by"),
        "next": services.allowed_next(item),
        "may_decide": not why_not(request.user, item),
        "notified_form": forms.NotifiedForm(
            initial={**versioned, "notified_on": timezone.localdate(), "method": "telephone"}
        ),
        "answer_form": forms.AnswerForm(initial={**versioned, "answered_on": timezone.localdate()}),
        "close_form": forms.CloseForm(initial=versioned),
        **forms_given,
    }
    return render(request, "disclosure/detail.html", context)


@require_GET
@staff_only
def detail(request, case_id: int, request_id: int):
    case, item = _load(request, case_id, request_id)
    return _detail_page(request, case, item)


def _step(request, case_id, request_id, form_class, form_name, step, done: str, page=None):
    """Run one workflow step from its form; on a refusal, show ``page`` again with the reason."""
    page = page or _detail_page
    case, item = _load(request, case_id, request_id)
    form = form_class(request.POST)

    def run_step(data):
        data = dict(data)
        step(disclosure=item, by=request.user, expected_version=data.pop("version"), **data)

    ran, _ = submit(form, run_step)
    if ran:
        messages.success(request, done)
        return _to_detail(item)
    item.refresh_from_db()
    return page(request, case, item, **{form_name: form})


@require_POST
@staff_only
def notified_save(request, case_id: int, request_id: int):
    return _step(
        request, case_id, request_id, forms.NotifiedForm, "notified_form",
        services.disclosure_parent_notified, "Recorded that the parent was told.",
    )  # fmt: skip


@require_POST
@staff_only
def answer_save(request, case_id: int, request_id: int):
    return _step(
        request, case_id, request_id, forms.AnswerForm, "answer_form",
        services.disclosure_consent_recorded, "The parent's answer is recorded.",
    )  # fmt: skip


@require_POST
@staff_only
def close_save(request, case_id: int, request_id: int):
    return _step(
        request, case_id, request_id, forms.CloseForm, "close_form",
        services.disclosure_close, "Request closed.",
    )  # fmt: skip


# --- approval (approvers, after re-authentication) ---------------------------


def _decide_page(request, case, item, **forms_given):
    versioned = {"version": item.version}
    # Offer only the decisions the request can still take (after approval: refusal).
    next_states = services.allowed_next(item)
    may_approve, may_refuse = State.APPROVED in next_states, State.REFUSED in next_states
    context = {
        "case": case,
        "item": item,
        "may_approve": may_approve,
        "may_refuse": may_refuse,
        "decide_title": {
            (True, True): "Approve or refuse",
            (True, False): "Approve",
            (False, True): "Refuse",
        }.get((may_approve, may_refuse), "Decision on"),
        "refusal": why_not(request.user, item),
        "approvers": approvers_for(case.service),
        "approve_form": forms.ApproveForm(initial=versioned),
        "refuse_form": forms.RefuseForm(initial=versioned),
        **forms_given,
    }
    if item.route == "third_party" and State.APPROVED in services.allowed_next(item):
        check = None
        try:
            check = sharing_require(
                case=case, recipient_role=item.recipient_role, party=item.requester_name
            )
        except SharingRefused as refused:
            context["consent_refused"] = str(refused)
        context["consent_check"] = check
    return render(request, "disclosure/decide.html", context)


@require_GET
@staff_only
@sudo_required
def decide(request, case_id: int, request_id: int):
    case, item = _load(request, case_id, request_id)
    return _decide_page(request, case, item)


@require_POST
@staff_only
@sudo_required
def approve_save(request, case_id: int, request_id: int):
    return _step(
        request, case_id, request_id, forms.ApproveForm, "approve_form",
        services.disclosure_approve, "Request approved.", _decide_page,
    )  # fmt: skip


@require_POST
@staff_only
@sudo_required
def refuse_save(request, case_id: int, request_id: int):
    return _step(
        request, case_id, request_id, forms.RefuseForm, "refuse_form",
        services.disclosure_refuse, "Request refused.", _decide_page,
    )  # fmt: skip


# --- release -------------------------------------------------------------------


def _release_page(request, case, item, form=None):
    context = {"case": case, "item": item, "may_release": may_decide(request.user, case.service)}
    if item.is_family_route:
        context["pack"] = family_pack(item)
        decisions = {d.child_id: d for d in item.capacity_decisions.all()}
        context["older_children"] = [
            (child, decisions.get(child.pk)) for child in older_children_to_decide(item)
        ]
        context["form"] = form or forms.FamilyReleaseForm(initial={"version": item.version})
    else:
        if form is None:
            form = forms.ReleaseForm(case=case, initial={"version": item.version})
            # "Select all" / "Select none" without JavaScript: the page again,
            # all (or none) ticked. With it, static/js/app.js ticks them in place.
            if request.GET.get("select") == "all":
                form.initial["items"] = [key for key, _ in form.fields["items"].choices]
        context["form"] = form
    return render(request, "disclosure/release.html", context)


@require_GET
@staff_only
@sudo_required
def release(request, case_id: int, request_id: int):
    """Choose the items (third party) or review what is included and withheld (the family's own data)."""
    case, item = _load(request, case_id, request_id)
    if item.state != State.APPROVED:
        messages.info(request, "Only an approved request can be released.")
        return _to_detail(item)
    return _release_page(request, case, item)


def _release(request, case, item, form):
    released, _ = submit(
        form,
        lambda data: services.disclosure_release(
            disclosure=item,
            by=request.user,
            expected_version=data["version"],
            items=data.get("items"),
        ),
    )
    if released:
        messages.success(request, "Released. The pack and the parents' copies are recorded.")
        return _to_detail(item)
    item.refresh_from_db()
    return _release_page(request, case, item, form)


@require_POST
@staff_only
@sudo_required
@outbound_path("Disclosure pack released to a third party (DIS-5)")
def release_save(request, case_id: int, request_id: int):
    case, item = _load(request, case_id, request_id)
    if item.is_family_route:
        return _to_detail(item)
    running = active_release_job(item)
    if running:  # already with the worker (a second click, another tab)
        return _to_job(running)
    form = forms.ReleaseForm(request.POST, case=case)
    if form.is_valid() and release_runs_as_task(form.cleaned_data.get("items")):
        # A pack this large outlasts a request (OPS-2): the worker releases it,
        # checking consent when it renders, and the job's page follows it.
        job = release_job_create(
            disclosure=item,
            items=form.cleaned_data["items"],
            expected_version=form.cleaned_data["version"],
            by=request.user,
        )
        release_job_enqueue(job)
        return _to_job(job)
    # The service records the share through sharing_record, which checks consent now.
    return _release(request, case, item, form)


@require_POST
@no_volunteer_export
@staff_only
@sudo_required
@outbound_path("Preview of a disclosure pack before its release: checked like the release")
def release_preview(request, case_id: int, request_id: int):
    """The pack exactly as the release would render it, from the items ticked now.

    Nothing is released, recorded as shared or sent; the read is logged like
    the request's other pages. Consent is checked as for the release, so a pack
    that could not go out is not produced at all (CON-6).
    """
    case, item = _load(request, case_id, request_id)
    if item.is_family_route or item.state != State.APPROVED:
        return _to_detail(item)
    form = forms.ReleaseForm(request.POST, case=case)
    if form.is_valid():
        try:
            sharing_require(
                case=case, recipient_role=item.recipient_role, party=item.requester_name
            )
        except SharingRefused as refused:
            form.add_error(None, f"The pack cannot be previewed. {refused}")
    if not form.is_valid():
        return _release_page(request, case, item, form)
    pack = chosen_pack(item, form.cleaned_data["items"])
    pack.title = "Preview: not released"
    pdf = render_pack(item, pack, approved_by=item.decided_by)
    return pdf_response(pdf, f"preview-disclosure-{case.reference}-{item.pk}.pdf")


def _to_job(job):
    return redirect(
        "disclosure:release_job", case_id=job.case_id, request_id=job.request_id, job_id=job.pk
    )


@require_GET
@staff_only
def release_job(request, case_id: int, request_id: int, job_id: int):
    """A large release's progress while the worker has it (htmx polls this page)."""
    item, job = get_release_job_for_user(request.user, case_id, request_id, job_id)
    case = item.case
    return render(
        request,
        "disclosure/release_job.html",
        {"case": case, "item": item, "job": job, "active": job_is_live(job)},
    )


@require_POST
@staff_only
@sudo_required
@internal_document(
    "Subject access or the whole record at the parent's request: the family's own data, "
    "with other people's withheld (DIS-3, DIS-6)."
)
def family_release_save(request, case_id: int, request_id: int):
    case, item = _load(request, case_id, request_id)
    if not item.is_family_route:
        return _to_detail(item)
    return _release(request, case, item, forms.FamilyReleaseForm(request.POST))


def _pack_response(item):
    return pdf_response(item.release.pdf, f"disclosure-{item.case.reference}-{item.pk}.pdf")


@require_GET
@no_volunteer_export
@staff_only
@sudo_required
@outbound_path("The released disclosure pack, downloaded to send to the third party")
def pack_download(request, case_id: int, request_id: int):
    case, item = _load(request, case_id, request_id, action=AccessLogEntry.Action.DOWNLOAD)
    if item.is_family_route or not hasattr(item, "release"):
        return _to_detail(item)
    try:
        # A withdrawal after release stops the pack going out again.
        sharing_require(case=case, recipient_role=item.recipient_role, party=item.requester_name)
    except SharingRefused as refused:
        messages.error(request, f"This pack cannot be sent now. {refused}")
        return _to_detail(item)
    return _pack_response(item)


@require_GET
@no_volunteer_export
@staff_only
@sudo_required
@internal_document("A subject access or whole-record pack: the family's own data (DIS-3, DIS-6).")
def family_pack_download(request, case_id: int, request_id: int):
    case, item = _load(request, case_id, request_id, action=AccessLogEntry.Action.DOWNLOAD)
    if not item.is_family_route or not hasattr(item, "release"):
        return _to_detail(item)
    return _pack_response(item)


# --- approvers (DIS-4) -----------------------------------------------------------


def _approvers_page(request, form):
    service = request.user.service
    return render(
        request,
        "disclosure/approvers.html",
        {
            "approvers": approvers_for(service),
            "form": form,
            "may_manage": may_manage(request.user, service),
            "today": timezone.localdate(),
        },
    )


@require_GET
@role_required(Role.COORDINATOR, Role.ADMIN)
def approvers(request):
    record = approvers_for(request.user.service)
    form = forms.ApproversForm(
        service=request.user.service,
        initial={
            "head": record.head_id,
            "deputy": record.deputy_id,
            "absent_from": record.head_absent_from,
            "absent_until": record.head_absent_until,
        },
    )
    return _approvers_page(request, form)


@require_POST
@role_required(Role.COORDINATOR, Role.ADMIN)
def approvers_save(request):
    form = forms.ApproversForm(request.POST, service=request.user.service)
    saved, _ = submit(
        form,
        lambda data: services.disclosure_approvers_set(
            service=request.user.service, by=request.user, **data
        ),
    )
    if saved:
        messages.success(request, "Approvers saved.")
        return redirect("disclosure:approvers")
    return _approvers_page(request, form)
