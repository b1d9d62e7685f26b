"""Records not about families are destroyed by the same purge, by their own rules (GOV-7)."""

import io

import pytest
from django.contrib.auth import authenticate
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.test import Client, RequestFactory
from django_otp.plugins.otp_totp.models import TOTPDevice

from cases.statistics.models import StatisticsExport, StatisticsExportJob
from governance.models import Breach, BreachAction
from pps.crypto import EncryptionKeyError
from pps.history import history_erasure
from pps.keystore.models import DataKey
from pps.models import User, VolunteerAgreement
from pps.security.models import RecoveryCodeDevice, SecurityEvent, UserSession
from retention.models import DestructionLogEntry, RecordKind, RecordRetentionRule
from retention.purge import purge_preview
from retention.record_rules import KIND_RULES, record_rules_for
from retention.records_purge import subtract_months
from retention.services import record_rule_update
from tests.factories import PASSWORD, make_user
from tests.retention.gov7_world import (
    closed_breach,
    departed_account,
    export_log,
    months_ago,
    security_event,
)

pytestmark = pytest.mark.django_db(databases=["default", "keystore"])


def purge(*args) -> str:
    out = io.StringIO()
    call_command("purge_expired", "--no-input", *args, stdout=out)
    return out.getvalue()


def logged(kind: str) -> list[DestructionLogEntry]:
    return list(DestructionLogEntry.objects.filter(kind=kind))


def test_gov7_every_service_gets_a_rule_per_kind_with_the_defaults(service):
    rules = record_rules_for(service)
    assert [rule.kind for rule in rules] == list(KIND_RULES)
    assert {rule.kind: rule.months for rule in rules} == {
        "security_events": 12,
        "departed_accounts": 24,
        "agreement_scans": 24,
        "export_logs": 24,
        "breaches": 72,
    }
    assert len(record_rules_for(service)) == 5  # read again: nothing more is made


def test_gov7_months_are_counted_back_never_a_day_early():
    import datetime

    assert subtract_months(datetime.date(2027, 3, 31), 1) == datetime.date(2027, 2, 28)
    assert subtract_months(datetime.date(2028, 3, 31), 1) == datetime.date(2028, 2, 29)
    assert subtract_months(datetime.date(2027, 1, 15), 13) == datetime.date(2025, 12, 15)


def test_gov7_security_events_go_when_due_and_not_before(service, staff):
    old = security_event(staff, ip_address="203.0.113.7", at=months_ago(13))
    recent = security_event(staff, ip_address="203.0.113.8", at=months_ago(11))
    nobody = security_event(None, ip_address="203.0.113.9", at=months_ago(13))

    purge()

    remaining = set(SecurityEvent.objects.values_list("pk", flat=True))
    assert old.pk not in remaining and nobody.pk not in remaining
    assert recent.pk in remaining
    entries = logged(RecordKind.SECURITY_EVENTS)
    assert {(entry.service_id, entry.count) for entry in entries} == {(service.pk, 1), (None, 1)}


def test_gov7_a_longer_rule_keeps_security_events(service, staff, admin_user):
    record_rule_update(service=service, kind="security_events", by=admin_user, months=24)
    kept = security_event(staff, ip_address="203.0.113.7", at=months_ago(13))
    purge()
    assert SecurityEvent.objects.filter(pk=kept.pk).exists()


