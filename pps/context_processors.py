from django.conf import settings


def session_settings(request) -> dict:
    return {"idle_timeout_seconds": settings.PPS_IDLE_TIMEOUT_MINUTES * 60}
