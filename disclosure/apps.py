from django.apps import AppConfig


class DisclosureConfig(AppConfig):
    name = "disclosure"

    def ready(self) -> None:
        from cases.statistics.report import allow_dimension
        from disclosure import statistics
        from disclosure.log import register_log_source
        from disclosure.safeguarding import statistics as override_statistics
        from disclosure.safeguarding.log import override_log_entries
        from disclosure.selectors import open_request_case_ids
        from retention.blockers import register_purge_blocker

        register_purge_blocker("Open disclosure request", open_request_case_ids)
        allow_dimension("disclosure.DisclosureRequest", "requester_type")
        statistics.register()
        override_statistics.register()
        register_log_source(override_log_entries, name="disclosure.overrides")
