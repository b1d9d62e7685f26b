"""Optimistic locking and serialised state changes for any model with a ``version``.

Two people editing the same record at once must get a clear conflict, not a
silent overwrite (SEC-4). The form carries the version the user saw; the
service locks the row, compares, and raises ``ConflictError`` if someone else
saved in between. ``ClearErrorPagesMiddleware`` shows that as a 409 page.

Use in a service function (inside ``@transaction.atomic``)::

    from pps.locking import lock_for_change, bump_version

    @transaction.atomic
    def consent_update(*, consent, by, expected_version, **changes):
        lock_for_change(consent, expected_version=expected_version)
        ...apply changes...
        save_as(consent, by, update_fields=[..., *bump_version(consent)])

Any model qualifies that has ``version = models.PositiveIntegerField(default=1)``.

How the lock works: ``select_for_update`` takes a row lock on PostgreSQL until
the transaction ends, so a second writer waits and then sees the new version.
SQLite has no row locks (Django ignores ``select_for_update`` there), but the
project opens every SQLite transaction as IMMEDIATE, which takes the database
write lock at BEGIN: writers queue one behind the other, with the same result.
"""

from django.db import router, transaction


class ConflictError(Exception):
    """Someone else changed the record first; the message is safe to show."""

    default_message = (
        "Someone else saved changes to this record while you were working on it. "
        "Your changes have not been saved. Reload the page to see the latest version, "
        "then make your changes again."
    )

    def __init__(self, message: str | None = None):
        super().__init__(message or self.default_message)


def lock_for_change(instance, *, expected_version: int | None = None):
    """Lock ``instance``'s row for this transaction and reload it from the database.

    With ``expected_version`` (what the user's form was built from), raise
    ``ConflictError`` unless the stored version still matches. Returns the
    instance, refreshed, so checks made after this see the committed state.
    """
    if not transaction.get_connection(router.db_for_write(type(instance))).in_atomic_block:
        raise RuntimeError("lock_for_change must run inside transaction.atomic.")
    manager = type(instance)._default_manager
    instance.refresh_from_db(from_queryset=manager.select_for_update())
    if expected_version is not None and instance.version != int(expected_version):
        raise ConflictError()
    return instance


def bump_version(instance) -> list[str]:
    """Increment the version; returns the field name for ``update_fields``."""
    instance.version += 1
    return ["version"]
