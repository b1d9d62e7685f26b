"""The purge: preview what is due, then destroy it case by case (RET-3 to RET-7).

- ``purge_preview`` lists due cases by reference, categories and dates (never
  a name), the ones a blocker holds back, and the ones whose date cannot be
  worked out. Given a later date (``as_of``) it answers for that day instead,
  for planning: the dates are worked out in memory and nothing is written, so
  the stored "due today" state the purge and the dashboard read is untouched.
  The purge itself always works from today.
- ``purge_execute`` destroys the cases in chunks of CHUNK, one transaction
  each: the chunk's cases are locked and everything is checked again inside it
  (still closed, still due, still not blocked), then every row about them goes
  (set-based, a few statements per table for the whole chunk) and their
  destruction log entries are written in the same commit. A crash leaves every
  case either whole or gone. If a chunk fails, its cases are retried one by
  one, so one bad case cannot hold back the others.
- The data keys live in the other database, so each chunk's keys are destroyed
  (one statement) just after that commit; the log entries remember the key ids
  until then, and every run first finishes any key a crashed run left behind.
  Re-running is safe.
- After the cases, the records not about families that their own rules say
  are due (GOV-7, ``retention.records_purge``), in chunks too.
- Finally the space is reclaimed so deleted bytes do not linger (RET-6).
"""

import datetime
import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace

from django.contrib.sessions.models import Session
from django.db import connections, transaction
from django.db.models import Sum
from django.utils import timezone

from cases.models import AnonymousContact, Case
from cases.saved_searches import saved_searches_forget, search_marks
from pps.crypto import destroy_data_keys
from pps.dates import start_of_day
from pps.models import Service, User
from pps.roles import Role
from retention.blockers import blocked_case_ids
from retention.erase import erase_cases
from retention.models import CaseCategory, CaseRetention, DestructionLogEntry, PurgeRun, RecordKind
from retention.records_purge import (
    records_due,
    records_purge,
    unattributed_events_due,
    unattributed_events_purge,
)
from retention.rules import add_years
from retention.schedule import CLOSED_STATUSES, cases_categories, cases_retention_refresh
from retention.services import retention_settings_for, retention_settings_without_writing

logger = logging.getLogger(__name__)
REFRESH_BATCH = 500
# Cases destroyed per transaction: big enough that each table is visited once
# for many cases, small enough to stay far below the databases' parameter limits.
CHUNK = 100


class PurgeRefused(ValueError):
    """The purge cannot start as asked; the message is safe to show."""


@dataclass(frozen=True)
class DueCase:
    case_id: int
    reference: str
    service_id: int
    categories: tuple[str, ...]
    closed_on: datetime.date | None
    destroy_on: datetime.date | None
    blocked_by: tuple[str, ...] = ()
    review_reason: str = ""


@dataclass
class Preview:
    today: datetime.date  # the day the preview answers for
    planned: bool = False  # a later day's preview: nothing may be destroyed from it
    due: list[DueCase] = field(default_factory=list)
    blocked: list[DueCase] = field(default_factory=list)
    needs_review: list[DueCase] = field(default_factory=list)
    anonymous_contacts_due: int = 0
    keys_pending: int = 0
    # Records not about families due under their own rules, by kind (GOV-7).
    records_due: dict[str, int] = field(default_factory=dict)

    @property
    def due_ids(self) -> list[int]:
        return [item.case_id for item in self.due]

    @property
    def records_due_total(self) -> int:
        return sum(self.records_due.values())

    @property
    def records_due_in_words(self) -> list[tuple[str, int]]:
        """(kind's name, how many) for each kind, in the rules' order."""
        labels = dict(DestructionLogEntry.Kind.choices)
        return [(labels[kind], count) for kind, count in self.records_due.items()]

    @property
    def has_work(self) -> bool:
        return bool(
            self.due or self.anonymous_contacts_due or self.keys_pending or self.records_due_total
        )


