"""Writes for consent: record (or review) a decision, withdraw, attach the signed form.

Decisions are never edited or deleted by the application; each change of mind
is a new decision (CON-5). ``at`` is the moment of recording; views never pass
it (it is now), the demo loader does, to build a history that looks lived-in.
"""

import datetime
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from cases.models import Case
from cases.services import volunteer_unassign
from consent.models import (
    ConsentDecision,
    ConsentParty,
    SignedConsentForm,
)
from consent.roles import choosable_role_codes, recipient_roles_ensure
from consent.selectors import latest_decision, lock_case
from consent.sharing import volunteer_sharing_check
from pps.dates import start_of_day
from pps.history import save_as
from pps.models import User
from pps.rules import RuleError
from pps.uploads import SIGNATURES

Kind = ConsentDecision.Kind
PARTY_NAME_MAX = 200


def _check_recorder(case: Case, by: User) -> None:
    if not by.is_case_worker or by.service_id != case.service_id:
        raise RuleError("Only staff of this service can record consent.")


def _effective_moment(
    effective_from: datetime.date | None, at: datetime.datetime
) -> datetime.datetime:
    """Today means now; a later date means the start of that day; earlier is refused."""
    today = timezone.localdate(at)
    if effective_from is None or effective_from == today:
        return at
    if effective_from < today:
        raise RuleError(
            "A consent decision cannot take effect before it is recorded: choose today or a later date."
        )
    return start_of_day(effective_from)


def _clean_roles(case: Case, kind: str, roles: Iterable[str]) -> list[str]:
    roles = list(dict.fromkeys(roles))
    if kind != Kind.RESTRICTED:
        if roles:
            raise RuleError("Only restricted consent lists professional roles.")
        return []
    if not roles:
        raise RuleError("Choose at least one role the parent agreed to share with.")
    choosable = choosable_role_codes(case.service_id)
    if any(role not in choosable for role in roles):
        raise RuleError("Choose roles from your service's list.")
    return roles


def _clean_parties(
    case: Case, kind: str, roles: list[str], parties: Iterable[tuple[str, str]]
) -> list[tuple[str, str]]:
    cleaned = [(role, name.strip()) for role, name in parties if name.strip()]
    if cleaned and kind == Kind.REFUSED:
        raise RuleError("A refusal names no parties to share with.")
    choosable = choosable_role_codes(case.service_id)
    for role, name in cleaned:
        if role not in choosable:
            raise RuleError("Give each named party a role from your service's list.")
        if kind == Kind.RESTRICTED and role not in roles:
            raise RuleError(
                "Each named party must have one of the roles the parent agreed to share with."
            )
        if len(name) > PARTY_NAME_MAX:
            raise RuleError(f"Keep each named party under {PARTY_NAME_MAX} characters.")
    return cleaned


def _end_uncovered_assignments(case: Case, by: User) -> int:
    """End every open volunteer assignment the parent's consent no longer covers
    (CON-7, CON-8, ACC-2), in the transaction that changed consent.

    Called after each decision is saved: ending the assignment removes the
    volunteer's object permission, so their next request is refused. The
    reason (dates and role names only) stays on the assignment for coordinators.
    """
    ended = 0
    for assignment in case.volunteer_assignments.filter(ended_at__isnull=True).select_related(
        "volunteer", "case"
    ):
        covered = volunteer_sharing_check(case=case, volunteer=assignment.volunteer)
        if not covered.allowed:
            volunteer_unassign(
                assignment=assignment,
                by=by,
                reason=f"Consent no longer covers this volunteer. {covered.reason}",
            )
            ended += 1
    return ended


