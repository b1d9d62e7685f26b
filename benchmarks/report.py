"""The benchmark's output: the environment, the figures per size, and the targets.

The targets are the service's performance targets (SQLite on a 2-core machine).
Each is checked against the figures and marked PASS or MISS; "at 100,000"
targets are checked at the largest size measured, which the table names.
"""

import datetime
import os
import platform
import sys

import django

PAGES_WITH_FLOOR = (
    "staff_list_first",
    "staff_list_deep",
    "surname_search",
    "partial_surname_search",
    "soundalike_search",
    "case_detail",
    "volunteer_list",
    "staff_home",
    "coordinator_home",
    "case_tasks",
    "parent_edit",
)
MAX_QUERIES = 12
# The home pages: 5 queries every signed-in page makes (session, user, its
# authenticator, the policy gate, the access-log write) and one per section.
# The coordinator's has 10 reads since staff training (GOV-1) and the paper files
# to shred (GOV-8) joined the breach register's (GOV-6), and each person's own
# training is read.
HOME_MAX_QUERIES = 16
# Statistics over eight quarters: per quarter its children and topics as well as
# the one UNION ALL of tallies; the budget tests/cases/test_statistics_queries.py holds.
TREND_MAX_QUERIES = 40
# Requirements that promise a query budget, checked at every size measured.
QUERY_BUDGETS = (
    ("Statistics over eight quarters (STA-1)", ("quarters_trend",), TREND_MAX_QUERIES),
    ("Each home page (CAS-4)", ("staff_home", "coordinator_home"), HOME_MAX_QUERIES),
    (
        "Search (CAS-6)",
        ("surname_search", "partial_surname_search", "soundalike_search"),
        MAX_QUERIES,
    ),
)


def query_limit(key: str) -> int:
    """The most queries a measured page may make (its requirement's budget)."""
    return next((limit for _, keys, limit in QUERY_BUDGETS if key in keys), MAX_QUERIES)


# A page's limit is the signed-in request that does nothing (the baseline) plus
# the page's raw SQL floor, both measured at the same size in the same run, so
# that a shared machine's drift moves the page and its limit together.
LIMIT_RATIO = 4.0
# What the app adds over its floor (App - raw) grows at most this much from the
# smallest size measured to the largest.
OVER_RAW_GROWTH = 1.2
# The purge with its space reclaimed, against the purge's deletes alone.
PURGE_RECLAIM_RATIO = 0.7
VOLUNTEER_RATIO = 2.0
HELPLINE_MS = 30.0
STATISTICS_MS = 2000.0
# A quarter's statistics against the same tallies in hand-written GROUP BY SQL.
STATISTICS_FLOOR_RATIO = 3.0
RELEASE_PACK_MS = 3000.0
PURGE_RATE = 200.0
PURGE_MEMORY_SLACK_MB = 10.0


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _memory_gb() -> float | None:
    try:
        with open("/proc/meminfo") as meminfo:
            kb = int(meminfo.readline().split()[1])
        return round(kb / 1024 / 1024, 1)
    except (OSError, ValueError, IndexError):
        return None


def environment(database: str) -> dict:
    return {
        "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": {
            "cpu": _cpu_model(),
            "cores": os.cpu_count(),
            "memory_gb": _memory_gb(),
            "system": platform.platform(),
            "load_average_at_end": [round(x, 2) for x in os.getloadavg()],
        },
        "database": database,
        "python": sys.version.split()[0],
        "django": django.get_version(),
    }


def assemble(results: dict[int, dict], *, database_url: str | None, repeat: int, elapsed: float):
    sizes = sorted(results)
    database = results[sizes[0]]["database"]
    data = {
        "environment": environment(database),
        "repeat": repeat,
        "seconds": round(elapsed),
        "sizes": {str(size): results[size] for size in sizes},
    }
    for sized in data["sizes"].values():
        add_limits(sized["measurements"])
    data["targets"] = targets(data)
    return data


