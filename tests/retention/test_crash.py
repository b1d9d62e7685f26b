"""Crash safety of the purge (RET-5): every case whole or gone, re-runs finish."""

import io

import pytest
from django.core.management import CommandError, call_command

from cases.models import Case, Parent
from pps.keystore.models import DataKey
from retention import erase, purge
from retention.models import DestructionLogEntry, PurgeRun
from retention.purge import purge_preview
from tests.retention.helpers import case_footprint, make_expired_case


def run_purge() -> str:
    out = io.StringIO()
    call_command("purge_expired", "--no-input", stdout=out)
    return out.getvalue()


@pytest.fixture
def three_due_cases(service, staff):
    cases = [make_expired_case(service, staff, family_name=f"Family{n}") for n in range(3)]
    for case in cases:
        # More history: the erase has several tables to go through for each case.
        parent = Parent.objects.get(case=case)
        parent.phone = "07000 000001"
        parent._history_user = staff
        parent.save()
    purge_preview()  # works out (and stores) every case's date, as the purge will
    return cases


def fail_on(case_to_fail, real, error):
    """Wrap ``erase_cases`` so it raises half-way through the chunk holding the case:
    after its rows are deleted."""

    def erase_then_fail(cases):
        failing = any(case.pk == case_to_fail.pk for case in cases)
        touched = real(cases)
        if failing:
            raise error
        return touched

    return erase_then_fail


@pytest.fixture
def one_case_per_chunk(monkeypatch):
    """Chunks of one case: the purge then commits case by case, as a long run does
    between chunks."""
    monkeypatch.setattr(purge, "CHUNK", 1)


def test_ret5_one_case_failing_mid_erase_is_left_whole_and_the_command_fails(
    three_due_cases, monkeypatch
):
    first, middle, last = three_due_cases
    middle_before = case_footprint(middle)
    monkeypatch.setattr(
        purge, "erase_cases", fail_on(middle, erase.erase_cases, RuntimeError("disk full"))
    )

    with pytest.raises(CommandError, match="1 cases could not be purged"):
        run_purge()

    assert case_footprint(middle) == middle_before  # whole, history and key included
    assert Parent.objects.get(case=middle).family_name == "Family1"
    for gone in (first, last):
        assert not any(case_footprint(gone).values())
    assert PurgeRun.objects.get().status == PurgeRun.Status.FAILED

    monkeypatch.undo()
    assert "Purged 1 cases" in run_purge()  # the re-run finishes the job
    assert not any(case_footprint(middle).values())
    assert "Nothing is due" in run_purge()  # and a second re-run does nothing
    assert DestructionLogEntry.objects.count() == 3


def test_ret5_process_killed_mid_chunk_leaves_the_whole_chunk_and_rerun_completes(
    three_due_cases, monkeypatch
):
    before = {case.pk: case_footprint(case) for case in three_due_cases}
    monkeypatch.setattr(
        purge, "erase_cases", fail_on(three_due_cases[1], erase.erase_cases, KeyboardInterrupt())
    )

    with pytest.raises(KeyboardInterrupt):
        run_purge()

    # The three cases were one chunk, one transaction: all of them are whole.
    assert {case.pk: case_footprint(case) for case in three_due_cases} == before
    assert not DestructionLogEntry.objects.exists()

    monkeypatch.undo()
    assert "Purged 3 cases" in run_purge()
    assert not Case.objects.exists()


def test_ret5_process_killed_mid_case_leaves_it_whole_and_rerun_completes(
    three_due_cases, one_case_per_chunk, monkeypatch
):
    first, middle, last = three_due_cases
    before = {case.pk: case_footprint(case) for case in (middle, last)}
    monkeypatch.setattr(
        purge, "erase_cases", fail_on(middle, erase.erase_cases, KeyboardInterrupt())
    )

    with pytest.raises(KeyboardInterrupt):
        run_purge()

    assert not any(case_footprint(first).values())
    assert {case.pk: case_footprint(case) for case in (middle, last)} == before
    assert PurgeRun.objects.get().status == PurgeRun.Status.RUNNING  # shown as interrupted

    monkeypatch.undo()
    assert "Purged 2 cases" in run_purge()
    assert not Case.objects.exists()
    assert "Nothing is due" in run_purge()
    assert list(
        DestructionLogEntry.objects.order_by("case_reference").values_list(
            "case_reference", flat=True
        )
    ) == sorted(case.reference for case in three_due_cases)


def test_ret5_crash_between_deleting_rows_and_destroying_the_key_is_finished_by_rerun(
    three_due_cases, one_case_per_chunk, monkeypatch
):
    first = three_due_cases[0]
    real_destroy = purge.destroy_data_keys

    def crash(key_ids):
        raise KeyboardInterrupt

    monkeypatch.setattr(purge, "destroy_data_keys", crash)
    with pytest.raises(KeyboardInterrupt):
        run_purge()

    # The first case's rows are gone, its key is not yet: the log remembers it.
    assert not Case.objects.filter(pk=first.pk).exists()
    assert DataKey.objects.filter(id=first.data_key_id).exists()
    pending = DestructionLogEntry.objects.get()
    assert pending.data_key_id == first.data_key_id and pending.key_destroyed_at is None
    assert purge_preview().keys_pending == 1

    monkeypatch.setattr(purge, "destroy_data_keys", real_destroy)
    output = run_purge()
    assert "Purged 2 cases" in output and "3 data keys destroyed" in output
    assert not DataKey.objects.filter(
        id__in=[case.data_key_id for case in three_due_cases]
    ).exists()
    assert not DestructionLogEntry.objects.filter(key_destroyed_at__isnull=True).exists()
    assert not DestructionLogEntry.objects.exclude(data_key_id=None).exists()
    assert "Nothing is due" in run_purge()
