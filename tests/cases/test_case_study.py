"""Training case studies (COM-6): redaction, coordinator sign-off before download, logged export."""

import datetime

import pytest
from django.urls import reverse

from cases import services
from cases.case_studies.models import CaseStudy
from cases.case_studies.services import (
    Identifiers,
    case_study_prepare,
    case_study_revise,
    case_study_sign_off,
    relative_to,
    scrub,
)
from cases.family import services as family_services
from pps.models import AccessLogEntry
from pps.pdf import MARKING
from pps.rules import RuleError
from tests.factories import ServiceFactory, make_case, make_user
from tests.pps.test_pdf_and_uploads import pdf_pages_text

OPENED = datetime.date(2026, 1, 12)


def ids_for(**names) -> Identifiers:
    ids = Identifiers(anchor=OPENED)
    for value, role in names.items():
        ids.add(value, role)
    ids.exact.sort(key=lambda pair: len(pair[0]), reverse=True)
    return ids


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (datetime.date(2026, 1, 14), "in the week the case opened"),
        (datetime.date(2026, 2, 2), "3 weeks after the case opened"),
        (datetime.date(2026, 6, 1), "about 5 months after the case opened"),
        (datetime.date(2016, 3, 14), "about 10 years before the case opened"),
        (datetime.date(2026, 1, 9), "a few days before the case opened"),
    ],
)
def test_com6_dates_become_durations_from_the_opening(day, expected):
    assert relative_to(day, OPENED) == expected


@pytest.mark.parametrize(
    ("text", "gone", "replacement"),
    [
        ("Email her at someone.else@school.example.org", "someone.else", "[email]"),
        ("Ring 01632 960 001 after 3pm", "960", "[phone]"),
        ("Ring +44 (0)1632 960001", "960001", "[phone]"),
        ("Postcode ex4 4qj, near the station", "ex4", "[postcode]"),
        ("Meeting on 14/03/2026 went well", "14/03/2026", "[about 2 months after the case opened]"),
        ("Meeting on 2026-03-14 went well", "2026-03-14", "[about 2 months after the case opened]"),
        ("Meeting on 3rd February 2026", "February", "[3 weeks after the case opened]"),
        ("Since March 2024 things changed", "2024", "[about 22 months before the case opened]"),
        ("Excluded on 5 May", "5 May", "[date]"),
        ("An EHC plan since 2019", "2019", "[year]"),
        ("Spoke to Mrs O'Hara and Dr Singh", "Singh", "[name]"),
        ("Moved to Kestrel Bank Primary School in Year 5", "Kestrel", "[school]"),
        ("They live on Mill Lane now", "Mill Lane", "[place]"),
        ("Talked to Priyanka at the LA about Year 7", "Priyanka", "[name]"),
        ("UPN A123456789012 and NI number QQ 12 34 56 C", "A123456789012", "[number]"),
        ("Reference 20391844 from the council", "20391844", "[number]"),
        ("Case PPS-2025-00042 was linked", "00042", "[reference]"),
    ],
)
def test_com6_free_text_scrubbed_of_anything_shaped_like_an_identifier(text, gone, replacement):
    result = scrub(text, ids_for())
    assert gone not in result and replacement in result


def test_com6_useful_words_stay():
    text = "Discussed the draft EHC plan, Year 7 transfer and how to comment on section F within 15 days."
    assert scrub(text, ids_for()) == text


def test_com6_names_the_case_holds_become_roles_wherever_they_appear():
    ids = ids_for(
        **{"Ann Bell": "the parent", "Ann": "the parent", "Bell": "[name]", "Tom": "Child A"}
    )
    assert (
        scrub("ann bell said TOM and Tom's sister saw Mrs Bell. The bellows stay.", ids)
        == "The parent said Child A and Child A's sister saw [name]. The bellows stay."
    )


@pytest.fixture
def case_with_story(service, staff):
    case = make_case(
        service,
        staff,
        given_name="Oriel",
        family_name="Castellane",
        summary="Oriel is worried about Bram's exclusions.",
    )
    child = services.child_add(
        case=case,
        by=staff,
        given_name="Bram",
        family_name="Castellane",
        date_of_birth=datetime.date(2015, 2, 1),
        school_phase="primary",
    )
    family_services.child_information_add(
        child=child, by=staff, kind="sen_need", source="parent", text="ADHD; struggles in class."
    )
    services.contact_log(
        case=case,
        by=staff,
        channel="helpline",
        topic=service.topics.get(name="School exclusion"),
        outcome="advice",
        notes="Oriel asked about appeal rights.",
    )
    services.case_close(case=case, by=staff)
    return case


def test_com6_case_study_written_from_the_records(case_with_story, coordinator):
    study = case_study_prepare(case=case_with_story, by=coordinator)
    text = study.text
    assert "The parent (mother; holds parental responsibility)." in text
    assert "Child A: aged " in text and "primary phase" in text
    assert "Special educational needs: ADHD; struggles in class." in text
    assert "The parent is worried about Child A's exclusions." in text
    assert "helpline call about school exclusion; outcome: advice given." in text
    assert "Notes: The parent asked about appeal rights." in text
    assert "The case closed in the week the case opened." in text
    assert "Oriel" not in text and "Bram" not in text and "Castellane" not in text
    assert study.status == CaseStudy.Status.DRAFT and study.prepared_by == coordinator


