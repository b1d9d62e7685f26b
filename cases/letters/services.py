"""Letters to families and "Why we keep information about you" (COM-1, COM-2, COM-4).

Both are PDFs marked "Strictly private and confidential" on every page (the
shared ``pdf/base.html``), addressed to one parent of the case, and recorded on
the case with the exact copy that was sent, how and when. Sending by email goes
through ``pps.notify.email_parent``, which refuses without the parent's
permission; a refusal or a failed send leaves nothing recorded.

The statement is built from what the service actually holds about the parent
and their children: categories of information, never the contents.
"""

import datetime
import json
import smtplib
from collections.abc import Callable

from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from cases.access import visible_cases
from cases.letters.models import DeliveryMethod, Letter, PrivacyStatementSent
from cases.models import Case, ChildInformation, Parent
from pps.history import save_as
from pps.models import User
from pps.notify import NotificationRefused, email_parent
from pps.pdf import render_pdf
from pps.rules import RuleError

LETTER_TEMPLATES = {
    Letter.Kind.ACKNOWLEDGEMENT: "letters/acknowledgement.html",
    Letter.Kind.APPOINTMENT: "letters/appointment.html",
    Letter.Kind.CLOSURE: "letters/closure.html",
    Letter.Kind.REQUEST_OUTCOME: "letters/request_outcome.html",
}
# The particulars each kind of letter needs, typed by staff.
REQUIRED_DETAILS = {
    Letter.Kind.ACKNOWLEDGEMENT: (),
    Letter.Kind.APPOINTMENT: ("appointment_date", "appointment_time", "appointment_place"),
    Letter.Kind.CLOSURE: (),
    Letter.Kind.REQUEST_OUTCOME: ("request", "outcome"),
}
DETAIL_FIELDS = (
    "appointment_date",
    "appointment_time",
    "appointment_place",
    "request",
    "outcome",
    "note",
)
# A closed case is read-only (CAS-3), but the family is still told it has
# closed, and a request they make afterwards (for their records) still gets
# its answer; a privacy statement may be sent too (it changes nothing recorded).
AFTER_CLOSURE = frozenset({Letter.Kind.CLOSURE, Letter.Kind.REQUEST_OUTCOME})
# How long a parent's records are kept comes from the service's retention
# schedule, which lives in the retention app (it depends on cases, not the other
# way round); that app registers the function here from its ``ready``.
_retention_statement: Callable[[Case], dict] | None = None


def register_retention_statement(explain: Callable[[Case], dict]) -> None:
    global _retention_statement
    _retention_statement = explain


def _retention_for(case: Case) -> dict:
    if _retention_statement is None:  # fail closed: never a made-up period
        raise ImproperlyConfigured("No retention schedule is registered for the statement.")
    return _retention_statement(case)


def letter_pdf(*, case: Case, parent: Parent, kind: str, details: dict, by: User) -> bytes:
    shown = dict(details)
    if shown.get("appointment_date"):
        shown["appointment_date"] = datetime.date.fromisoformat(shown["appointment_date"])
    if shown.get("appointment_time"):
        shown["appointment_time"] = datetime.time.fromisoformat(shown["appointment_time"])
    return render_pdf(LETTER_TEMPLATES[kind], _context(case, parent, by, details=shown))


def statement_pdf(*, parent: Parent, by: User, on: datetime.date | None = None) -> bytes:
    case = parent.case
    context = _context(case, parent, by, statement=privacy_statement_facts(parent))
    if on:
        context["generated_on"] = on
    return render_pdf("letters/privacy_statement.html", context)


@transaction.atomic
def letter_send(
    *, case: Case, parent: Parent, kind: str, method: str, details: dict, by: User
) -> Letter:
    """Produce a letter, record it on the case and, if asked, email it (COM-1, COM-2)."""
    _check_recipient(case, parent)
    kind = Letter.Kind(kind)
    if case.status != Case.Status.OPEN and kind not in AFTER_CLOSURE:
        raise RuleError(
            "This case is closed and read-only: only a closure letter or the outcome of a "
            "request can be sent from it. A coordinator can reopen it."
        )
    kept = {key: str(value) for key, value in details.items() if key in DETAIL_FIELDS and value}
    missing = [key for key in REQUIRED_DETAILS[kind] if not kept.get(key)]
    if missing:
        raise RuleError(
            f"A letter about {kind.label.lower()} needs: {', '.join(missing).replace('_', ' ')}."
        )
    pdf = letter_pdf(case=case, parent=parent, kind=kind, details=kept, by=by)
    letter = Letter(
        case=case,
        parent=parent,
        kind=kind,
        details=json.dumps(kept, sort_keys=True),
        sent_at=timezone.now(),
    )
    subject = f"Letter from {case.service.name}"
    return _record_and_deliver(letter, pdf, method, by, subject, f"letter-{case.reference}.pdf")


