"""The performance benchmark runs end to end at a tiny size (never a timed assertion).

It builds two small databases in child processes, measures every registered
measurement, and writes the JSON and Markdown reports; the figures themselves
are for docs/performance.md, not for the test suite.
"""

import json

import pytest
from django.core.management import call_command

from benchmarks.builder import DUE_SHARE, STEPS, _years_ago
from benchmarks.measurements import MEASUREMENTS
from benchmarks.report import HOME_MAX_QUERIES, LIMIT_RATIO, MAX_QUERIES, PAGES_WITH_FLOOR
from benchmarks.runner import discover
from cases.work.selectors import SHOWN

# Every plug-in's build steps and measurements, registered in the runner's order.
discover()

SIZES = (20, 40)


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    folder = tmp_path_factory.mktemp("benchmark")
    call_command(
        "benchmark",
        *(f"--cases={size}" for size in SIZES),
        "--repeat=2",
        "--warmup=1",
        f"--json={folder / 'result.json'}",
        f"--markdown={folder / 'result.md'}",
        stdout=open(folder / "stdout.txt", "w"),  # noqa: SIM115 - closed with the process
    )
    return json.loads((folder / "result.json").read_text()), (folder / "result.md").read_text()


@pytest.mark.slow  # builds two databases in child processes
def test_report_names_the_machine_database_and_versions(report):
    data, markdown = report
    environment = data["environment"]
    assert environment["machine"]["cores"] >= 1
    assert environment["database"].startswith("SQLite ")
    assert environment["python"] and environment["django"].startswith("6.")
    assert "load average" in markdown and environment["database"] in markdown
    for size in SIZES:
        reference = data["sizes"][str(size)]["cpu_reference_ms"]
        assert reference["before"] > 0 and reference["after"] > 0
    assert "Machine speed (a fixed pure-Python loop" in markdown


@pytest.mark.slow  # builds two databases in child processes
def test_every_measurement_reports_times_and_queries_at_every_size(report):
    data, _ = report
    assert list(data["sizes"]) == [str(size) for size in SIZES]
    for size in SIZES:
        measured = data["sizes"][str(size)]["measurements"]
        # The throughput (gunicorn under load) runs only when asked for.
        assert list(measured) == [m.key for m in MEASUREMENTS if not m.opt_in]
        for key, result in measured.items():
            if key == "purge":
                assert result["purged"] == result["cases"] > 0 and result["failed"] == 0
                assert result["cases_per_second"] > 0 and result["memory_growth_mb"]
                continue
            app = result["app"]
            assert app["runs"] == 2 and 0 < app["median_ms"] <= app["p95_ms"]
            assert app["queries"] > 0
            assert set(app["queries_by_database"]) == {"default", "keystore"}
        build = data["sizes"][str(size)]["build"]
        assert build["rows"]["cases"] == size and build["rows"]["history rows"] > size


@pytest.mark.slow  # builds two databases in child processes
def test_lists_compare_with_raw_sql_and_the_stock_admin(report):
    data, markdown = report
    measured = data["sizes"][str(SIZES[-1])]["measurements"]
    for key in ("staff_list_first", "staff_list_deep"):
        assert measured[key]["ratio_raw"] > 0 and measured[key]["ratio_admin"] > 0
    for key in ("surname_search", "case_detail", "volunteer_list"):
        assert measured[key]["ratio_raw"] > 0
    for key in ("staff_list_first", "staff_list_deep", "surname_search", "case_detail"):
        app, raw = measured[key]["app"]["median_ms"], measured[key]["raw_sql"]["median_ms"]
        assert measured[key]["over_raw_ms"] == pytest.approx(app - raw, abs=0.01)
    assert "| App / raw | App − raw |" in markdown
    assert "| Staff case list, first page |" in markdown and "### Targets" in markdown


@pytest.mark.slow  # builds two databases in child processes
def test_each_page_has_a_limit_of_the_baseline_and_its_floor_measured_in_the_same_run(report):
    data, markdown = report
    for size in SIZES:
        measured = data["sizes"][str(size)]["measurements"]
        baseline = measured["baseline"]["app"]["median_ms"]
        for key in PAGES_WITH_FLOOR:
            page = measured[key]
            limit = baseline + page["raw_sql"]["median_ms"]
            assert page["limit_ms"] == pytest.approx(limit, abs=0.01), key
            assert page["ratio_limit"] == pytest.approx(page["app"]["median_ms"] / limit, abs=0.01)
        # The casework pages' floor is what they read beyond the baseline's reads.
        for key in ("case_tasks", "parent_edit"):
            assert measured[key]["pages"] > 0
            assert 0 < measured[key]["raw_sql"]["queries"] < measured[key]["app"]["queries"]
    targets = {c["target"]: c for c in data["targets"]}
    for key in PAGES_WITH_FLOOR:
        label = data["sizes"][str(SIZES[-1])]["measurements"][key]["label"]
        within = targets[
            f"{label}: within {LIMIT_RATIO:g}x its limit (baseline + raw SQL) at every size"
        ]
        assert within["result"] in ("PASS", "MISS") and within["detail"].count("x") == len(SIZES)
        assert any(name.startswith(f"{label}: App - raw at ") for name in targets)
    assert any(name.startswith("Purge with its space reclaimed") for name in targets)
    assert "| Limit | App / limit |" in markdown


