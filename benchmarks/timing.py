"""Timing and query counting shared by every measurement."""

import os
import statistics
import time
from collections import Counter
from collections.abc import Callable
from contextlib import ExitStack, contextmanager

from django.db import connections

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


@contextmanager
def statements_by_database():
    """Count each database's statements as (queries, transaction-control statements).

    An execute wrapper, not Django's query capture: capturing turns on the debug
    cursor, which on SQLite runs an extra ``SELECT QUOTE(?)`` per statement to
    log its parameters: time a production server never spends, and a large
    share of a raw floor of a few statements.
    """
    counts = {alias: [0, 0] for alias in ALIASES}

    def counter(alias):
        def count(execute, sql, params, many, context):
            counts[alias][1 if sql.lstrip().upper().startswith(TRANSACTION_CONTROL) else 0] += 1
            return execute(sql, params, many, context)

        return count

    with ExitStack() as stack:
        for alias in ALIASES:
            stack.enter_context(connections[alias].execute_wrapper(counter(alias)))
        yield counts


def timed(send: Callable[[int], object], *, repeat: int, warmup: int) -> dict:
    """Run ``send(i)`` ``warmup`` times, then ``repeat`` times timed, counting queries.

    Queries are SQL statements on both databases; SAVEPOINT and RELEASE are
    counted apart (``transaction_statements``), and the BEGIN and COMMIT the
    drivers send for a transaction are not statements the app writes, so neither
    is counted. The count is the most
    common one; ``queries_max`` shows a rarer extra (the session's last-seen
    stamp is saved at most every 15 s).
    """
    for i in range(warmup):
        send(-1 - i)
    samples, counts = [], []
    for i in range(repeat):
        with statements_by_database() as counted:
            started = time.perf_counter()
            send(i)
            samples.append(time.perf_counter() - started)
        counts.append(tuple(tuple(counted[alias]) for alias in ALIASES))
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


def cpu_reference_ms(rounds: int = 5) -> float:
    """Median time of a fixed pure-Python loop: how fast this machine runs Python now.

    Shared machines change speed from hour to hour (the same code has measured
    four times slower on one day than on another); comparing this figure says
    whether two runs' times can be compared at all.
    """
    samples = []
    for _ in range(rounds):
        started = time.perf_counter()
        total = 0
        for number in range(1_000_000):
            total += number
        samples.append(time.perf_counter() - started)
    return round(statistics.median(samples) * 1000, 1)