@transaction.atomic
def privacy_statement_send(
    *, parent: Parent, method: str, by: User, sent_on: datetime.date | None = None
) -> PrivacyStatementSent:
    """Send "Why we keep information about you" and record the date (COM-4)."""
    case = parent.case
    _check_recipient(case, parent)
    sent_on = sent_on or timezone.localdate()
    pdf = statement_pdf(parent=parent, by=by, on=sent_on)
    record = PrivacyStatementSent(case=case, parent=parent, sent_on=sent_on)
    filename = f"why-we-keep-information-{case.reference}.pdf"
    return _record_and_deliver(
        record, pdf, method, by, "Why we keep information about you", filename
    )


def _record_and_deliver(document, pdf: bytes, method: str, by: User, subject: str, filename: str):
    """Keep the exact copy sent, then email it if that is how it goes (in the same transaction)."""
    document.method = DeliveryMethod(method)
    document.pdf = pdf
    document.sent_by = by
    save_as(document, by)
    if document.method == DeliveryMethod.EMAIL:
        _email(document.parent, subject, pdf, filename)
    return document


def privacy_statement_facts(parent: Parent) -> dict:
    """What the statement says, built from what is actually held (categories only)."""
    case = parent.case
    children = list(case.children.all())
    information = list(case.child_information.all())
    kinds = {item.kind for item in information}
    held = ["your name, and your relationship to your child"]
    contact = [
        label
        for label, present in [
            ("phone number", parent.phone),
            ("email address", parent.email),
            ("postal address", parent.address or parent.postcode),
        ]
        if present
    ]
    if contact:
        held.append("your " + _join(contact))
    held.append("whether you hold parental responsibility for your child")
    held.append("when and how you agreed to us keeping your details")
    held.append(
        "that you agreed to receive personal information by email"
        if parent.email_permission
        else "that you have not agreed to receive personal information by email"
    )
    if children:
        child_facts = ["name"]
        if any(child.date_of_birth for child in children):
            child_facts.append("date of birth")
        if any(child.school_phase for child in children):
            child_facts.append("stage of education")
        held.append(f"your {'children' if len(children) > 1 else 'child'}'s {_join(child_facts)}")
    if ChildInformation.Kind.SCHOOL in kinds:
        held.append("the school attended")
    if kinds & {
        ChildInformation.Kind.SEN_NEED,
        ChildInformation.Kind.SUPPORT,
        ChildInformation.Kind.EHC_PLAN,
    }:
        held.append("information about special educational needs and the support in place")
    if any(item.source == ChildInformation.Source.CASE_FILE for item in information):
        held.append("information from school records or professionals' reports, shared with us")
    if case.summary:
        held.append("a summary of what your enquiry is about")
    contacts = case.contacts.count()
    if contacts:
        held.append(
            f"notes of our {contacts} contact{'s' if contacts != 1 else ''} with you: "
            "the date, how you got in touch, the topic, what we did and what was said"
        )
    if case.letters.exists():
        held.append("copies of the letters we have sent you")
    volunteer = case.volunteer_assignments.filter(ended_at__isnull=True).exists()
    return {
        "held": held,
        "volunteer": volunteer,
        "retention": _retention_for(case),
        "case_open": case.status == Case.Status.OPEN,
    }


def _context(case: Case, parent: Parent, by: User, **extra) -> dict:
    return {
        "document_title": "Letter",
        "coded_reference": case.reference,
        "service_name": case.service.name,
        "generated_on": timezone.localdate(),
        "case": case,
        "parent": parent,
        "address_lines": [line for line in (parent.address or "").splitlines() if line.strip()],
        "sender_name": by.get_full_name() or by.username,
        **extra,
    }


def _check_recipient(case: Case, parent: Parent) -> None:
    if parent.case_id != case.pk:
        raise RuleError("Choose a parent or carer from this case.")
    if case.status == Case.Status.ARCHIVED:
        raise RuleError("This case is archived and read-only: nothing more can be sent from it.")


def cases_missing_a_statement(user: User):
    """Open cases the user may see where a parent has not been sent the statement (COM-4)."""
    without = Parent.objects.filter(case=OuterRef("pk")).exclude(
        Exists(PrivacyStatementSent.objects.filter(parent=OuterRef("pk")))
    )
    return (
        visible_cases(user)
        .filter(status=Case.Status.OPEN)
        .filter(Exists(without))
        .select_related("assigned_staff")
        .order_by("opened_on", "id")
    )


def _email(parent: Parent, subject: str, pdf: bytes, filename: str) -> None:
    body = (
        "Please find attached a letter from the service about your enquiry.\n\n"
        "This email is confidential. If it has reached you by mistake, please tell us and delete it."
    )
    try:
        email_parent(
            parent=parent,
            subject=subject,
            body=body,
            attachments=[(filename, pdf, "application/pdf")],
        )
    except NotificationRefused as exc:
        raise RuleError(str(exc)) from exc
    except (smtplib.SMTPException, OSError) as exc:
        raise RuleError(
            "The email could not be sent, so nothing was recorded. Try again, or send it by post."
        ) from exc


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]
