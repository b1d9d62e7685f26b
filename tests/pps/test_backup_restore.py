"""Backups and restores: integrity checked, key store kept apart, purges replayed (SEC-4, ACC-10).

Runs on SQLite (online backup API) and on PostgreSQL (pg_dump -Fc / pg_restore).
"""

import datetime

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from cases.models import Case, Parent
from pps import crypto
from pps.backups import read_manifest
from pps.keystore.models import DataKey
from pps.restore_replays import PostRestoreReplay, register, unregister
from tests.factories import make_case

pytestmark = pytest.mark.django_db(transaction=True)


def backup(directory, *, keystore=False):
    call_command("backup", "--to", str(directory), *(["--keystore"] if keystore else []))
    return sorted(p for p in directory.iterdir() if not p.name.endswith(".json"))[-1]


def restore(path, *, keystore=False, **kwargs):
    call_command("restore", str(path), "--yes", *(["--keystore"] if keystore else []), **kwargs)


def readable(case_pk: int) -> bool:
    crypto.forget_cached_keys()
    try:
        return bool(Case.objects.get(pk=case_pk).parents.get().family_name)
    except crypto.EncryptionKeyError:
        return False


@pytest.fixture
def two_cases(service, staff):
    first = make_case(service, staff, family_name="Ashworth", summary="First enquiry")
    second = make_case(service, staff, family_name="Brennan", summary="Second enquiry")
    return first, second


def test_sec4_restore_brings_back_the_backup_after_checking_its_integrity(
    tmp_path, two_cases, staff, capsys
):
    first, second = two_cases
    path = backup(tmp_path / "cases")
    manifest = read_manifest(path)
    assert manifest.alias == "default" and len(manifest.sha256) == 64
    assert oct(path.stat().st_mode & 0o777) == "0o600"

    second.summary = "Changed after the backup"
    second.save()
    restore(path)

    out = capsys.readouterr().out
    assert "checksum and integrity verified" in out
    assert Case.objects.get(pk=second.pk).summary == "Second enquiry"
    assert readable(first.pk) and readable(second.pk)


def test_sec4_purges_recorded_after_the_backup_are_replayed_on_restore(tmp_path, two_cases, capsys):
    """A purge after the backup stays done: its data key is gone from the key store, so the
    restored copy of the case is removed again, and registered replays (retention's
    destruction log, faked here) are re-applied from what the live database recorded."""
    first, second = two_cases
    destruction_log: list[tuple[datetime.datetime, str]] = []
    replayed: list[str] = []

    def purge(case: Case) -> None:
        case.delete()
        crypto.destroy_data_key(case.data_key_id)
        destruction_log.append((timezone.now(), case.reference))

    register(
        PostRestoreReplay(
            name="fake destruction log",
            alias="default",
            collect=lambda since: [ref for at, ref in destruction_log if at > since],
            apply=lambda references: replayed.extend(references) or len(references),
        )
    )
    try:
        path = backup(tmp_path / "cases")
        purge(Case.objects.get(pk=first.pk))
        restore(path)
    finally:
        unregister("fake destruction log")

    out = capsys.readouterr().out
    assert "(data key destroyed) are removed again: 1" in out
    assert "fake destruction log: 1" in out and replayed == [first.reference]
    assert not Case.objects.filter(pk=first.pk).exists()
    assert not Parent.objects.filter(case_id=first.pk).exists()
    assert not Parent.history.filter(case_id=first.pk).exists()
    assert not Case.history.filter(id=first.pk).exists()
    assert readable(second.pk)


def test_sec4_restore_refuses_to_remove_cases_with_the_wrong_key_store(tmp_path, two_cases):
    from pps.backups import BackupError
    from retention.shredded import remove_shredded_cases_after_restore

    DataKey.objects.all().delete()
    with pytest.raises(BackupError, match="wrong key store"):
        remove_shredded_cases_after_restore(None)
    assert Case.objects.count() == 2


def test_acc10_key_store_restore_never_resurrects_a_destroyed_key(
    tmp_path, two_cases, service, staff
):
    first, second = two_cases
    path = backup(tmp_path / "keystore", keystore=True)
    crypto.destroy_data_key(first.data_key_id)
    third = make_case(service, staff, family_name="Carter")

    restore(path, keystore=True)

    assert not DataKey.objects.filter(id=first.data_key_id).exists()
    assert not readable(first.pk)
    assert readable(second.pk) and readable(third.pk)


def test_ops4_key_store_restore_onto_a_new_empty_key_store_loses_no_key(tmp_path, two_cases):
    """The drill on a new server: the key store is migrated (empty) before the
    restore. Taken as the live store, it would make every restored key look
    destroyed; the restore refuses and says how to go on."""
    first, second = two_cases
    path = backup(tmp_path / "keystore", keystore=True)
    kept = set(DataKey.objects.values_list("id", flat=True))
    DataKey.objects.all().delete()  # the new, just-migrated key store

    with pytest.raises(CommandError, match="holds no keys.*--live-database-lost"):
        restore(path, keystore=True)
    assert not DataKey.objects.exists()  # refused before anything was replaced

    restore(path, keystore=True, live_database_lost=True)
    assert set(DataKey.objects.values_list("id", flat=True)) == kept
    assert readable(first.pk) and readable(second.pk)


def test_acc10_key_store_backups_are_kept_apart_from_case_backups(tmp_path, two_cases):
    together = tmp_path / "together"
    backup(together)
    with pytest.raises(CommandError, match="apart"):
        backup(together, keystore=True)


def test_sec4_a_damaged_backup_is_refused_and_nothing_changes(tmp_path, two_cases):
    first, _ = two_cases
    path = backup(tmp_path / "cases")
    first.summary = "Live value"
    first.save()
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))

    with pytest.raises(CommandError, match="checksum"):
        restore(path)
    assert Case.objects.get(pk=first.pk).summary == "Live value"


def test_sec4_restore_refuses_the_wrong_kind_of_backup_and_needs_confirmation(tmp_path, two_cases):
    keys = backup(tmp_path / "keystore", keystore=True)
    with pytest.raises(CommandError, match="key store backup"):
        restore(keys)
    cases = backup(tmp_path / "cases")
    with pytest.raises(CommandError, match="--yes"):
        call_command("restore", str(cases))
