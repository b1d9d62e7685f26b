"""The audit history is complete and append-only (SEC-3).

Every model that holds case data or decides who may see it keeps history; the
history tables refuse UPDATE and DELETE in the database itself, except on the
purge's own path (and the other paths that must destroy history: removing
crypto-shredded cases after a restore, and ``flush``).
"""

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from cases.models import Case
from pps import services as pps_services
from pps.history import history_erasure, is_history_model, trigger_names
from pps.models import Service, User
from retention.erase import historical_models
from retention.purge import purge_execute
from tests.factories import make_case
from tests.retention.helpers import make_expired_case

PROJECT_APPS = {
    "pps",
    "keystore",
    "security",
    "cases",
    "consent",
    "disclosure",
    "retention",
    "governance",
}

# Models that keep no history, each for a reason. Everything else in the
# project's apps must have ``history = AuditHistory(...)``.
NO_HISTORY = {
    # Itself the audit of every read; a history of the log would log the log.
    "pps.AccessLogEntry",
    # Wrapped data keys: destroying a row is the crypto-shredding (RET-6); a
    # history copy would keep the key alive. Separate database, too.
    "keystore.DataKey",
    # Second-factor secrets: a history would keep spent and reset secrets.
    "security.RecoveryCodeDevice",
    "security.RecoveryCode",
    # Itself the audit of sign-ins, resets and other security events.
    "security.SecurityEvent",
    # Session bookkeeping and double-submit tokens: transient, no decision in them.
    "security.UserSession",
    "security.FormSubmission",
    # Counts the database keeps by trigger (cases.models.counts), derived data.
    "cases.CaseCount",
    # Search digests (CAS-6): derived from the person and rewritten on each save;
    # a history would keep the digests of a corrected surname.
    "cases.SearchTerm",
    # A volunteer's object permission mirrors their VolunteerAssignment, whose
    # history records every grant and every ending with the acting user.
    "cases.CaseUserObjectPermission",
    # Holds no personal data (REF-2), is never edited and is only ever deleted
    # by the retention purge; a history would outlive that deletion.
    "cases.AnonymousContact",
    # Itself a log (who exported which statistics when, STA-2); never edited.
    "cases.StatisticsExport",
    # A background export's bookkeeping (OPS-2): aggregate counts only, moved
    # by the worker, never edited; each download is logged as a StatisticsExport.
    "cases.StatisticsExportJob",
    # A large release's bookkeeping (OPS-2): the worker moves it; the release
    # itself (DisclosureRelease) and the disclosure events keep the history.
    "disclosure.ReleaseJob",
    # The purge's own record of a run and the destruction log (RET-5): logs
    # written only by the purge, which must outlive the rows they describe.
    "retention.PurgeRun",
    "retention.DestructionLogEntry",
    # The background worker's heartbeat (OPS-4): a random id and a time,
    # rewritten every 30 s; no one acts through it.
    "pps.WorkerHeartbeat",
}


def project_models():
    return [
        model
        for model in apps.get_models()
        if model._meta.app_label in PROJECT_APPS and not is_history_model(model)
    ]


def test_sec3_every_model_that_holds_case_data_or_decides_access_keeps_history():
    missing = {
        model._meta.label
        for model in project_models()
        if model._meta.label not in NO_HISTORY
        and not hasattr(model._meta, "simple_history_manager_attribute")
    }
    assert missing == set(), f"models without history: {sorted(missing)}"
    # The allow-list names only models that exist and really keep no history.
    labels = {model._meta.label: model for model in project_models()}
    assert set(labels) >= NO_HISTORY
    assert not any(
        hasattr(labels[label]._meta, "simple_history_manager_attribute") for label in NO_HISTORY
    )


def _triggers_on(table: str) -> set[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s", [table]
            )
        else:
            cursor.execute(
                "SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass AND NOT tgisinternal",
                [table],
            )
        return {name for (name,) in cursor.fetchall()}


def test_sec3_every_history_table_has_its_triggers_after_every_migration():
    """Django rebuilds a SQLite table for some schema changes (dropping its
    triggers) and later migrations add history tables: each must have them."""
    tables = [model._meta.db_table for model in historical_models()]
    assert "pps_historicaluser" in tables
    lacking = [
        table
        for table in tables
        if not trigger_names(connection.vendor, table) <= _triggers_on(table)
    ]
    assert lacking == []


def _refused(statement, params=()) -> None:
    refusal = pytest.raises(DatabaseError, match="never changed or deleted")
    with refusal, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement, params)


def test_sec3_history_rows_refuse_update_and_delete(service, staff, admin_user):
    case = make_case(service, staff)
    pps_services.user_set_role(user=staff, role="coordinator", by=admin_user)
    for history, record_id in ((Case.history.model, case.pk), (User.history.model, staff.pk)):
        table = history._meta.db_table
        before = list(history.objects.filter(id=record_id).values())
        assert before
        _refused(f"UPDATE {table} SET history_change_reason = 'x' WHERE id = %s", [record_id])
        _refused(f"DELETE FROM {table} WHERE id = %s", [record_id])
        with pytest.raises(DatabaseError), transaction.atomic():
            history.objects.filter(id=record_id).update(history_change_reason="x")
        with pytest.raises(DatabaseError), transaction.atomic():
            history.objects.filter(id=record_id).delete()
        assert list(history.objects.filter(id=record_id).values()) == before


def test_sec3_the_permission_to_erase_ends_with_its_block(service, staff):
    case = make_case(service, staff)
    with history_erasure(purpose="test"):
        Case.history.filter(id=case.pk).delete()
    assert not Case.history.filter(id=case.pk).exists()
    other = make_case(service, staff)
    _refused(f"DELETE FROM {Case.history.model._meta.db_table} WHERE id = %s", [other.pk])


def test_sec3_the_purge_still_removes_a_cases_history(service, staff, admin_user):
    purged = make_expired_case(service, staff)
    kept = make_case(service, staff)
    assert Case.history.filter(id=purged.pk).exists()
    run = purge_execute(case_ids=[purged.pk], by=admin_user, method="screen", service=service)
    assert run.purged == 1
    assert not Case.history.filter(id=purged.pk).exists()
    # The purge's permission did not outlive it.
    _refused(f"DELETE FROM {Case.history.model._meta.db_table} WHERE id = %s", [kept.pk])


@pytest.mark.django_db(transaction=True)
def test_sec3_flush_still_empties_the_history(service, staff):
    """Transactional tests end with ``flush`` (DELETE on SQLite, TRUNCATE on PostgreSQL)."""
    make_case(service, staff)
    assert Case.history.exists()
    call_command("flush", interactive=False, verbosity=0)
    assert not Case.history.exists()
    assert not User.history.exists()
    # The triggers are still there afterwards and flush's permission ended with it.
    service.save()
    _refused(f"DELETE FROM {Service.history.model._meta.db_table}")