def add_limits(measurements: dict) -> None:
    """Each page with a floor gets its limit (baseline + floor) and App / limit."""
    baseline = measurements.get("baseline")
    if not baseline or "app" not in baseline:
        return
    for measured in measurements.values():
        if "raw_sql" not in measured:
            continue
        limit = baseline["app"]["median_ms"] + measured["raw_sql"]["median_ms"]
        measured["limit_ms"] = round(limit, 2)
        measured["ratio_limit"] = round(measured["app"]["median_ms"] / max(limit, 0.001), 2)


# --- targets -------------------------------------------------------------------


def _m(data: dict, size: int, key: str) -> dict | None:
    return data["sizes"][str(size)]["measurements"].get(key)


def _check(name: str, passed: bool, detail: str) -> dict:
    return {"target": name, "result": "PASS" if passed else "MISS", "detail": detail}


def targets(data: dict) -> list[dict]:
    sizes = sorted(int(s) for s in data["sizes"])
    small, large = sizes[0], sizes[-1]
    checks = []
    keys = list(data["sizes"][str(large)]["measurements"])
    for key in keys:
        per_size = [_m(data, size, key) for size in sizes]
        if any(m is None or "app" not in m for m in per_size):
            continue
        counts = [m["app"]["queries"] for m in per_size]
        label, limit = per_size[-1]["label"], query_limit(key)
        checks.append(
            _check(
                f"{label}: constant queries, at most {limit}",
                len(set(counts)) == 1 and max(counts) <= limit,
                " / ".join(str(c) for c in counts) + " queries",
            )
        )
    for key in PAGES_WITH_FLOOR:
        per_size = [_m(data, size, key) for size in sizes]
        if not all(m and "ratio_limit" in m for m in per_size):
            continue
        label = per_size[-1]["label"]
        checks.append(
            _check(
                f"{label}: within {LIMIT_RATIO:g}x its limit (baseline + raw SQL) at every size",
                max(m["ratio_limit"] for m in per_size) <= LIMIT_RATIO,
                " / ".join(f"{m['ratio_limit']}x" for m in per_size),
            )
        )
        if large > small:
            first, last = per_size[0]["over_raw_ms"], per_size[-1]["over_raw_ms"]
            growth = last / max(first, 0.001)
            checks.append(
                _check(
                    f"{label}: App - raw at {large:,} at most {OVER_RAW_GROWTH:g}x"
                    f" its value at {small:,}",
                    growth <= OVER_RAW_GROWTH,
                    f"{growth:.2f}x ({first} -> {last} ms)",
                )
            )
    checks += _query_budgets(data, sizes)
    checks += _single_targets(data, large)
    return checks


def _query_budgets(data: dict, sizes: list[int]) -> list[dict]:
    checks = []
    for name, keys, limit in QUERY_BUDGETS:
        most = {}
        for key in keys:
            per_size = [_m(data, size, key) for size in sizes]
            if all(m and "app" in m for m in per_size):
                most[key] = max(m["app"]["queries"] for m in per_size)
        if most:
            checks.append(
                _check(
                    f"{name}: at most {limit} queries at every size",
                    max(most.values()) <= limit,
                    ", ".join(f"{key} {count} q" for key, count in most.items()),
                )
            )
    return checks


