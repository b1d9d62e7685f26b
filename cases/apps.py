from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "cases"

    def ready(self) -> None:
        from cases.closing import statistics as closing_statistics
        from cases.statistics import tables as statistics_tables
        from pps.signals import volunteer_left

        statistics_tables.register()
        closing_statistics.register()
        volunteer_left.connect(_end_assignments, dispatch_uid="cases-volunteer-left")


def _end_assignments(sender, *, volunteer, by, **kwargs) -> None:
    from cases.services import volunteer_assignments_end

    volunteer_assignments_end(volunteer=volunteer, by=by)
