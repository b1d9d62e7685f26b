from django.apps import AppConfig


class SecurityConfig(AppConfig):
    name = "pps.security"
    label = "security"
    verbose_name = "Sign-in security"

    def ready(self) -> None:
        # Authentication events are recorded from Django's auth signals, so every
        # sign-in path (ours, the admin's, a test client's) is logged the same way.
        from pps.security import events

        events.connect_signals()
