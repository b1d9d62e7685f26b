"""Writes for the family on a case: parents and carers, children, child information.

What the case summary's screens call (CAS-1, CAS-2). Each write, in one
transaction:

- locks the case row first, so it is serialised with closing and archiving,
  and refuses a case that is not open: a closed case is read-only until a
  coordinator reopens it (CAS-3), an archived one for good (RET-2);
- locks the record it changes and compares the version the user's form was
  built from (``ConflictError`` if someone else saved in between, SEC-4);
- saves the whole row with the acting user (history records who, SEC-3).
  Whole, not ``update_fields``: every blind index is computed from its source
  field when the row is saved, and a partial save would leave the old
  surname's, phone number's or postcode's digest findable and the new one not.

``cases.services.parent_add`` and ``child_add`` stay as the helpline and the
seeding use them (they refuse only an archived case).
"""

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import router, transaction
from django.db.models import Model, ProtectedError, RestrictedError
from django.db.models.deletion import Collector
from django.utils import timezone

from cases import services as case_services
from cases.family.models import DESCRIPTION_MAX_CHARS
from cases.models import (
    AgreementMethod,
    Case,
    Child,
    ChildInformation,
    ChildInformationDocument,
    Parent,
    ParentalResponsibility,
    VolunteerAssignment,
)
from cases.rules import PURPOSE_NOT_EXPLAINED, require_open
from cases.search.models import SearchTerm
from pps.history import save_as
from pps.locking import bump_version, lock_for_change
from pps.models import User
from pps.roles import CASE_WORKER_ROLES, Role
from pps.rules import RuleError
from pps.uploads import read_upload

LAST_PARENT = (
    "This is the only parent or carer on the case, so they cannot be removed: a case records "
    "one parent's enquiry, with their agreement to their details being stored. Correct their "
    "details instead."
)
ACTED_FOR = (
    "This {who} cannot be removed: the service has already recorded work about them (such as "
    "letters, statements, volunteer support, requests for information or safeguarding "
    "records), which would be deleted with them. Correct their details instead."
)
RESPONSIBILITY_ENDED = (
    "The parent or carer they support is no longer recorded as holding parental responsibility."
)


class RemovalReason:
    """Why a coordinator removes a person (CAS-1): from a list, so the reason the
    history keeps (in plain text, beside the encrypted record) never holds a
    person's details."""

    ADDED_IN_ERROR = "added_in_error"
    DUPLICATE = "duplicate"
    WRONG_CASE = "wrong_case"
    choices = [
        (ADDED_IN_ERROR, "Added to this case by mistake"),
        (DUPLICATE, "Recorded twice on this case"),
        (WRONG_CASE, "Belongs to a different enquiry"),
    ]
    labels = dict(choices)


PARENT_FIELDS = (
    "given_name",
    "family_name",
    "relationship",
    "parental_responsibility",
    "phone",
    "email",
    "email_permission",
    "address",
    "postcode",
    "storage_agreed_on",
    "storage_agreed_how",
    "purpose_explained",
)
CHILD_FIELDS = ("given_name", "family_name", "date_of_birth", "school_phase")
INFORMATION_FIELDS = ("kind", "source", "text", "started_on", "review_on")
# What a new record may leave out.
PARENT_DEFAULTS = {
    "phone": "",
    "email": "",
    "email_permission": False,
    "address": "",
    "postcode": "",
    "purpose_explained": False,
}
CHILD_DEFAULTS = {"date_of_birth": None, "school_phase": ""}
INFORMATION_DEFAULTS = {"started_on": None, "review_on": None}


# --- rules shared by every write -------------------------------------------


def _lock_open_case(case: Case) -> None:
    lock_for_change(case)
    require_open(case)


