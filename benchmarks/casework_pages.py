"""The casework pages' part of ``manage.py benchmark`` (CAS-1, CAS-5; docs/performance.md).

- measurement "case_tasks": a case's tasks page, on the open cases that have tasks;
- measurement "parent_edit": the form that corrects a parent's details, opened
  while the parent is on the line (every field decrypted into it).

No build step: the core build makes the parents, ``benchmarks/tasks.py`` the tasks.

The floor is the page's own reads: every SELECT the page runs, recorded once
(untimed) as it answers and replayed through a cursor, less the statements the
signed-in request that does nothing runs too (session, user, second factor,
policy gate), which a page's limit already counts in the baseline. Writes
(the access log) and everything else the page does are the app's part.
"""

from django.test import Client
from django.urls import reverse

from benchmarks import floors
from benchmarks.measurements import Bench, Measurement, compare, get_page, register_measurement
from cases.models import Parent, Task

# Cases (and so URLs) each page cycles through.
PAGES = 50


def page_reads(client: Client, url: str, common: set[str]) -> list[tuple[str, str, object]]:
    """The SELECTs ``url`` runs that are not among ``common`` (the baseline's statements)."""
    return [
        (alias, sql, params)
        for alias, sql, params in floors.recorded(lambda: client.get(url))
        if sql.lstrip().upper().startswith("SELECT") and sql not in common
    ]


def _pages(bench: Bench, urls: list[str]) -> dict:
    if not urls:
        raise RuntimeError("the build made nothing for this page to show")
    client = bench.client("staff1")
    pages = [get_page(client, url) for url in urls]
    app = bench.times(lambda i: pages[i % len(pages)](i))
    baseline = floors.recorded(lambda: client.post(reverse("keepalive")))
    common = {sql for _, sql, _ in baseline}
    reads = [page_reads(client, url, common) for url in urls[:PAGES]]
    raw = bench.times(lambda i: floors.replay(reads[i % len(reads)]))
    return {**compare(app, raw), "pages": len(urls)}


def case_tasks(bench: Bench) -> dict:
    case_ids = (
        Task.objects.filter(case_id__in=bench.open_case_ids)
        .values_list("case_id", flat=True)
        .distinct()
        .order_by("case_id")
    )
    urls = [reverse("tasks:list", args=[case_id]) for case_id in case_ids[:PAGES]]
    return _pages(bench, urls)


def parent_edit(bench: Bench) -> dict:
    parents = (
        Parent.objects.filter(case_id__in=bench.open_case_ids)
        .order_by("case_id", "pk")
        .values_list("case_id", "pk")
    )
    urls = [reverse("cases:parent_edit", args=[case, parent]) for case, parent in parents[:PAGES]]
    return _pages(bench, urls)


register_measurement(Measurement("case_tasks", "A case's tasks", case_tasks))
register_measurement(Measurement("parent_edit", "Correcting a parent's details", parent_edit))
