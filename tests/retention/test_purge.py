"""The purge (RET-3, RET-5, RET-6, RET-7), driven through the command."""

import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connections
from django.db.models import ForeignKey
from django.utils import timezone
from simple_history.models import HistoricalChanges

from cases.models import AnonymousContact, Case, Parent
from cases.services import anonymous_contact_log
from pps.fields import CaseKeyField
from pps.keystore.models import DataKey
from retention.erase import historical_models, history_filter
from retention.models import DestructionLogEntry, PurgeRun
from retention.purge import anonymous_contacts_due
from retention.schedule import case_retention_refresh
from retention.services import case_categories_set, retention_settings_update
from tests.raw_db import all_cell_bytes
from tests.retention.helpers import (
    case_footprint,
    make_closed_case,
    make_expired_case,
    record_decryptions,
    retention_category,
    rich_case,
    years_ago,
)

# Historical models of configuration, which hold no case data (a new one here
# must be a deliberate decision, or the purge would leave its rows behind).
NOT_CASE_DATA = {
    "historicalretentioncategory",
    "historicalrecordretentionrule",  # GOV-7: months per kind of record, no case data
    "historicalserviceretentionsettings",
    "historicaldisclosureapprovers",  # who approves disclosures in a service: no case data
    # Users, the service, its policies and settings (SEC-3): no case data.
    "historicaluser",
    "historicalservice",
    "historicalconfidentialitypolicy",
    "historicalpolicyacknowledgement",
    "historicalvolunteertraining",
    "historicalstafftraining",  # GOV-1: who was trained when, no case data
    "historicaltopic",
    "historicalstatisticssettings",
    "historicalrecipientrole",
    "historicalconsentsettings",
}


def purge(*args) -> str:
    out = io.StringIO()
    call_command("purge_expired", *args, stdout=out)
    return out.getvalue()


def raw_cell(table: str, column: str, pk) -> bytes:
    """A value exactly as the database stores it (ciphertext, not the decrypted value)."""
    connection = connections["default"]
    with connection.cursor() as cursor:
        quote = connection.ops.quote_name
        cursor.execute(f"SELECT {quote(column)} FROM {quote(table)} WHERE id = %s", [pk])
        value = cursor.fetchone()[0]
    return bytes(value) if isinstance(value, (bytes, memoryview)) else str(value).encode()


def raw_tables_holding(needle: bytes) -> set[str]:
    tables = set()
    for alias in ("default", "keystore"):
        tables |= {table for table, cell in all_cell_bytes(alias) if needle in cell}
    return tables


def test_ret3_purge_removes_every_row_about_the_case_and_nothing_else(
    service, staff, coordinator, volunteer, client_for
):
    doomed = rich_case(service, staff, coordinator, volunteer, client_for, family_name="Doomfield")
    kept = rich_case(service, staff, coordinator, volunteer, client_for, family_name="Keptwell")
    # Kept because its closure is recent: same tables, same kinds of rows.
    kept.closed_on = years_ago(2)
    kept.save(update_fields=["closed_on"])
    case_retention_refresh(kept)

    before = case_footprint(doomed)
    kept_before = case_footprint(kept)
    assert [name for name, count in before.items() if not count] == []  # something everywhere
    doomed_parent = Parent.objects.get(case=doomed)
    needles = {
        "name index": doomed_parent.family_name_bidx.encode(),
        "phone index": doomed_parent.phone_bidx.encode(),
        "name ciphertext": raw_cell("cases_parent", "family_name", doomed_parent.pk),
        "summary ciphertext": raw_cell("cases_case", "summary", doomed.pk),
        "data key id": raw_cell("cases_case", "data_key_id", doomed.pk),
        "wrapped data key": bytes(DataKey.objects.get(id=doomed.data_key_id).wrapped),
    }
    for what, needle in needles.items():
        assert raw_tables_holding(needle), f"{what} should be in the database before the purge"

    output = purge("--no-input")

    assert doomed.reference in output and "Doomfield" not in output
    left = {name: count for name, count in case_footprint(doomed).items() if count}
    assert left == {}
    assert case_footprint(kept) == kept_before
    assert Parent.objects.get(case=kept).family_name == "Keptwell"  # still decrypts
    for what, needle in needles.items():
        assert raw_tables_holding(needle) == set(), what

    entry = DestructionLogEntry.objects.get()
    assert (entry.case_reference, entry.categories) == (doomed.reference, "Parent support")
    assert entry.closed_on == doomed.closed_on
    assert entry.destroy_due_on == doomed.closed_on.replace(year=doomed.closed_on.year + 12)
    assert entry.key_destroyed_at is not None and entry.authorised_by is None
    log_cells = b" ".join(
        cell for table, cell in all_cell_bytes() if table == "retention_destructionlogentry"
    )
    assert (
        b"Doomfield" not in log_cells and doomed_parent.family_name_bidx.encode() not in log_cells
    )


