from django.apps import AppConfig


class RetentionConfig(AppConfig):
    name = "retention"

    def ready(self):
        from retention.blockers import active_legal_holds, register_purge_blocker

        register_purge_blocker("Legal hold", active_legal_holds)

        from retention import statistics_tables

        statistics_tables.register()
