"""Performance at scale: build databases of 1,000 / 10,000 / 100,000 cases and measure.

    python manage.py benchmark                       # SQLite, the three sizes
    python manage.py benchmark --cases 1000 --cases 10000 --reuse
    scripts/with-postgres python manage.py benchmark --database-url "$DATABASE_URL"

Each size is built and measured in a child process of its own, against
databases made for the benchmark (temporary SQLite files, or databases
created on the PostgreSQL server given); the developer's database is never
opened. Prints a Markdown table and writes it and a JSON file. See
docs/performance.md for what is measured and the targets.
"""

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from benchmarks import report
from benchmarks.databases import PostgresTarget, SqliteTarget, schema_hash

DEFAULT_SIZES = (1_000, 10_000, 100_000)


class Command(BaseCommand):
    help = "Measure the main screens, the purge and the statistics at 1k/10k/100k cases."

    def add_arguments(self, parser):
        parser.add_argument(
            "--cases", type=int, action="append", help="A size to measure (repeatable)."
        )
        parser.add_argument("--repeat", type=int, default=30, help="Timed runs per measurement.")
        parser.add_argument("--warmup", type=int, default=3, help="Untimed runs first.")
        parser.add_argument("--only", action="append", default=[], help="Only this measurement.")
        parser.add_argument(
            "--throughput",
            type=float,
            metavar="SECONDS",
            help="Also measure throughput on gunicorn (20 sessions), each phase this long; "
            "`--only throughput` alone runs it for 60 s.",
        )
        parser.add_argument(
            "--database-url",
            help="A PostgreSQL server (postgres://user@host:port/any) to create the "
            "benchmark databases on; default: temporary SQLite files.",
        )
        parser.add_argument(
            "--reuse",
            action="store_true",
            help="Keep built databases (keyed by size and schema) and use them next time.",
        )
        parser.add_argument("--json", dest="json_path", help="Write the results here as JSON.")
        parser.add_argument("--markdown", dest="markdown_path", help="Write the table here.")
        # Internal: what the child process for one size does.
        parser.add_argument("--phase", choices=["build", "measure"], help="(internal)")
        parser.add_argument("--result", help="(internal)")

    def handle(self, *args, **options):
        if options["phase"]:
            return self._child(options)
        sizes = sorted(set(options["cases"] or DEFAULT_SIZES))
        if min(sizes) < 20:
            raise CommandError("Use at least 20 cases per size.")
        started = time.time()
        with tempfile.TemporaryDirectory(prefix="pps-benchmark-") as work:
            results = {size: self._one_size(size, Path(work), options) for size in sizes}
        data = report.assemble(
            results,
            database_url=options["database_url"],
            repeat=options["repeat"],
            elapsed=time.time() - started,
        )
        markdown = report.markdown(data)
        self.stdout.write(markdown)
        if options["json_path"]:
            Path(options["json_path"]).write_text(json.dumps(data, indent=2) + "\n")
        if options["markdown_path"]:
            Path(options["markdown_path"]).write_text(markdown)

    # --- the parent: one size -------------------------------------------------

    def _targets(self, size: int, work: Path, options):
        key = f"{schema_hash()}-{size}"
        cache = Path(settings.DATA_DIR) / "benchmark-cache"
        if options["database_url"]:
            url = options["database_url"]
            built = PostgresTarget(url, f"pps_bench_cache_{key.replace('-', '_')}", cache)
            scratch = PostgresTarget(url, f"pps_bench_work_{size}", work)
        else:
            built = SqliteTarget(cache / key)
            scratch = SqliteTarget(work / str(size))
        return built, scratch

    def _one_size(self, size: int, work: Path, options) -> dict:
        cached, scratch = self._targets(size, work, options)
        build_target = cached if options["reuse"] else scratch
        reused = options["reuse"] and cached.exists()
        if not reused:
            self.stdout.write(f"Building {size:,} cases ...")
            build_target.prepare()
            self._run_child(build_target, "build", size, build_target.record, options)
        if options["reuse"]:
            cached.copy_to(scratch)
        build = json.loads(scratch.record.read_text())
        self.stdout.write(f"Measuring {size:,} cases ...")
        measured = work / f"measured-{size}.json"
        try:
            self._run_child(scratch, "measure", size, measured, options)
        finally:
            scratch.remove()
        return {**json.loads(measured.read_text()), "build": {**build, "reused": reused}}

    def _run_child(self, target, phase: str, size: int, result: Path, options) -> None:
        command = [
            sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), "benchmark",
            "--phase", phase, "--cases", str(size), "--result", str(result),
            "--repeat", str(options["repeat"]), "--warmup", str(options["warmup"]),
            *(f"--only={key}" for key in options["only"]),
            *([f"--throughput={options['throughput']}"] if options["throughput"] else []),
        ]  # fmt: skip
        env = {**os.environ, **target.env(), "DJANGO_LOG_LEVEL": "WARNING"}
        completed = subprocess.run(command, env=env, check=False)  # noqa: S603 - this program
        if completed.returncode:
            raise CommandError(f"The {phase} step for {size:,} cases failed (see above).")

    # --- the child --------------------------------------------------------------

    def _child(self, options) -> None:
        from benchmarks import runner

        size, result = options["cases"][0], Path(options["result"])

        def write(line: str) -> None:
            self.stdout.write(line)
            self.stdout.flush()

        if options["phase"] == "build":
            runner.build_phase(size, result, write)
        else:
            runner.measure_phase(
                size,
                repeat=options["repeat"],
                warmup=options["warmup"],
                only=options["only"],
                result=result,
                write=write,
                throughput=options["throughput"],
            )
