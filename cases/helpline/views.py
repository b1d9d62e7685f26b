"""The helpline screens: log a call while the parent is on the line (REF-1 to REF-7).

Anonymous first: the first question decides which form is shown, and the
anonymous form has no field for anything identifying. Everything works as plain
HTML forms; htmx only makes the search appear as staff type.
"""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cases.access import get_case_for_user
from cases.helpline.forms import (
    AnonymousContactForm,
    CallerContactForm,
    CaseContactForm,
    FindForm,
    ReferralContactForm,
    VoicemailForm,
    VoicemailResolveForm,
)
from cases.helpline.selectors import (
    Matches,
    find_matches,
    get_voicemail_for_user,
    visible_voicemails,
)
from cases.helpline.services import (
    OpenedCase,
    helpline_case_open,
    helpline_contact_on_case,
    voicemail_log,
    voicemail_log_anonymously,
    voicemail_log_on_case,
)
from cases.models import AnonymousContact, Contact, Voicemail
from cases.search.selectors import REFERENCE_PATTERN
from cases.services import anonymous_contact_log, contact_log
from pps.access_log import record_access
from pps.decorators import role_required
from pps.models import AccessLogEntry
from pps.paging import IdFirstPaginator
from pps.roles import CASE_WORKER_ROLES
from pps.submission import AlreadySaved, save_once, submit

ROUTES = {
    "anonymous": "helpline:anonymous",
    "caller": "helpline:caller",
    "referral": "helpline:referral",
}
VOICEMAILS_PER_PAGE = 25


@require_GET
@role_required(*CASE_WORKER_ROLES)
def start(request):
    """The first question: may we store the caller's details?"""
    route = request.GET.get("route")
    if route in ROUTES:
        return redirect(ROUTES[route])
    return render(
        request,
        "cases/helpline/start.html",
        {
            "route_error": "route" in request.GET,
            "voicemails_awaiting": visible_voicemails(request.user)
            .filter(status=Voicemail.Status.AWAITING)
            .count(),
        },
    )


@require_http_methods(["GET", "POST"])
@role_required(*CASE_WORKER_ROLES)
def anonymous(request):
    """An anonymous contact (REF-2). Only the form's own fields are read from the POST,
    so anything identifying typed elsewhere (the caller form's "save anonymously"
    button posts here) is dropped, never stored."""
    form = AnonymousContactForm(request.POST or None, service=request.user.service)
    if request.method == "POST" and form.is_valid():
        done = _save_form_once(
            request,
            form,
            AnonymousContact,
            lambda submission_id: anonymous_contact_log(
                service=request.user.service,
                by=request.user,
                submission_id=submission_id,
                **form.contact_data(),
            ),
            saved="Anonymous contact saved. Nothing identifying was stored.",
            then="helpline:start",
        )
        if done:
            return done
    return render(request, "cases/helpline/anonymous.html", {"form": form})


def _save_form_once(request, form, model, save, *, saved: str, then, then_args=()):
    """Save a valid form once (a double submit finds the first save) and redirect,
    or return None with the rule that refused it shown on the form."""

    def save_or_find_the_first(data) -> bool:
        try:
            save_once(model, data["submission_id"], lambda: save(data["submission_id"]))
        except AlreadySaved:
            return False
        return True

    ran, saved_now = submit(form, save_or_find_the_first)
    if not ran:
        return None
    if saved_now:
        messages.success(request, saved)
    else:
        messages.info(request, "That was already saved.")
    return redirect(then, *then_args)


@require_http_methods(["GET", "POST"])
@role_required(*CASE_WORKER_ROLES)
def caller(request):
    """A parent who agreed to storage: find them, then log on their case or open one."""
    return _caller_or_referral(request, CallerContactForm, "cases/helpline/caller.html")


@require_http_methods(["GET", "POST"])
@role_required(*CASE_WORKER_ROLES)
def referral(request):
    """A referral by someone else, only with the parent's agreement (REF-4)."""
    return _caller_or_referral(request, ReferralContactForm, "cases/helpline/referral.html")


def _caller_or_referral(request, form_class, template: str):
    form = form_class(request.POST or None, service=request.user.service)
    matches = Matches()
    if request.method == "POST":
        if request.POST.get("action") == "find":
            # The no-JavaScript search step: show matches, keep what was typed.
            form.show_without_errors()
        else:
            try:
                saved, response = submit(form, lambda _data: _save_call(request, form))
            except AlreadySaved as first:
                messages.info(request, "That contact was already saved.")
                return redirect("cases:detail", first.record.case_id)
            if saved:
                return response
        matches = find_matches(request.user, **FindForm(request.POST).search_terms())
    return render(
        request,
        template,
        {"form": form, "matches": matches, "case_choice": _case_choice(request)},
    )


def _case_choice(request) -> str:
    # Nothing is pre-selected: with matches on screen the caseworker chooses
    # (CAS-7). A new search starts with no choice, whatever was posted before.
    if request.method != "POST" or request.POST.get("action") == "find":
        return ""
    return request.POST.get("case_choice", "")


def _save_call(request, form):
    submission_id = form.cleaned_data["submission_id"]
    referral = form.referral_data() if hasattr(form, "referral_data") else None
    if not form.opens_new_case:
        # Forged or not visible: 404, and nothing is saved.
        case = get_case_for_user(request.user, form.cleaned_data["case_choice"])
        save_once(
            Contact,
            submission_id,
            lambda: helpline_contact_on_case(
                case=case,
                by=request.user,
                contact=form.contact_data(),
                referral=referral,
                submission_id=submission_id,
            ),
        )
        messages.success(request, f"Contact logged on case {case.reference}.")
        return redirect("cases:detail", case.pk)
    opened: OpenedCase = save_once(
        Contact,
        submission_id,
        lambda: helpline_case_open(
            service=request.user.service,
            by=request.user,
            parent=form.parent_data(),
            child=form.child_data(),
            summary=form.cleaned_data["summary"],
            contact=form.contact_data(),
            referral=referral,
            caller_knows_other_contact=form.cleaned_data["caller_knows_other_contact"],
            submission_id=submission_id,
        ),
    )
    messages.success(request, _opened_message(opened))
    return redirect("cases:detail", opened.case.pk)


