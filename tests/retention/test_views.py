"""Retention screens (RET-1 to RET-4): administrators see references, never names."""

import html
import io

from django.urls import reverse
from pypdf import PdfReader

from cases.models import Case
from pps.models import AccessLogEntry
from retention.models import CaseCategory, DestructionLogEntry, LegalHold, PurgeRun
from retention.schedule import retention_categories_for
from retention.services import legal_hold_place
from tests.retention.helpers import make_closed_case, make_expired_case, years_ago
from tests.security.conftest import confirm_identity

NAME = "Nevershownton"


def test_asvs_7_5_3_sec4_sudo_purge_needs_recent_reauthentication(
    service, staff, admin_user, client_for
):
    """SEC-4 sudo: without a recent password and code, the purge preview and the
    purge itself send the administrator to confirm who they are, and nothing is
    destroyed."""
    due = make_expired_case(service, staff)
    client = client_for(admin_user)  # signed in with both factors, but not just now
    confirm_page = "/accounts/confirm/"

    preview = client.get("/retention/purge/")
    assert preview.status_code == 302
    assert preview["Location"] == reverse("security:sudo") + "?next=%2Fretention%2Fpurge%2F"

    refused = client.post(
        "/retention/purge/confirm/",
        {"case_ids": str(due.pk), "confirm": "on", "next": "/retention/purge/"},
    )
    assert refused.status_code == 302
    assert refused["Location"] == reverse("security:sudo") + "?next=%2Fretention%2Fpurge%2F"
    assert refused["Location"].startswith(confirm_page)
    assert Case.objects.filter(pk=due.pk).exists()
    assert not PurgeRun.objects.exists() and not DestructionLogEntry.objects.exists()

    # Once confirmed, the same request queues the purge (run at once in tests).
    confirm_identity(client, admin_user, next_url="/retention/purge/")
    done = client.post("/retention/purge/confirm/", {"case_ids": str(due.pk), "confirm": "on"})
    assert done["Location"] == f"/retention/purge/runs/{PurgeRun.objects.get().pk}/"
    assert not Case.objects.filter(pk=due.pk).exists()


def test_ret3_admin_previews_confirms_and_gets_a_certificate(
    service, other_service, staff, other_service_staff, admin_user, client_for
):
    due = make_expired_case(service, staff, family_name=NAME)
    not_due = make_closed_case(service, staff, closed_on=years_ago(3), family_name=NAME)
    theirs = make_expired_case(other_service, other_service_staff)
    client = client_for(admin_user)
    confirm_identity(client, admin_user)

    page = client.get("/retention/purge/").content.decode()
    assert due.reference in page and not_due.reference not in page
    assert theirs.reference not in page and NAME not in page

    # Not confirmed: nothing happens.
    response = client.post("/retention/purge/confirm/", {"case_ids": str(due.pk)})
    assert response.status_code == 400 and "Confirm that these records" in response.content.decode()
    assert Case.objects.filter(pk=due.pk).exists()
    # A list that was tampered with is refused.
    response = client.post("/retention/purge/confirm/", {"case_ids": "1;2", "confirm": "on"})
    assert "altered" in response.content.decode() and not PurgeRun.objects.exists()

    # Asking for another service's case or one not due does not destroy it.
    response = client.post(
        "/retention/purge/confirm/",
        {"case_ids": f"{due.pk},{not_due.pk},{theirs.pk}", "confirm": "on"},
    )
    run = PurgeRun.objects.get()
    assert (
        response.status_code == 302 and response["Location"] == f"/retention/purge/runs/{run.pk}/"
    )
    assert (run.selected, run.purged, run.skipped) == (3, 1, 2)
    assert not Case.objects.filter(pk=due.pk).exists()
    assert Case.objects.filter(pk__in=[not_due.pk, theirs.pk]).count() == 2
    entry = DestructionLogEntry.objects.get()
    assert entry.authorised_by == admin_user and entry.run == run

    page = client.get(response["Location"]).content.decode()
    assert "1 of 3 cases purged (2 skipped, 0 failed)" in page
    assert "3 of 3 cases</dd>" in page and due.reference in page

    log_page = client.get("/retention/log/").content.decode()
    assert due.reference in log_page and NAME not in log_page

    today = entry.destroyed_at.date().isoformat()
    pdf = client.get(f"/retention/log/certificate/?start={today}&end={today}")
    assert pdf["Content-Type"] == "application/pdf"
    assert NAME not in pdf["Content-Disposition"]
    text = " ".join(
        " ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf.content)).pages
    )
    assert "Strictly private and confidential" in text
    assert "Certificate of destruction" in text and due.reference in text
    assert "Parent support" in text and NAME not in text


def test_ret3_certificate_range_is_validated(admin_user, client_for):
    response = client_for(admin_user).get(
        "/retention/log/certificate/?start=2026-05-01&end=2026-04-01"
    )
    assert response.status_code == 400
    assert "The last day must be the same as or after the first day" in response.content.decode()
    response = client_for(admin_user).get("/retention/log/certificate/?start=2026-02-30&end=x")
    assert "First day must be a real date" in response.content.decode()


