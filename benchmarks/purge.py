"""The purge measurement: destroy up to 1,000 due cases, as the scheduled command would.

The builder makes a tenth of the cases due, so at 1,000 cases about 100 go.

Reports cases per second for the destruction itself and, separately, the
space reclaim that follows it once per run (its cost depends on the size of
the database, not on how many cases went). Memory is sampled at every
progress report: the highest resident set up to a quarter of the batch and
up to its end show whether memory grows with the batch. Both are peaks, so
memory the process gives back mid-run (the resident set can fall) does not
read as growth later.
"""

import time

from django.db import connections

from benchmarks.timing import counting_queries, resident_memory_bytes
from retention import purge as purge_module
from retention.models import PurgeRun

BATCH = 1000
MB = 1024 * 1024


def measure_purge(bench) -> dict:
    # As the command does: the preview first works out and stores every closed
    # case's date (timed on its own), then the purge destroys what was shown.
    started = time.perf_counter()
    preview = purge_module.purge_preview(service=bench.service)
    preview_seconds = time.perf_counter() - started
    ids = preview.due_ids[:BATCH]
    if not ids:
        return {"skipped": "no due cases"}
    samples: dict[int, int] = {}
    peak = {"rss": resident_memory_bytes()}
    start_rss = peak["rss"]

    def progress(run: PurgeRun) -> None:
        peak["rss"] = max(peak["rss"], resident_memory_bytes())
        samples[run.processed] = peak["rss"]  # the peak so far

    reclaim = {"seconds": 0.0}
    reclaim_space = purge_module.reclaim_space

    def timed_reclaim(tables):
        started = time.perf_counter()
        try:
            return reclaim_space(tables)
        finally:
            reclaim["seconds"] = time.perf_counter() - started

    purge_module.reclaim_space = timed_reclaim
    try:
        with counting_queries() as counter:
            started = time.perf_counter()
            run = purge_module.purge_execute(
                case_ids=ids,
                by=None,
                method=PurgeRun.Method.COMMAND,
                service=bench.service,
                progress=progress,
            )
            elapsed = time.perf_counter() - started
    finally:
        purge_module.reclaim_space = reclaim_space
    destroy_seconds = elapsed - reclaim["seconds"]
    quarter = min(samples, key=lambda n: abs(n - len(ids) / 4)) if samples else 0
    return {
        "cases": len(ids),
        "preview_seconds": round(preview_seconds, 2),
        "purged": run.purged,
        "failed": run.failed,
        "seconds": round(elapsed, 2),
        "destroy_seconds": round(destroy_seconds, 2),
        "reclaim_seconds": round(reclaim["seconds"], 2),
        "cases_per_second": round(run.purged / max(destroy_seconds, 1e-6), 1),
        "cases_per_second_with_reclaim": round(run.purged / max(elapsed, 1e-6), 1),
        "queries": counter["queries"],
        "queries_per_case": round(counter["queries"] / len(ids), 1),
        "memory_growth_mb": {
            f"after {quarter} cases": round((samples.get(quarter, start_rss) - start_rss) / MB, 1),
            f"after {len(ids)} cases": round((peak["rss"] - start_rss) / MB, 1),
        },
        "peak_rss_mb": round(peak["rss"] / MB, 1),
        "database_bytes": _database_bytes(),
        "left_behind": _left_behind(ids),
    }


def _left_behind(case_ids: list[int]) -> dict[str, int]:
    """The destroyed cases' tasks and task history still there, counted after the
    timed part: none, if the purge finds what the tasks plug-in built (CAS-5, RET-3)."""
    from cases.models import Task

    return {
        "tasks": Task.objects.filter(case_id__in=case_ids).count(),
        "task history": Task.history.filter(case_id__in=case_ids).count(),
    }


def _database_bytes() -> int | None:
    connection = connections["default"]
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA page_count")
            pages = cursor.fetchone()[0]
            cursor.execute("PRAGMA page_size")
            return pages * cursor.fetchone()[0]
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_database_size(current_database())")
            return cursor.fetchone()[0]
    return None
