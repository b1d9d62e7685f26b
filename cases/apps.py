from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "cases"

    def ready(self) -> None:
        from cases.statistics import tables as statistics_tables

        statistics_tables.register()
