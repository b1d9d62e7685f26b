"""Building cases at any point of their retention life, through the services."""

import datetime

from cases import services as case_services
from cases.family import services as family_services
from cases.models import Case
from pps.history import save_as
from tests.consent.helpers import record
from tests.factories import parent_fields


def years_ago(years: int, today: datetime.date | None = None) -> datetime.date:
    today = today or datetime.date.today()
    try:
        return today.replace(year=today.year - years)
    except ValueError:
        return today.replace(year=today.year - years, day=28)


def make_closed_case(
    service,
    by,
    *,
    closed_on: datetime.date,
    opened_on: datetime.date | None = None,
    children: tuple[dict, ...] = (),
    **parent,
) -> Case:
    """A case closed on ``closed_on``; ``children`` (child_add's fields) are recorded
    before it closes, since a closed case is read-only (CAS-3)."""
    opened_on = opened_on or closed_on - datetime.timedelta(days=90)
    case = case_services.case_open(
        service=service,
        by=by,
        opened_on=opened_on,
        summary="Retention test case.",
        parent=parent_fields(storage_agreed_on=opened_on, **parent),
    )
    for child in children:
        case_services.child_add(case=case, by=by, **child)
    return case_services.case_close(case=case, by=by, closed_on=closed_on)


def make_expired_case(service, by, *, years: int = 13, **parent) -> Case:
    """A case closed ``years`` ago: past the 12-year parent-support rule by default."""
    return make_closed_case(service, by, closed_on=years_ago(years), **parent)


def retention_world(service, case, coordinator, admin_user) -> dict:
    """Objects the authorisation matrix needs for the retention URLs.

    The hold is on a second case, so lifting it in one persona's request does
    not change what the next persona sees of the main case.
    """
    from retention.models import PurgeRun
    from retention.schedule import retention_categories_for
    from retention.services import legal_hold_place

    category = retention_categories_for(service)[0]
    held_case = make_closed_case(service, coordinator, closed_on=years_ago(1))
    hold = legal_hold_place(case=held_case, reason="complaint", by=coordinator)
    run = PurgeRun.objects.create(service=service, method="screen", authorised_by=admin_user)
    return {"category": category, "hold": hold, "run": run}


def case_footprint(case) -> dict[str, int]:
    """Rows about ``case`` in the tables of the foundation, counted independently of
    the purge's own discovery, plus whether its data key still exists."""
    from django.contrib.admin.models import LogEntry

    from cases.models import (
        CaseUserObjectPermission,
        Child,
        ChildInformation,
        Contact,
        Parent,
        VolunteerAssignment,
    )
    from cases.paper.models import PaperFile
    from pps.keystore.models import DataKey
    from pps.models import AccessLogEntry
    from retention.models import CaseCategory, CaseRetention, LegalHold

    counts = {"case": Case.objects.filter(pk=case.pk).count()}
    counts["case history"] = Case.history.filter(id=case.pk).count()
    for model in (
        Parent,
        Child,
        ChildInformation,
        Contact,
        VolunteerAssignment,
        PaperFile,  # GOV-8: the paper file's location and shredding go with the case
        CaseCategory,
        CaseRetention,
        LegalHold,
    ):
        name = model._meta.model_name
        counts[name] = model.objects.filter(case_id=case.pk).count()
        counts[f"{name} history"] = model.history.filter(case_id=case.pk).count()
    counts["guardian"] = CaseUserObjectPermission.objects.filter(content_object_id=case.pk).count()
    counts["access log"] = AccessLogEntry.objects.filter(case_id=case.pk).count()
    counts["admin log"] = LogEntry.objects.filter(object_id=str(case.pk)).count()
    counts["data key"] = DataKey.objects.filter(id=case.data_key_id).count()
    return counts