@transaction.atomic
def consent_record(
    *,
    case: Case,
    by: User,
    kind: str,
    obtained_how: str,
    decided_on: datetime.date,
    effective_from: datetime.date | None = None,
    roles: Iterable[str] = (),
    parties: Iterable[tuple[str, str]] = (),
    limits_explained: bool = False,
    note: str = "",
    review_of: ConsentDecision | None = None,
    at: datetime.datetime | None = None,
) -> ConsentDecision:
    """Record the parent's decision: full, restricted to roles (and named parties) or refused.

    In-person consent needs its signed form attached before it allows any
    sharing (``signed_form_attach``). A review (CON-5) is a new decision with
    ``review_of`` set to the one it reviewed.
    """
    at = at or timezone.now()
    _check_recorder(case, by)
    if case.status != Case.Status.OPEN:
        raise RuleError("Consent can only be recorded on an open case.")
    if kind not in (Kind.FULL, Kind.RESTRICTED, Kind.REFUSED):
        raise RuleError("Choose full consent, restricted consent or refusal.")
    if obtained_how not in ConsentDecision.Method.values:
        raise RuleError("Say how the parent's decision was obtained.")
    if decided_on > timezone.localdate(at):
        raise RuleError("The date of the parent's decision cannot be in the future.")
    if kind == Kind.REFUSED and not limits_explained:
        raise RuleError(
            "Record that the parent was told the limits of what the service can do without consent."
        )
    if review_of is not None and review_of.case_id != case.pk:
        raise RuleError("A review must be of this case's consent.")
    recipient_roles_ensure(service=case.service)
    roles = _clean_roles(case, kind, roles)
    parties = _clean_parties(case, kind, roles, parties)
    lock_case(case)
    decision = save_as(
        ConsentDecision(
            case=case,
            kind=kind,
            roles=roles,
            obtained_how=obtained_how,
            decided_on=decided_on,
            effective_from=_effective_moment(effective_from, at),
            limits_explained=limits_explained,
            note=note.strip(),
            review_of=review_of,
            recorded_by=by,
            recorded_at=at,
        ),
        by,
    )
    for role, name in parties:
        save_as(ConsentParty(decision=decision, case=case, role=role, name=name), by)
    _end_uncovered_assignments(case, by)
    return decision


@transaction.atomic
def consent_withdraw(
    *,
    case: Case,
    by: User,
    obtained_how: str,
    limits_explained: bool,
    note: str = "",
    at: datetime.datetime | None = None,
) -> ConsentDecision:
    """The parent withdraws consent: from this moment nothing may be shared (CON-7).

    It supersedes every earlier decision, one scheduled for a later date included.
    """
    at = at or timezone.now()
    _check_recorder(case, by)
    if obtained_how not in ConsentDecision.Method.values:
        raise RuleError("Say how the parent withdrew consent.")
    if not limits_explained:
        raise RuleError(
            "Record that the parent was told the limits of what the service can do without consent."
        )
    lock_case(case)
    latest = latest_decision(case)
    if latest is None or not latest.permits_sharing:
        raise RuleError("There is no consent to withdraw.")
    decision = save_as(
        ConsentDecision(
            case=case,
            kind=Kind.WITHDRAWN,
            roles=[],
            obtained_how=obtained_how,
            decided_on=timezone.localdate(at),
            effective_from=at,
            limits_explained=True,
            note=note.strip(),
            recorded_by=by,
            recorded_at=at,
        ),
        by,
    )
    _end_uncovered_assignments(case, by)
    return decision


@transaction.atomic
def signed_form_attach(
    *,
    decision: ConsentDecision,
    content: bytes,
    content_type: str,
    by: User,
    at: datetime.datetime | None = None,
) -> SignedConsentForm:
    """Attach the signed form (or the letter or email) to a decision; stored encrypted.

    ``content`` and ``content_type`` come from ``pps.uploads.read_upload``,
    which checked the type by content and the size.
    """
    _check_recorder(decision.case, by)
    if not decision.accepts_documents:
        raise RuleError(
            "Only consent given in person, by letter or by email has a document to attach."
        )
    if not content or content_type not in SIGNATURES:
        raise RuleError("Attach a PDF, PNG or JPEG file.")
    return save_as(
        SignedConsentForm(
            decision=decision,
            case=decision.case,
            content=content,
            content_type=content_type,
            size=len(content),
            uploaded_by=by,
            uploaded_at=at or timezone.now(),
        ),
        by,
    )
