"""One size, in its own process: build the database, or measure it.

The ``benchmark`` command starts this in a child process whose
DATABASE_URL / KEYSTORE_DATABASE_URL point at the benchmark's own databases,
so the developer's database is never opened, and each size starts with a
fresh process (no caches or memory carried over from the previous size).
"""

import json
import time
from importlib import import_module
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.db import connections
from django.urls import clear_url_caches, set_urlconf

from benchmarks.timing import cpu_reference_ms
from pps import crypto

# Modules that add build steps and measurements for an area when imported.
PLUGINS = (
    "benchmarks.disclosure_requests",
    "benchmarks.tasks",
    "benchmarks.home_pages",
    "benchmarks.casework_pages",
)


def discover() -> None:
    """Import every plug-in module, where it registers its steps and measurements."""
    for module in PLUGINS:
        import_module(module)


def _migrate() -> None:
    call_command("migrate", verbosity=0)
    call_command("migrate", database="keystore", verbosity=0)


def build_phase(size: int, result: Path, write) -> None:
    from benchmarks.builder import build

    started = time.perf_counter()
    discover()
    _migrate()
    world = build(size, progress=lambda line: write(f"  built {line}"))
    counts = dict(world.counts)
    counts["history and access-log rows"] = counts.get("history rows", 0) + counts.get(
        "access-log rows", 0
    )
    for alias in connections:
        connection = connections[alias]
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            else:
                # What autovacuum has long since done on a live database: the
                # visibility map, without which PostgreSQL answers COUNT and
                # index-only scans by visiting every freshly written row.
                cursor.execute("VACUUM ANALYZE")
        connection.close()
    result.write_text(
        json.dumps({"seconds": round(time.perf_counter() - started, 1), "rows": counts})
    )


def _prepare_for_requests() -> None:
    # As a production server: no query log kept, the test client's host allowed,
    # and the comparison admin site mounted (only in this process).
    settings.DEBUG = False
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    settings.ROOT_URLCONF = "benchmarks.urls"
    clear_url_caches()
    set_urlconf(None)
    crypto.forget_cached_keys()


def _database_version(alias: str) -> str:
    connection = connections[alias]
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT sqlite_version()")
            return f"SQLite {cursor.fetchone()[0]}"
        cursor.execute("SHOW server_version")
        return f"PostgreSQL {cursor.fetchone()[0]}"


def chosen(measurement, only: list[str], opted_in: set[str]) -> bool:
    """Named, or (nothing named) every measurement not run only on request."""
    if measurement.key in only or measurement.key in opted_in:
        return True
    return not only and not measurement.opt_in


def measure_phase(
    size: int,
    *,
    repeat: int,
    warmup: int,
    only: list[str],
    result: Path,
    write,
    throughput: float | None = None,
):
    from benchmarks.measurements import MEASUREMENTS, Bench

    discover()
    _prepare_for_requests()
    bench = Bench(repeat=repeat, warmup=warmup)
    if throughput:
        bench.throughput_seconds = throughput
    opted_in = {"throughput"} if throughput else set()
    reference_before = cpu_reference_ms()
    results = {}
    for measurement in MEASUREMENTS:
        if not chosen(measurement, only, opted_in):
            continue
        started = time.perf_counter()
        results[measurement.key] = {
            "label": measurement.label,
            "kind": measurement.kind,
            **measurement.run(bench),
        }
        write(f"  {size:>9,} cases: {measurement.label} ({time.perf_counter() - started:.1f} s)")
    result.write_text(
        json.dumps(
            {
                "database": _database_version("default"),
                "cpu_reference_ms": {"before": reference_before, "after": cpu_reference_ms()},
                "measurements": results,
            }
        )
    )
