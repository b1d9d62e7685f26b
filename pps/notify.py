"""Every email the service sends about a case goes through here (COM-2, COM-3).

- ``email_parent``: personal information goes to a parent by email only when
  their permission is recorded, and the subject says "Confidential".
- ``notify_staff`` and ``email_third_party``: email is an insecure channel, so
  these carry a coded reference (the case reference, or a child's initials and
  date of birth) and never a name. They refuse a subject or body that contains
  any name, email address, phone number, postcode or address line held in the
  case, whoever wrote it.

Messages raise ``NotificationRefused`` (the message is safe to show) rather than
send something they should not. Nothing here logs content.
"""

import re
from collections.abc import Iterable, Sequence

from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.core.validators import validate_email

from pps.models import User
from pps.normalise import phone as normalise_phone
from pps.normalise import postcode as normalise_postcode
from pps.roles import CASE_WORKER_ROLES

CONFIDENTIAL = "Confidential"
# Too short to be told apart from ordinary words ("Al", "Jo" are still checked).
MIN_NAME_LENGTH = 2
MIN_PHONE_DIGITS = 6


class NotificationRefused(ValueError):
    """The email would break the rules; the message is safe to show."""


def coded_reference(subject) -> str:
    """What stands in for a name in email: a child's initials and date of birth, or the case reference.

    ``subject`` is a ``Case`` or a ``Child``.
    """
    # By label, not class: the platform does not import the cases app.
    if subject._meta.label == "cases.Child":
        initials = "".join(
            part.strip()[0].upper()
            for part in (subject.given_name, subject.family_name)
            if part.strip()
        )
        if initials and subject.date_of_birth:
            return f"{initials} {subject.date_of_birth:%d/%m/%Y}"
        subject = subject.case
    return subject.reference


def identifying_values(case) -> dict[str, set[str]]:
    """Names, addresses, emails, phone numbers and postcodes the case holds."""
    names, lines, emails, phones, postcodes = set(), set(), set(), set(), set()
    for person in [*case.parents.all(), *case.children.all()]:
        names.update(_words(person.given_name) + _words(person.family_name))
    for parent in case.parents.all():
        if parent.email:
            emails.add(parent.email.strip().lower())
        if len(normalise_phone(parent.phone or "")) >= MIN_PHONE_DIGITS:
            phones.add(normalise_phone(parent.phone))
        if parent.postcode:
            postcodes.add(normalise_postcode(parent.postcode))
        for line in (parent.address or "").splitlines():
            line = line.strip(" ,")
            if len(line) > 3:
                lines.add(line.lower())
    return {
        "names": names,
        "lines": lines,
        "emails": emails,
        "phones": phones,
        "postcodes": postcodes,
    }


def check_no_identifying_values(case, *texts: str) -> None:
    """Refuse text that holds anything from ``identifying_values(case)``."""
    values = identifying_values(case)
    for text in texts:
        if _mentions(text, values):
            raise NotificationRefused(
                "The message contains a name or contact detail held on the case. "
                f"Use the coded reference ({coded_reference(case)}) instead."
            )


def email_parent(
    *,
    parent,
    subject: str,
    body: str,
    attachments: Sequence[tuple[str, bytes, str]] = (),
) -> None:
    """Email a parent personal information: only with their recorded permission (COM-2)."""
    if not parent.email_permission:
        raise NotificationRefused(
            "This parent has not agreed to receive personal information by email. Send it by post."
        )
    if not parent.email:
        raise NotificationRefused("No email address is recorded for this parent.")
    EmailMessage(
        subject=f"{CONFIDENTIAL}: {subject}",
        body=body,
        to=[parent.email],
        attachments=list(attachments),
        headers={"Sensitivity": "Private"},
    ).send()


def notify_staff(*, case, recipients: Iterable[User], subject: str, body: str, child=None) -> int:
    """Tell colleagues about a case without naming anyone (COM-3).

    ``case`` is the case the notification is about; ``recipients`` are staff or
    coordinators of its service; ``subject`` and ``body`` must not contain a
    name or contact detail held in the case (``NotificationRefused`` if they
    do). The subject is prefixed with the coded reference of ``child`` if given,
    else of the case. Returns how many emails were sent (users without an email
    address are skipped).
    """
    people = list(recipients)
    if any(
        user.service_id != case.service_id or user.role not in CASE_WORKER_ROLES for user in people
    ):
        raise NotificationRefused("Notifications go only to staff of the case's own service.")
    message = _coded_message(case, subject, body, child)
    addresses = [user.email for user in people if user.is_active and user.email]
    for address in addresses:
        EmailMessage(subject=message[0], body=message[1], to=[address]).send()
    return len(addresses)


def email_third_party(*, case, to: str, subject: str, body: str, child=None) -> None:
    """Email someone outside the service about a case, by coded reference only (COM-3).

    Sharing is the caller's decision and must already have passed the consent
    sharing check (CON-6); this function guarantees only that no name or
    contact detail held in the case goes in the email.
    """
    try:
        validate_email(to)
    except ValidationError as exc:
        raise NotificationRefused("Enter a valid email address for the recipient.") from exc
    coded_subject, coded_body = _coded_message(case, subject, body, child)
    EmailMessage(subject=f"{CONFIDENTIAL}: {coded_subject}", body=coded_body, to=[to]).send()


def _coded_message(case, subject: str, body: str, child) -> tuple[str, str]:
    if child is not None and child.case_id != case.pk:
        raise NotificationRefused("That child is not on this case.")
    check_no_identifying_values(case, subject, body)
    return f"[{coded_reference(child or case)}] {subject}", body


def _words(name: str) -> list[str]:
    return [word for word in re.split(r"[\s\-]+", name or "") if len(word) >= MIN_NAME_LENGTH]


def _mentions(text: str, values: dict[str, set[str]]) -> bool:
    folded = (text or "").casefold()
    for name in values["names"]:
        if re.search(rf"(?<!\w){re.escape(name.casefold())}(?!\w)", folded):
            return True
    if any(line in folded for line in values["lines"]):
        return True
    if any(email in folded for email in values["emails"]):
        return True
    # Digits only, so "07700 900123", "07700-900-123" and "+44 7700 900123" all match.
    digits = re.sub(r"\D", "", text or "")
    if any(phone.lstrip("0") in digits for phone in values["phones"]):
        return True
    squashed = normalise_postcode(text or "")
    return any(code in squashed for code in values["postcodes"])