def rich_case(service, staff, coordinator, volunteer, client_for, **parent):
    """A case with something in every table: people, contacts, history, reads, holds."""
    from django.contrib.admin.models import CHANGE, LogEntry
    from django.contrib.contenttypes.models import ContentType
    from guardian.shortcuts import assign_perm

    from cases.models import Parent
    from cases.paper.services import paper_file_locate, paper_file_shred
    from retention.schedule import case_retention_refresh
    from retention.services import legal_hold_lift, legal_hold_place

    opened_on = years_ago(15)
    case = case_services.case_open(
        service=service,
        by=staff,
        opened_on=opened_on,
        summary=parent.pop("summary", "Summary of the enquiry."),
        parent=parent_fields(storage_agreed_on=opened_on, **parent),
    )
    child = case_services.child_add(
        case=case,
        by=staff,
        given_name=parent.get("given_name", "Child"),
        family_name=parent.get("family_name", "Family"),
        date_of_birth=datetime.date(2009, 2, 28),
    )
    family_services.child_information_add(
        child=child, by=staff, kind="sen_need", source="parent", text="SEN details of the child."
    )
    case_services.contact_log(
        case=case,
        by=staff,
        channel="helpline",
        topic=service.topics.first(),
        outcome="advice",
        notes="Notes of the call.",
        occurred_at=datetime.datetime(opened_on.year, 6, 1, 10, tzinfo=datetime.UTC),
    )
    record(case, coordinator)  # the parent agreed to a volunteer (CON-8)
    case_services.volunteer_assign(case=case, volunteer=volunteer, by=coordinator)
    client_for(volunteer).get(f"/cases/{case.pk}/")
    client_for(staff).get(f"/cases/{case.pk}/")
    client_for(staff).get("/cases/")
    for round_number in range(3):
        person = Parent.objects.get(case=case)
        person.phone = f"0700{case.pk:05d}{round_number}"
        save_as(person, staff)
    hold = legal_hold_place(case=case, reason="complaint", by=coordinator, details="Complaint 7")
    legal_hold_lift(hold=hold, by=coordinator)
    LogEntry.objects.create(
        user=coordinator,
        content_type=ContentType.objects.get_for_model(Parent),
        object_id=str(Parent.objects.get(case=case).pk),
        object_repr="parent",
        action_flag=CHANGE,
    )
    LogEntry.objects.create(
        user=coordinator,
        content_type=ContentType.objects.get_for_model(Case),
        object_id=str(case.pk),
        object_repr=case.reference,
        action_flag=CHANGE,
    )
    # Closed 13 years ago: past the 12-year parent-support rule. Closing revokes
    # the volunteer's permission; a leftover grant must go with the case too.
    case = case_services.case_close(case=case, by=staff, closed_on=years_ago(13))
    # Its paper file, kept in a cabinet and shredded a year after closure (GOV-8).
    paper_file_locate(case=case, by=staff, location="Cabinet 2, drawer B")
    paper_file_shred(case=case, by=staff, shredded_on=years_ago(12))
    assign_perm("view_case", coordinator, case)
    case_retention_refresh(case)
    return case


def record_decryptions(monkeypatch) -> list[str]:
    """The column of every value decrypted from now on, in order.

    Each decryption needs the case's data key: a key-store read per case once
    the key has left the cache, so work that only needs dates should make none.
    """
    from pps import crypto

    decrypted: list[str] = []
    decrypt = crypto.decrypt_value

    def recording(blob: bytes, *, context: bytes) -> bytes:
        decrypted.append(context.decode().removeprefix("pps-field:"))
        return decrypt(blob, context=context)

    monkeypatch.setattr(crypto, "decrypt_value", recording)
    crypto.forget_cached_keys()
    return decrypted


def retention_category(service, code: str):
    """The service's category with this code (the default schedule's, on first use)."""
    from retention.schedule import retention_categories_for

    return next(c for c in retention_categories_for(service) if c.code == code)


def change_rule(category, by, **changes) -> int:
    """Save ``category`` with ``changes`` through the service, the rest as it is."""
    from retention.services import retention_category_update

    editable = (
        "name",
        "description",
        "anchor",
        "anchor_age_years",
        "years",
        "applies_to_every_case",
    )
    fields = {name: getattr(category, name) for name in editable}
    return retention_category_update(category=category, by=by, **{**fields, **changes})