def _single_targets(data: dict, large: int) -> list[dict]:
    checks = []
    volunteer, staff = _m(data, large, "volunteer_list"), _m(data, large, "staff_list_first")
    if volunteer and staff:
        ratio = volunteer["app"]["median_ms"] / max(staff["app"]["median_ms"], 0.001)
        checks.append(
            _check(
                f"Volunteer list within {VOLUNTEER_RATIO:g}x the staff list",
                ratio <= VOLUNTEER_RATIO,
                f"{ratio:.2f}x",
            )
        )
    for key, limit in (
        ("helpline_save", HELPLINE_MS),
        ("quarter_statistics", STATISTICS_MS),
        ("release_pack_pdf", RELEASE_PACK_MS),
    ):
        measured = _m(data, large, key)
        if measured:
            median = measured["app"]["median_ms"]
            checks.append(
                _check(
                    f"{measured['label']}: median under {limit:g} ms at {large:,}",
                    median < limit,
                    f"{median} ms",
                )
            )
    statistics = _m(data, large, "quarter_statistics")
    if statistics and "ratio_raw" in statistics:
        checks.append(
            _check(
                f"{statistics['label']}: within {STATISTICS_FLOOR_RATIO:g}x its raw SQL floor",
                statistics["ratio_raw"] <= STATISTICS_FLOOR_RATIO,
                f"{statistics['ratio_raw']}x at {large:,}",
            )
        )
    purge = _m(data, large, "purge")
    if purge and "cases_per_second" in purge:
        checks.append(
            _check(
                f"Purge: at least {PURGE_RATE:g} cases per second",
                purge["cases_per_second"] >= PURGE_RATE,
                f"{purge['cases_per_second']} cases/s ({purge['cases']} cases)",
            )
        )
        with_reclaim = purge["cases_per_second_with_reclaim"] / max(
            purge["cases_per_second"], 0.001
        )
        checks.append(
            _check(
                f"Purge with its space reclaimed: at least {PURGE_RECLAIM_RATIO:g}x the rate"
                " without",
                with_reclaim >= PURGE_RECLAIM_RATIO,
                f"{with_reclaim:.2f}x ({purge['cases_per_second_with_reclaim']} against"
                f" {purge['cases_per_second']} cases/s)",
            )
        )
        growth = list(purge["memory_growth_mb"].values())
        checks.append(
            _check(
                "Purge: memory flat as the batch grows",
                growth[-1] - growth[0] <= PURGE_MEMORY_SLACK_MB,
                " -> ".join(f"{k}: +{v} MB" for k, v in purge["memory_growth_mb"].items()),
            )
        )
    return checks


# --- Markdown -----------------------------------------------------------------


def _cell(measured: dict | None, part: str) -> str:
    if not measured or part not in measured:
        return "–"
    figures = measured[part]
    return f"{figures['median_ms']} / {figures['p95_ms']} ms, {figures['queries']} q"


def _ratio(measured: dict | None, key: str) -> str:
    return f"{measured[key]}x" if measured and key in measured else "–"


def _reference_line(sized: dict) -> str:
    reference = sized.get("cpu_reference_ms")
    if not reference:
        return ""
    return (
        f"Machine speed (a fixed pure-Python loop, lower is faster): {reference['before']} ms "
        f"before these measurements, {reference['after']} ms after."
    )


def _over(measured: dict | None) -> str:
    return f"{measured['over_raw_ms']} ms" if measured and "over_raw_ms" in measured else "–"


def _limit(measured: dict | None) -> str:
    return f"{measured['limit_ms']} ms" if measured and "limit_ms" in measured else "–"


def summary_table(data: dict) -> list[str]:
    """One row per measurement: its median at each size, its queries, and for a
    page with a floor its ratio to its limit at each size and the growth of
    App - raw from the smallest size to the largest (docs/performance.md)."""
    sizes = list(data["sizes"])
    first = data["sizes"][sizes[0]]["measurements"]
    header = (
        ["Median ms", "q"]
        + [f"{int(size):,}" for size in sizes]
        + ["Floor", "Limit"]
        + [f"App / limit {int(size):,}" for size in sizes]
        + ["App − raw growth"]
    )
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for key, measured in first.items():
        per_size = [data["sizes"][size]["measurements"].get(key) or {} for size in sizes]
        if not all("app" in m for m in per_size):
            continue
        last = per_size[-1]
        cells = [measured["label"], str(last["app"]["queries"])]
        cells += [str(m["app"]["median_ms"]) for m in per_size]
        cells.append(str(last["raw_sql"]["median_ms"]) if "raw_sql" in last else "–")
        cells.append(str(last.get("limit_ms", "–")))
        cells += [_ratio(m, "ratio_limit") for m in per_size]
        if len(per_size) > 1 and all("over_raw_ms" in m for m in per_size):
            growth = per_size[-1]["over_raw_ms"] / max(per_size[0]["over_raw_ms"], 0.001)
            cells.append(f"{growth:.2f}x")
        else:
            cells.append("–")
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def _throughput_lines(measured: dict | None) -> list[str]:
    """The throughput measurement's table (benchmarks/throughput.py), if it ran."""
    if not measured or "staff_mix" not in measured:
        return []
    server = measured["server"]
    lines = [
        "",
        f"Throughput on gunicorn ({server['workers']} workers x {server['threads']} threads), "
        f"{server['sessions']} signed-in sessions, {server['seconds']:g} s each: "
        f"staff mix / stock admin changelist {measured['ratio_median']}x at the median, "
        f"{measured['ratio_rps']}x the requests per second.",
        "",
        "| Load | Requests | Requests/s | p50 / p95 ms | Errors | Unexpected |",
        "|---|---|---|---|---|---|",
    ]
    for name, part in (("Staff mix", "staff_mix"), ("Stock admin changelist", "admin")):
        figures = measured[part]
        rows = [(f"**{name}**", figures)] + [
            (f"{name}: {kind}", kind_figures) for kind, kind_figures in figures["by_kind"].items()
        ]
        lines += [
            f"| {label} | {f['requests']:,} | {f.get('requests_per_second', '')} | "
            f"{f['median_ms']} / {f['p95_ms']} | {f['errors']} | {f['unexpected']} |"
            for label, f in rows
        ]
    return lines