def _closed_cases(service: Service | None):
    # Dates need no summary: loading one would decrypt it, a key-store read per
    # case once the key has left the cache.
    cases = Case.objects.filter(status__in=CLOSED_STATUSES).select_related("service")
    cases = cases.defer("summary")
    return cases.filter(service=service) if service else cases


def _refresh_all(service: Service | None) -> None:
    batch: list[Case] = []
    for case in _closed_cases(service).order_by("pk").iterator(chunk_size=REFRESH_BATCH):
        batch.append(case)
        if len(batch) == REFRESH_BATCH:
            cases_retention_refresh(batch)
            batch = []
    cases_retention_refresh(batch)


def _describe(retentions: Iterable[CaseRetention], blocked: dict[int, list[str]]) -> list[DueCase]:
    return [
        DueCase(
            case_id=retention.case_id,
            reference=retention.case.reference or f"case {retention.case_id}",
            service_id=retention.case.service_id,
            categories=tuple(
                link.category.name for link in retention.case.retention_categories.all()
            ),
            closed_on=retention.last_closed_on,
            destroy_on=retention.destroy_on,
            blocked_by=tuple(blocked.get(retention.case_id, ())),
            review_reason=retention.review_reason,
        )
        for retention in retentions
    ]


def _retentions(service: Service | None):
    retentions = CaseRetention.objects.filter(case__status__in=CLOSED_STATUSES).select_related(
        "case"
    )
    retentions = retentions.prefetch_related("case__retention_categories__category")
    # Only the fields the preview shows: the case's encrypted summary is never loaded.
    retentions = retentions.only(
        "case_id", "last_closed_on", "destroy_on", "review_reason",
        "case__reference", "case__service_id", "case__status",
    )  # fmt: skip
    return retentions.filter(case__service=service) if service else retentions


def anonymous_contacts_due(service: Service, today: datetime.date, *, store: bool = True):
    """``store=False`` (a planning preview) reads the settings without creating them."""
    settings = retention_settings_for if store else retention_settings_without_writing
    years = settings(service).anonymous_contact_years
    cutoff = start_of_day(add_years(today, -years))
    return AnonymousContact.objects.filter(service=service, occurred_at__lt=cutoff)


def _services(service: Service | None) -> list[Service]:
    return [service] if service else list(Service.objects.order_by("pk"))


def purge_preview(
    *,
    service: Service | None = None,
    today: datetime.date | None = None,
    as_of: datetime.date | None = None,
) -> Preview:
    """What a purge would destroy today; refreshes every closed case's date first.

    With ``as_of`` (today or later), what it would destroy on that day if
    nothing changed meanwhile (holds as they stand now), written nowhere.
    """
    today = today or timezone.localdate()
    if as_of is not None:
        if as_of < today:
            raise PurgeRefused("A preview date cannot be in the past.")
        return _preview_as_of(service, as_of)
    _refresh_all(service)
    preview = Preview(today=today)
    due = list(_retentions(service).filter(destroy_on__lte=today).order_by("destroy_on", "case_id"))
    blocked = blocked_case_ids([retention.case_id for retention in due])
    for item in _describe(due, blocked):
        (preview.blocked if item.blocked_by else preview.due).append(item)
    review = _retentions(service).filter(destroy_on__isnull=True).exclude(review_reason="")
    preview.needs_review = _describe(review.order_by("case_id"), {})
    return _add_counts(preview, service)


def _planned(service: Service | None) -> Iterable[DueCase]:
    """Every closed case with its date worked out as a refresh would, never stored."""
    cases = _closed_cases(service).order_by("pk")
    # Fetched in slices rather than through a cursor left open across the batches' queries.
    last_pk = 0
    while batch := list(cases.filter(pk__gt=last_pk)[:REFRESH_BATCH]):
        last_pk = batch[-1].pk
        categories = cases_categories(batch)
        retentions = cases_retention_refresh(batch, store=False)
        for case, retention in zip(batch, retentions, strict=True):
            yield DueCase(
                case_id=case.pk,
                reference=case.reference or f"case {case.pk}",
                service_id=case.service_id,
                categories=tuple(category.name for category in categories[case.pk]),
                closed_on=retention.last_closed_on,
                destroy_on=retention.destroy_on,
                review_reason=retention.review_reason,
            )


