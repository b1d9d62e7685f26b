from django.apps import AppConfig


class RetentionConfig(AppConfig):
    name = "retention"

    def ready(self):
        from cases.letters.services import register_retention_statement
        from retention import statistics_tables
        from retention.blockers import active_legal_holds, register_purge_blocker
        from retention.statement import retention_statement

        register_purge_blocker("Legal hold", active_legal_holds)
        statistics_tables.register()
        register_retention_statement(retention_statement)
