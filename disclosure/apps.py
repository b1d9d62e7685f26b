from django.apps import AppConfig


class DisclosureConfig(AppConfig):
    name = "disclosure"

    def ready(self) -> None:
        from disclosure import override_statistics

        override_statistics.register()