def _preview_as_of(service: Service | None, as_of: datetime.date) -> Preview:
    preview = Preview(today=as_of, planned=True)
    due: list[DueCase] = []
    for item in _planned(service):
        if item.destroy_on is not None and item.destroy_on <= as_of:
            due.append(item)
        elif item.destroy_on is None and item.review_reason:
            preview.needs_review.append(item)
    due.sort(key=lambda item: (item.destroy_on, item.case_id))
    blocked = blocked_case_ids([item.case_id for item in due])
    for item in due:
        if item.case_id in blocked:
            preview.blocked.append(replace(item, blocked_by=tuple(blocked[item.case_id])))
        else:
            preview.due.append(item)
    return _add_counts(preview, service)


def _add_counts(preview: Preview, service: Service | None) -> Preview:
    preview.anonymous_contacts_due = sum(
        anonymous_contacts_due(s, preview.today, store=not preview.planned).count()
        for s in _services(service)
    )
    pending = DestructionLogEntry.objects.filter(key_destroyed_at__isnull=True)
    preview.keys_pending = (pending.filter(service=service) if service else pending).count()
    for each in _services(service):
        counts = records_due(each, preview.today, store=not preview.planned)
        for kind, count in counts.items():
            preview.records_due[kind] = preview.records_due.get(kind, 0) + count
    if service is None:
        events = RecordKind.SECURITY_EVENTS.value
        preview.records_due[events] += unattributed_events_due(preview.today)
    return preview


# --- execution -------------------------------------------------------------

Progress = Callable[[PurgeRun], None]


def _still_due(case_ids: list[int], *, run: PurgeRun, today: datetime.date) -> list[tuple]:
    """Lock the cases and check each again: (case, retention) for those still due."""
    # The summary is destroyed, never read: it is not loaded (or decrypted).
    cases = list(
        Case.objects.select_for_update()
        .filter(pk__in=case_ids, status__in=CLOSED_STATUSES)
        .defer("summary")
        .order_by("pk")
    )
    if run.service_id is not None:
        cases = [case for case in cases if case.service_id == run.service_id]
    retentions = cases_retention_refresh(cases)
    due = [
        (case, retention)
        for case, retention in zip(cases, retentions, strict=True)
        if retention.destroy_on is not None and retention.destroy_on <= today
    ]
    blocked = blocked_case_ids([case.pk for case, _ in due])
    return [(case, retention) for case, retention in due if case.pk not in blocked]


def _category_names(cases: list[Case]) -> dict[int, str]:
    names: dict[int, list[str]] = {case.pk: [] for case in cases}
    links = CaseCategory.objects.filter(case__in=cases).select_related("category")
    for link in links.order_by("pk"):
        names[link.case_id].append(link.category.name)
    return {case_id: ", ".join(found)[:400] for case_id, found in names.items()}


def _purge_chunk(
    case_ids: list[int], *, run: PurgeRun, today: datetime.date
) -> tuple[list[DestructionLogEntry], set[str]]:
    """Destroy the cases of one chunk that are still due, in one transaction.

    Everything is checked again under the lock, so a legal hold placed since the
    preview still wins; the destruction log entries commit with the deletions.
    """
    with transaction.atomic():
        due = _still_due(case_ids, run=run, today=today)
        if not due:
            return [], set()
        cases = [case for case, _ in due]
        categories = _category_names(cases)
        entries = [
            DestructionLogEntry(
                service_id=case.service_id,
                run=run,
                case_reference=case.reference or f"case {case.pk}",
                categories=categories[case.pk],
                closed_on=retention.last_closed_on,
                destroy_due_on=retention.destroy_on,
                authorised_by=run.authorised_by,
                data_key_id=case.data_key_id,
            )
            for case, retention in due
        ]
        touched = erase_cases(cases)
        entries = DestructionLogEntry.objects.bulk_create(entries)
        touched.add(DestructionLogEntry._meta.db_table)
        return entries, touched


