"""Benchmark: the helpline's search-as-you-type and save requests with 50,000 cases.

    .venv/bin/python benchmarks/helpline.py [--cases 50000] [--runs 60]

Builds a throwaway SQLite database pair (cases and key store) in a temporary
directory, loads N cases (each with a parent, a child and a contact, encrypted
under its own data key, surnames drawn from Faker's en_GB list so common ones
match hundreds of parents), then sends requests through Django's full stack
(middleware, access log, templates) with the test client and prints the median
server time of each and the SQL queries it makes. Not part of `make test`.

The rows are bulk-inserted: ``bulk_create`` still runs the fields' ``pre_save``,
so every value is encrypted and blind-indexed exactly as in use; only the audit
history rows (not read by these requests) are skipped.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BATCH = 2000


def configure(directory: str) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ["DATABASE_URL"] = f"sqlite:///{directory}/pps.sqlite3"
    os.environ["KEYSTORE_DATABASE_URL"] = f"sqlite:///{directory}/keystore.sqlite3"
    os.environ["DJANGO_SETTINGS_MODULE"] = "pps.settings"
    os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("migrate", database="keystore", verbosity=0)


def build(case_count: int):
    """Service, a staff member and ``case_count`` cases; returns (staff, surnames, case ids)."""
    import datetime
    import random

    from cryptography.hazmat.primitives.ciphers.aead import AESGCM
    from faker import Faker

    from cases.models import Case, Child, Contact, Parent, SearchTerm
    from cases.search.indexing import search_terms_for
    from cases.services import topics_create_defaults
    from pps import crypto
    from pps.keystore.models import DataKey
    from pps.models import Service
    from pps.services import user_create

    fake = Faker("en_GB")
    fake.seed_instance(50_000)
    rnd = random.Random(50_000)
    service = Service.objects.create(code="bench", name="Benchmark SENDIASS")
    topics = topics_create_defaults(service=service)
    staff = user_create(
        username="bench.staff",
        password="benchmark-password-2026",
        service=service,
        role="staff",
        first_name="Bench",
        last_name="Mark",
    )
    master_id = crypto.current_master_key_id()
    today = datetime.date.today()
    surnames: list[str] = []
    for start in range(1, case_count + 1, BATCH):
        ids = range(start, min(start + BATCH, case_count + 1))
        keys = {}
        for _ in ids:
            key_id = uuid.uuid4()
            keys[key_id] = AESGCM.generate_key(bit_length=256)
        DataKey.objects.bulk_create(
            DataKey(id=k, master_key_id=master_id, wrapped=crypto.wrap_data_key(v, k, master_id))
            for k, v in keys.items()
        )
        crypto.load_data_keys(keys)
        cases = []
        for pk, key_id in zip(ids, keys, strict=True):
            opened = today - datetime.timedelta(days=rnd.randint(0, 3650))
            cases.append(
                Case(
                    pk=pk,
                    service=service,
                    reference=Case.reference_for(pk, opened),
                    status="open" if rnd.random() < 0.4 else "closed",
                    opened_on=opened,
                    closed_on=None,
                    summary="Enquiry about SEN support in school.",
                    created_by=staff,
                    data_key_id=key_id,
                )
            )
        for case in cases:
            if case.status == "closed":
                case.closed_on = case.opened_on
        Case.objects.bulk_create(cases)
        parents, children, contacts = [], [], []
        for case in cases:
            family_name = fake.last_name()
            surnames.append(family_name)
            parents.append(
                Parent(
                    case=case,
                    given_name=fake.first_name(),
                    family_name=family_name,
                    relationship="mother",
                    parental_responsibility="yes",
                    phone=fake.cellphone_number(),
                    email=f"parent{case.pk}@example.com",
                    address=fake.street_address(),
                    postcode=fake.postcode(),
                    storage_agreed_on=case.opened_on,
                    storage_agreed_how="telephone",
                )
            )
            children.append(
                Child(
                    case=case,
                    given_name=fake.first_name(),
                    family_name=family_name,
                    date_of_birth=today - datetime.timedelta(days=rnd.randint(2 * 365, 20 * 365)),
                )
            )
            contacts.append(
                Contact(
                    case=case,
                    occurred_at=fake.date_time_between("-3y", "now", tzinfo=datetime.UTC),
                    channel="helpline",
                    topic=rnd.choice(topics),
                    outcome="advice",
                    staff=staff,
                    notes="Talked through the graduated approach and the SEN support plan.",
                )
            )
        Parent.objects.bulk_create(parents)
        Child.objects.bulk_create(children)
        # bulk_create skips the models' save, which writes the search digests (CAS-6).
        SearchTerm.objects.bulk_create(search_terms_for([*parents, *children]))
        Contact.objects.bulk_create(contacts)
        print(f"  {ids[-1]:>7,} cases loaded", end="\r", flush=True)
    print()
    return staff, topics, surnames


def measure(label: str, runs: int, send) -> None:
    """Run ``send(i)`` ``runs`` times (after one warm-up) and print the median and queries."""
    from django.db import connections
    from django.test.utils import CaptureQueriesContext

    send(-1)
    timings, queries = [], []
    for i in range(runs):
        with (
            CaptureQueriesContext(connections["default"]) as default,
            CaptureQueriesContext(connections["keystore"]) as keystore,
        ):
            started = time.perf_counter()
            send(i)
            timings.append(time.perf_counter() - started)
        queries.append((len(default), len(keystore)))
    median_ms = statistics.median(timings) * 1000
    p90_ms = statistics.quantiles(timings, n=10)[-1] * 1000
    # Counts vary: the idle-lock middleware saves the session at most every 15 s
    # (+3 queries), and a data key not yet cached costs one key-store query.
    query_counts = sorted(set(queries))
    print(
        f"{label:<44} median {median_ms:6.1f} ms   p90 {p90_ms:6.1f} ms   "
        f"SQL queries (cases db, key store): {', '.join(f'{d}+{k}' for d, k in query_counts)}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=60)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="pps-bench-") as directory:
        configure(directory)
        from collections import Counter

        from django.test import Client
        from django.urls import reverse
        from django.utils import timezone

        from cases.models import Case, Parent
        from pps import crypto

        print(f"Building {args.cases:,} cases in {directory} ...")
        started = time.perf_counter()
        staff, topics, surnames = build(args.cases)
        print(f"Built in {time.perf_counter() - started:.0f} s.")
        counts = Counter(surnames)
        common = [name for name, _ in counts.most_common(args.runs)]
        print(
            f"Searched surnames match {min(counts[n] for n in common)} to "
            f"{max(counts[n] for n in common)} parents each (most common first)."
        )
        client = Client()
        client.force_login(staff)
        matches, caller = reverse("helpline:matches"), reverse("helpline:caller")
        crypto.forget_cached_keys()  # start cold, as a fresh server process would

        def search(i: int) -> None:
            response = client.post(matches, {"family_name": common[i % len(common)]})
            assert response.status_code == 200 and b"matching case" in response.content

        postcodes = list(
            Parent.objects.order_by("?").values_list("case_id", flat=True)[: args.runs + 1]
        )
        by_case = {p.case_id: p.postcode for p in Parent.objects.filter(case_id__in=postcodes)}
        references = dict(Case.objects.filter(pk__in=postcodes).values_list("pk", "reference"))

        def search_two(i: int) -> None:
            case_id = postcodes[i]
            response = client.post(
                matches,
                {"family_name": surnames[case_id - 1], "postcode": by_case[case_id]},
            )
            assert references[case_id].encode() in response.content

        targets = list(Case.objects.filter(status="open").values_list("pk", flat=True)[:200])

        def post_call(**fields) -> None:
            response = client.post(
                caller,
                {
                    "submission_id": str(uuid.uuid4()),
                    "channel": "helpline",
                    "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
                    "topic": str(topics[0].pk),
                    "outcome": "advice",
                    "action": "save",
                    **fields,
                },
            )
            assert response.status_code == 302, response.status_code

        def save(i: int) -> None:
            post_call(
                case_choice=str(targets[i % len(targets)]),
                notes="Benchmark call: parent asked about the annual review.",
            )

        def save_new(i: int) -> None:
            post_call(
                case_choice="new",
                notes="Benchmark call from a new parent.",
                family_name="Benchmarkworth",
                given_name="Ada",
                relationship="mother",
                parental_responsibility="yes",
                storage_agreed_on=timezone.localdate().isoformat(),
                storage_agreed_how="telephone",
                child_given_name="Ben",
                child_date_of_birth="2016-05-04",
            )

        print(f"\n{args.runs} requests each, {args.cases:,} cases:")
        measure("Search as you type (common surname)", args.runs, search)
        measure("Search as you type (surname + postcode)", args.runs, search_two)
        measure("Save a contact on a found case", args.runs, save)
        measure("Save a call opening a new case", args.runs, save_new)


if __name__ == "__main__":
    main()
