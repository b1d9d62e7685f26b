"""Demo family details (CAS-1, CAS-2), made through the family screens' services.

On the service's first open case: a second parent added and the first one's
phone number corrected; a child with an item of every kind of information
(parent-supplied and from the case file, an EHC plan with its dates), one
corrected and one ended, and a copy of the EHC plan attached to its item; and
a child recorded twice, removed by the coordinator with the reason kept in the
history.
"""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile

from cases.family import services as family
from cases.models import Case, ChildInformation
from demo.documents import tiny_pdf

Kind, Source = ChildInformation.Kind, ChildInformation.Source
ITEMS = [
    (Kind.SCHOOL, Source.PARENT, "Oakfield Primary School, Year 4."),
    (Kind.SEN_NEED, Source.PARENT, "Finds reading hard; parent thinks it may be dyslexia."),
    (Kind.SUPPORT, Source.PARENT, "Small-group phonics three mornings a week."),
    (Kind.EHC_PLAN, Source.CASE_FILE, "EHC plan issued by the local authority."),
    (Kind.SCHOOL_RECORD, Source.CASE_FILE, "SEN register entry and attendance record from school."),
    (Kind.PROFESSIONAL_REPORT, Source.CASE_FILE, "Speech and language therapy report."),
    (Kind.ASSESSMENT, Source.CASE_FILE, "Educational psychologist's assessment."),
]


def seed_family(*, service, users, fake, today: datetime.date) -> None:
    staff, coordinator = users["staff"], users["coordinator"]
    case = Case.objects.filter(service=service, status=Case.Status.OPEN).order_by("pk").first()
    if case is None:
        return
    parent = case.parents.order_by("pk").first()
    family.parent_add(
        case=case,
        by=staff,
        given_name=fake.first_name_male(),
        family_name=parent.family_name,
        relationship="father",
        parental_responsibility="yes",
        phone=fake.cellphone_number(),
        email="",
        email_permission=False,
        address=parent.address,
        postcode=parent.postcode,
        storage_agreed_on=today,
        storage_agreed_how="telephone",
        purpose_explained=True,
    )
    family.parent_update(
        parent=parent,
        by=staff,
        expected_version=parent.version,
        **{name: getattr(parent, name) for name in family.PARENT_FIELDS}
        | {"phone": fake.cellphone_number()},
    )

    child = family.child_add(
        case=case,
        by=staff,
        given_name=fake.first_name(),
        family_name=parent.family_name,
        date_of_birth=today - datetime.timedelta(days=9 * 365),
        school_phase="primary",
    )
    items = {}
    for kind, source, text in ITEMS:
        dated = kind in ChildInformation.DATED_KINDS
        items[kind] = family.child_information_add(
            child=child,
            by=staff,
            kind=kind,
            source=source,
            text=text,
            started_on=today - datetime.timedelta(days=200) if dated else None,
            review_on=today + datetime.timedelta(days=165) if dated else None,
        )
    plan = items[Kind.EHC_PLAN]
    family.child_information_document_attach(
        item=plan,
        uploaded_file=SimpleUploadedFile(
            "ehc-plan.pdf", tiny_pdf("EHC plan (demo copy)"), "application/pdf"
        ),
        description="Copy of the final EHC plan",
        by=staff,
    )
    need = items[Kind.SEN_NEED]
    family.child_information_update(
        item=need,
        by=staff,
        expected_version=need.version,
        kind=need.kind,
        source=need.source,
        text="Dyslexia, diagnosed by the school's specialist teacher; parent told us.",
        started_on=None,
        review_on=None,
    )
    support = items[Kind.SUPPORT]
    family.child_information_end(
        item=support,
        by=staff,
        expected_version=support.version,
        ended_on=today - datetime.timedelta(days=14),
    )

    twice = family.child_add(
        case=case,
        by=staff,
        given_name=child.given_name,
        family_name=child.family_name,
        date_of_birth=None,
        school_phase="",
    )
    family.child_remove(
        child=twice,
        by=coordinator,
        reason=family.RemovalReason.DUPLICATE,
        expected_version=twice.version,
    )
