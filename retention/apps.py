from django.apps import AppConfig


class RetentionConfig(AppConfig):
    name = "retention"

    def ready(self):
        from cases.closing.hooks import register_retention_refresh
        from cases.letters.services import register_retention_statement
        from pps.restore_replays import register as register_restore_replay
        from retention import statistics_tables
        from retention.blockers import active_legal_holds, register_purge_blocker
        from retention.schedule import case_retention_refresh
        from retention.shredded import SHREDDED_CASES_REPLAY
        from retention.statement import retention_statement

        register_purge_blocker("Legal hold", active_legal_holds)
        statistics_tables.register()
        register_retention_statement(retention_statement)
        # Closing a case sets its destruction date in the same transaction (RET-1).
        register_retention_refresh(case_retention_refresh)
        register_restore_replay(SHREDDED_CASES_REPLAY)
