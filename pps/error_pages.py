"""The service's own error pages in every mode, DEBUG included (ASVS 16.5.1).

Django answers some errors with pages of its own that no user should see:
with DEBUG on (``make run``, the demo) a page that is not found shows the
technical 404 (what raised it, and the whole list of URL patterns when no
pattern matched) and an unexpected error shows the stack with its local
values; in every mode ``require_POST``'s 405 is an empty page, a dead end.
This middleware swaps each of those for the service's page:

- ``Http404`` from a view (the access helpers' "not found or not yours"):
  the configured 404 handler (``templates/404.html``), in every mode;
- no URL pattern matched, with DEBUG on: the same 404 page;
- an unexpected error with DEBUG on: the 500 handler (``templates/500.html``);
  Django has already logged it by then, as it does with DEBUG off;
- a 405 without a body: ``templates/405.html``, keeping the Allow header;
  except a GET of a form's ``…/save/`` address (what the address bar holds
  after a form came back with its errors), which is sent to the form's own
  page, the address without ``save/`` (every such route has one: a test
  holds the convention).

403 (``PermissionDenied``) already goes to ``templates/403.html`` in every
mode, and 429 is django-axes' pause page (``security/paused.html``).
A developer who wants Django's technical pages back sets
``PPS_DEBUG_TECHNICAL_PAGES=1`` (with DEBUG on only).
"""

from django.conf import settings
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import Resolver404, get_resolver, resolve

SAVE_SUFFIX = "save/"


def _handler(status: int):
    return get_resolver().resolve_error_handler(status)


def _form_page_of(request) -> str | None:
    """The page whose form posts to this ``…/save/`` address, for a GET of it."""
    path = request.path_info
    if request.method not in ("GET", "HEAD") or not path.endswith("/" + SAVE_SUFFIX):
        return None
    form_page = path[: -len(SAVE_SUFFIX)]
    try:
        resolve(form_page)
    except Resolver404:
        return None
    return request.META.get("SCRIPT_NAME", "").rstrip("/") + form_page


class ServiceErrorPagesMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        status = response.status_code
        if status == 405 and not response.content:
            form_page = _form_page_of(request)
            if form_page:
                return redirect(form_page)
            page = render(request, "405.html", status=405)
            page["Allow"] = response.get("Allow", "")
            return page
        if not settings.DEBUG or settings.PPS_DEBUG_TECHNICAL_PAGES:
            return response
        # With DEBUG on, these two are Django's technical pages: an unmatched
        # URL (no view ran, so no resolver match) and an unhandled exception.
        if status == 404 and request.resolver_match is None:
            return _handler(404)(request, exception=Http404())
        if status == 500 and getattr(request, "_pps_unhandled_error", False):
            return _handler(500)(request)
        return response

    def process_exception(self, request, exception):
        if isinstance(exception, Http404):
            if settings.DEBUG and settings.PPS_DEBUG_TECHNICAL_PAGES:
                return None
            return _handler(404)(request, exception=exception)
        # Left to Django, which logs it and (DEBUG on) draws its technical page,
        # which __call__ then replaces.
        request._pps_unhandled_error = True
        return None