def test_ret1_admin_edits_the_schedule_of_their_service_only(
    service, other_service, admin_user, client_for
):
    mine = retention_categories_for(service)[1]
    theirs = retention_categories_for(other_service)[1]
    client = client_for(admin_user)
    form = {
        "name": "Children in care",
        "description": "",
        "anchor": "date_of_birth",
        "anchor_age_years": "0",
        "years": "75",
    }
    response = client.post(f"/retention/categories/{mine.pk}/save/", form)
    assert response.status_code == 302
    mine.refresh_from_db()
    assert (mine.anchor_age_years, mine.years) == (0, 75)
    listing = html.unescape(client.get("/retention/categories/").content.decode())
    assert "Destroy 75 years from the child's date of birth" in listing

    bad = {**form, "anchor": "closure", "anchor_age_years": "18"}
    response = client.post(f"/retention/categories/{mine.pk}/save/", bad)
    assert response.status_code == 400
    assert "cannot start at a birthday" in response.content.decode()
    mine.refresh_from_db()
    assert mine.anchor == "date_of_birth"

    assert client.get(f"/retention/categories/{theirs.pk}/").status_code == 404
    assert client.post(f"/retention/categories/{theirs.pk}/save/", form).status_code == 404

    response = client.post(
        "/retention/categories/create/",
        {**form, "name": "Safeguarding", "anchor": "closure", "years": "25"},
    )
    assert response.status_code == 302
    assert retention_categories_for(service)[-1].code == "safeguarding"


def test_ret2_ret7_admin_changes_settings_and_archives(service, staff, admin_user, client_for):
    case = make_closed_case(service, staff, closed_on=years_ago(2))
    client = client_for(admin_user)
    response = client.post(
        "/retention/settings/save/", {"archive_after_days": "-1", "anonymous_contact_years": "0"}
    )
    assert response.status_code == 400 and "govuk-error-summary" in response.content.decode()
    response = client.post(
        "/retention/settings/save/", {"archive_after_days": "400", "anonymous_contact_years": "3"}
    )
    assert response.status_code == 302
    assert service.retention_settings.anonymous_contact_years == 3
    assert "Archive 1 closed cases now" in client.get("/retention/").content.decode()
    client.post("/retention/archive/")
    case.refresh_from_db()
    assert case.status == "archived"


def test_ret4_admin_places_a_hold_by_reference_without_seeing_case_content(
    service, other_service, staff, coordinator, other_service_staff, admin_user, client_for
):
    case = make_expired_case(service, staff, family_name=NAME)
    theirs = make_expired_case(other_service, other_service_staff)
    client = client_for(admin_user)

    for reference in (theirs.reference, "PPS-2000-99999"):
        response = client.post(
            "/retention/holds/place/", {"reference": reference, "reason": "tribunal"}
        )
        assert "There is no case with that reference in your service" in response.content.decode()
    assert (
        client.post(
            "/retention/holds/place/", {"reference": "Smith", "reason": "tribunal"}
        ).status_code
        == 400
    )
    assert not LegalHold.objects.exists()
    assert AccessLogEntry.objects.filter(user=admin_user, allowed=False).count() == 2

    response = client.post(
        "/retention/holds/place/",
        {"reference": case.reference.lower(), "reason": "tribunal", "details": "SE/123/45"},
    )
    assert response.status_code == 302
    hold = LegalHold.objects.get(case=case)
    assert hold.placed_by == admin_user and hold.details == "SE/123/45"
    assert AccessLogEntry.objects.filter(user=admin_user, case_id=case.pk, allowed=True).exists()

    admin_page = client.get("/retention/holds/").content.decode()
    assert case.reference in admin_page and NAME not in admin_page
    assert "SE/123/45" not in admin_page  # details are for coordinators
    assert "SE/123/45" in client_for(coordinator).get("/retention/holds/").content.decode()

    client.post(f"/retention/holds/{hold.pk}/lift/")
    hold.refresh_from_db()
    assert hold.lifted_by == admin_user
    assert (
        client_for(other_service_staff).post(f"/retention/holds/{hold.pk}/lift/").status_code == 403
    )


def test_ret1_ret4_case_workers_see_and_set_a_cases_retention(
    service, staff, coordinator, client_for
):
    case = make_closed_case(service, staff, closed_on=years_ago(1))
    page = client_for(staff).get(f"/retention/cases/{case.pk}/").content.decode()
    assert "Parent support" in page and "Place a legal hold" not in page
    supervision = retention_categories_for(service)[2]
    parent_support = retention_categories_for(service)[0]
    response = client_for(staff).post(
        f"/retention/cases/{case.pk}/categories/",
        {"categories": [parent_support.pk, supervision.pk]},
    )
    assert response.status_code == 302
    assert CaseCategory.objects.filter(case=case).count() == 2
    page = client_for(staff).get(f"/retention/cases/{case.pk}/").content.decode()
    assert "Cannot be worked out yet" in page  # supervision order, no child recorded

    response = client_for(staff).post(f"/retention/cases/{case.pk}/categories/", {})
    assert "Choose at least one retention category" in response.content.decode()
    assert CaseCategory.objects.filter(case=case).count() == 2

    coordinator_client = client_for(coordinator)
    assert (
        "Place a legal hold"
        in coordinator_client.get(f"/retention/cases/{case.pk}/").content.decode()
    )
    response = coordinator_client.post(
        f"/retention/cases/{case.pk}/holds/", {"reason": "complaint"}
    )
    assert response.status_code == 302
    response = coordinator_client.post(
        f"/retention/cases/{case.pk}/holds/", {"reason": "complaint"}
    )
    assert "already has an active hold" in response.content.decode()
    hold = LegalHold.objects.get(case=case)
    response = coordinator_client.post(f"/retention/holds/{hold.pk}/lift/", {"return_to": "case"})
    assert response["Location"] == f"/retention/cases/{case.pk}/"


def test_ret4_hold_shows_as_blocked_in_the_preview(
    service, staff, coordinator, admin_user, client_for
):
    case = make_expired_case(service, staff)
    legal_hold_place(case=case, reason="litigation", by=coordinator)
    client = client_for(admin_user)
    confirm_identity(client, admin_user)
    page = client.get("/retention/purge/").content.decode()
    assert "Due but held back: not destroyed" in page and "Legal hold" in page
    assert "Nothing is due for destruction today" in page
