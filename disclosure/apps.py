from django.apps import AppConfig


class DisclosureConfig(AppConfig):
    name = "disclosure"

    def ready(self) -> None:
        from cases.statistics import allow_dimension
        from disclosure import override_statistics, statistics
        from disclosure.log import register_log_source
        from disclosure.models import OPEN_STATES, DisclosureRequest
        from disclosure.override_log import override_log_entries
        from retention.blockers import register_purge_blocker

        def open_request_case_ids(case_ids: list[int]) -> set[int]:
            # Someone is waiting for an answer: the case is not purged under them.
            return set(
                DisclosureRequest.objects.filter(
                    case_id__in=case_ids, state__in=OPEN_STATES
                ).values_list("case_id", flat=True)
            )

        register_purge_blocker("Open disclosure request", open_request_case_ids)
        allow_dimension("disclosure.DisclosureRequest", "requester_type")
        statistics.register()
        override_statistics.register()
        register_log_source(override_log_entries, name="disclosure.overrides")
