"""Removing the rows of cases whose data key has been destroyed (crypto-shredded).

Such rows can no longer be loaded: decryption fails closed. They are what a
restored backup brings back of a case purged after the backup was made, so
they are removed here with plain DELETEs, never loading a row or sending a
signal: the case, every row that refers to it (directly or through its
people), their audit history, its object permissions and its read-access log.
Foreign keys are checked at commit (deferred), so the order inside the
transaction does not matter; everything goes, or nothing does.
"""

from django.db import router

from cases.models import Case
from pps.backups import BackupError
from pps.history import history_erasure
from pps.models import AccessLogEntry
from pps.restore_replays import PostRestoreReplay

# More shredded cases than this share of all cases means the key store in use
# is the wrong one (or empty), not that they were all purged: stop.
SHREDDED_SHARE_LIMIT = 0.5


def _reverse_relations(model):
    for field in model._meta.get_fields(include_hidden=True):
        if field.auto_created and not field.concrete and (field.one_to_many or field.one_to_one):
            yield field


def _delete_with_dependents(queryset, using: str, seen: set) -> None:
    model = queryset.model
    ids = queryset.values("pk")
    if model not in seen:
        seen.add(model)
        for relation in _reverse_relations(model):
            related = relation.related_model._base_manager.using(using)
            _delete_with_dependents(
                related.filter(**{f"{relation.field.name}__in": ids}), using, seen
            )
        seen.discard(model)
    history = getattr(model, "history", None)
    if history is not None and hasattr(history, "model"):
        history.model._base_manager.using(using).filter(id__in=ids)._raw_delete(using)
    queryset._raw_delete(using)


def remove_shredded_cases(case_ids: list[int]) -> int:
    """Delete every trace of these cases without reading them; returns how many cases."""
    case_ids = list(case_ids)
    if not case_ids:
        return 0
    using = router.db_for_write(Case)
    # Their history goes too: the one other path allowed to delete history (SEC-3).
    with history_erasure(purpose="shredded cases", using=using):
        cases = Case._base_manager.using(using).filter(pk__in=case_ids)
        found = cases.count()
        _delete_with_dependents(cases, using, set())
        AccessLogEntry.objects.using(using).filter(case_id__in=case_ids)._raw_delete(using)
    return found


def shredded_case_ids() -> list[int]:
    """Cases whose data key is no longer in the key store."""
    from pps.keystore.models import DataKey

    live = set(DataKey.objects.values_list("id", flat=True))
    return [
        pk for pk, key in Case._base_manager.values_list("pk", "data_key_id") if key not in live
    ]


def remove_shredded_cases_after_restore(_collected) -> int:
    """After a restore of the case database: remove the cases purged since the
    backup (their data key is destroyed, so their restored rows cannot be read)."""
    shredded = shredded_case_ids()
    total = Case._base_manager.count()
    if shredded and len(shredded) > total * SHREDDED_SHARE_LIMIT:
        raise BackupError(
            f"{len(shredded)} of {total} restored cases have no data key. That looks like the "
            "wrong key store (check KEYSTORE_DATABASE_URL); nothing was removed."
        )
    return remove_shredded_cases(shredded)


SHREDDED_CASES_REPLAY = PostRestoreReplay(
    name="cases purged since the backup (data key destroyed) are removed again",
    alias="default",
    collect=lambda since: None,
    apply=remove_shredded_cases_after_restore,
    # It reads only the restored databases: a restore onto new servers (the
    # live database lost) still removes the cases purged between the case
    # database's backup and the key store's.
    needs_live_database=False,
)