def _opened_message(opened: OpenedCase) -> str:
    message = f"Case {opened.case.reference} opened and the contact logged."
    if opened.separate_enquiries:
        # How many, never which (REF-6).
        message += " The child is also known through a separate enquiry; this case is kept separate"
        message += (
            " and linked to it, as the caller said they know of the other contact."
            if opened.linked
            else "."
        )
    return message


@require_POST
@role_required(*CASE_WORKER_ROLES)
def matches(request):
    """Search as you type (htmx): the matches fragment.

    POST, not GET, so that surnames, numbers and dates of birth never appear in
    a URL (server logs, browser history).
    """
    return render(
        request,
        "cases/helpline/_matches.html",
        {
            "matches": find_matches(request.user, **FindForm(request.POST).search_terms()),
            "case_choice": _case_choice(request),
            "oob": True,
        },
    )


@require_http_methods(["GET", "POST"])
@role_required(*CASE_WORKER_ROLES)
def follow_up(request, case_id: int):
    """A further contact on a known case, in one step (the case page posts here)."""
    case = get_case_for_user(request.user, case_id)
    form = CaseContactForm(request.POST or None, service=request.user.service)
    if request.method == "POST" and form.is_valid():
        done = _save_form_once(
            request,
            form,
            Contact,
            lambda submission_id: contact_log(
                case=case, by=request.user, submission_id=submission_id, **form.contact_data()
            ),
            saved="Contact logged.",
            then="cases:detail",
            then_args=[case.pk],
        )
        if done:
            return done
    return render(request, "cases/helpline/follow_up.html", {"case": case, "form": form})


# --- voicemail (REF-7): staff and coordinators only ------------------------


@require_GET
@role_required(*CASE_WORKER_ROLES)
def voicemail_list(request):
    awaiting = visible_voicemails(request.user).filter(status=Voicemail.Status.AWAITING)
    page = IdFirstPaginator(awaiting.select_related("recorded_by"), VOICEMAILS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    for voicemail in page.object_list:
        record_access(
            request.user,
            action=AccessLogEntry.Action.LIST,
            object_type="voicemail",
            object_id=voicemail.pk,
        )
    dealt_with = (
        visible_voicemails(request.user)
        .exclude(status=Voicemail.Status.AWAITING)
        .select_related("resolved_by")
        .order_by("-resolved_at")[:10]
    )
    return render(
        request,
        "cases/helpline/voicemail_list.html",
        {"page_obj": page, "voicemails": page.object_list, "dealt_with": dealt_with},
    )


@require_http_methods(["GET", "POST"])
@role_required(*CASE_WORKER_ROLES)
def voicemail_new(request):
    form = VoicemailForm(request.POST or None, service=request.user.service)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = _save_form_once(
            request,
            form,
            Voicemail,
            lambda submission_id: voicemail_log(
                service=request.user.service,
                by=request.user,
                received_at=data["received_at"],
                caller_number=data["caller_number"],
                summary=data["summary"],
                action_taken=data["action_taken"],
                submission_id=submission_id,
            ),
            saved="Voicemail message logged.",
            then="helpline:voicemail_list",
        )
        if done:
            return done
    return render(request, "cases/helpline/voicemail_new.html", {"form": form})


@require_http_methods(["GET", "POST"])
@role_required(*CASE_WORKER_ROLES)
def voicemail_detail(request, voicemail_id: int):
    voicemail = get_voicemail_for_user(request.user, voicemail_id)
    form = None
    if voicemail.status == Voicemail.Status.AWAITING:
        form = VoicemailResolveForm(request.POST or None, service=request.user.service)
        if request.method == "POST":
            resolved, done = submit(
                form, lambda _data: _resolve_voicemail(request, voicemail, form)
            )
            if resolved and done is not None:
                return done
    elif request.method == "POST":
        messages.info(request, "This message has already been dealt with.")
        return redirect("helpline:voicemail_list")
    return render(
        request, "cases/helpline/voicemail_detail.html", {"voicemail": voicemail, "form": form}
    )


def _resolve_voicemail(request, voicemail: Voicemail, form: VoicemailResolveForm):
    data = form.cleaned_data
    if data["resolution"] == VoicemailResolveForm.ANONYMOUS:
        voicemail_log_anonymously(
            voicemail=voicemail, by=request.user, topic=data["topic"], outcome=data["outcome"]
        )
        messages.success(request, "Logged as an anonymous contact; the message was erased.")
        return redirect("helpline:voicemail_list")
    reference = REFERENCE_PATTERN.match(data["case_reference"].strip())
    try:
        if reference is None:
            raise Http404
        case = get_case_for_user(request.user, reference.group(1))
    except Http404:
        form.add_error("case_reference", "No case you can see has that reference.")
        return None
    voicemail_log_on_case(
        voicemail=voicemail,
        case=case,
        by=request.user,
        topic=data["topic"],
        outcome=data["outcome"],
        callback=form.callback_data(),
    )
    messages.success(request, f"Message logged on case {case.reference}; the voicemail was erased.")
    return redirect(reverse("cases:detail", args=[case.pk]))