def test_ret3_every_historical_model_is_found_by_the_purge():
    """A new app's model with a case foreign key and history is covered without
    touching the purge: discovery goes through the app registry."""
    from django.apps import apps

    every = {m for m in apps.get_models() if issubclass(m, HistoricalChanges)}
    assert set(historical_models()) == every
    uncovered = set()
    for model in every:
        conditions = history_filter(model, 1, "00000000-0000-0000-0000-000000000001")
        if conditions is None:
            uncovered.add(model._meta.model_name)
    assert uncovered == NOT_CASE_DATA


def test_ret3_every_model_holding_case_data_cascades_from_the_case():
    """PROTECT would make the purge fail; SET_NULL would leave the data behind."""
    from django.apps import apps

    holding = {
        model
        for model in apps.get_models()
        if not issubclass(model, HistoricalChanges)
        and (
            model is Case
            or any(isinstance(f, CaseKeyField) for f in model._meta.concrete_fields)
            or any(
                isinstance(f, ForeignKey) and f.related_model is Case
                for f in model._meta.concrete_fields
            )
        )
    }
    wrong = [
        f"{model.__name__}.{field.name}"
        for model in apps.get_models()
        if not issubclass(model, HistoricalChanges)
        for field in model._meta.concrete_fields
        if isinstance(field, ForeignKey)
        and field.related_model in holding
        and field.remote_field.on_delete.__name__ != "CASCADE"
    ]
    # The one deliberate exception: a personal data breach outlives the case it
    # names, keeping only its coded reference (GOV-6); its text is under a key
    # of its own, never the case's, and its history does not copy the link.
    assert wrong == ["Breach.case"]


def test_ret3_dry_run_shows_references_and_dates_never_names_and_changes_nothing(
    service, staff, coordinator
):
    case = make_expired_case(service, staff, family_name="Privatename", given_name="Hidden")
    output = purge("--dry-run")
    assert case.reference in output
    assert "Parent support" in output and "Due for destruction: 1 cases" in output
    assert "Privatename" not in output and "Hidden" not in output
    assert "Dry run: nothing was destroyed." in output
    assert Case.objects.filter(pk=case.pk).exists()
    assert not PurgeRun.objects.exists() and not DestructionLogEntry.objects.exists()


def test_ret5_second_run_does_nothing_and_shows_progress(service, staff):
    for _ in range(3):
        make_expired_case(service, staff)
    first = purge("--no-input")
    assert "[##############################] 3/3 cases" in first
    assert "Purged 3 cases" in first
    second = purge("--no-input")
    assert "Nothing is due. Nothing was destroyed." in second
    assert DestructionLogEntry.objects.count() == 3 and PurgeRun.objects.count() == 1


def test_ret3_purge_decrypts_only_the_birth_dates_a_rule_needs(service, staff, monkeypatch):
    """The preview and the purge work from plain dates; what they destroy stays unread.

    Decrypting a summary on the way to deleting it would cost a key-store read
    per case whenever the cached keys have expired, as after a long preview.
    """
    by_closure = make_expired_case(service, staff)
    by_birth = make_closed_case(
        service,
        staff,
        closed_on=years_ago(20),
        children=({"given_name": "A", "family_name": "B", "date_of_birth": years_ago(40)},),
    )
    supervision = retention_category(service, "supervision_order")
    case_categories_set(case=by_birth, categories=[supervision], by=staff)
    decrypted = record_decryptions(monkeypatch)
    output = purge("--no-input")
    assert "Purged 2 cases" in output
    assert not Case.objects.filter(pk__in=[by_closure.pk, by_birth.pk]).exists()
    # Once in the preview's refresh and once in the check under the lock.
    assert decrypted == ["date_of_birth", "date_of_birth"]


