"""Builds a benchmark database of N cases with the shape of a real service.

Per case: 1-2 parents, 1-3 children, 5-30 contacts (most cases few), 1-3
consent decisions, audit history from its creation and several edits, and
access-log rows; anonymous contacts alongside; some cases assigned to
volunteers through the direct-FK guardian table; a tenth closed long enough
ago to be due for destruction (what the purge measurement destroys).

Written oldest first, as a live service writes them: case ids, and so every
table's rows, follow the date each case was opened. The tenth due for
destruction, the oldest, therefore sit together at the start of each table,
as they do in a database that grew one day at a time (docs/performance.md
compares this with the due cases scattered at random through every table).

Speed without cheating:
- every case gets its own data key, wrapped and stored in the key store as the
  app does; ``bulk_create`` runs each field's ``pre_save``, so every value is
  encrypted and blind-indexed exactly as in use;
- history and access-log rows are written set-based (``INSERT ... SELECT``
  from the rows just made), copying the ciphertext as simple-history would;
- one transaction per batch of cases.

Other apps plug in more rows per batch with ``register_step`` (see STEPS).
"""

import datetime
import random
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.contrib.auth.models import Permission
from django.db import connection, transaction
from django.utils import timezone
from faker import Faker

from benchmarks.history import copy_into_history, write_access_log
from cases.models import (
    AnonymousContact,
    Case,
    CaseUserObjectPermission,
    Child,
    Contact,
    Parent,
    SearchTerm,
    Topic,
    VolunteerAssignment,
)
from cases.search.indexing import search_terms_for
from consent.models import ConsentDecision
from pps import crypto
from pps.keystore.models import DataKey
from pps.models import Service, User
from retention.models import RetentionCategory

BATCH = 1000
PASSWORD = "benchmark-password-2026"
DUE_SHARE = 0.10  # closed 13+ years ago: past the 12-year schedule, due for the purge
VOLUNTEER_CASES = 60  # the measured volunteer's caseload, the same at every size


@dataclass
class World:
    """What every step needs: the service, its people, and a seeded random source."""

    service: Service
    staff: list[User]
    coordinator: User
    volunteer: User
    other_volunteers: list[User]
    superuser: User
    topics: list[Topic]
    today: datetime.date
    rnd: random.Random
    fake: Faker
    case_count: int
    view_case: Permission
    every_case_category: RetentionCategory
    counts: dict[str, int] = field(default_factory=dict)
    due_case_ids: list[int] = field(default_factory=list)

    def add(self, name: str, count: int) -> None:
        self.counts[name] = self.counts.get(name, 0) + count


Step = Callable[[World, list[Case]], None]


def _moment(day: datetime.date, rnd: random.Random) -> datetime.datetime:
    return datetime.datetime.combine(
        day, datetime.time(rnd.randint(8, 17), rnd.randint(0, 59)), tzinfo=datetime.UTC
    )


def _days_between(rnd: random.Random, start: datetime.date, end: datetime.date) -> datetime.date:
    return start + datetime.timedelta(days=rnd.randint(0, max((end - start).days, 0)))


# --- steps, each run once per batch of cases --------------------------------


def parents_and_children(world: World, cases: list[Case]) -> None:
    rnd, fake = world.rnd, world.fake
    parents, children = [], []
    for case in cases:
        family_name = fake.last_name()
        for index in range(rnd.choice((1, 1, 1, 2))):
            parents.append(
                Parent(
                    case=case,
                    given_name=fake.first_name(),
                    family_name=family_name,
                    relationship="mother" if index == 0 else "father",
                    parental_responsibility="yes",
                    phone=fake.cellphone_number(),
                    email=f"parent{case.pk}.{index}@example.com",
                    address=fake.street_address(),
                    postcode=fake.postcode(),
                    storage_agreed_on=case.opened_on,
                    storage_agreed_how="telephone",
                )
            )
        for _ in range(rnd.choice((1, 1, 2, 3))):
            age_days = rnd.randint(2 * 365, 18 * 365)
            children.append(
                Child(
                    case=case,
                    given_name=fake.first_name(),
                    family_name=family_name,
                    date_of_birth=case.opened_on - datetime.timedelta(days=age_days),
                )
            )
    Parent.objects.bulk_create(parents)
    Child.objects.bulk_create(children)
    # bulk_create skips the models' save, which writes the search digests (CAS-6).
    terms = SearchTerm.objects.bulk_create(search_terms_for([*parents, *children]))
    world.add("parents", len(parents))
    world.add("children", len(children))
    world.add("search terms", len(terms))


CONTACT_NOTES = (
    "Talked through the graduated approach and the SEN support plan.",
    "Parent asked about the annual review; explained timescales and rights.",
    "Helped prepare for the school meeting; sent the factsheet afterwards.",
)


