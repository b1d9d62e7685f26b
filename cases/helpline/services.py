"""Writes for the helpline: a call's case, referrals, linked enquiries and voicemail.

Same conventions as ``cases.services`` (keyword-only, typed, atomic, rule
violations raise ``RuleError``), which these build on.
"""

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from cases.models import (
    AnonymousContact,
    Case,
    CaseLink,
    Channel,
    Child,
    Contact,
    Referral,
    Topic,
    Voicemail,
)
from cases.rules import PURPOSE_NOT_EXPLAINED, require_open
from cases.services import anonymous_contact_log, case_open, child_add, contact_log
from pps.crypto import create_data_key, destroy_data_key
from pps.fields import blind_index_for
from pps.history import save_as
from pps.models import Service, User
from pps.rules import RuleError

REFERRAL_WITHOUT_AGREEMENT = (
    "This referral cannot be saved as a case: there is no evidence that the parent agreed to "
    "it. The service may not contact the parent until they have. Ask the referrer for the "
    "parent's agreement (a signed referral form, or the parent's letter or email), or ask the "
    "parent directly."
)


# --- separate enquiries (REF-6) -------------------------------------------


def separate_enquiry_case_ids(
    *, service_id: int, family_name: str, date_of_birth, exclude_case_ids=()
) -> list[int]:
    """Other cases of the service holding a child with this surname and date of birth.

    Exact match through the blind indexes, so it works on encrypted data. Callers
    must never show these cases to the user: only that a separate enquiry exists.
    """
    name_digest = blind_index_for("name", family_name or "")
    dob_digest = blind_index_for("date", date_of_birth)
    if name_digest is None or dob_digest is None:
        return []
    return sorted(
        set(
            Child.objects.filter(
                case__service_id=service_id,
                family_name_bidx=name_digest,
                date_of_birth_bidx=dob_digest,
            )
            .exclude(case_id__in=list(exclude_case_ids))
            .values_list("case_id", flat=True)
        )
    )


@transaction.atomic
def case_link_record(
    *, case: Case, other_case: Case, by: User, caller_stated_knowledge: bool
) -> CaseLink:
    """Link two separate enquiries because the caller said they know of the other (REF-6)."""
    if not caller_stated_knowledge:
        raise RuleError(
            "Separate enquiries are only linked when the caller states they know of the other "
            "parent's contact with the service."
        )
    if case.pk == other_case.pk or case.service_id != other_case.service_id:
        raise RuleError("These cases cannot be linked.")
    first, second = sorted([case, other_case], key=lambda c: c.pk)
    existing = CaseLink.objects.filter(case=first, other_case=second).first()
    if existing is not None:
        return existing
    return save_as(
        CaseLink(case=first, other_case=second, caller_stated_knowledge=True, recorded_by=by), by
    )


# --- referrals (REF-4) ------------------------------------------------------


@transaction.atomic
def referral_record(
    *,
    case: Case,
    by: User,
    referrer_type: str,
    referrer_name: str,
    organisation: str,
    referrer_role: str,
    referred_on: datetime.date,
    parent_agreed_on: datetime.date | None,
    parent_agreed_how: str,
    agreement_evidence: str,
) -> Referral:
    """Record who referred the family, with the evidence that the parent agreed."""
    require_open(case)
    referral_check(
        referrer_name=referrer_name,
        organisation=organisation,
        referrer_role=referrer_role,
        parent_agreed_on=parent_agreed_on,
        parent_agreed_how=parent_agreed_how,
        agreement_evidence=agreement_evidence,
    )
    referral = Referral(
        case=case,
        referrer_type=referrer_type,
        referrer_name=referrer_name.strip(),
        organisation=organisation.strip(),
        referrer_role=referrer_role.strip(),
        referred_on=referred_on,
        parent_agreed_on=parent_agreed_on,
        parent_agreed_how=parent_agreed_how,
        agreement_evidence=agreement_evidence.strip(),
        recorded_by=by,
    )
    return save_as(referral, by)


def referral_check(
    *,
    referrer_name: str,
    organisation: str,
    referrer_role: str,
    parent_agreed_on,
    parent_agreed_how: str,
    agreement_evidence: str,
) -> None:
    """Refuse a referral that lacks the referrer's details or the parent's agreement."""
    if not (parent_agreed_on and parent_agreed_how and agreement_evidence.strip()):
        raise RuleError(REFERRAL_WITHOUT_AGREEMENT)
    if parent_agreed_on > timezone.localdate():
        raise RuleError("The date the parent agreed cannot be in the future.")
    if not (referrer_name.strip() and organisation.strip() and referrer_role.strip()):
        raise RuleError("Record the referrer's name, organisation and role.")


# --- a call from a parent not yet known (REF-1, REF-3, REF-4, REF-6) -------

_REFERRAL_CHECK_FIELDS = {
    "referrer_name",
    "organisation",
    "referrer_role",
    "parent_agreed_on",
    "parent_agreed_how",
    "agreement_evidence",
}


@dataclass(frozen=True)
class OpenedCase:
    case: Case
    contact: Contact
    # Other enquiries about the same child: a count to tell staff the cases are
    # kept separate, never which cases they are.
    separate_enquiries: int
    linked: int