def _destroy_keys(entries: list[DestructionLogEntry]) -> int:
    """Shred the chunk's data keys (one key-store statement), then note it in the log."""
    if not entries:
        return 0
    destroy_data_keys([entry.data_key_id for entry in entries])
    DestructionLogEntry.objects.filter(pk__in=[entry.pk for entry in entries]).update(
        key_destroyed_at=timezone.now(), data_key_id=None
    )
    return len(entries)


def finish_pending_keys(*, service: Service | None = None) -> int:
    """Destroy the keys of cases whose rows went but whose key a crash kept."""
    pending = DestructionLogEntry.objects.filter(key_destroyed_at__isnull=True)
    if service is not None:
        pending = pending.filter(service=service)
    entries = list(pending.order_by("pk").only("pk", "data_key_id"))
    count = 0
    for start in range(0, len(entries), CHUNK):
        count += _destroy_keys(entries[start : start + CHUNK])
    return count


def _purge_ids(
    case_ids: list[int], *, run: PurgeRun, today: datetime.date
) -> tuple[int, int, set[str]]:
    """Purge a chunk; if it fails, each of its cases alone. (purged, failed, tables)."""
    try:
        entries, touched = _purge_chunk(case_ids, run=run, today=today)
    except Exception as exc:  # noqa: BLE001 - one case failing must not stop the rest
        if len(case_ids) == 1:
            # Only the id and the kind of error: a database message may quote values.
            logger.error(
                "Purge of case %s failed (%s); it is unchanged.", case_ids[0], type(exc).__name__
            )
            return 0, 1, set()
        # Visible, because the one-by-one retry costs ten times the statements.
        logger.warning(
            "Purge of a chunk of %d cases failed (%s); trying each case alone.",
            len(case_ids),
            type(exc).__name__,
        )
        purged = failed = 0
        touched: set[str] = set()
        for case_id in case_ids:
            one_purged, one_failed, tables = _purge_ids([case_id], run=run, today=today)
            purged, failed, touched = purged + one_purged, failed + one_failed, touched | tables
        return purged, failed, touched
    run.keys_destroyed += _destroy_keys(entries)
    return len(entries), 0, touched


def _delete_anonymous_contacts(service: Service | None, today: datetime.date) -> int:
    deleted = 0
    for each in _services(service):
        with transaction.atomic():
            deleted += anonymous_contacts_due(each, today).delete()[0]
    return deleted


def purge_run_create(
    *,
    case_ids: Iterable[int],
    by: User | None,
    method: str,
    service: Service | None = None,
    status: str = PurgeRun.Status.RUNNING,
) -> PurgeRun:
    """Record what the person confirming saw: the run the purge then works through.

    ``by`` is the administrator who confirmed, or None for the scheduled command.
    """
    if by is not None and (by.role != Role.ADMIN or (service and by.service_id != service.pk)):
        raise PurgeRefused("Only an administrator of this service can purge its cases.")
    ids = sorted(set(case_ids))
    return PurgeRun.objects.create(
        service=service,
        method=method,
        authorised_by=by,
        selected=len(ids),
        case_ids=ids,
        status=status,
    )


def purge_execute(
    *,
    case_ids: Iterable[int],
    by: User | None,
    method: str,
    service: Service | None = None,
    today: datetime.date | None = None,
    progress: Progress | None = None,
) -> PurgeRun:
    """Destroy the given cases if, when their turn comes, they are still due.

    ``case_ids`` is what the person confirming saw in the preview; anything that
    became due since is left for the next run. ``by`` is the administrator who
    confirmed, or None for the scheduled command.
    """
    run = purge_run_create(case_ids=case_ids, by=by, method=method, service=service)
    return purge_run_process(run, today=today, progress=progress)