def test_ret3_refuses_without_confirmation_when_not_at_a_terminal(service, staff):
    case = make_expired_case(service, staff)
    with pytest.raises(CommandError, match="--no-input"):
        purge()
    assert Case.objects.filter(pk=case.pk).exists()


def test_ret3_interactive_confirmation(service, staff, monkeypatch):
    case = make_expired_case(service, staff)
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    monkeypatch.setattr("builtins.input", lambda prompt: "no")
    with pytest.raises(CommandError, match="Not confirmed"):
        purge()
    assert Case.objects.filter(pk=case.pk).exists()
    monkeypatch.setattr("builtins.input", lambda prompt: "purge")
    purge()
    assert not Case.objects.filter(pk=case.pk).exists()


def test_ret3_authorising_administrator_is_recorded_and_limited_to_their_service(
    service, other_service, staff, other_service_staff, admin_user
):
    mine = make_expired_case(service, staff)
    theirs = make_expired_case(other_service, other_service_staff)
    with pytest.raises(CommandError):
        purge("--no-input", "--authorised-by", staff.username)
    with pytest.raises(CommandError):
        purge("--no-input", "--authorised-by", admin_user.username, "--service", "south")
    purge("--no-input", "--authorised-by", admin_user.username)
    assert DestructionLogEntry.objects.get().authorised_by == admin_user
    assert not Case.objects.filter(pk=mine.pk).exists()
    assert Case.objects.filter(pk=theirs.pk).exists()


def anonymous_contact_on(service, staff, day: datetime.date, at: datetime.time):
    moment = timezone.make_aware(datetime.datetime.combine(day, at))
    return anonymous_contact_log(
        service=service,
        by=staff,
        channel="helpline",
        topic=service.topics.first(),
        outcome="advice",
        occurred_at=moment,
    )


def test_ret7_anonymous_contacts_have_their_own_retention(service, staff, admin_user):
    def contact_at(years):
        return anonymous_contact_on(service, staff, years_ago(years), datetime.time(10))

    old, middling, recent = contact_at(7), contact_at(5), contact_at(0)
    assert "Anonymous contacts past their retention: 1" in purge("--dry-run")
    purge("--no-input")
    assert set(AnonymousContact.objects.values_list("pk", flat=True)) == {middling.pk, recent.pk}
    retention_settings_update(
        service=service, by=admin_user, archive_after_days=365, anonymous_contact_years=4
    )
    run_output = purge("--no-input")
    assert "1 anonymous contacts deleted" in run_output
    assert list(AnonymousContact.objects.values_list("pk", flat=True)) == [recent.pk]
    del old


def test_ret7_anonymous_contacts_are_due_by_their_local_date(service, staff, admin_user):
    """Past the cutoff means a local date before it: in summer, 00:30 on the cutoff
    day is 23:30 the day before in UTC, and must still be kept."""
    retention_settings_update(
        service=service, by=admin_user, archive_after_days=365, anonymous_contact_years=4
    )
    today = datetime.date(2026, 7, 15)
    cutoff = datetime.date(2022, 7, 15)

    day_before = cutoff - datetime.timedelta(days=1)
    late_evening_before = anonymous_contact_on(service, staff, day_before, datetime.time(23, 30))
    just_after_midnight = anonymous_contact_on(service, staff, cutoff, datetime.time(0, 30))
    due = anonymous_contacts_due(service, today)
    assert list(due.values_list("pk", flat=True)) == [late_evening_before.pk]
    assert just_after_midnight.occurred_at.astimezone(datetime.UTC).date() < cutoff


@pytest.mark.django_db(transaction=True)
def test_ret6_space_is_reclaimed_when_not_inside_a_transaction(service, staff):
    make_expired_case(service, staff)
    output = purge("--no-input")
    vendor = connections["default"].vendor
    assert "default: vacuumed" in output, output
    assert "keystore: vacuumed" in output
    if vendor == "sqlite":
        with connections["default"].cursor() as cursor:
            cursor.execute("PRAGMA secure_delete")
            assert cursor.fetchone()[0] == 1
