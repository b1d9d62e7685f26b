"""Every identifying value of a seeded case is absent from its training case study and
from every statistics export (COM-6, STA-1, STA-2, ACC-10)."""

import datetime
import re

import pytest
from django.utils import timezone

from cases import services
from cases.case_studies.services import case_study_prepare, case_study_sign_off
from cases.family import services as family_services
from cases.statistics.export import report_csv, report_pdf
from cases.statistics.report import Period, build_report
from retention.models import DestructionLogEntry
from retention.purge import purge_execute
from tests.consent.helpers import record
from tests.factories import make_case, make_user
from tests.pps.test_pdf_and_uploads import pdf_pages_text
from tests.raw_db import tables_containing
from tests.retention.helpers import make_expired_case

DATE_OF_BIRTH = datetime.date(2014, 6, 23)
IDENTIFYING = [
    "Zebedeah",
    "Quillfeather",
    "Marisol",
    "Ignatius",
    "Perpetua",
    "Vantongeren",
    "Dunwoody",
    "Thistlecombe",
    "Wrenfield",
    "Saxby",
    "Ormston",
    "LN4 7QZ",
    "LN47QZ",
    "zq.sentinel",
    "example.net",
    "07700 900461",
    "900461",
    "K123456789012",
    "456789",
    "2014-06-23",
    "23/06/2014",
    "23 June 2014",
    "12/03/2026",
    "2026-03-12",
]


@pytest.fixture
def seeded(service):
    worker = make_user(service, "staff", "perpetua", first_name="Perpetua", last_name="Vantongeren")
    coordinator = make_user(service, "coordinator", "coord-sentinel")
    case = make_case(
        service,
        worker,
        given_name="Zebedeah",
        family_name="Quillfeather",
        phone="07700 900461",
        email="zq.sentinel@example.net",
        address="17 Wrenfield Mews\nSaxby Ormston",
        postcode="LN4 7QZ",
        summary="Zebedeah Quillfeather (LN4 7QZ) worried about Marisol at Thistlecombe Academy.",
    )
    services.parent_add(
        case=case,
        by=worker,
        given_name="Ignatius",
        family_name="Quillfeather",
        relationship="father",
        phone="+44 7700 900461",
        storage_agreed_on=timezone.localdate(),
        storage_agreed_how="telephone",
    )
    child = services.child_add(
        case=case,
        by=worker,
        given_name="Marisol",
        family_name="Quillfeather",
        date_of_birth=DATE_OF_BIRTH,
        school_phase="primary",
    )
    family_services.child_information_add(
        child=child, by=worker, kind="school", source="parent", text="Thistlecombe Academy"
    )
    family_services.child_information_add(
        child=child,
        by=worker,
        kind="sen_need",
        source="parent",
        text="Marisol (born 23/06/2014) has dyslexia; UPN K123456789012.",
    )
    for note in [
        "Zebedeah rang from 07700 900461 about marisol. Email zq.sentinel@example.net.",
        "Met Mrs Dunwoody at Thistlecombe Academy on 12/03/2026; Ignatius came too.",
        "Perpetua Vantongeren sent the form to 17 Wrenfield Mews, Saxby Ormston LN47QZ.",
        "Call back on 0770 090 0461 or +44 (0)7700 900461 about the QUILLFEATHER appeal.",
    ]:
        services.contact_log(
            case=case,
            by=worker,
            channel="helpline",
            topic=service.topics.first(),
            outcome="advice",
            notes=note,
        )
    services.anonymous_contact_log(
        service=service,
        by=worker,
        channel="email",
        topic=service.topics.first(),
        outcome="information",
    )
    record(case, worker, "full")  # counted by kind in the statistics
    return case, coordinator


def assert_nothing_identifying(text: str, case):
    folded = text.casefold()
    for value in [*IDENTIFYING, case.reference]:
        assert value.casefold() not in folded, value
    assert not re.search(r"\b0?7700\s?900\s?461\b", text)


def test_com6_case_study_holds_no_identifying_value(seeded):
    case, coordinator = seeded
    study = case_study_prepare(case=case, by=coordinator)
    assert "the parent" in study.text.lower() and "Child A" in study.text
    assert "the second parent" in study.text.lower() and "a caseworker" in study.text.lower()
    assert "dyslexia" in study.text  # what is useful for training stays
    assert_nothing_identifying(study.text, case)

    from cases.case_studies.views import render_pdf  # the same renderer the download uses

    case_study_sign_off(study=study, by=coordinator)
    pdf = render_pdf(
        "case_studies/case_study_pdf.html",
        {
            "document_title": "t",
            "coded_reference": f"Training case study {study.pk}",
            "text": study.text,
        },
    )
    assert_nothing_identifying("\n".join(pdf_pages_text(pdf)), case)


def test_com6_case_study_text_is_encrypted_at_rest(seeded):
    case, coordinator = seeded
    case_study_prepare(case=case, by=coordinator)
    assert tables_containing("Child A") == set()


def test_sta1_statistics_exports_hold_no_identifying_value(seeded, service):
    case, coordinator = seeded
    # A second family's case past its retention period, destroyed today: counted
    # in the purge table, while its reference stays in the destruction log only.
    purged = make_expired_case(
        service, coordinator, given_name="Zebedeah", family_name="Thistlecombe", postcode="LN4 7QZ"
    )
    admin = make_user(service, "admin", "admin-sentinel")
    purge_execute(case_ids=[purged.pk], by=admin, method="screen", service=service)
    assert DestructionLogEntry.objects.filter(case_reference=purged.reference).exists()
    today = timezone.localdate()
    for code in (f"{today.year}-{today.month:02d}", f"{today.year}-Q{(today.month - 1) // 3 + 1}"):
        report = build_report(service=service, period=Period.parse(code), threshold=3)
        csv_text = report_csv(report).decode("utf-8-sig")
        assert "Helpline call" in csv_text  # the contacts were counted
        assert "Consent decisions by kind,Full consent,Decisions,<3" in csv_text
        assert (
            "Cases destroyed at the end of their retention period,"
            "Administration screen,Cases,<3" in csv_text
        )
        pdf_text = "\n".join(pdf_pages_text(report_pdf(report)))
        for text in (csv_text, pdf_text):
            assert_nothing_identifying(text, case)
            assert purged.reference not in text
        # No date finer than the period.
        assert not re.search(r"\d{4}-\d{2}-\d{2}|\d{1,2}/\d{1,2}/\d{2,4}", csv_text)
