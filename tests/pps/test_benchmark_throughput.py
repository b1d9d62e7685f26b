"""The benchmark's throughput measurement runs end to end for a few seconds (never a timed assertion).

At 20 cases built into the test databases: gunicorn with deploy/gunicorn.conf.py
on a copy of them, 20 sessions signed in with both factors, the staff mix and
then the stock admin changelist. The figures are for docs/performance.md; the
test checks their shape, that every kind of request was made and that none
failed.
"""

import subprocess
import sys

import pytest

from benchmarks import report, runner
from benchmarks.builder import build
from benchmarks.measurements import MEASUREMENTS, Bench
from benchmarks.throughput import ADMIN_KINDS, SESSIONS, STAFF_KINDS, measure_throughput
from tests.pps.test_settings_and_sessions import production_env
from tests.security.scratch import ROOT, clean_environment

SECONDS = 3


@pytest.mark.soak  # a real server and 20 sessions, as the soak test
@pytest.mark.django_db(transaction=True)
def test_throughput_staff_mix_and_stock_admin_under_20_sessions_without_errors():
    runner.discover()
    build(20, progress=lambda line: None)

    result = measure_throughput(Bench(repeat=1, warmup=0), seconds=SECONDS)

    server = result["server"]
    assert server["sessions"] == SESSIONS == 20 and server["seconds"] == SECONDS
    assert server["workers"] >= 1 and server["threads"] >= 1
    for part, kinds in (("staff_mix", STAFF_KINDS), ("admin", ADMIN_KINDS)):
        figures = result[part]
        assert figures["errors"] == 0 and figures["unexpected"] == 0, (part, figures)
        assert figures["requests"] > 0 and figures["requests_per_second"] > 0
        assert 0 < figures["median_ms"] <= figures["p95_ms"]
        assert figures["seconds"] >= SECONDS
        assert list(figures["by_kind"]) == list(kinds)
        for kind, measured in figures["by_kind"].items():
            assert measured["requests"] > 0, (part, kind)
            assert measured["errors"] == measured["unexpected"] == 0, (part, kind)
        assert sum(m["requests"] for m in figures["by_kind"].values()) == figures["requests"]
    # Every search post was followed to its results page.
    by_kind = result["staff_mix"]["by_kind"]
    assert by_kind["search_results"]["requests"] == by_kind["surname_search"]["requests"]
    assert result["ratio_median"] > 0 and result["ratio_rps"] > 0

    lines = "\n".join(report._throughput_lines({"label": "Throughput", **result}))
    assert "| **Staff mix** |" in lines and "| **Stock admin changelist** |" in lines
    assert f"{SESSIONS} signed-in sessions" in lines


def test_throughput_runs_only_when_asked_for():
    throughput = next(m for m in MEASUREMENTS if m.key == "throughput")
    purge = next(m for m in MEASUREMENTS if m.key == "purge")
    assert throughput.opt_in and MEASUREMENTS[0] is throughput  # before anything writes
    assert not runner.chosen(throughput, [], set())
    assert runner.chosen(throughput, ["throughput"], set())
    assert runner.chosen(throughput, [], {"throughput"}) and runner.chosen(
        purge, [], {"throughput"}
    )
    assert runner.chosen(throughput, ["purge"], {"throughput"})
    assert not runner.chosen(purge, ["throughput"], set())


def test_the_benchmark_server_settings_refuse_production():
    """The admin site the throughput compares with is never mounted in production."""
    env = clean_environment(**production_env(), DJANGO_SETTINGS_MODULE="benchmarks.server_settings")
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "not production" in result.stderr
