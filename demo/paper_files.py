"""Demo paper files (GOV-8), one in each state the case page and the reminder show;
seed_demo calls this after the retention demo has made its long-closed cases.

- an open case whose paper file is in the cabinet;
- a case closed over a year ago whose paper file was shredded a year after closure;
- a case closed over a year ago whose paper file is still in the cabinet: on the
  coordinators' home page as waiting to be shredded;
- if one exists, a case closed within the year, its file kept until the year is up.
"""

from django.utils import timezone

from cases.models import Case
from cases.paper.services import paper_file_locate, paper_file_shred
from pps.dates import add_months


def seed_paper_files(*, service, users: dict) -> None:
    staff, coordinator = users["staff"], users["coordinator"]
    year_ago = add_months(timezone.localdate(), -12)
    cases = Case.objects.filter(service=service).order_by("id")
    open_case = cases.filter(status=Case.Status.OPEN).first()
    if open_case:
        paper_file_locate(case=open_case, by=staff, location="Cabinet 1, drawer A")
    long_closed = list(cases.exclude(status=Case.Status.OPEN).filter(closed_on__lte=year_ago)[:2])
    if long_closed:
        shredded = long_closed[0]
        paper_file_locate(case=shredded, by=coordinator, location="Cabinet 3, drawer C")
        paper_file_shred(
            case=shredded,
            by=coordinator,
            shredded_on=min(add_months(shredded.closed_on, 12), timezone.localdate()),
        )
    if len(long_closed) > 1:
        paper_file_locate(case=long_closed[1], by=coordinator, location="Cabinet 3, drawer D")
    recent = cases.filter(status=Case.Status.CLOSED, closed_on__gt=year_ago).first()
    if recent:
        paper_file_locate(case=recent, by=staff, location="Cabinet 2, drawer B")