def test_gov7_departed_account_is_anonymised_and_cannot_sign_in(service, admin_user):
    gone = departed_account(
        service,
        "staff",
        left=months_ago(25),
        username="jo.leaver",
        first_name="Jolene",
        last_name="Leaverson",
        email="jo.leaver@example.org",
    )
    TOTPDevice.objects.create(user=gone, name="phone")
    RecoveryCodeDevice.objects.create(user=gone, name="codes")
    session = Client()
    session.force_login(gone)
    UserSession.objects.create(user=gone, session_key=session.session.session_key)
    User.objects.filter(pk=gone.pk).update(last_login=months_ago(25))  # signing in set it
    security_event(gone, ip_address="198.51.100.4", at=months_ago(1))
    still_here = departed_account(service, "staff", left=months_ago(23), username="not.yet")

    purge()

    gone.refresh_from_db()
    assert gone.username == f"former-{gone.pk}"
    assert (gone.first_name, gone.last_name, gone.email) == ("", "", "")
    assert not gone.has_usable_password() and not gone.is_active
    assert not TOTPDevice.objects.filter(user=gone).exists()
    assert not RecoveryCodeDevice.objects.filter(user=gone).exists()
    assert not UserSession.objects.filter(user=gone).exists()
    assert not Session.objects.filter(session_key=session.session.session_key).exists()
    assert not SecurityEvent.objects.filter(user=gone).exists()
    history = User.history.model.objects.filter(id=gone.pk)
    assert history.exists()
    assert set(history.values_list("username", "first_name", "last_name", "email")) == {
        (f"former-{gone.pk}", "", "", "")
    }
    # Neither the old name nor the coded one can sign in.
    assert not gone.check_password(PASSWORD)
    for username in ("jo.leaver", gone.username):
        request = RequestFactory().post("/accounts/login/")
        assert authenticate(request, username=username, password=PASSWORD) is None
    assert User.objects.get(pk=still_here.pk).username == "not.yet"
    [entry] = logged(RecordKind.DEPARTED_ACCOUNTS)
    assert entry.count == 1 and entry.case_reference is None
    assert "Leaverson" not in str(DestructionLogEntry.objects.values())
    # A second run finds nothing more to anonymise.
    purge()
    assert logged(RecordKind.DEPARTED_ACCOUNTS) == [entry]


def test_gov7_anonymised_account_still_renders_in_history(service, coordinator, client_for):
    """History rows keep pointing at the account; the page shows its coded name."""
    leaver = make_user(service, "coordinator", first_name="Hettyleaver", last_name="Smythe")
    breach = closed_breach(service, leaver, closed_at=None, title="Lost laptop")
    User.objects.filter(pk=leaver.pk).update(is_active=False, last_login=months_ago(30))
    with history_erasure(purpose="test"):
        User.history.model.objects.filter(id=leaver.pk).update(history_date=months_ago(30))
        User.objects.filter(pk=leaver.pk).update(date_joined=months_ago(30))

    purge()

    response = client_for(coordinator).get(f"/breaches/{breach.pk}/")
    page = response.content.decode()
    assert response.status_code == 200
    assert f"former-{leaver.pk}" in page
    assert "Hettyleaver" not in page and "Smythe" not in page


def test_gov7_agreement_scan_goes_when_the_volunteer_left_long_enough_ago(service):
    gone = departed_account(service, "volunteer", left=months_ago(25))
    recent = departed_account(service, "volunteer", left=months_ago(20))
    working = make_user(service, "volunteer")
    old_agreement = VolunteerAgreement.objects.get(volunteer=gone)
    key = old_agreement.data_key_id
    signed_on = old_agreement.signed_on

    purge()

    old_agreement = VolunteerAgreement.objects.get(volunteer=gone)
    assert old_agreement.document is None and old_agreement.signed_on == signed_on
    assert not DataKey.objects.filter(id=key).exists()
    for kept in (recent, working):
        assert VolunteerAgreement.objects.get(volunteer=kept).document
    assert logged(RecordKind.AGREEMENT_SCANS)[0].count == 1


def test_gov7_the_volunteer_page_says_the_scan_was_destroyed(service, coordinator, client_for):
    gone = departed_account(service, "volunteer", left=months_ago(25))
    agreement = VolunteerAgreement.objects.get(volunteer=gone)
    purge()
    client = client_for(coordinator)
    page = client.get(f"/volunteers/{gone.pk}/").content.decode()
    assert "Scan destroyed at the end of its retention period" in page
    download = f"/volunteers/{gone.pk}/agreements/{agreement.pk}/"
    assert download not in page
    assert client.get(download).status_code == 404


