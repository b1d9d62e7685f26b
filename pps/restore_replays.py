"""What a restore must re-do so that it never brings back destroyed data.

A backup is older than the live database. Anything destroyed since it was
made (a purged case, a shredded data key) is in the backup again, so
``manage.py restore`` replays it. Each replay is registered for one database
alias and has two steps:

- ``collect(since)`` runs *before* the restore, against the live database
  that is about to be replaced, and returns what happened after ``since``
  (the backup's time), e.g. the case references purged since then;
- ``apply(collected)`` runs *after* the restore and re-does it, returning a
  count for the report.

An app registers a replay in its ``AppConfig.ready``, for example::

    from pps.restore_replays import PostRestoreReplay, register

    register(PostRestoreReplay(
        name="purges recorded after the backup",
        alias="default",
        collect=lambda since: list(DestructionLog.objects.filter(destroyed_at__gt=since)
                                   .values_list("case_reference", flat=True)),
        apply=lambda references: purge_again(references),
    ))

Registered elsewhere: the retention app's removal of the cases whose data key
was destroyed after the backup (``retention.shredded``). Built in here:
- restoring the key store never resurrects a data key that was destroyed
  after the backup, and never loses one created since.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class PostRestoreReplay:
    name: str
    alias: str
    collect: Callable[[datetime.datetime], Any]
    apply: Callable[[Any], int]
    # False for a replay that reads nothing from the live database (``collect``
    # returns nothing): it still runs when the live database is lost.
    needs_live_database: bool = True


_registry: dict[str, PostRestoreReplay] = {}


def register(replay: PostRestoreReplay) -> None:
    """Register (or replace, by name) a replay; idempotent for app reloads."""
    _registry[replay.name] = replay


def unregister(name: str) -> None:
    _registry.pop(name, None)


def replays_for(alias: str) -> list[PostRestoreReplay]:
    return [replay for replay in _registry.values() if replay.alias == alias]


# --- built in: the key store -----------------------------------------------------


def _live_data_keys(since: datetime.datetime) -> dict:
    from pps.backups import BackupError
    from pps.keystore.models import DataKey

    live = {
        row["id"]: row
        for row in DataKey.objects.values(
            "id", "master_key_id", "wrapped", "created_at", "rewrapped_at"
        )
    }
    if not live:
        # A key store just migrated on a new server holds no keys. Taken as the live
        # one, every restored key would count as destroyed since the backup and be
        # deleted: every case lost. (A live store that really lost every key to the
        # purge has nothing left worth restoring.)
        raise BackupError(
            "the live key store holds no keys, so it is not the one whose destructions"
            " must be kept. If the live key store is lost and this is a new, empty one,"
            " restore with --live-database-lost."
        )
    return live


def _reconcile_data_keys(live: dict) -> int:
    """Make the restored key store hold exactly the live keys: destroyed stay destroyed."""
    from django.db import transaction

    from pps import crypto
    from pps.keystore.models import DataKey

    with transaction.atomic(using="keystore"):
        restored = set(DataKey.objects.values_list("id", flat=True))
        shredded = restored - set(live)
        DataKey.objects.filter(id__in=shredded).delete()
        missing = [DataKey(**live[key_id]) for key_id in set(live) - restored]
        DataKey.objects.bulk_create(missing)
        # Keys re-wrapped since the backup: keep the live (current) wrapping.
        changed = [
            row
            for row in DataKey.objects.filter(id__in=set(live) & restored)
            if bytes(row.wrapped) != bytes(live[row.id]["wrapped"])
        ]
        for row in changed:
            row.master_key_id = live[row.id]["master_key_id"]
            row.wrapped = live[row.id]["wrapped"]
            row.rewrapped_at = live[row.id]["rewrapped_at"]
        DataKey.objects.bulk_update(changed, ["master_key_id", "wrapped", "rewrapped_at"])
    crypto.forget_cached_keys()
    return len(shredded)


register(
    PostRestoreReplay(
        name="data keys destroyed since the backup stay destroyed",
        alias="keystore",
        collect=_live_data_keys,
        apply=_reconcile_data_keys,
    )
)
