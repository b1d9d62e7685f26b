"""Screens that send case information out: referrals, consultations, discussions, letters.

Each records the share through ``sharing_record``, which runs the sharing check
first: refused, the form comes back with the reason and nothing is saved
(CON-6). The letter is produced only while consent still allows it, so a
withdrawal stops a letter that was written but not yet sent (CON-7).
"""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from cases.access import get_case_for_user
from consent.access import get_sharing_event_for_user
from consent.documents import third_party_letter_pdf
from consent.forms import LetterForm, ShareForm
from consent.models import SharingEvent
from consent.roles import role_labels
from consent.sharing import (
    SharingRefused,
    outbound_path,
    sharing_record,
    sharing_require,
)
from consent.views import form_page
from pps.decorators import no_volunteer_export, role_required
from pps.models import AccessLogEntry
from pps.pdf import pdf_response
from pps.roles import CASE_WORKER_ROLES
from pps.submission import submit

staff_only = role_required(*CASE_WORKER_ROLES)
FORMS = {"share": ShareForm, "letter": LetterForm}
HEADINGS = {
    "share": "Record a referral, consultation or discussion",
    "letter": "Write to a third party",
}


def _page(request, case, form, what: str):
    return form_page(request, f"{what}_form.html", case=case, form=form, heading=HEADINGS[what])


def _record(request, case_id: int, what: str):
    case = get_case_for_user(request.user, case_id)
    form = FORMS[what](request.POST, service=case.service)
    recorded, event = submit(
        form,
        lambda data: sharing_record(
            case=case,
            kind=data.get("kind", SharingEvent.Kind.LETTER),
            recipient_role=data["recipient_role"],
            party=data["party"],
            what=data["what"],
            by=request.user,
        ),
    )
    if recorded:
        messages.success(request, f"{event.get_kind_display()} recorded.")
        return redirect("consent:sharing_event", case_id=case.pk, event_id=event.pk)
    return _page(request, case, form, what)


@require_GET
@staff_only
def share(request, case_id: int):
    case = get_case_for_user(request.user, case_id)
    return _page(request, case, ShareForm(service=case.service), "share")


@require_POST
@staff_only
@outbound_path("Referral, consultation or discussion with another agency, the LA or a school")
def share_save(request, case_id: int):
    return _record(request, case_id, "share")


@require_GET
@staff_only
def letter(request, case_id: int):
    case = get_case_for_user(request.user, case_id)
    return _page(request, case, LetterForm(service=case.service), "letter")


@require_POST
@staff_only
@outbound_path("Letter to a third party, written and recorded")
def letter_save(request, case_id: int):
    return _record(request, case_id, "letter")


@require_GET
@staff_only
def sharing_event(request, case_id: int, event_id: int):
    event = get_sharing_event_for_user(request.user, case_id, event_id)
    case = event.case
    return render(
        request,
        "consent/sharing_event.html",
        {"case": case, "event": event, "labels": role_labels(case.service_id)},
    )


@require_GET
@no_volunteer_export
@staff_only
@outbound_path("Letter to a third party, produced for sending")
def letter_pdf(request, case_id: int, event_id: int):
    download = AccessLogEntry.Action.DOWNLOAD
    event = get_sharing_event_for_user(request.user, case_id, event_id, action=download)
    case = event.case
    if event.kind != SharingEvent.Kind.LETTER:
        return redirect("consent:sharing_event", case_id=case.pk, event_id=event.pk)
    try:
        sharing_require(case=case, recipient_role=event.recipient_role, party=event.party)
    except SharingRefused as refused:
        messages.error(request, f"This letter cannot be sent now. {refused}")
        return redirect("consent:sharing_event", case_id=case.pk, event_id=event.pk)
    return pdf_response(third_party_letter_pdf(event), f"letter-{case.reference}-{event.pk}.pdf")
