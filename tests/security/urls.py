"""The project's URLs plus a few views that exist only to test cross-cutting behaviour."""

from django.db import DataError, IntegrityError
from django.http import HttpResponse
from django.urls import path

from pps.locking import ConflictError
from pps.security.sudo import sudo_required
from pps.urls import urlpatterns as project_urlpatterns

SENTINEL = "Ravenscroft-Sentinel-7731"


@sudo_required
def dangerous(request):
    return HttpResponse("dangerous action done")


def explode(request):
    raise ValueError(f"could not process {SENTINEL}")


def integrity(request):
    raise IntegrityError(f"duplicate key value violates unique constraint; Key (name)=({SENTINEL})")


def data(request):
    raise DataError(f"value too long for type character varying(20): {SENTINEL}")


def conflict(request):
    raise ConflictError()


urlpatterns = [
    *project_urlpatterns,
    path("test/dangerous/", dangerous, name="test-dangerous"),
    path("test/explode/", explode, name="test-explode"),
    path("test/integrity/", integrity, name="test-integrity"),
    path("test/data/", data, name="test-data"),
    path("test/conflict/", conflict, name="test-conflict"),
]