def markdown(data: dict) -> str:
    env = data["environment"]
    machine = env["machine"]
    lines = [
        f"Benchmark of {env['date']}: {machine['cpu']}, {machine['cores']} cores, "
        f"{machine['memory_gb']} GB RAM, {machine['system']}; {env['database']}; "
        f"Python {env['python']}, Django {env['django']}; load average at the end "
        f"{', '.join(map(str, machine['load_average_at_end']))} (a shared machine). "
        f"{data['repeat']} timed runs per figure; median / 95th percentile server time, "
        "q = SQL queries (cases database + key store).",
        "",
    ]
    lines += ["### Summary", "", *summary_table(data), ""]
    for size, sized in data["sizes"].items():
        build = sized["build"]
        rows = build["rows"]
        lines += [
            f"### {int(size):,} cases",
            "",
            f"Built in {build['seconds']:,} s{' (reused)' if build['reused'] else ''}: "
            + ", ".join(f"{value:,} {name}" for name, value in rows.items())
            + ".",
            "",
            _reference_line(sized),
            "",
            "| Measurement | App | Raw SQL floor | Limit | App / limit | App / raw | App − raw"
            " | Django admin | App / admin |",
            "|---|---|---|---|---|---|---|---|---|",
        ]
        for measured in sized["measurements"].values():
            if "app" not in measured:
                continue
            lines.append(
                f"| {measured['label']} | {_cell(measured, 'app')} | "
                f"{_cell(measured, 'raw_sql')} | {_limit(measured)} | "
                f"{_ratio(measured, 'ratio_limit')} | {_ratio(measured, 'ratio_raw')} | "
                f"{_over(measured)} | {_cell(measured, 'admin')} | "
                f"{_ratio(measured, 'ratio_admin')} |"
            )
        purge = sized["measurements"].get("purge")
        if purge and "cases_per_second" in purge:
            memory = ", ".join(f"{k} +{v} MB" for k, v in purge["memory_growth_mb"].items())
            lines += [
                "",
                f"Purge of {purge['cases']:,} due cases: {purge['cases_per_second']} cases/s "
                f"({purge['destroy_seconds']} s, {purge['queries_per_case']} queries per case), "
                f"then reclaiming space {purge['reclaim_seconds']} s "
                f"({purge['cases_per_second_with_reclaim']} cases/s overall); "
                f"memory {memory}.",
            ]
        lines += _throughput_lines(sized["measurements"].get("throughput"))
        lines.append("")
    lines += ["### Targets", "", "| Target | Result | Measured |", "|---|---|---|"]
    lines += [f"| {c['target']} | {c['result']} | {c['detail']} |" for c in data["targets"]]
    return "\n".join(lines) + "\n"