@transaction.atomic
def helpline_case_open(
    *,
    service: Service,
    by: User,
    parent: dict,
    contact: dict,
    child: dict | None = None,
    summary: str = "",
    referral: dict | None = None,
    caller_knows_other_contact: bool = False,
    submission_id=None,
) -> OpenedCase:
    """Open a new, separate case from a call (or a referral), with its first contact.

    When the child already appears in another parent's case, this is still a new
    case (REF-6); the two are linked only if the caller stated they know of the
    other parent's contact, and nothing of the other case is returned.
    """
    if referral is not None:
        # Checked before anything is written, so a refused referral stores nothing.
        referral_check(**{k: v for k, v in referral.items() if k in _REFERRAL_CHECK_FIELDS})
    elif not parent.get("purpose_explained"):
        # GOV-4: the parent's own call is the first contact; a referral reaches the
        # service before the parent does, so it is recorded at the first call instead.
        raise RuleError(PURPOSE_NOT_EXPLAINED)
    case = case_open(service=service, by=by, parent=parent, summary=summary)
    other_case_ids: list[int] = []
    if child:
        child_row = child_add(case=case, by=by, **child)
        other_case_ids = separate_enquiry_case_ids(
            service_id=service.pk,
            family_name=child_row.family_name,
            date_of_birth=child_row.date_of_birth,
            exclude_case_ids=[case.pk],
        )
    if referral is not None:
        referral_record(case=case, by=by, **referral)
    first_contact = contact_log(case=case, by=by, submission_id=submission_id, **contact)
    linked = 0
    if caller_knows_other_contact:
        for other in Case.objects.filter(pk__in=other_case_ids, service=service):
            case_link_record(case=case, other_case=other, by=by, caller_stated_knowledge=True)
            linked += 1
    return OpenedCase(
        case=case,
        contact=first_contact,
        separate_enquiries=len(other_case_ids),
        linked=linked,
    )


@transaction.atomic
def helpline_contact_on_case(
    *, case: Case, by: User, contact: dict, referral: dict | None = None, submission_id=None
) -> Contact:
    """Log a call (or a referral) from a parent found on an existing case."""
    if referral is not None:
        referral_record(case=case, by=by, **referral)
    return contact_log(case=case, by=by, submission_id=submission_id, **contact)


# --- voicemail (REF-7) ----------------------------------------------------


@transaction.atomic
def voicemail_log(
    *,
    service: Service,
    by: User,
    received_at: datetime.datetime,
    caller_number: str,
    summary: str,
    action_taken: str = "",
    submission_id=None,
) -> Voicemail:
    """Record a helpline message, encrypted under a key of its own (see Voicemail)."""
    if not (caller_number.strip() or summary.strip()):
        raise RuleError("Record the number left or a summary of the message.")
    voicemail = Voicemail(
        service=service,
        received_at=received_at,
        caller_number=caller_number.strip(),
        summary=summary.strip(),
        action_taken=action_taken.strip(),
        recorded_by=by,
        submission_id=submission_id,
        data_key_id=create_data_key(),
    )
    return save_as(voicemail, by)


def _locked_awaiting(voicemail: Voicemail) -> Voicemail:
    # Two staff dealing with the same message at once: the second one is refused.
    locked = Voicemail.objects.select_for_update().get(pk=voicemail.pk)
    if locked.status != Voicemail.Status.AWAITING:
        raise RuleError("This message has already been dealt with.")
    return locked


def _voicemail_clear(voicemail: Voicemail, *, by: User, status: str, case: Case | None) -> None:
    """Keep the outcome, lose the content: clear the fields, then destroy the key."""
    voicemail.caller_number = voicemail.summary = voicemail.action_taken = ""
    voicemail.status = status
    voicemail.case = case
    voicemail.resolved_by = by
    voicemail.resolved_at = timezone.now()
    save_as(voicemail, by)
    key_id = voicemail.data_key_id
    # Only once the cleared row is committed: a rolled-back resolution must not
    # leave a waiting message that nobody can read.
    transaction.on_commit(lambda: destroy_data_key(key_id))


@transaction.atomic
def voicemail_log_on_case(
    *,
    voicemail: Voicemail,
    case: Case,
    by: User,
    topic: Topic,
    outcome: str,
    callback: dict | None = None,
) -> Contact:
    """The caller is known (and agreed to storage): the message becomes a contact on their case.

    "Callback arranged" needs ``callback``, the task, as any contact does (CAS-5).
    """
    voicemail = _locked_awaiting(voicemail)
    if case.service_id != voicemail.service_id:
        raise RuleError("Choose a case of your service.")
    notes = voicemail.summary
    if voicemail.action_taken:
        notes = f"{notes}\n\nAction taken: {voicemail.action_taken}".strip()
    contact = contact_log(
        case=case,
        by=by,
        channel=Channel.VOICEMAIL,
        topic=topic,
        outcome=outcome,
        notes=notes,
        occurred_at=voicemail.received_at,
        callback=callback,
    )
    _voicemail_clear(voicemail, by=by, status=Voicemail.Status.ON_CASE, case=case)
    return contact


@transaction.atomic
def voicemail_log_anonymously(
    *, voicemail: Voicemail, by: User, topic: Topic, outcome: str
) -> AnonymousContact:
    """The caller stayed anonymous, declined storage or could not be reached (REF-2)."""
    voicemail = _locked_awaiting(voicemail)
    contact = anonymous_contact_log(
        service=voicemail.service,
        by=by,
        channel=Channel.VOICEMAIL,
        topic=topic,
        outcome=outcome,
        occurred_at=voicemail.received_at,
    )
    _voicemail_clear(voicemail, by=by, status=Voicemail.Status.ANONYMOUS, case=None)
    return contact