def test_gov7_export_logs_go_when_due(service, coordinator):
    old_export, old_job = export_log(service, coordinator, at=months_ago(25))
    new_export, new_job = export_log(service, coordinator, at=months_ago(23))
    purge()
    assert list(StatisticsExport.objects.values_list("pk", flat=True)) == [new_export.pk]
    assert list(StatisticsExportJob.objects.values_list("pk", flat=True)) == [new_job.pk]
    assert logged(RecordKind.EXPORT_LOGS)[0].count == 2


def test_gov7_closed_breaches_go_with_their_key_and_history_open_ones_never(service, coordinator):
    old = closed_breach(service, coordinator, closed_at=months_ago(73), title="Old breach")
    recent = closed_breach(service, coordinator, closed_at=months_ago(71), title="Recent")
    still_open = closed_breach(service, coordinator, closed_at=None, title="Open one")
    Breach.objects.filter(pk=still_open.pk).update(aware_at=months_ago(100))
    key = old.data_key_id

    purge()

    assert set(Breach.objects.values_list("pk", flat=True)) == {recent.pk, still_open.pk}
    assert not BreachAction.objects.filter(breach_id=old.pk).exists()
    assert not Breach.history.model.objects.filter(id=old.pk).exists()
    assert not BreachAction.history.model.objects.filter(data_key_id=key).exists()
    assert not DataKey.objects.filter(id=key).exists()
    assert Breach.objects.get(pk=recent.pk).title == "Recent"
    [entry] = logged(RecordKind.BREACHES)
    assert entry.count == 1 and entry.categories == "Destroy 72 months after the breach was closed"


def test_gov7_a_breach_chunk_failing_after_its_key_leaves_no_key_without_rows(
    service, coordinator, monkeypatch
):
    """The key goes before the chunk commits: a failure then leaves the due rows,
    unreadable, never readable rows' key gone missing the other way round; the
    next run deletes the rows."""
    from retention import records_purge

    old = closed_breach(service, coordinator, closed_at=months_ago(80), title="Old breach")
    real_log_chunk = records_purge._log_chunk

    def fail_once(entry, count, **fields):
        monkeypatch.setattr(records_purge, "_log_chunk", real_log_chunk)
        raise RuntimeError("stopped before the commit")

    monkeypatch.setattr(records_purge, "_log_chunk", fail_once)
    with pytest.raises(Exception, match="could not be purged"):
        purge()
    assert not DataKey.objects.filter(id=old.data_key_id).exists()
    with pytest.raises(EncryptionKeyError):
        Breach.objects.get(pk=old.pk).title  # noqa: B018

    purge()
    assert not Breach.objects.filter(pk=old.pk).exists()
    assert logged(RecordKind.BREACHES)[0].count == 1


def test_gov7_preview_counts_each_kind_and_writes_nothing(service, staff, coordinator):
    security_event(staff, ip_address="203.0.113.7", at=months_ago(13))
    departed_account(service, "volunteer", left=months_ago(25))
    export_log(service, coordinator, at=months_ago(25))
    closed_breach(service, coordinator, closed_at=months_ago(73), title="Old breach")

    preview = purge_preview(service=service)

    assert preview.records_due == {
        "security_events": 1,
        "departed_accounts": 1,
        "agreement_scans": 1,
        "export_logs": 2,
        "breaches": 1,
    }
    assert preview.has_work
    assert SecurityEvent.objects.count() == 1 and Breach.objects.count() == 1
    assert not DestructionLogEntry.objects.exists()
    out = io.StringIO()
    call_command("purge_expired", "--dry-run", stdout=out)
    assert "Security events: 1" in out.getvalue()
    assert "Closed breach records: 1" in out.getvalue()
    assert SecurityEvent.objects.count() == 1