def purge_run_process(
    run: PurgeRun, *, today: datetime.date | None = None, progress: Progress | None = None
) -> PurgeRun:
    """Work through the run's selection from ``run.position`` on, chunk by chunk.

    After each chunk the run records how far it got, so a run whose worker died
    starts again from its last chunk. ``purged`` is counted from the run's
    destruction log entries, which commit with the deletions, so a chunk that
    committed just before a crash is neither lost nor counted twice; whatever
    of the processed part is neither purged nor failed was skipped.
    """
    today = today or timezone.localdate()
    service = run.service
    ids = list(run.case_ids)
    touched: set[str] = set()
    run.keys_destroyed += finish_pending_keys(service=service)
    # What a saved search pointing at a purged case holds: forgotten once, after the chunks.
    gone_ids: set[int] = set()
    gone_digests: set[str] = set()
    for start in range(run.position, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        marks = search_marks(chunk)
        _purged, failed, tables = _purge_ids(chunk, run=run, today=today)
        gone = set(chunk) - set(Case.objects.filter(pk__in=chunk).values_list("pk", flat=True))
        gone_ids |= gone
        gone_digests.update(*(marks[case_id] for case_id in gone))
        touched |= tables
        run.position = start + len(chunk)
        run.purged = run.entries.filter(kind=DestructionLogEntry.Kind.CASE).count()
        run.failed += failed
        # Never below 0 while a restarted run goes over ground it covered before.
        run.skipped = max(0, run.position - run.purged - run.failed)
        run.save(
            update_fields=[
                "purged", "skipped", "failed", "keys_destroyed", "position", "updated_at"
            ]
        )  # fmt: skip
        if progress:
            progress(run)
    run.anonymous_contacts_deleted = _delete_anonymous_contacts(service, today)
    if run.anonymous_contacts_deleted:
        touched.add(AnonymousContact._meta.db_table)
    # The records not about families (GOV-7), after the cases, by their own rules.
    for each in _services(service):
        _destroyed, failed, tables = records_purge(each, run=run, today=today)
        run.failed += failed
        touched |= tables
    if service is None:
        _destroyed, tables = unattributed_events_purge(run=run, today=today)
        touched |= tables
    # From the log, which commits with each chunk: a restarted run counts nothing twice.
    other_kinds = run.entries.exclude(kind=DestructionLogEntry.Kind.CASE)
    run.records_destroyed = other_kinds.aggregate(total=Sum("count"))["total"] or 0
    if run.purged or run.keys_destroyed:
        # Sessions outlive the purge; a search kept in one must not (RET-6).
        saved_searches_forget(case_ids=gone_ids, digests=gone_digests)
        touched.add(Session._meta.db_table)
    run.status = PurgeRun.Status.FAILED if run.failed else PurgeRun.Status.FINISHED
    run.finished_at = timezone.now()
    run.save()
    # Not a model field: what happened to the disk space, for the command to print.
    run.reclaim_notes = []
    if run.purged or run.keys_destroyed or run.anonymous_contacts_deleted or run.records_destroyed:
        run.reclaim_notes = reclaim_space(touched)
    return run


def reclaim_space(tables: set[str]) -> list[str]:
    """Make deleted bytes unrecoverable from the database files (RET-6).

    SQLite (with secure_delete on) gives its free pages back and truncates its
    write-ahead log (``reclaim_sqlite``). PostgreSQL rewrites each touched table
    with VACUUM FULL: a plain VACUUM only marks the dead rows' space free, and their bytes stay in
    the page until something is written over them (a test reads the files).
    The rewrite locks each table while it runs, which the daily run at a quiet
    hour can afford; the old files are emptied at commit and removed at the
    next checkpoint. The rewrite copies a deleted row that some open transaction
    could still see, so it first waits for the transactions that began before
    the deletes committed (``wait_for_older_transactions``): otherwise the copy,
    not the space, is what would be kept. What PostgreSQL keeps beyond the tables (write-ahead log,
    replicas, backups) is ciphertext whose key no longer exists. Inside a
    transaction (the test suite) neither is possible; that is reported, not hidden.
    """
    notes = []
    for alias, alias_tables in (("default", tables), ("keystore", {"keystore_datakey"})):
        connection = connections[alias]
        if connection.in_atomic_block:
            notes.append(f"{alias}: inside a transaction, space not reclaimed")
            continue
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                notes.append(f"{alias}: {reclaim_sqlite(cursor)}")
            elif connection.vendor == "postgresql":
                still_open = wait_for_older_transactions(cursor)
                if still_open:
                    notes.append(
                        f"{alias}: {still_open} transaction(s) older than the deletes were still"
                        f" open after {OLDER_TRANSACTIONS_WAIT_SECONDS} s; the rows they can see"
                        " are kept by the rewrite until the next run reclaims the space"
                    )
                existing = set(connection.introspection.table_names(cursor))
                for table in sorted(alias_tables & existing):
                    cursor.execute(f"VACUUM (FULL) {connection.ops.quote_name(table)}")
                notes.append(f"{alias}: vacuumed (full) {len(alias_tables & existing)} tables")
    return notes


def reclaim_sqlite(cursor) -> str:
    """Give the file's free pages back to the file system and empty the log; say what was done.

    secure_delete has already overwritten every deleted row and freed page with
    zeros. In incremental auto-vacuum mode (set when the file is created, in
    the settings' init_command) the free pages are cut off the end of the
    file at a cost that follows the pages the purge freed. A file made before
    that mode is rewritten once with VACUUM, which switches it to the mode;
    every later purge is incremental. The log is truncated so that no earlier
    image of a purged page stays in it.
    """
    cursor.execute("PRAGMA auto_vacuum")
    if cursor.fetchone()[0] == SQLITE_INCREMENTAL_VACUUM:
        cursor.execute("PRAGMA freelist_count")
        freed = cursor.fetchone()[0]
        cursor.execute("PRAGMA incremental_vacuum")
        cursor.fetchall()
        done = f"vacuumed (incremental, {freed} free pages)"
    else:
        cursor.execute("PRAGMA auto_vacuum = INCREMENTAL")
        cursor.execute("VACUUM")
        done = "vacuumed (whole file, now incremental)"
    cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    busy = cursor.fetchone()[0]
    return done + (" (log still in use)" if busy else "")


# PRAGMA auto_vacuum's value for incremental mode.
SQLITE_INCREMENTAL_VACUUM = 2

# How long the rewrite waits for transactions that could still see deleted rows.
OLDER_TRANSACTIONS_WAIT_SECONDS = 120


def wait_for_older_transactions(cursor, timeout: float | None = None) -> int:
    """Wait until no transaction that could keep deleted rows alive through the
    rewrite is still open; return how many still are at the timeout.

    Two kinds count (``older_transaction_pids``):

    - a session of this database in a transaction that began before now and
      holds a snapshot or a transaction id: it may still see the rows;
    - a session of *any* database of the server whose transaction holds a
      transaction id and began before now. Transaction ids are server-wide:
      while one older than the deletes is running, every new snapshot, the
      rewrite's own included, counts the deletes as not yet settled, and the
      rewrite copies the rows. (A write in another database at the time of the
      purge made the rewrite keep every purged row.)

    Sessions of other users are visible only to a role with pg_read_all_stats,
    which the deployment guide grants to the app's role.
    """
    timeout = OLDER_TRANSACTIONS_WAIT_SECONDS if timeout is None else timeout
    cursor.execute("SELECT clock_timestamp()")
    began_before = cursor.fetchone()[0]
    deadline = time.monotonic() + timeout
    while True:
        still_open = len(older_transaction_pids(cursor, began_before))
        if not still_open or time.monotonic() >= deadline:
            return still_open
        time.sleep(0.2)


def older_transaction_pids(cursor, began_before) -> list[int]:
    """The sessions ``wait_for_older_transactions`` waits for, as of now."""
    # The activity view is read once per transaction unless asked again.
    cursor.execute("SELECT pg_stat_clear_snapshot()")
    cursor.execute(
        "SELECT pid FROM pg_stat_activity"
        " WHERE pid <> pg_backend_pid() AND xact_start < %s"
        " AND (backend_xid IS NOT NULL"
        " OR (datname = current_database() AND backend_xmin IS NOT NULL))",
        [began_before],
    )
    return sorted(row[0] for row in cursor.fetchall())
