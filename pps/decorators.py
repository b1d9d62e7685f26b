from functools import wraps

from django.core.exceptions import PermissionDenied


def role_required(*roles):
    """Refuse (403) a signed-in user whose role may not use this view at all.

    This is the coarse gate by role; which records they may see is decided by
    the access helpers, which answer 404.
    """

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.user.role not in roles:
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
