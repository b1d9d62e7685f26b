"""Encrypted fields, envelope keys and the blind index (SEC-1, ACC-10)."""

import uuid

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import override_settings

from cases.models import Parent
from cases.selectors import search_cases
from pps import crypto
from pps.keystore.models import DataKey
from tests.factories import make_case

K1 = "k1:" + "MTExMTExMTExMTExMTExMTExMTExMTExMTExMTExMTE="  # 32 bytes of "1"
K2 = "k2:" + "MjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjI="  # 32 bytes of "2"


def raw_column(table: str, column: str, pk: int) -> bytes:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])
        return bytes(cursor.fetchone()[0])


def test_sec1_values_are_stored_as_ciphertext_with_key_id(service, staff):
    case = make_case(service, staff, family_name="Featherstonehaugh")
    parent = case.parents.get()
    stored = raw_column("cases_parent", "family_name", parent.pk)
    assert b"Featherstonehaugh" not in stored
    assert stored[:1] == crypto.FORMAT_V1
    assert crypto.ciphertext_key_id(stored) == case.data_key_id
    assert Parent.objects.get(pk=parent.pk).family_name == "Featherstonehaugh"


def test_sec1_each_case_has_its_own_data_key_held_only_wrapped(service, staff):
    first, second = make_case(service, staff), make_case(service, staff)
    assert first.data_key_id != second.data_key_id
    wrapped = DataKey.objects.get(id=first.data_key_id)
    assert len(bytes(wrapped.wrapped)) == crypto.NONCE_BYTES + crypto.KEY_BYTES + 16
    assert bytes(wrapped.wrapped) != crypto.get_data_key(first.data_key_id)


def test_acc10_key_store_is_a_separate_database(service, staff):
    case = make_case(service, staff)
    assert DataKey.objects.db == "keystore"
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
    assert "keystore_datakey" not in tables
    assert DataKey.objects.filter(id=case.data_key_id).exists()


def test_sec1_plaintext_never_reaches_sql_through_update_or_filter(service, staff):
    case = make_case(service, staff)
    with pytest.raises(crypto.EncryptionKeyError):
        Parent.objects.filter(case=case).update(family_name="Leaked")
    with pytest.raises(crypto.EncryptionKeyError):
        list(Parent.objects.filter(family_name="Leaked"))


def test_sec1_missing_master_key_fails_loudly(service, staff):
    case = make_case(service, staff)
    crypto.forget_cached_keys()
    with override_settings(PPS_MASTER_KEYS=K2), pytest.raises(crypto.EncryptionKeyError):
        Parent.objects.get(case=case)


def test_sec1_tampered_ciphertext_fails_loudly(service, staff):
    case = make_case(service, staff, family_name="Original")
    parent = case.parents.get()
    stored = bytearray(raw_column("cases_parent", "family_name", parent.pk))
    stored[-1] ^= 0x01
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE cases_parent SET family_name = %s WHERE id = %s", [bytes(stored), parent.pk]
        )
    with pytest.raises(crypto.EncryptionKeyError):
        Parent.objects.get(pk=parent.pk)


def test_sec1_ciphertext_cannot_be_moved_to_another_column(service, staff):
    case = make_case(service, staff, family_name="Surname", given_name="Given")
    parent = case.parents.get()
    stored = raw_column("cases_parent", "family_name", parent.pk)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE cases_parent SET given_name = %s WHERE id = %s", [stored, parent.pk])
    with pytest.raises(crypto.EncryptionKeyError):
        Parent.objects.get(pk=parent.pk)


def test_acc10_destroying_a_data_key_shreds_only_that_case(service, staff):
    doomed, kept = make_case(service, staff), make_case(service, staff, family_name="Kept")
    assert crypto.destroy_data_key(doomed.data_key_id)
    with pytest.raises(crypto.EncryptionKeyError):
        Parent.objects.get(case=doomed)
    assert Parent.objects.get(case=kept).family_name == "Kept"


def test_ops3_a_key_destroyed_by_another_server_is_unusable_from_the_next_request(service, staff):
    """Another app server destroys a key without evicting it from this process's cache
    (it cannot reach it): this process stops using it as soon as its next request begins."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    # The request signals without Django's own handler, which would close the
    # test's connection (as Django's test client does too).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        case = make_case(service, staff, family_name="Cached")
        request_started.send(sender=None)
        assert Parent.objects.get(case=case).family_name == "Cached"  # the key is now cached
        request_finished.send(sender=None)

        DataKey.objects.filter(id=case.data_key_id).delete()  # as the other server's purge does

        request_started.send(sender=None)
        try:
            with pytest.raises(crypto.EncryptionKeyError):
                Parent.objects.get(case=case)
        finally:
            request_finished.send(sender=None)
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def test_sec1_rotate_keys_rewraps_without_touching_rows(service, staff, capsys):
    with override_settings(PPS_MASTER_KEYS=K1):
        cases = [make_case(service, staff, family_name=f"Rotate{i}") for i in range(3)]
        row_before = raw_column("cases_parent", "family_name", cases[0].parents.get().pk)

    with override_settings(PPS_MASTER_KEYS=f"{K2},{K1}"):
        call_command("rotate_keys", "--dry-run")
        assert "3 data keys would be re-wrapped" in capsys.readouterr().out
        assert set(DataKey.objects.values_list("master_key_id", flat=True)) == {"k1"}
        call_command("rotate_keys")
        assert "3 data keys re-wrapped under master key 'k2'" in capsys.readouterr().out
        call_command("rotate_keys")
        assert "0 data keys re-wrapped" in capsys.readouterr().out

    assert set(DataKey.objects.values_list("master_key_id", flat=True)) == {"k2"}
    assert raw_column("cases_parent", "family_name", cases[0].parents.get().pk) == row_before
    crypto.forget_cached_keys()
    with override_settings(PPS_MASTER_KEYS=K2):
        names = {Parent.objects.get(case=c).family_name for c in cases}
    assert names == {"Rotate0", "Rotate1", "Rotate2"}
    crypto.forget_cached_keys()
    with override_settings(PPS_MASTER_KEYS=K1), pytest.raises(crypto.EncryptionKeyError):
        Parent.objects.get(case=cases[0])


def test_sec1_generate_key_prints_a_usable_entry(capsys):
    call_command("rotate_keys", "--generate-key", "k2027")
    entry = capsys.readouterr().out.strip()
    with override_settings(PPS_MASTER_KEYS=entry):
        assert crypto.current_master_key_id() == "k2027"
        key_id = uuid.uuid4()
        wrapped = crypto.wrap_data_key(b"x" * 32, key_id, "k2027")
        assert crypto.unwrap_data_key(wrapped, key_id, "k2027") == b"x" * 32


@pytest.mark.parametrize(
    ("stored", "typed"),
    [("O'Brien", "obrien"), ("Smith-Jones", "SMITH JONES"), ("Ó Súilleabháin", "o suilleabhain")],
)
def test_blind_index_search_matches_normalised_surnames(service, staff, stored, typed):
    case = make_case(service, staff, family_name=stored)
    make_case(service, staff, family_name="Unrelated")
    assert list(search_cases(staff, typed)) == [case]


def test_blind_index_column_holds_no_plaintext(service, staff):
    case = make_case(service, staff, family_name="Plaintextcheck")
    digest = case.parents.get().family_name_bidx
    assert len(digest) == 32 and "plaintext" not in digest.lower()
