"""Volunteers never receive case-file information or school records (ACC-3); admins
never receive case content (ACC-1); another service receives nothing (isolation).

A distinctive string goes into every SEN and school field of a case assigned
to a volunteer (every kind of child information from the case file, the staff
call notes, a voicemail, and an earlier version kept in the history; and,
entered on the screens, the title and bytes of a document on each item). Then a
crawler follows everything each user can reach: every link from their home,
every htmx fragment, every GET form (searching for the family too), and every
page of that case the URL resolver knows even if nothing links to it. The
string must appear nowhere for the volunteer, and the same crawl as staff
must find it (otherwise the crawl proves nothing).
"""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cases import services
from cases.family import services as family_services
from cases.models import ChildInformation, ChildInformationDocument
from demo.documents import tiny_pdf
from tests.crawler import crawl
from tests.factories import make_user
from tests.url_names import urls_for_case

SENTINEL = "ZQX7731-CASEFILE"
PARENT_SUPPLIED = "Parent told us: loves trains"
FAMILY = "Quennell"
CHILD = "Ysoldine"


@pytest.fixture
def sentinel_case(assigned_case, staff, service):
    child = services.child_add(case=assigned_case, by=staff, given_name=CHILD, family_name=FAMILY)
    for kind in ChildInformation.Kind.values:
        item = family_services.child_information_add(
            child=child, by=staff, kind=kind, source="case_file", text=f"{SENTINEL} {kind} old"
        )
        # An edit leaves the earlier text in the audit history too.
        item.text = f"{SENTINEL} {kind}"
        item.save()
    family_services.child_information_add(
        child=child, by=staff, kind="sen_need", source="parent", text=PARENT_SUPPLIED
    )
    topic = service.topics.first()
    for channel in ("helpline", "voicemail"):
        services.contact_log(
            case=assigned_case,
            by=staff,
            channel=channel,
            topic=topic,
            outcome="advice",
            notes=f"{SENTINEL} {channel} notes",
        )
    return assigned_case


def case_content(case) -> tuple[str, ...]:
    # The family name is not here: search pages rightly echo the term searched for.
    return (SENTINEL, PARENT_SUPPLIED, CHILD, case.reference, case.summary)


def crawl_as(client_for, user, case, limit=400):
    return crawl(
        client_for(user), ["/", *urls_for_case(case.pk)], search_terms=[FAMILY], limit=limit
    )


def test_acc3_volunteer_reaches_the_case_but_never_case_file_information(
    sentinel_case, volunteer, client_for
):
    result = crawl_as(client_for, volunteer, sentinel_case)
    case_page = f"/cases/{sentinel_case.pk}/"
    assert result.statuses.get(case_page) == 200, "the crawl must reach the assigned case"
    assert PARENT_SUPPLIED in result.pages[case_page]
    assert result.containing(SENTINEL) == []


def test_acc3_same_crawl_as_staff_finds_the_sentinel(sentinel_case, staff, client_for):
    result = crawl_as(client_for, staff, sentinel_case)
    assert f"/cases/{sentinel_case.pk}/" in result.containing(SENTINEL)


def test_acc3_coordinator_crawl_covers_more_pages_and_stays_in_service(
    sentinel_case, coordinator, client_for
):
    result = crawl_as(client_for, coordinator, sentinel_case)
    assert {"/volunteers/", "/policy/versions/", "/access-log/denied/"} <= set(result.pages)
    assert all(status < 500 for status in result.statuses.values()), result.statuses


def test_acc1_admin_crawl_reaches_no_case_content(sentinel_case, admin_user, client_for):
    # The admin site's sort and filter links multiply pages, not content: 150 suffice.
    result = crawl_as(client_for, admin_user, sentinel_case, limit=150)
    assert "/admin/" in result.pages and len(result.pages) > 10
    for needle in case_content(sentinel_case):
        assert result.containing(needle) == [], needle


def test_isolation_other_service_crawl_sees_nothing_of_ours(
    sentinel_case, other_service, client_for
):
    for role in ("staff", "coordinator", "volunteer"):
        outsider = make_user(other_service, role)
        result = crawl_as(client_for, outsider, sentinel_case)
        for needle in case_content(sentinel_case):
            assert result.containing(needle) == [], (role, needle)


# --- the same, for information entered through the family screens (CAS-2) ----

SCREEN_SENTINEL = "ZQX8842-SCREENFILE"
SCREEN_PARENT_SUPPLIED = "Parent told us on the phone: hates loud corridors"
# Inside the documents attached on the screens: their bytes (a PDF's text).
DOCUMENT_SENTINEL = "ZQX9953-DOCBYTES"