def contacts(world: World, cases: list[Case]) -> None:
    rnd = world.rnd
    rows = []
    for case in cases:
        last_day = case.closed_on or world.today
        # 5 to 30 contacts, most cases towards the lower end.
        for _ in range(round(rnd.triangular(5, 30, 5))):
            rows.append(
                Contact(
                    case=case,
                    occurred_at=_moment(_days_between(rnd, case.opened_on, last_day), rnd),
                    channel=rnd.choice(("helpline", "helpline", "email", "in_person")),
                    topic=rnd.choice(world.topics),
                    outcome=rnd.choice(("advice", "information", "casework")),
                    staff=rnd.choice(world.staff),
                    notes=rnd.choice(CONTACT_NOTES),
                )
            )
    Contact.objects.bulk_create(rows)
    world.add("contacts", len(rows))


def consent_history(world: World, cases: list[Case]) -> None:
    rnd = world.rnd
    first, reviews = [], []
    for case in cases:
        decided = case.opened_on
        at = _moment(decided, rnd)
        kind = rnd.choice(("full", "full", "restricted"))
        first.append(
            ConsentDecision(
                case=case,
                kind=kind,
                roles=["school_senco"] if kind == "restricted" else [],
                obtained_how="telephone",
                decided_on=decided,
                effective_from=at,
                recorded_by=rnd.choice(world.staff),
                recorded_at=at,
                note="Consent explained and recorded during the call.",
            )
        )
    ConsentDecision.objects.bulk_create(first)
    for decision in first:
        # Reviews: a yearly confirmation for about half the cases.
        for years in range(1, rnd.choice((1, 1, 2, 3))):
            decided = decision.decided_on + datetime.timedelta(days=365 * years)
            if decided > world.today:
                break
            at = _moment(decided, rnd)
            reviews.append(
                ConsentDecision(
                    case_id=decision.case_id,
                    data_key_id=decision.data_key_id,
                    kind=decision.kind,
                    roles=decision.roles,
                    obtained_how="email",
                    decided_on=decided,
                    effective_from=at,
                    recorded_by=decision.recorded_by,
                    recorded_at=at,
                    note="Reviewed with the parent; no change.",
                    review_of=decision,
                )
            )
    ConsentDecision.objects.bulk_create(reviews)
    world.add("consent decisions", len(first) + len(reviews))


def volunteer_assignments(world: World, cases: list[Case]) -> None:
    rnd = world.rnd
    assignments, permissions = [], []
    for case in cases:
        if case.status != "open":
            continue
        if world.counts.get("assigned to measured volunteer", 0) < VOLUNTEER_CASES:
            volunteer = world.volunteer
            world.add("assigned to measured volunteer", 1)
        elif rnd.random() < 0.15:
            volunteer = rnd.choice(world.other_volunteers)
        else:
            continue
        assignments.append(
            VolunteerAssignment(case=case, volunteer=volunteer, assigned_by=world.coordinator)
        )
        permissions.append(
            CaseUserObjectPermission(
                user=volunteer, permission=world.view_case, content_object=case
            )
        )
    VolunteerAssignment.objects.bulk_create(assignments)
    CaseUserObjectPermission.objects.bulk_create(permissions)
    world.add("volunteer assignments", len(assignments))