def _details(
    given: dict[str, Any], names: tuple[str, ...], defaults: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Every field of the screen, and nothing else: one screen, one save. A new
    record may leave out what ``defaults`` gives; a correction names every field."""
    given = (defaults or {}) | given
    if set(given) != set(names):
        raise TypeError(f"expected exactly {sorted(names)}, got {sorted(given)}")
    return {
        name: value.strip() if isinstance(value, str) else value for name, value in given.items()
    }


def _require_names(details: dict[str, Any], who: str) -> None:
    if not details["given_name"] or not details["family_name"]:
        raise RuleError(f"Enter the {who}'s first name and surname.")


def _check_parent(details: dict[str, Any]) -> dict[str, Any]:
    _require_names(details, "parent or carer")
    if details["relationship"] not in Parent.Relationship.values:
        raise RuleError("Choose their relationship to the child.")
    if details["parental_responsibility"] not in ParentalResponsibility.values:
        raise RuleError("Say whether they hold parental responsibility.")
    agreed_on = details["storage_agreed_on"]
    if not agreed_on or details["storage_agreed_how"] not in AgreementMethod.values:
        raise RuleError("Record when and how this parent agreed to their details being stored.")
    if agreed_on > timezone.localdate():
        raise RuleError(
            "The date they agreed to their details being stored cannot be in the future."
        )
    # Permission to email personal information means nothing without an address.
    details["email_permission"] = bool(details["email_permission"] and details["email"])
    return details


def _check_child(details: dict[str, Any]) -> dict[str, Any]:
    _require_names(details, "child")
    born = details["date_of_birth"]
    if born is not None and born >= timezone.localdate():
        raise RuleError("The child's date of birth must be in the past.")
    if details["school_phase"] not in ["", *Child.SchoolPhase.values]:
        raise RuleError("Choose a school phase from the list.")
    return details


def _check_information(details: dict[str, Any]) -> dict[str, Any]:
    kind, source = details["kind"], details["source"]
    if kind not in ChildInformation.Kind.values:
        raise RuleError("Choose what kind of information this is.")
    if source not in ChildInformation.Source.values:
        raise RuleError("Choose where the information came from.")
    if kind in ChildInformation.CASE_FILE_KINDS and source != ChildInformation.Source.CASE_FILE:
        # ACC-3: what would make it parent-supplied is the parent telling us,
        # which is recorded under the other kinds.
        raise RuleError(
            "A school record, professional report or assessment is case-file information: "
            "choose the case file as its source."
        )
    if not details["text"]:
        raise RuleError("Enter what is known.")
    started_on, review_on = details["started_on"], details["review_on"]
    if kind not in ChildInformation.DATED_KINDS and (started_on or review_on):
        raise RuleError(
            "Only an EHC needs assessment or plan has a start and a review date: "
            "remove the dates, or choose that kind."
        )
    if started_on and review_on and review_on < started_on:
        raise RuleError("The review date must be on or after the start date.")
    return details


def _save_whole(instance: Model, by: User) -> Model:
    """Save every column (see the module's docstring: blind indexes follow)."""
    bump_version(instance)
    return save_as(instance, by)


def records_depending_on(instance: Model, *, going_with_it=()) -> list[type[Model]]:
    """The kinds of record deleting ``instance`` would also delete, besides ``going_with_it``.

    Asked of Django's own deletion collector, so a record added later that
    points at a parent or child is counted without anyone listing it here.
    """
    collector = Collector(using=router.db_for_write(type(instance)), origin=instance)
    try:
        collector.collect([instance])
    except (ProtectedError, RestrictedError) as error:
        return sorted({type(obj) for obj in error.args[1]}, key=lambda m: m._meta.label)
    # Search index rows are derived from the person and always go with them.
    ignored = {type(instance), SearchTerm, *going_with_it}
    found = {model for model, instances in collector.data.items() if instances}
    found |= {queryset.model for queryset in collector.fast_deletes if queryset.exists()}
    return sorted(found - ignored, key=lambda model: model._meta.label)


def _remove(instance: Model, *, by: User, reason: str) -> None:
    """Delete with the acting user and the reason in the history, whose
    "deleted" row keeps the record's ciphertext until the case is purged."""
    instance._history_user = by
    instance._change_reason = RemovalReason.labels[reason]
    instance.delete()


def _check_removal(by: User, reason: str) -> None:
    if by.role != Role.COORDINATOR:
        raise RuleError("Only a coordinator can remove a person from a case.")
    if reason not in RemovalReason.labels:
        raise RuleError("Choose why they are being removed.")


# --- parents and carers (CAS-1, REF-3, REF-5) -------------------------------


@transaction.atomic
def parent_add(*, case: Case, by: User, **details: Any) -> Parent:
    """A further parent or carer on an open case, with their own agreement (REF-3)."""
    details = _check_parent(_details(details, PARENT_FIELDS, PARENT_DEFAULTS))
    if not details["purpose_explained"]:
        # GOV-4: this is the service's first contact with this parent or carer.
        raise RuleError(PURPOSE_NOT_EXPLAINED)
    _lock_open_case(case)
    return case_services.parent_add(case=case, by=by, **details)


@transaction.atomic
def parent_update(*, parent: Parent, by: User, expected_version: int, **details: Any) -> Parent:
    """Correct every field of a parent or carer at once.

    A parent no longer recorded as holding parental responsibility can have no
    volunteer supporting them (REF-5): those assignments end here, as they do
    when consent stops covering volunteers.
    """
    details = _check_parent(_details(details, PARENT_FIELDS))
    _lock_open_case(parent.case)
    lock_for_change(parent, expected_version=expected_version)
    held = parent.parental_responsibility == ParentalResponsibility.YES
    for name, value in details.items():
        setattr(parent, name, value)
    _save_whole(parent, by)
    if held and parent.parental_responsibility != ParentalResponsibility.YES:
        for assignment in VolunteerAssignment.objects.filter(
            parent=parent, ended_at__isnull=True
        ).select_related("volunteer", "case"):
            case_services.volunteer_unassign(
                assignment=assignment, by=by, reason=RESPONSIBILITY_ENDED
            )
    return parent


@transaction.atomic
def parent_remove(*, parent: Parent, by: User, reason: str, expected_version: int) -> None:
    """A coordinator removes a parent or carer added in error (CAS-1).

    Refused for the case's only parent (the case is their enquiry and rests on
    their agreement, REF-3) and for anyone the service has already acted for:
    letters, statements, volunteer support or requests about them would go with
    them, so their details are corrected instead.
    """
    _check_removal(by, reason)
    _lock_open_case(parent.case)
    lock_for_change(parent, expected_version=expected_version)
    if not parent.case.parents.exclude(pk=parent.pk).exists():
        raise RuleError(LAST_PARENT)
    if records_depending_on(parent):
        raise RuleError(ACTED_FOR.format(who="parent or carer"))
    _remove(parent, by=by, reason=reason)


# --- children (CAS-1) --------------------------------------------------------


@transaction.atomic
def child_add(*, case: Case, by: User, **details: Any) -> Child:
    details = _check_child(_details(details, CHILD_FIELDS, CHILD_DEFAULTS))
    _lock_open_case(case)
    return case_services.child_add(case=case, by=by, **details)


@transaction.atomic
def child_update(*, child: Child, by: User, expected_version: int, **details: Any) -> Child:
    details = _check_child(_details(details, CHILD_FIELDS))
    _lock_open_case(child.case)
    lock_for_change(child, expected_version=expected_version)
    for name, value in details.items():
        setattr(child, name, value)
    return _save_whole(child, by)


@transaction.atomic
def child_remove(*, child: Child, by: User, reason: str, expected_version: int) -> None:
    """A coordinator removes a child added in error, with what was recorded about them.

    Refused if anything else about the child exists (a decision on their
    capacity, a safeguarding record, a request for information).
    """
    _check_removal(by, reason)
    _lock_open_case(child.case)
    lock_for_change(child, expected_version=expected_version)
    if records_depending_on(child, going_with_it={ChildInformation, ChildInformationDocument}):
        raise RuleError(ACTED_FOR.format(who="child"))
    for item in child.information.all():
        for document in item.documents.all():
            _remove(document, by=by, reason=reason)
        _remove(item, by=by, reason=reason)
    _remove(child, by=by, reason=reason)


# --- what is known about each child (CAS-2, ACC-3) --------------------------


@transaction.atomic
def child_information_add(*, child: Child, by: User, **details: Any) -> ChildInformation:
    details = _check_information(_details(details, INFORMATION_FIELDS, INFORMATION_DEFAULTS))
    _lock_open_case(child.case)
    item = ChildInformation(case=child.case, child=child, recorded_by=by, **details)
    return save_as(item, by)


@transaction.atomic
def child_information_update(
    *, item: ChildInformation, by: User, expected_version: int, **details: Any
) -> ChildInformation:
    """Correct an item; the history keeps what it said before (and its source)."""
    details = _check_information(_details(details, INFORMATION_FIELDS))
    _lock_open_case(item.case)
    lock_for_change(item, expected_version=expected_version)
    if item.ended_on and details["started_on"] and details["started_on"] > item.ended_on:
        raise RuleError("The start date must be before the date the information ended.")
    for name, value in details.items():
        setattr(item, name, value)
    return _save_whole(item, by)


@transaction.atomic
def child_information_end(
    *, item: ChildInformation, by: User, expected_version: int, ended_on: datetime.date
) -> ChildInformation:
    """Mark an item as no longer true (a school left, support withdrawn); it stays on record."""
    _lock_open_case(item.case)
    lock_for_change(item, expected_version=expected_version)
    if item.ended_on is not None:
        raise RuleError("This information has already been marked as ended.")
    if ended_on > timezone.localdate():
        raise RuleError("The date it ended must be today or in the past.")
    if item.started_on and ended_on < item.started_on:
        raise RuleError("The date it ended must be on or after its start date.")
    item.ended_on = ended_on
    return _save_whole(item, by)


# --- documents on an item of child information (CAS-2, ACC-3) ----------------


class DocumentRemovalReason:
    """Why a coordinator removes a document (CAS-2): from a list, like a person's
    removal, so the reason in the history never holds personal details."""

    WRONG_ITEM = "wrong_item"
    DUPLICATE = "duplicate"
    WRONG_FAMILY = "wrong_family"
    choices = [
        (WRONG_ITEM, "Attached to this information by mistake"),
        (DUPLICATE, "Attached twice"),
        (WRONG_FAMILY, "About a different family"),
    ]
    labels = dict(choices)


@transaction.atomic
def child_information_document_attach(
    *, item: ChildInformation, uploaded_file, description: str, by: User
) -> ChildInformationDocument:
    """Attach a document (a school or professional's report, an assessment, a copy
    of the EHC plan) to an item; the bytes are checked by content and size
    (``read_upload``) and stored encrypted under the case's key.

    An ended item still takes documents: a report about a school the child has
    left, or a plan that has ceased, is still evidence of what was true then.
    """
    if by.role not in CASE_WORKER_ROLES:
        raise RuleError("Only staff and coordinators can attach documents.")
    _lock_open_case(item.case)
    try:
        content, content_type = read_upload(uploaded_file)
    except ValidationError as error:
        raise RuleError(error.messages[0]) from None
    description = (description or "").strip()
    if len(description) > DESCRIPTION_MAX_CHARS:
        raise RuleError(f"The title must be {DESCRIPTION_MAX_CHARS} characters or fewer.")
    return save_as(
        ChildInformationDocument(
            case=item.case,
            item=item,
            content=content,
            content_type=content_type,
            size=len(content),
            description=description,
            uploaded_by=by,
            uploaded_at=timezone.now(),
        ),
        by,
    )


@transaction.atomic
def child_information_document_remove(
    *, document: ChildInformationDocument, by: User, reason: str
) -> None:
    """A coordinator removes a document attached in error. The history keeps who,
    when, why and its title (encrypted), not the bytes (see the model)."""
    if by.role != Role.COORDINATOR:
        raise RuleError("Only a coordinator can remove a document.")
    if reason not in DocumentRemovalReason.labels:
        raise RuleError("Choose why the document is being removed.")
    _lock_open_case(document.case)
    document._history_user = by
    document._change_reason = DocumentRemovalReason.labels[reason]
    document.delete()