def test_gov7_planning_preview_counts_what_becomes_due_and_stores_no_rules(service, staff):
    import datetime

    from django.utils import timezone

    security_event(staff, ip_address="203.0.113.7", at=months_ago(11))
    RecordRetentionRule.objects.all().delete()
    today = timezone.localdate()
    later = purge_preview(service=service, as_of=today + datetime.timedelta(days=100))
    assert later.records_due["security_events"] == 1
    assert purge_preview(service=service, as_of=today).records_due["security_events"] == 0
    assert not RecordRetentionRule.objects.exists()
    out = io.StringIO()
    call_command(
        "purge_expired", "--dry-run", "--as-of", f"{today + datetime.timedelta(days=100)}",
        stdout=out,
    )  # fmt: skip
    assert "Security events: 1" in out.getvalue()
    assert SecurityEvent.objects.count() == 1


def test_gov7_the_log_page_says_what_was_destroyed_in_words(service, staff, client_for, admin_user):
    security_event(staff, ip_address="203.0.113.7", at=months_ago(13))
    security_event(staff, ip_address="203.0.113.8", at=months_ago(14))
    purge()
    page = client_for(admin_user).get("/retention/log/").content.decode()
    assert "Security events: 2 records" in page
    assert "Destroy 12 months after the event" in page
    assert "203.0.113" not in page


def test_gov7_the_run_counts_other_records(service, staff):
    security_event(staff, ip_address="203.0.113.7", at=months_ago(13))
    out = purge()
    assert "1 other records destroyed" in out
    assert "Purged 0 cases" in out


def test_gov7_a_kind_failing_leaves_it_whole_and_the_others_done(
    service, staff, coordinator, monkeypatch
):
    from django.core.management import CommandError

    from retention import records_purge

    def boom(ids):
        raise RuntimeError("disk on fire")

    breaches = records_purge.KIND_PURGES["breaches"]
    failing = records_purge.KindPurge("breaches", ((breaches.sources[0][0], boom),))
    monkeypatch.setitem(records_purge.KIND_PURGES, "breaches", failing)
    old = closed_breach(service, coordinator, closed_at=months_ago(80), title="Old breach")
    security_event(staff, ip_address="203.0.113.7", at=months_ago(13))

    with pytest.raises(CommandError, match="could not be purged"):
        purge()

    assert Breach.objects.get(pk=old.pk).title == "Old breach"
    assert DataKey.objects.filter(id=old.data_key_id).exists()
    assert not SecurityEvent.objects.exists()
    assert not logged(RecordKind.BREACHES)


def test_gov7_the_purge_screen_counts_and_destroys_other_records(
    service, other_service, staff, coordinator, admin_user, client_for
):
    """Only records of the administrator's own service; nothing before confirming."""
    from tests.security.conftest import confirm_identity

    security_event(staff, ip_address="203.0.113.7", at=months_ago(13))
    other_staff = make_user(other_service, "staff")
    theirs = security_event(other_staff, ip_address="203.0.113.9", at=months_ago(13))
    export_log(service, coordinator, at=months_ago(25))
    client = client_for(admin_user)
    confirm_identity(client, admin_user)

    page = client.get("/retention/purge/").content.decode()
    assert "Security events past their retention" in page
    assert "Statistics export logs past their retention" in page
    assert "Destroy 0 cases and 3 other records" in page
    assert "203.0.113" not in page
    aged = SecurityEvent.objects.filter(ip_address__startswith="203.0.113")
    assert aged.count() == 2

    response = client.post("/retention/purge/confirm/", {"case_ids": "", "confirm": "on"})
    assert response.status_code == 302
    assert list(aged.values_list("pk", flat=True)) == [theirs.pk]
    assert not StatisticsExport.objects.exists()
    run_page = client.get(response["Location"]).content.decode()
    assert "Security events: 1 record" in run_page
