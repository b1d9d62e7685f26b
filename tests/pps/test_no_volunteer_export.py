"""Volunteers cannot download or export case data: no PDF, CSV or print view (ACC-5).

Every view that produces a download must wear ``pps.decorators.no_volunteer_export``.
This walks the URL resolver and fails for any view that looks like a download,
by what its code calls or by its name, and lacks the decorator, so views added
later by any app are held to it. (The authorisation matrix adds a third check:
any response that is a file must come from a decorated view.)
"""

import inspect
import re

import pytest
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.test import RequestFactory

from pps.decorators import no_volunteer_export
from pps.models import AccessLogEntry
from pps.pdf import pdf_response
from pps.uploads import document_response
from tests.url_names import all_url_patterns

SOURCE_MARKERS = (
    "pdf_response(",
    "document_response(",
    "render_pdf(",
    "FileResponse(",
    "StreamingHttpResponse(",
    "text/csv",
    "csv.writer(",
    "Content-Disposition",
    "attachment",
)
NAME_MARKERS = re.compile(r"pdf|csv|export|download|print|attachment|pack", re.IGNORECASE)
# The Django admin site's own views are for administrators, who hold no case data.
SKIP_NAMESPACES = ("admin:",)


def download_reason(name: str, route: str, view) -> str | None:
    """Why this view looks like it hands over a file, or None."""
    if NAME_MARKERS.search(name) or NAME_MARKERS.search(route):
        return f"its name or address ({name}, {route})"
    try:
        source = inspect.getsource(inspect.unwrap(view))
    except (OSError, TypeError):
        return None
    found = [marker for marker in SOURCE_MARKERS if marker in source]
    return f"its code uses {found}" if found else None


def is_guarded(view) -> bool:
    while view is not None:
        if getattr(view, "no_volunteer_export", False):
            return True
        view = getattr(view, "__wrapped__", None)
    return False


def unguarded_downloads(patterns):
    problems = []
    for name, pattern in patterns:
        if name.startswith(SKIP_NAMESPACES):
            continue
        reason = download_reason(name, str(pattern.pattern), pattern.callback)
        if reason and not is_guarded(pattern.callback):
            problems.append(f"{name}: looks like a download because of {reason}")
    return problems


def test_acc5_every_download_view_refuses_volunteers():
    problems = unguarded_downloads(all_url_patterns())
    assert problems == [], "Add @no_volunteer_export to: " + "; ".join(problems)


def test_acc5_the_walker_finds_at_least_the_agreement_download():
    names = [
        name
        for name, pattern in all_url_patterns()
        if download_reason(name, str(pattern.pattern), pattern.callback)
    ]
    assert "volunteers:agreement_download" in names


class FakePattern:
    def __init__(self, route, callback):
        self.pattern, self.callback = route, callback


def letter(request, **kwargs):
    return pdf_response(b"%PDF-", "letter.pdf")


def attachment(request):
    return document_response(b"%PDF-", "application/pdf", "x")


def csv_view(request):
    response = HttpResponse(content_type="text/csv")
    return response


def harmless(request):
    return HttpResponse("hello")


@pytest.mark.parametrize("view", [letter, attachment, csv_view])
def test_acc5_the_walker_catches_an_undecorated_download(view):
    assert unguarded_downloads([("x:page", FakePattern("x/", view))]) != []
    assert unguarded_downloads([("x:page", FakePattern("x/", no_volunteer_export(view)))]) == []


def test_acc5_the_walker_catches_download_names_and_leaves_pages_alone():
    assert unguarded_downloads([("x:print_letter", FakePattern("x/", harmless))]) != []
    assert unguarded_downloads([("x:page", FakePattern("x/export/", harmless))]) != []
    assert unguarded_downloads([("x:page", FakePattern("x/", harmless))]) == []


def test_acc5_decorator_refuses_volunteers_and_logs_it(volunteer, staff, assigned_case):
    view = no_volunteer_export(letter)
    request = RequestFactory().get("/cases/1/letter.pdf")
    request.user = volunteer
    request.resolver_match = None
    with pytest.raises(PermissionDenied):
        view(request, case_id=assigned_case.pk)
    entry = AccessLogEntry.objects.get(user=volunteer)
    assert (entry.action, entry.allowed, entry.case_id) == ("download", False, assigned_case.pk)
    request.user = staff
    assert view(request, case_id=assigned_case.pk).status_code == 200
