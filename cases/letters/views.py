"""Letters to families and privacy statements on a case (COM-1, COM-2, COM-4).

Staff and coordinators only: volunteers produce and download no documents
(ACC-5), administrators read no case content (ACC-1). Every case is loaded
through the access helper and every download is logged.
"""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.dateformat import format as date_format
from django.views.decorators.http import require_GET, require_POST

from cases.access import get_case_for_user, get_parent_for_user
from cases.letters.access import get_letter_for_user, get_privacy_statement_for_user
from cases.letters.forms import LetterForm, StatementForm
from cases.letters.models import DeliveryMethod
from cases.letters.services import (
    cases_missing_a_statement,
    letter_send,
    privacy_statement_facts,
    privacy_statement_send,
)
from consent.sharing import internal_document
from pps.access_log import record_listing
from pps.decorators import no_volunteer_export, role_required
from pps.models import AccessLogEntry
from pps.paging import IdFirstPaginator
from pps.pdf import pdf_response
from pps.roles import CASE_WORKER_ROLES
from pps.submission import submit

CASES_PER_PAGE = 25
# Letters and statements go to a parent of the case, so no consent to share is
# needed (the consent guard in tests/consent/test_outbound_guard.py asks).
TO_THE_FAMILY = "Goes to a parent of the case, not to anyone outside the family."


def _case_page(case, anchor: str = "letters") -> str:
    return reverse("cases:section_letters", args=[case.pk]) + f"#{anchor}"


@require_GET
@role_required(*CASE_WORKER_ROLES)
def letter_new(request, case_id: int):
    case = get_case_for_user(request.user, case_id)
    return _letter_page(request, case, LetterForm(case=case))


@require_POST
@role_required(*CASE_WORKER_ROLES)
@internal_document(TO_THE_FAMILY)
def letter_create(request, case_id: int):
    case = get_case_for_user(request.user, case_id)
    form = LetterForm(request.POST, case=case)
    sent, letter = submit(
        form,
        lambda data: letter_send(
            case=case,
            parent=data["parent"],
            kind=data["kind"],
            method=data["method"],
            details=form.details(),
            by=request.user,
        ),
    )
    if sent:
        how = "emailed" if letter.method == DeliveryMethod.EMAIL else "recorded for posting"
        messages.success(request, f"{letter.get_kind_display()} letter {how}.")
        return redirect(_case_page(case))
    return _letter_page(request, case, form, status=400)


def _letter_page(request, case, form, status=200):
    return render(request, "letters/letter_form.html", {"case": case, "form": form}, status=status)


@require_GET
@role_required(*CASE_WORKER_ROLES)
@no_volunteer_export
@internal_document(TO_THE_FAMILY)
def letter_download(request, case_id: int, letter_id: int):
    download = AccessLogEntry.Action.DOWNLOAD
    letter = get_letter_for_user(request.user, case_id, letter_id, action=download)
    return pdf_response(letter.pdf, f"letter-{letter.case.reference}-{letter.pk}.pdf")


@require_GET
@role_required(*CASE_WORKER_ROLES)
def statement_new(request, case_id: int, parent_id: int):
    case, parent = _case_and_parent(request, case_id, parent_id)
    return _statement_page(request, case, parent, StatementForm(parent=parent))


@require_POST
@role_required(*CASE_WORKER_ROLES)
@internal_document(TO_THE_FAMILY)
def statement_send(request, case_id: int, parent_id: int):
    case, parent = _case_and_parent(request, case_id, parent_id)
    form = StatementForm(request.POST, parent=parent)
    ran, sent = submit(
        form,
        lambda data: privacy_statement_send(parent=parent, method=data["method"], by=request.user),
    )
    if ran:
        how = "emailed" if sent.method == DeliveryMethod.EMAIL else "recorded as sent by post"
        messages.success(
            request,
            f"'Why we keep information about you' {how} on {date_format(sent.sent_on, 'j F Y')}.",
        )
        return redirect(_case_page(case))
    return _statement_page(request, case, parent, form, status=400)


def _case_and_parent(request, case_id: int, parent_id: int):
    parent = get_parent_for_user(request.user, case_id, parent_id)
    return parent.case, parent


def _statement_page(request, case, parent, form, status=200):
    return render(
        request,
        "letters/statement_form.html",
        {
            "case": case,
            "parent": parent,
            "form": form,
            "facts": privacy_statement_facts(parent),
            "sent": parent.privacy_statements.select_related("sent_by"),
        },
        status=status,
    )


@require_GET
@role_required(*CASE_WORKER_ROLES)
@no_volunteer_export
@internal_document(TO_THE_FAMILY)
def statement_download(request, case_id: int, statement_id: int):
    download = AccessLogEntry.Action.DOWNLOAD
    statement = get_privacy_statement_for_user(request.user, case_id, statement_id, action=download)
    filename = f"why-we-keep-information-{statement.case.reference}-{statement.pk}.pdf"
    return pdf_response(statement.pdf, filename)


@require_GET
@role_required(*CASE_WORKER_ROLES)
def statements_due(request):
    """Open cases where a parent has not yet been sent the statement (the reminder, COM-4)."""
    paginator = IdFirstPaginator(cases_missing_a_statement(request.user), CASES_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    cases = list(page.object_list)
    record_listing(request.user, object_type="case", case_ids=[case.pk for case in cases])
    return render(request, "letters/statements_due.html", {"page_obj": page, "cases": cases})
