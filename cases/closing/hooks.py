"""What closing or reopening a case must bring up to date in the same transaction.

The retention schedule lives in the retention app, which stands on the cases
app (never the other way round), so it registers its refresh here from its
``ready``: closing sets the destruction date at once (RET-1, CAS-3) and
reopening clears it. Fails closed: without a registered refresh nothing closes.
"""

from collections.abc import Callable

from django.core.exceptions import ImproperlyConfigured

from cases.models.case import Case

_retention_refresh: Callable[[Case], object] | None = None


def register_retention_refresh(refresh: Callable[[Case], object]) -> None:
    global _retention_refresh
    _retention_refresh = refresh


def retention_refresh(case: Case) -> None:
    if _retention_refresh is None:
        raise ImproperlyConfigured("No retention schedule is registered for closing cases.")
    _retention_refresh(case)
