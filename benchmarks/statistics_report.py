"""Benchmark (not a test): how long the statistics report takes at scale.

    PPS_DATA_DIR=/tmp/pps-bench .venv/bin/python benchmarks/statistics_report.py [--cases 5000]

Builds a throwaway SQLite database under PPS_DATA_DIR (refuses the default
var/ so the demo database is never touched), loads N cases spread over five
years with about 8 contacts and 1.5 children each plus anonymous contacts, then
prints the median time and query count of building one quarter's report, and
the time to render it as CSV and PDF. Rows are bulk-inserted; every case shares
one data key to keep loading fast, which does not change what the report reads.
"""

import argparse
import datetime
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pps.settings")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=5000)
    args = parser.parse_args()
    if not os.environ.get("PPS_DATA_DIR"):
        sys.exit("Set PPS_DATA_DIR to a throwaway folder.")

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from cases.models import AnonymousContact, Case, Child, Contact, Parent
    from cases.services import topics_create_defaults
    from cases.statistics.export import report_csv, report_pdf
    from cases.statistics.report import Period, build_report
    from pps.crypto import create_data_key
    from pps.models import Service
    from pps.services import user_create

    call_command("migrate", verbosity=0)
    call_command("migrate", database="keystore", verbosity=0)
    rnd = random.Random(8)
    service, created = Service.objects.get_or_create(code="bench", defaults={"name": "Bench"})
    if created:
        topics = topics_create_defaults(service=service)
        user = user_create(username="bench", password="x" * 20, service=service, role="staff")
        key = create_data_key()
        today = timezone.localdate()
        cases = Case.objects.bulk_create(
            Case(
                service=service,
                opened_on=today - datetime.timedelta(days=rnd.randint(0, 5 * 365)),
                summary="",
                created_by=user,
                data_key_id=key,
            )
            for _ in range(args.cases)
        )
        Parent.objects.bulk_create(
            Parent(
                case=case,
                given_name="A",
                family_name="B",
                relationship="mother",
                storage_agreed_on=case.opened_on,
                storage_agreed_how="telephone",
                data_key_id=key,
            )
            for case in cases
        )
        Child.objects.bulk_create(
            Child(
                case=case,
                given_name="C",
                family_name="B",
                date_of_birth=case.opened_on - datetime.timedelta(days=rnd.randint(700, 6500)),
                school_phase=rnd.choice(["early_years", "primary", "secondary", "post_16", ""]),
                data_key_id=key,
            )
            for case in cases
            for _ in range(rnd.choice([1, 1, 2]))
        )

        def moment(day):
            return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))

        Contact.objects.bulk_create(
            (
                Contact(
                    case=case,
                    occurred_at=moment(
                        case.opened_on + datetime.timedelta(days=rnd.randint(0, 200))
                    ),
                    channel=rnd.choice(["helpline", "helpline", "email", "voicemail", "in_person"]),
                    topic=rnd.choice(topics),
                    outcome=rnd.choice(["advice", "information", "signposted", "casework"]),
                    staff=user,
                    notes="",
                    data_key_id=key,
                )
                for case in cases
                for _ in range(8)
            ),
            batch_size=2000,
        )
        AnonymousContact.objects.bulk_create(
            (
                AnonymousContact(
                    service=service,
                    occurred_at=moment(today - datetime.timedelta(days=rnd.randint(0, 5 * 365))),
                    channel="helpline",
                    topic=rnd.choice(topics),
                    outcome="information",
                    recorded_by=user,
                )
                for _ in range(args.cases * 2)
            ),
            batch_size=2000,
        )
    period = Period.parse(f"{timezone.localdate().year - 1}-Q4")
    timings, queries = [], 0
    for _ in range(5):
        start = time.perf_counter()
        with CaptureQueriesContext(connection) as captured:
            report = build_report(service=service, period=period, threshold=5)
        timings.append(time.perf_counter() - start)
        queries = len(captured)
    start = time.perf_counter()
    report_csv(report)
    csv_ms = (time.perf_counter() - start) * 1000
    start = time.perf_counter()
    report_pdf(report)
    pdf_ms = (time.perf_counter() - start) * 1000
    print(
        f"{Case.objects.count()} cases, {Contact.objects.count()} contacts, "
        f"{AnonymousContact.objects.count()} anonymous contacts, {Child.objects.count()} children"
    )
    print(
        f"report for {period.code}: median {statistics.median(timings) * 1000:.0f} ms, "
        f"{queries} queries; CSV {csv_ms:.1f} ms; PDF {pdf_ms:.0f} ms"
    )


if __name__ == "__main__":
    main()
