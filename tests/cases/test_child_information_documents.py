"""Documents on an item of child information (CAS-2, ACC-3, ACC-5, ACC-6, RET-3).

Staff attach a school or professional's report, an assessment or a copy of the
EHC plan to an item, through the upload checks (type by content, size, not
empty) and stored encrypted under the case's key; a coordinator removes one
attached in error, with a reason. Who may fetch one follows its item: a
volunteer never reaches a document on a case-file item, and downloads nothing.
"""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cases import services as case_services
from cases.family import services
from cases.family.access import get_child_information_document_for_user
from cases.models import ChildInformationDocument
from demo.documents import tiny_pdf
from pps.models import AccessLogEntry
from pps.rules import RuleError
from tests.factories import make_case
from tests.raw_db import tables_containing
from tests.record_access import assert_fetch_rule, assert_found, assert_not_found
from tests.two_factor import with_sudo

PNG = b"\x89PNG\r\n\x1a\n"
SECRET = "QZV-REPORT-5521"
TITLE = "Educational psychologist's report, May 2026"


def upload(content: bytes = PNG + SECRET.encode(), name: str = "report.png"):
    return SimpleUploadedFile(name, content, "application/octet-stream")


def add_item(case, by, *, source="case_file", kind="professional_report", child=None):
    child = child or case_services.child_add(
        case=case, by=by, given_name="Ysolde", family_name="Quarrie"
    )
    return services.child_information_add(
        child=child, by=by, kind=kind, source=source, text="Known about the child"
    )


def attach(item, by, **kwargs):
    return services.child_information_document_attach(
        item=item,
        uploaded_file=kwargs.pop("uploaded_file", upload()),
        description=kwargs.pop("description", TITLE),
        by=by,
    )


@pytest.fixture
def item(case, staff):
    return add_item(case, staff)


# --- the service -------------------------------------------------------------------


def test_cas2_attach_stores_the_document_encrypted_under_the_case_key(item, staff):
    document = attach(item, staff)
    document.refresh_from_db()
    assert document.content == PNG + SECRET.encode()
    assert (document.content_type, document.size) == ("image/png", len(PNG) + len(SECRET))
    assert document.description == TITLE and document.uploaded_by == staff
    assert document.case == item.case and document.data_key_id == item.case.data_key_id
    # Neither the bytes nor the title are anywhere in the database in clear.
    assert tables_containing(SECRET) == set()
    assert tables_containing("Educational psychologist") == set()
    # The history records the upload, by whom, without a copy of the bytes.
    (created,) = document.history.all()
    assert created.history_type == "+" and created.history_user == staff
    assert "content" not in {field.name for field in created._meta.fields}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"<html><script>alert(1)</script></html>", "The file must be a PDF, PNG or JPEG."),
        (b"", "The selected file is empty."),
        (PNG + b"x" * 1024 * 1024, "The file must be smaller than 1 MB."),
    ],
)
def test_cas2_an_upload_that_fails_the_checks_saves_nothing(
    item, staff, settings, content, message
):
    settings.PPS_UPLOAD_MAX_BYTES = 1024 * 1024
    with pytest.raises(RuleError, match=message):
        attach(item, staff, uploaded_file=upload(content))
    assert not ChildInformationDocument.objects.exists()


def test_cas3_cas2_a_closed_case_takes_no_document(item, staff):
    case_services.case_close(case=item.case, by=staff)
    item.case.refresh_from_db()
    with pytest.raises(RuleError, match="This case is closed"):
        attach(item, staff)
    assert not ChildInformationDocument.objects.exists()


def test_cas2_an_ended_item_still_takes_a_document(item, staff):
    """A report about a school left or a plan ceased is still evidence of what was."""
    services.child_information_end(
        item=item, by=staff, expected_version=item.version, ended_on=datetime.date.today()
    )
    assert attach(item, staff).item == item


def test_cas2_only_staff_and_coordinators_attach(item, volunteer):
    with pytest.raises(RuleError, match="Only staff and coordinators"):
        attach(item, volunteer)
    assert not ChildInformationDocument.objects.exists()


def test_cas2_a_coordinator_removes_a_document_attached_in_error(item, staff, coordinator):
    document = attach(item, staff)
    document_id = document.pk
    with pytest.raises(RuleError, match="Only a coordinator"):
        services.child_information_document_remove(document=document, by=staff, reason="duplicate")
    with pytest.raises(RuleError, match="Choose why"):
        services.child_information_document_remove(
            document=document, by=coordinator, reason="because"
        )
    services.child_information_document_remove(
        document=document, by=coordinator, reason="wrong_family"
    )
    assert not ChildInformationDocument.objects.exists()
    deleted = ChildInformationDocument.history.get(id=document_id, history_type="-")
    assert deleted.history_user == coordinator
    assert deleted.history_change_reason == "About a different family"
    assert deleted.description == TITLE  # still encrypted, until the case is purged


def test_cas3_cas2_a_closed_case_keeps_its_documents(item, staff, coordinator):
    document = attach(item, staff)
    case_services.case_close(case=item.case, by=staff)
    document.case.refresh_from_db()
    with pytest.raises(RuleError, match="This case is closed"):
        services.child_information_document_remove(
            document=document, by=coordinator, reason="duplicate"
        )
    assert ChildInformationDocument.objects.filter(pk=document.pk).exists()


def test_cas1_removing_a_child_added_in_error_removes_its_documents(item, staff, coordinator):
    document = attach(item, staff)
    child = item.child
    services.child_remove(
        child=child, by=coordinator, reason="added_in_error", expected_version=child.version
    )
    assert not ChildInformationDocument.objects.filter(pk=document.pk).exists()
    deleted = ChildInformationDocument.history.get(id=document.pk, history_type="-")
    assert deleted.history_user == coordinator