def test_com6_only_coordinators_prepare_and_sign_off(case_with_story, staff, coordinator):
    with pytest.raises(RuleError, match="coordinator"):
        case_study_prepare(case=case_with_story, by=staff)
    study = case_study_prepare(case=case_with_story, by=coordinator)
    with pytest.raises(RuleError, match="coordinator"):
        case_study_sign_off(study=study, by=staff)
    other_service = ServiceFactory()
    outsider = make_user(other_service, "coordinator")
    with pytest.raises(RuleError, match="coordinator"):
        case_study_sign_off(study=study, by=outsider)


def test_com6_reviewer_edits_are_scrubbed_again_and_frozen_after_sign_off(
    case_with_story, coordinator
):
    study = case_study_prepare(case=case_with_story, by=coordinator)
    case_study_revise(
        study=study, text="Oriel Castellane called from 07700 900999 about Bram.", by=coordinator
    )
    study.refresh_from_db()
    assert study.text == "The parent called from [phone] about Child A."
    case_study_sign_off(study=study, by=coordinator)
    with pytest.raises(RuleError, match="signed-off"):
        case_study_revise(study=study, text="anything", by=coordinator)
    with pytest.raises(RuleError, match="already"):
        case_study_sign_off(study=study, by=coordinator)
    assert CaseStudy.history.filter(id=study.pk).count() == 3


def test_com6_review_sign_off_then_download_logged(case_with_story, coordinator, client_for):
    client = client_for(coordinator)
    case = case_with_story
    response = client.post(reverse("cases:case_study_new", args=[case.pk]))
    study = CaseStudy.objects.get()
    assert response["Location"] == reverse("cases:case_study", args=[case.pk, study.pk])
    page = client.get(response["Location"]).content.decode()
    assert "Awaiting sign-off" in page and "Child A" in page

    download = reverse("cases:case_study_download", args=[case.pk, study.pk])
    early = client.get(download)
    assert early.status_code == 302 and early["Content-Type"] != "application/pdf"

    sign_off = reverse("cases:case_study_sign_off", args=[case.pk, study.pk])
    refused = client.post(sign_off, {})
    assert refused.status_code == 400
    assert "Confirm that you have read the whole case study" in refused.content.decode()
    assert client.post(sign_off, {"confirm": "on"}).status_code == 302
    study.refresh_from_db()
    assert study.status == CaseStudy.Status.SIGNED_OFF and study.signed_off_by == coordinator

    pdf = client.get(download)
    assert pdf["Content-Type"] == "application/pdf"
    assert (
        pdf["Content-Disposition"] == f'attachment; filename="training-case-study-{study.pk}.pdf"'
    )
    pages = pdf_pages_text(pdf.content)
    assert all(MARKING in page for page in pages)
    assert "Child A" in "".join(pages) and case.reference not in "".join(pages)
    assert AccessLogEntry.objects.filter(
        user=coordinator,
        action="download",
        object_type="casestudy",
        object_id=str(study.pk),
        allowed=True,
    ).exists()


def test_com6_edit_through_the_page(case_with_story, coordinator, client_for):
    client = client_for(coordinator)
    study = case_study_prepare(case=case_with_story, by=coordinator)
    url = reverse("cases:case_study_edit", args=[case_with_story.pk, study.pk])
    assert client.post(url, {"text": ""}).status_code == 400
    assert client.post(url, {"text": "x" * 50_001}).status_code == 400
    assert client.post(url, {"text": "Bram did well."}).status_code == 302
    study.refresh_from_db()
    assert study.text == "Child A did well."


@pytest.mark.parametrize("persona", ["staff", "volunteer", "admin_user"])
def test_com6_nobody_but_coordinators(persona, request, assigned_case, coordinator, client_for):
    study = case_study_prepare(case=assigned_case, by=coordinator)
    case_study_sign_off(study=study, by=coordinator)
    client = client_for(request.getfixturevalue(persona))
    for name, method in [
        ("cases:case_study", "get"),
        ("cases:case_study_download", "get"),
        ("cases:case_study_sign_off", "post"),
    ]:
        url = reverse(name, args=[assigned_case.pk, study.pk])
        assert getattr(client, method)(url).status_code == 403
    assert client.post(reverse("cases:case_study_new", args=[assigned_case.pk])).status_code == 403
    assert CaseStudy.objects.count() == 1


def test_acc6_case_study_of_another_case_or_service_is_hidden(
    case_with_story, service, staff, coordinator, client_for
):
    study = case_study_prepare(case=case_with_story, by=coordinator)
    other_case = make_case(service, staff)
    client = client_for(coordinator)
    assert (
        client.get(reverse("cases:case_study", args=[other_case.pk, study.pk])).status_code == 404
    )
    outsider = make_user(ServiceFactory(), "coordinator")
    url = reverse("cases:case_study", args=[case_with_story.pk, study.pk])
    assert client_for(outsider).get(url).status_code == 404
    assert (
        client_for(outsider)
        .post(reverse("cases:case_study_new", args=[case_with_story.pk]))
        .status_code
        == 404
    )