@pytest.mark.slow  # builds two databases in child processes
def test_page_query_counts_do_not_grow_with_the_data(report):
    data, _ = report
    small, large = (data["sizes"][str(size)]["measurements"] for size in SIZES)
    for key in ("staff_list_first", "surname_search", "case_detail", "volunteer_list"):
        assert small[key]["app"]["queries"] == large[key]["app"]["queries"], key
    # CAS-4: each home page within its budget however much data, tasks included.
    for key in ("staff_home", "coordinator_home"):
        assert small[key]["app"]["queries"] == large[key]["app"]["queries"], key
        assert large[key]["app"]["queries"] <= HOME_MAX_QUERIES, key
    constant = {
        c["target"]: c["result"] for c in data["targets"] if "constant queries" in c["target"]
    }
    assert constant and all(result in ("PASS", "MISS") for result in constant.values())


@pytest.mark.slow  # builds two databases in child processes
def test_disclosures_are_built_and_the_release_pack_is_measured(report):
    data, markdown = report
    assert "disclosures" in [name for name, _ in STEPS]
    for size in SIZES:
        built = data["sizes"][str(size)]["build"]["rows"]
        assert built["disclosure requests"] > 0
        # Every request has at least its "logged" row, most several.
        assert built["disclosure log rows"] > built["disclosure requests"]
        pack = data["sizes"][str(size)]["measurements"]["release_pack_pdf"]
        assert pack["items"] == 50 and pack["app"]["median_ms"] > 0
    assert "| 50-item release pack PDF |" in markdown


@pytest.mark.slow  # builds two databases in child processes
def test_cas4_cas5_home_pages_are_measured_with_the_tasks_built(report):
    """The home pages are measured with their task sections full: staff1's page
    shows the tasks the build made due today or overdue for them, the
    coordinator's at least the service's overdue ones."""
    data, _ = report
    assert "tasks" in [name for name, _ in STEPS]
    for size in SIZES:
        built = data["sizes"][str(size)]["build"]["rows"]
        measured = data["sizes"][str(size)]["measurements"]
        mine = built["staff1's tasks due today or overdue"]
        assert 0 < mine <= built["staff1's open tasks"] <= built["open tasks"] < built["tasks"]
        staff_tasks = measured["staff_home"]["sections"]["tasks"]
        assert staff_tasks == {"total": mine, "rows": min(mine, SHOWN)}
        service_tasks = measured["coordinator_home"]["sections"]["tasks"]
        assert service_tasks["total"] >= built["overdue tasks"] > 0
        assert service_tasks["rows"] == min(service_tasks["total"], SHOWN)
        # The floor is the sections' own SQL: one statement per section.
        for key in ("staff_home", "coordinator_home"):
            home = measured[key]
            assert home["ratio_raw"] > 0
            assert 0 < home["raw_sql"]["queries"] <= len(home["sections"])


@pytest.mark.slow  # builds two databases in child processes
def test_ret3_the_purge_destroys_the_due_cases_tasks_and_their_history(report):
    data, _ = report
    for size in SIZES:
        built = data["sizes"][str(size)]["build"]["rows"]
        purge = data["sizes"][str(size)]["measurements"]["purge"]
        assert built["tasks on cases due for destruction"] > 0
        assert purge["purged"] == purge["cases"] and purge["failed"] == 0
        assert purge["left_behind"] == {"tasks": 0, "task history": 0}


@pytest.mark.slow  # builds two databases in child processes
def test_cas4_cas6_query_budgets_are_printed_targets(report):
    data, markdown = report
    budgets = {c["target"]: c for c in data["targets"] if "at every size" in c["target"]}
    home = budgets[f"Each home page (CAS-4): at most {HOME_MAX_QUERIES} queries at every size"]
    search = budgets[f"Search (CAS-6): at most {MAX_QUERIES} queries at every size"]
    assert home["result"] == search["result"] == "PASS"
    assert "staff_home" in home["detail"] and "coordinator_home" in home["detail"]
    assert "soundalike_search" in search["detail"]
    assert "| Each home page (CAS-4): at most 16 queries at every size | PASS |" in markdown


def test_cases_are_built_oldest_first_with_the_due_tenth_at_the_start():
    """As a live database grows: ids follow the opening date, so the cases due for
    destruction (the oldest) sit together at the start of every table."""
    ages = [_years_ago(pk, 1000) for pk in range(1, 1001)]
    assert ages == sorted(ages, reverse=True)
    past_schedule = [age for age in ages if age > 13]
    assert len(past_schedule) == 1000 * DUE_SHARE
    assert ages[: len(past_schedule)] == past_schedule
    assert max(ages[len(past_schedule) :]) <= 12