# --- the fetch (ACC-3, ACC-6, ACC-7) ----------------------------------------------------


def test_acc6_get_child_information_document_for_user(
    assigned_case, service, staff, volunteer_unassigned, other_service, other_service_staff
):
    other_case = make_case(service, staff)
    south_case = make_case(other_service, other_service_staff)
    assert_fetch_rule(
        get_child_information_document_for_user,
        object_type="childinformationdocument",
        user=staff,
        record=attach(add_item(assigned_case, staff), staff),
        other_case_record=attach(add_item(other_case, staff), staff),
        other_service_record=attach(add_item(south_case, other_service_staff), other_service_staff),
        refused_users=[volunteer_unassigned],
    )


def test_acc3_a_volunteer_reaches_documents_only_on_parent_supplied_items(
    assigned_case, staff, coordinator, volunteer
):
    fetch = get_child_information_document_for_user
    parent_item = add_item(assigned_case, staff, source="parent", kind="sen_need")
    case_file_item = add_item(assigned_case, staff, child=parent_item.child)
    on_parent, on_case_file = attach(parent_item, staff), attach(case_file_item, staff)
    kind = "childinformationdocument"
    assert_found(fetch, volunteer, on_parent, kind)
    ours = assigned_case.service_id
    assert_not_found(fetch, volunteer, assigned_case.pk, on_case_file.pk, kind, owner=ours)
    assert_found(fetch, coordinator, on_case_file, kind)


# --- the screens -------------------------------------------------------------------------


def documents_url(item) -> str:
    return reverse("cases:child_information_documents", args=[item.case_id, item.pk])


def test_cas2_staff_attach_a_document_on_the_screen_and_download_it(item, staff, client_for):
    client = client_for(staff)
    summary = client.get(reverse("cases:detail", args=[item.case_id])).content.decode()
    assert documents_url(item) in summary  # "Attach a document" from the item
    page = client.get(documents_url(item))
    assert page.status_code == 200
    assert 'enctype="multipart/form-data"' in page.content.decode()
    pdf = tiny_pdf(SECRET)
    response = client.post(
        documents_url(item), {"document": upload(pdf, "Quarrie.pdf"), "description": TITLE}
    )
    assert response.status_code == 302
    document = ChildInformationDocument.objects.get()
    assert (document.content, document.content_type) == (pdf, "application/pdf")
    listing = client.get(documents_url(item)).content.decode()
    download_url = reverse(
        "cases:child_information_document_download", args=[item.case_id, document.pk]
    )
    assert download_url in listing and "Educational psychologist&#x27;s report" in listing
    summary = client.get(reverse("cases:detail", args=[item.case_id])).content.decode()
    assert "Documents (1)" in summary

    download = client.get(download_url)
    assert download.status_code == 200 and download.content == pdf
    # The file's name says what it is, not whose: not the uploaded name.
    disposition = download["Content-Disposition"]
    assert disposition == f'attachment; filename="child-information-{document.pk}.pdf"'
    assert download["Cache-Control"] == "no-store, private"
    assert AccessLogEntry.objects.filter(
        user=staff,
        action=AccessLogEntry.Action.DOWNLOAD,
        object_type="childinformationdocument",
        object_id=str(document.pk),
        allowed=True,
    ).exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Select a file to upload."),
        ({"document": upload(b"GIF89a not allowed")}, "The file must be a PDF, PNG or JPEG."),
        ({"document": upload(b"")}, "The selected file is empty."),
        ({"document": upload(PNG + b"x" * 1024 * 1024)}, "The file must be smaller than 1 MB."),
    ],
)
def test_cas2_the_screen_names_what_is_wrong_with_the_file(
    item, staff, client_for, settings, data, message
):
    settings.PPS_UPLOAD_MAX_BYTES = 1024 * 1024
    response = client_for(staff).post(documents_url(item), {"description": TITLE, **data})
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page and 'href="#id_document"' in page  # the error summary's link
    assert not ChildInformationDocument.objects.exists()


def test_acc5_a_volunteer_never_downloads_nor_opens_the_documents_page(
    assigned_case, staff, volunteer, client_for
):
    parent_item = add_item(assigned_case, staff, source="parent", kind="sen_need")
    document = attach(parent_item, staff)
    client = client_for(volunteer)
    download_url = reverse(
        "cases:child_information_document_download", args=[assigned_case.pk, document.pk]
    )
    assert client.get(download_url).status_code == 403
    assert client.get(documents_url(parent_item)).status_code == 403
    summary = client.get(reverse("cases:detail", args=[assigned_case.pk])).content.decode()
    assert "1 document held by the service" in summary and download_url not in summary


def test_cas3_a_closed_case_refuses_an_upload_on_the_screen(item, staff, client_for):
    case_services.case_close(case=item.case, by=staff)
    client = client_for(staff)
    assert "Attach a document" not in client.get(documents_url(item)).content.decode()
    response = client.post(documents_url(item), {"document": upload(), "description": TITLE})
    assert response.status_code == 302
    assert not ChildInformationDocument.objects.exists()


def test_cas2_a_coordinator_removes_a_document_on_the_screen(item, staff, coordinator, client_for):
    document = attach(item, staff)
    url = reverse("cases:child_information_document_remove", args=[item.case_id, document.pk])
    assert client_for(staff).get(url).status_code == 403
    client = with_sudo(client_for(coordinator))
    assert url in client.get(documents_url(item)).content.decode()
    page = client.post(url, {})
    assert page.status_code == 400
    assert "Choose why the document is being removed." in page.content.decode()
    assert client.post(url, {"reason": "duplicate"}).status_code == 302
    assert not ChildInformationDocument.objects.exists()