def anonymous_contacts(world: World, cases: list[Case]) -> None:
    rnd = world.rnd
    rows = [
        AnonymousContact(
            service=world.service,
            occurred_at=_moment(world.today - datetime.timedelta(days=rnd.randint(0, 900)), rnd),
            channel="helpline",
            topic=rnd.choice(world.topics),
            outcome="advice",
            recorded_by=rnd.choice(world.staff),
        )
        for _ in range(len(cases) // 2)
    ]
    AnonymousContact.objects.bulk_create(rows)
    world.add("anonymous contacts", len(rows))


def retention_dates(world: World, cases: list[Case]) -> None:
    """What the daily purge run has stored for every closed case: its category and date."""
    from retention.models import CaseCategory, CaseRetention
    from retention.rules import add_years

    closed = [case for case in cases if case.closed_on is not None]
    CaseCategory.objects.bulk_create(
        CaseCategory(case=case, category=world.every_case_category) for case in closed
    )
    CaseRetention.objects.bulk_create(
        CaseRetention(
            case=case,
            last_closed_on=case.closed_on,
            destroy_on=add_years(case.closed_on, world.every_case_category.years),
        )
        for case in closed
    )
    world.add("retention dates", len(closed))


def audit_rows(world: World, cases: list[Case]) -> None:
    """History (creation, then 2-4 edits of each case) and access-log rows, set-based."""
    first, last = cases[0].pk, cases[-1].pk
    rows = copy_into_history(first, last, edits=3, users=[u.pk for u in world.staff])
    world.add("history rows", rows)
    world.add("access-log rows", write_access_log(world, first, last, per_case=5))


# Run in this order for every batch. A plug-in (runner.PLUGINS) adds its steps
# with register_step, before "audit" so its rows get history too, as the
# disclosure requests do: see docs/performance.md, "Adding a measurement".
STEPS: list[tuple[str, Step]] = [
    ("parents and children", parents_and_children),
    ("contacts", contacts),
    ("consent history", consent_history),
    ("volunteer assignments", volunteer_assignments),
    ("anonymous contacts", anonymous_contacts),
    ("retention dates", retention_dates),
    ("audit", audit_rows),
]


def register_step(name: str, step: Step, *, before: str = "audit") -> None:
    """Add a per-batch step (e.g. some disclosures per case) before ``before``."""
    names = [existing for existing, _ in STEPS]
    if name in names:
        STEPS[names.index(name)] = (name, step)
        return
    STEPS.insert(names.index(before), (name, step))


# --- the world and the cases -------------------------------------------------


def _caseworker(world: World, pk: int, drawn: User) -> User | None:
    """Most cases are held by a caseworker; one in 25 by the coordinator and one in 25
    by nobody, so the coordinator's home page lists their own and unassigned cases."""
    return {0: None, 1: world.coordinator}.get(pk % 25, drawn)


def make_world(case_count: int, seed: int = 10) -> World:
    from benchmarks.people import make_people
    from cases.services import topics_create_defaults
    from consent.roles import recipient_roles_ensure
    from retention.schedule import retention_categories_for

    service = Service.objects.create(code="bench", name="Benchmark SENDIASS")
    other = Service.objects.create(code="other", name="Another service")
    topics = topics_create_defaults(service=service)
    topics_create_defaults(service=other)
    recipient_roles_ensure(service=service)
    every_case = [c for c in retention_categories_for(service) if c.applies_to_every_case]
    fake = Faker("en_GB")
    fake.seed_instance(seed)
    people = make_people(service)
    return World(
        service=service,
        topics=topics,
        today=timezone.localdate(),
        rnd=random.Random(seed),
        fake=fake,
        case_count=case_count,
        view_case=Permission.objects.get(codename="view_case", content_type__app_label="cases"),
        every_case_category=every_case[0],
        **people,
    )


def _keys(count: int) -> list[uuid.UUID]:
    master_id = crypto.current_master_key_id()
    keys = {uuid.uuid4(): AESGCM.generate_key(bit_length=256) for _ in range(count)}
    DataKey.objects.bulk_create(
        DataKey(id=k, master_key_id=master_id, wrapped=crypto.wrap_data_key(v, k, master_id))
        for k, v in keys.items()
    )
    crypto.load_data_keys(keys)
    return list(keys)


def _years_ago(pk: int, case_count: int) -> float:
    """How long ago case ``pk`` was opened: ids follow the opening date, oldest first.

    The first DUE_SHARE of the ids were opened 16 to 14 years ago (closed soon
    after, so past the 12-year schedule); the rest spread evenly over the
    last 12 years.
    """
    position = (pk - 1) / max(case_count, 1)
    if position < DUE_SHARE:
        return 16 - 2 * position / DUE_SHARE
    return 12 * (1 - (position - DUE_SHARE) / (1 - DUE_SHARE))


def _cases(world: World, first_pk: int, count: int) -> list[Case]:
    rnd, today = world.rnd, world.today
    cases = []
    for pk, key_id in zip(range(first_pk, first_pk + count), _keys(count), strict=True):
        # Up to a week younger than its place in line: ids still nearly follow the dates,
        # and a case from the last 12 years never reaches the 12-year schedule.
        days = max(round(_years_ago(pk, world.case_count) * 365) - rnd.randint(0, 6), 0)
        opened = today - datetime.timedelta(days=days)
        if days > 13 * 365:
            closed = opened + datetime.timedelta(days=rnd.randint(30, 300))
            status = "closed"
            world.due_case_ids.append(pk)
        else:
            # Of all cases: 35% open, 5% archived, 50% closed and kept (and the tenth due).
            roll = rnd.uniform(DUE_SHARE, 1)
            status = "open" if roll < 0.45 else ("archived" if roll > 0.95 else "closed")
            closed = None if status == "open" else _days_between(rnd, opened, today)
        cases.append(
            Case(
                pk=pk,
                service=world.service,
                reference=Case.reference_for(pk, opened),
                status=status,
                opened_on=opened,
                closed_on=closed,
                archived_on=closed if status == "archived" else None,
                assigned_staff=_caseworker(world, pk, rnd.choice(world.staff)),
                summary="Enquiry about SEN support in school and the EHC needs assessment.",
                created_by=rnd.choice(world.staff),
                data_key_id=key_id,
            )
        )
    Case.objects.bulk_create(cases)
    return cases


def build(case_count: int, *, progress: Callable[[str], None] = print) -> World:
    """Fill the (empty, migrated) databases with ``case_count`` cases; returns the world."""
    started = time.perf_counter()
    world = make_world(case_count)
    for first in range(1, case_count + 1, BATCH):
        count = min(BATCH, case_count + 1 - first)
        with transaction.atomic(), transaction.atomic(using="keystore"):
            cases = _cases(world, first, count)
            for _name, step in STEPS:
                step(world, cases)
        world.add("cases", count)
        progress(f"{first + count - 1:>9,} cases ({time.perf_counter() - started:.0f} s)")
    # Fresh planner statistics, as any long-lived database has.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return world