def _family_urls(case, child) -> list[str]:
    """Every family screen of this case's records: a volunteer must not reach any."""
    urls = [
        reverse("cases:child_edit", args=[case.pk, child.pk]),
        reverse("cases:child_information_add", args=[case.pk, child.pk]),
        *[reverse("cases:parent_edit", args=[case.pk, p.pk]) for p in case.parents.all()],
    ]
    for item in child.information.all():
        urls += [
            reverse("cases:child_information_edit", args=[case.pk, item.pk]),
            reverse("cases:child_information_end", args=[case.pk, item.pk]),
            reverse("cases:child_information_documents", args=[case.pk, item.pk]),
        ]
    for document in ChildInformationDocument.objects.filter(item__child=child):
        urls.append(
            reverse("cases:child_information_document_download", args=[case.pk, document.pk])
        )
    return urls


@pytest.fixture
def screen_sentinel_case(assigned_case, staff, client_for):
    """Staff record everything through the screens: each kind from the case file,
    each corrected once (the first text stays in the history), one ended, and one
    item the parent supplied."""
    client = client_for(staff)
    case = assigned_case

    def post(url, data):
        response = client.post(url, data)
        assert response.status_code == 302, response.content.decode()[:2000]

    post(
        reverse("cases:child_add", args=[case.pk]),
        {"given_name": CHILD, "family_name": FAMILY, "school_phase": "primary"},
    )
    child = case.children.last()
    add_url = reverse("cases:child_information_add", args=[case.pk, child.pk])
    for kind in ChildInformation.Kind.values:
        post(
            add_url, {"kind": kind, "source": "case_file", "text": f"{SCREEN_SENTINEL} {kind} old"}
        )
    for item in child.information.all():
        post(
            reverse("cases:child_information_edit", args=[case.pk, item.pk]),
            {"kind": item.kind, "source": "case_file", "text": f"{SCREEN_SENTINEL} {item.kind}",
             "version": item.version},
        )  # fmt: skip
    first = child.information.first()
    post(
        reverse("cases:child_information_end", args=[case.pk, first.pk]),
        {"version": first.version, **_today_boxes("ended_on")},
    )
    post(add_url, {"kind": "support", "source": "parent", "text": SCREEN_PARENT_SUPPLIED})
    # A document on every item, the parent-supplied one too, through the upload
    # screen: its title and its bytes carry the sentinels on case-file items.
    for item in child.information.all():
        secret = item.source == "case_file"
        post(
            reverse("cases:child_information_documents", args=[case.pk, item.pk]),
            {
                "document": SimpleUploadedFile(
                    "report.pdf", tiny_pdf(DOCUMENT_SENTINEL if secret else "Leaflet")
                ),
                "description": f"{SCREEN_SENTINEL} title" if secret else "Parent's own notes",
            },
        )
    return case, child


def _today_boxes(name):
    today = datetime.date.today()
    return {f"{name}_day": today.day, f"{name}_month": today.month, f"{name}_year": today.year}


def test_acc3_cas2_volunteer_never_sees_case_file_items_entered_through_the_screens(
    screen_sentinel_case, volunteer, client_for
):
    case, child = screen_sentinel_case
    family_urls = _family_urls(case, child)
    result = crawl(
        client_for(volunteer),
        ["/", *urls_for_case(case.pk), *family_urls],
        search_terms=[FAMILY],
        limit=400,
    )
    case_page = f"/cases/{case.pk}/"
    assert result.statuses.get(case_page) == 200
    assert SCREEN_PARENT_SUPPLIED in result.pages[case_page]
    assert result.containing(SCREEN_SENTINEL) == []
    assert result.containing(DOCUMENT_SENTINEL) == []
    assert {result.statuses[url] for url in family_urls} == {403}


def test_acc3_cas2_same_crawl_as_staff_finds_the_screen_sentinel(
    screen_sentinel_case, staff, client_for
):
    case, child = screen_sentinel_case
    result = crawl(client_for(staff), ["/", *urls_for_case(case.pk)], search_terms=[FAMILY])
    found = result.containing(SCREEN_SENTINEL)
    assert f"/cases/{case.pk}/" in found
    # The correction screens, reached by following the summary's links.
    assert any("/child-information/" in url for url in found)
    # The documents' titles on their items' pages, and their bytes in the downloads.
    assert any(url.endswith("/documents/") for url in found)
    downloads = result.containing(DOCUMENT_SENTINEL)
    assert downloads and all(url.endswith("/download/") for url in downloads)
