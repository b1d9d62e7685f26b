"""The purge's second part: records not about families (GOV-7).

Each kind of record has one rule per service ("keep N months after <event>",
``retention.record_rules``). After the cases, ``records_purge`` destroys what
each rule says is due, in chunks of CHUNK rows, one transaction per chunk,
and counts each kind into one destruction log entry per run, updated in the
same transaction as the chunk's deletions (so the count never disagrees with
what is gone). ``records_due`` counts the same for the preview, writing
nothing when asked not to.

"Destroyed" depends on the kind: security events, export logs and breaches
(with their actions and history) are deleted; an account is anonymised
(``retention.departed``); an agreement keeps its dates and loses its scan.
Breaches and scans are encrypted under keys of their own: those keys are
destroyed in the key store inside the chunk's transaction, before it commits,
so a crash can leave due rows whose key is gone (the next run deletes them)
but never a key outliving its rows.
"""

import datetime
import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import F, Max, Q, QuerySet
from django.utils import timezone

from cases.statistics.models import StatisticsExport, StatisticsExportJob
from governance.models import Breach, BreachAction
from pps.crypto import destroy_data_keys
from pps.dates import start_of_day
from pps.history import history_erasure
from pps.models import AccessLogEntry, Service, VolunteerAgreement
from pps.roles import Role
from pps.security.models import SecurityEvent
from retention.departed import accounts_anonymise, departed_before, not_anonymised
from retention.models import DestructionLogEntry, PurgeRun, RecordKind, RecordRetentionRule
from retention.record_rules import (
    KIND_RULES,
    record_rules_for,
    record_rules_without_writing,
    rule_text,
)

logger = logging.getLogger(__name__)
# Rows per transaction: each chunk is a few statements per table.
CHUNK = 200


def subtract_months(day: datetime.date, months: int) -> datetime.date:
    """``day`` less whole months, on the earlier day when the month is shorter
    (31 March less one month is 28 or 29 February): a record kept a day longer
    breaks no rule, one destroyed a day early does."""
    total = day.year * 12 + day.month - 1 - months
    year, month = divmod(total, 12)
    for last in (31, 30, 29, 28):
        try:
            return datetime.date(year, month + 1, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)


def cutoff_for(rule: RecordRetentionRule, today: datetime.date) -> datetime.datetime:
    """Records whose event is before this moment are due."""
    return start_of_day(subtract_months(today, rule.months))


# --- what is due, per kind ---------------------------------------------------


def _security_events(service: Service | None, cutoff) -> QuerySet:
    if service is None:  # sign-in attempts with an unknown username: no account, no service
        return SecurityEvent.objects.filter(user__isnull=True, at__lt=cutoff)
    return SecurityEvent.objects.filter(user__service=service, at__lt=cutoff)


def _accounts(service: Service, cutoff) -> QuerySet:
    return not_anonymised(departed_before(service, cutoff))


def _agreements(service: Service, cutoff) -> QuerySet:
    departed = departed_before(service, cutoff).filter(role=Role.VOLUNTEER).values("pk")
    return VolunteerAgreement.objects.filter(volunteer__in=departed, document__isnull=False)


def _exports(service: Service, cutoff) -> QuerySet:
    return StatisticsExport.objects.filter(service=service, exported_at__lt=cutoff)


def _export_jobs(service: Service, cutoff) -> QuerySet:
    # A queued or running job is still being worked on; its clock starts when it ends.
    ended = [StatisticsExportJob.Status.FINISHED, StatisticsExportJob.Status.FAILED]
    return StatisticsExportJob.objects.filter(service=service, status__in=ended).filter(
        Q(finished_at__lt=cutoff) | Q(finished_at__isnull=True, updated_at__lt=cutoff)
    )


def _breaches(service: Service, cutoff) -> QuerySet:
    return Breach.objects.filter(service=service, status=Breach.Status.CLOSED, closed_at__lt=cutoff)


# --- destroying one chunk, per kind (inside the chunk's transaction) ---------


def _delete_rows(queryset: QuerySet) -> set[str]:
    # Set-based and without signals: these models write no history on delete.
    queryset._raw_delete(using="default")
    return {queryset.model._meta.db_table}


def _forget_reads(model, object_type: str, ids: list[int]) -> set[str]:
    """Access-log and admin-log rows naming the destroyed records."""
    AccessLogEntry.objects.filter(
        object_type=object_type, object_id__in=[str(pk) for pk in ids]
    )._raw_delete(using="default")
    LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(model, for_concrete_model=False),
        object_id__in=[str(pk) for pk in ids],
    )._raw_delete(using="default")
    return {AccessLogEntry._meta.db_table, LogEntry._meta.db_table}


def _destroy_breaches(ids: list[int]) -> set[str]:
    breaches = Breach.objects.filter(pk__in=ids)
    actions = BreachAction.objects.filter(breach_id__in=ids)
    keys = set(breaches.values_list("data_key_id", flat=True))
    keys |= set(actions.values_list("data_key_id", flat=True))
    touched = _delete_rows(actions) | _delete_rows(breaches)
    # History last, as the case purge does: nothing written above survives it.
    history = [(Breach.history.model, Q(id__in=ids)), (BreachAction.history.model, Q())]
    with history_erasure(purpose="retention"):
        for model, condition in history:
            model.objects.filter(condition | Q(data_key_id__in=keys))._raw_delete(using="default")
            touched.add(model._meta.db_table)
    touched |= _forget_reads(Breach, "breach", ids)
    destroy_data_keys(keys)
    return touched


