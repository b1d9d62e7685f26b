"""Overrides stay for the life of the case and go with it (DIS-8, RET-3); admins never see them
(ACC-1); their counts reach the statistics suppressed (STA-1); the demo shows every state."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from cases import services as case_services
from cases.statistics.report import Period, build_report
from disclosure.safeguarding.log import override_log_entries
from disclosure.safeguarding.models import (
    ChildProtectionOverride,
    NonDisclosureDecision,
    OverrideReview,
)
from disclosure.safeguarding.services import override_review
from disclosure.safeguarding.statistics import (
    overrides_by_category_and_recipient,
    overrides_review_status,
)
from pps.models import AccessLogEntry
from tests.disclosure.override_helpers import record_non_disclosure, record_override
from tests.factories import parent_fields
from tests.raw_db import tables_containing
from tests.retention.helpers import years_ago

NOTES = "Checked the call notes; the right decision at the time."


def _case_with_everything(service, staff, coordinator, client_for, *, opened_on):
    case = case_services.case_open(
        service=service,
        by=staff,
        opened_on=opened_on,
        summary="Enquiry.",
        parent=parent_fields(storage_agreed_on=opened_on),
    )
    shared_at = timezone.make_aware(
        datetime.datetime.combine(opened_on + datetime.timedelta(days=30), datetime.time(11))
    )
    override = record_override(
        case, staff, shared_at=shared_at, what_was_shared="Purgeable-Xylophone details."
    )
    override_review(override=override, by=coordinator, outcome="appropriate", notes=NOTES)
    record_non_disclosure(case, staff)
    client_for(coordinator).get(f"/safeguarding/overrides/{override.pk}/")
    return case, override


def test_ret3_purging_a_case_removes_its_overrides_reviews_decisions_and_history(
    service, staff, coordinator, admin_user, client_for
):
    case, override = _case_with_everything(
        service, staff, coordinator, client_for, opened_on=years_ago(15)
    )
    case_services.case_close(case=case, by=staff, closed_on=years_ago(13))
    kept, kept_override = _case_with_everything(
        service, staff, coordinator, client_for, opened_on=years_ago(1)
    )
    assert ChildProtectionOverride.history.filter(case_id=case.pk).exists()
    assert AccessLogEntry.objects.filter(object_type="childprotectionoverride").count() == 2

    out = io.StringIO()
    call_command("purge_expired", "--no-input", stdout=out)

    for model in (ChildProtectionOverride, OverrideReview, NonDisclosureDecision):
        assert not model.objects.filter(case_id=case.pk).exists()
        assert not model.history.filter(case_id=case.pk).exists()
        assert model.objects.filter(case_id=kept.pk).count() == 1
    assert not AccessLogEntry.objects.filter(object_id=str(override.pk), case_id=case.pk).exists()
    assert AccessLogEntry.objects.filter(object_id=str(kept_override.pk)).exists()


def test_dis8_every_override_stays_in_the_case_log_for_the_life_of_the_case(
    case, staff, coordinator
):
    first = record_override(case, staff, recipient="police")
    override_review(override=first, by=coordinator, outcome="not_appropriate", notes=NOTES)
    record_override(case, coordinator, recipient="other", recipient_detail="GP surgery")
    record_non_disclosure(case, staff)
    case_services.case_close(case=case, by=staff)
    case_services.case_archive(case=case, by=staff)

    entries = override_log_entries(case)
    assert [entry.action for entry in entries].count("Child-protection override") == 2
    assert {entry.action for entry in entries} == {
        "Child-protection override",
        "Override reviewed",
        "Decision not to share",
    }
    assert all(entry.at.tzinfo is not None for entry in entries)
    police = next(entry for entry in entries if "Police" in entry.summary)
    assert police.by == staff and "Neglect" in police.summary
    assert any("GP surgery" in entry.summary for entry in entries)
    assert entries == sorted(entries, key=lambda entry: entry.at, reverse=True)


def test_acc1_admin_site_has_no_override_pages(admin_user, client_for, case, staff):
    override = record_override(case, staff)
    client = client_for(admin_user)
    for model in ("childprotectionoverride", "overridereview", "nondisclosuredecision"):
        assert client.get(f"/admin/disclosure/{model}/").status_code == 404
    assert (
        client.get(f"/admin/disclosure/childprotectionoverride/{override.pk}/change/").status_code
        == 404
    )
    assert (
        client.post(f"/admin/disclosure/childprotectionoverride/{override.pk}/delete/").status_code
        == 404
    )
    assert ChildProtectionOverride.objects.filter(pk=override.pk).exists()


def test_sec1_override_content_is_encrypted_at_rest(case, staff):
    record_override(
        case,
        staff,
        what_was_shared="Marmalade-Orbit disclosure",
        reason="Quantum-Heron reasons for concern",
    )
    for secret in ("Marmalade-Orbit", "Quantum-Heron"):
        assert tables_containing(secret, "default") == set()


def test_sta1_overrides_counted_by_category_and_recipient_with_review_status(
    service, staff, coordinator
):
    today = timezone.localdate()
    period = Period(year=today.year, first_month=today.month, months=1)
    from tests.factories import make_case

    case = make_case(service, staff)
    for _ in range(5):
        record_override(case, staff, category="neglect", recipient="social_care")
    done = record_override(case, staff, category="physical", recipient="police")
    override_review(override=done, by=coordinator, outcome="appropriate", notes=NOTES)

    grid = overrides_by_category_and_recipient(service, period).table()
    assert grid.counts[grid.row_labels.index("Neglect")][0] == 5
    assert grid.counts[grid.row_labels.index("Physical abuse")][1] == 1
    assert sum(map(sum, grid.counts)) == 6
    assert overrides_review_status(service, period).table().counts == ((1,), (5,))
    suppressed = build_report(service=service, period=period, threshold=5)
    rows = {published.table.key: published.rows() for published in suppressed.tables}
    assert ["Reviewed", "<5"] in rows["overrides_review"]


@pytest.mark.slow
def test_seed_demo_shows_every_override_state(capsys):
    call_command("seed_demo", "--cases", "40")
    for code in ("north", "south"):
        overrides = ChildProtectionOverride.objects.filter(case__service__code=code)
        waiting = overrides.filter(review__isnull=True)
        assert waiting.filter(consent_refused=True).exists()
        assert overrides.filter(review__isnull=False).exists()
        assert NonDisclosureDecision.objects.filter(case__service__code=code).exists()
    capsys.readouterr()
