from functools import wraps

from django.core.exceptions import PermissionDenied

from pps.access_log import record_access
from pps.models import AccessLogEntry
from pps.roles import Role

# The case's own page: a refusal there is a refusal of the case.
CASE_PAGE = "cases:detail"


def _record_refusal(request, action, kwargs) -> None:
    """Log a refused signed-in request, so coordinators see it with the others (ACC-7)."""
    case_id = kwargs.get("case_id")
    match = request.resolver_match
    page = match.view_name if match else request.path
    if case_id is not None and page != CASE_PAGE:
        # A page about the case (its access log, a letter form), not the case
        # itself: the log says which, so a reader does not take it for a
        # refusal of the case (ACC-7). ``case_id`` keeps it on the case's log.
        object_type, object_id = "case_page", page
    elif case_id is not None:
        object_type, object_id = "case", case_id
    else:
        object_type, object_id = "page", page
    record_access(
        request.user,
        action=action,
        object_type=object_type,
        object_id=object_id,
        case_id=case_id if isinstance(case_id, int) else None,
        allowed=False,
    )


def role_required(*roles):
    """Refuse (403) a signed-in user whose role may not use this view at all.

    This is the coarse gate by role; which records they may see is decided by
    the access helpers, which answer 404. Refusals are logged.
    """

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.user.role not in roles:
                _record_refusal(request, AccessLogEntry.Action.VIEW, kwargs)
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def no_volunteer_export(view):
    """Every view that produces a download, export, PDF, CSV or print view wears this (ACC-5).

    Volunteers may read their assigned cases on screen but never take case data
    away. ``tests/pps/test_no_volunteer_export.py`` walks the URL resolver and
    fails for any such view that lacks this decorator.
    """

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.user.role == Role.VOLUNTEER:
            _record_refusal(request, AccessLogEntry.Action.DOWNLOAD, kwargs)
            raise PermissionDenied
        return view(request, *args, **kwargs)

    wrapped.no_volunteer_export = True
    return wrapped