def _destroy_scans(ids: list[int]) -> set[str]:
    """The scan goes, and its key; the agreement's dates stay (ACC-4 history)."""
    agreements = VolunteerAgreement.objects.filter(pk__in=ids)
    keys = list(agreements.values_list("data_key_id", flat=True))
    agreements.update(document=None, content_type="")
    destroy_data_keys(keys)
    return {VolunteerAgreement._meta.db_table} | _forget_reads(
        VolunteerAgreement, "volunteer_agreement", ids
    )


@dataclass(frozen=True)
class KindPurge:
    """How one kind is found and destroyed; several sources for one kind go in turn."""

    kind: str
    sources: tuple[tuple[Callable, Callable[[list[int]], set[str]]], ...]

    def due_count(self, service: Service, cutoff) -> int:
        return sum(due(service, cutoff).count() for due, _ in self.sources)


def _deleting(model) -> Callable[[list[int]], set[str]]:
    return lambda ids: _delete_rows(model.objects.filter(pk__in=ids))


KIND_PURGES = {
    purge.kind: purge
    for purge in (
        KindPurge(RecordKind.SECURITY_EVENTS, ((_security_events, _deleting(SecurityEvent)),)),
        KindPurge(RecordKind.DEPARTED_ACCOUNTS, ((_accounts, accounts_anonymise),)),
        KindPurge(RecordKind.AGREEMENT_SCANS, ((_agreements, _destroy_scans),)),
        KindPurge(
            RecordKind.EXPORT_LOGS,
            (
                (_exports, _deleting(StatisticsExport)),
                (_export_jobs, _deleting(StatisticsExportJob)),
            ),
        ),
        KindPurge(RecordKind.BREACHES, ((_breaches, _destroy_breaches),)),
    )
}
assert set(KIND_PURGES) == set(KIND_RULES)


# --- preview and purge ---------------------------------------------------------


def records_due(service: Service, today: datetime.date, *, store: bool = True) -> dict[str, int]:
    """How many records of each kind are due on ``today``; ``store=False`` writes nothing."""
    rules = record_rules_for(service) if store else record_rules_without_writing(service)
    return {
        rule.kind: KIND_PURGES[rule.kind].due_count(service, cutoff_for(rule, today))
        for rule in rules
    }


def _unattributed_rule() -> RecordRetentionRule:
    """Events of no account belong to no service: they are kept as long as the
    longest security-event rule any service has (the default if none has one)."""
    kind = RecordKind.SECURITY_EVENTS
    months = RecordRetentionRule.objects.filter(kind=kind).aggregate(longest=Max("months"))
    return RecordRetentionRule(
        kind=kind, months=months["longest"] or KIND_RULES[kind].default_months
    )


def unattributed_events_due(today: datetime.date) -> int:
    rule = _unattributed_rule()
    return _security_events(None, cutoff_for(rule, today)).count()


def unattributed_events_purge(*, run: PurgeRun, today: datetime.date) -> tuple[int, set[str]]:
    """For the scheduled run over every service; the log entry has no service."""
    return _purge_kind(_unattributed_rule(), None, run=run, today=today)


def _log_chunk(entry: DestructionLogEntry | None, count: int, **fields) -> DestructionLogEntry:
    if entry is None:
        return DestructionLogEntry.objects.create(count=count, **fields)
    DestructionLogEntry.objects.filter(pk=entry.pk).update(count=F("count") + count)
    entry.count += count
    return entry


def _purge_kind(
    rule: RecordRetentionRule, service: Service | None, *, run: PurgeRun, today: datetime.date
) -> tuple[int, set[str]]:
    cutoff = cutoff_for(rule, today)
    entry = None
    destroyed, touched = 0, set()
    log_fields = {
        "service": service,
        "run": run,
        "kind": rule.kind,
        "categories": rule_text(rule.kind, rule.months),
        "closed_on": None,
        "destroy_due_on": today,
        "authorised_by": run.authorised_by,
        "key_destroyed_at": timezone.now(),
    }
    for due, destroy in KIND_PURGES[rule.kind].sources:
        while True:
            with transaction.atomic():
                ids = list(
                    due(service, cutoff)
                    .select_for_update()
                    .order_by("pk")
                    .values_list("pk", flat=True)[:CHUNK]
                )
                if not ids:
                    break
                touched |= destroy(ids)
                entry = _log_chunk(entry, len(ids), **log_fields)
            destroyed += len(ids)
    if destroyed:
        touched.add(DestructionLogEntry._meta.db_table)
    return destroyed, touched


def records_purge(
    service: Service, *, run: PurgeRun, today: datetime.date
) -> tuple[int, int, set[str]]:
    """Destroy every kind's due records of the service: (destroyed, failed kinds, tables)."""
    destroyed = failed = 0
    touched: set[str] = set()
    for rule in record_rules_for(service):
        try:
            count, tables = _purge_kind(rule, service, run=run, today=today)
        except Exception as exc:  # noqa: BLE001 - one kind failing must not stop the others
            # The kind and the kind of error only: a database message may quote values.
            logger.error(
                "Purge of %s of service %s failed (%s); what is left is retried next run.",
                rule.kind,
                service.pk,
                type(exc).__name__,
            )
            failed += 1
            continue
        destroyed += count
        touched |= tables
    return destroyed, failed, touched
