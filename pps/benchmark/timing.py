"""Timing and query counting shared by every measurement."""

import os
import statistics
import time
from collections import Counter
from collections.abc import Callable
from contextlib import ExitStack, contextmanager

from django.db import connections
from django.test.utils import CaptureQueriesContext

ALIASES = ("default", "keystore")


def summarise(samples: list[float]) -> dict:
    ordered = sorted(samples)
    # Nearest-rank 95th percentile: with few repetitions it is the slowest run.
    p95 = ordered[min(len(ordered) - 1, max(0, round(0.95 * len(ordered)) - 1))]
    return {
        "median_ms": round(statistics.median(ordered) * 1000, 2),
        "p95_ms": round(p95 * 1000, 2),
        "runs": len(ordered),
    }


TRANSACTION_CONTROL = ("BEGIN", "SAVEPOINT", "RELEASE", "COMMIT", "ROLLBACK")


def _queries(captured: CaptureQueriesContext) -> tuple[int, int]:
    """(queries, transaction-control statements such as SAVEPOINT) in what was captured."""
    control = sum(
        1 for query in captured.captured_queries if query["sql"].startswith(TRANSACTION_CONTROL)
    )
    return len(captured) - control, control


def timed(send: Callable[[int], object], *, repeat: int, warmup: int) -> dict:
    """Run ``send(i)`` ``warmup`` times, then ``repeat`` times timed, counting queries.

    Queries are SQL statements on both databases; BEGIN, SAVEPOINT, RELEASE and
    COMMIT are counted apart (``transaction_statements``). The count is the most
    common one; ``queries_max`` shows a rarer extra (the session's last-seen
    stamp is saved at most every 15 s).
    """
    for i in range(warmup):
        send(-1 - i)
    samples, counts = [], []
    for i in range(repeat):
        with ExitStack() as stack:
            captured = [
                stack.enter_context(CaptureQueriesContext(connections[alias])) for alias in ALIASES
            ]
            started = time.perf_counter()
            send(i)
            samples.append(time.perf_counter() - started)
        counts.append(tuple(_queries(c) for c in captured))
    usual = Counter(counts).most_common(1)[0][0]
    return {
        **summarise(samples),
        "queries": sum(queries for queries, _ in usual),
        "queries_by_database": {
            alias: queries for alias, (queries, _) in zip(ALIASES, usual, strict=True)
        },
        "transaction_statements": sum(control for _, control in usual),
        "queries_max": max(sum(queries for queries, _ in c) for c in counts),
    }


@contextmanager
def counting_queries():
    """Count queries on both databases without keeping their text (memory stays flat)."""
    counter = {"queries": 0}

    def count(execute, sql, params, many, context):
        counter["queries"] += 1
        return execute(sql, params, many, context)

    with ExitStack() as stack:
        for alias in ALIASES:
            stack.enter_context(connections[alias].execute_wrapper(count))
        yield counter


def resident_memory_bytes() -> int:
    """This process's resident set size now (Linux), else the peak so far."""
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except OSError:
        import resource

        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
