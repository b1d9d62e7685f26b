"""What needs each person today (CAS-4): the home page's sections, one selector each.

A section is a list produced by one selector function. The home page shows the
first few rows of each with the length of the whole list, and "see all" opens
the same selector's list page: the count shown and the list it links to are
the same query, so they cannot disagree.

Every selector reads through the access helpers (``visible_cases`` and the
areas' own ``visible_*`` lists), so a section never shows a case the user could
not open. Staff sections are the user's own work (cases assigned to them);
coordinators get those and the service-wide ones below them.

This is, with the case page, a place where the case record reads upward
(consent, requests for information, safeguarding): the home page gathers
every area's reminders, as docs/architecture.md says.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import connections, models, router
from django.db.models import (
    BooleanField,
    Count,
    DateTimeField,
    ExpressionWrapper,
    F,
    Q,
    QuerySet,
    Value,
    Window,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce, RowNumber
from django.utils import timezone

from cases.access import on_visible_cases, visible_cases
from cases.letters.services import cases_missing_a_statement
from cases.models import Case, Task
from consent.models import ConsentSettings
from consent.selectors import cases_with_consent_in_force
from disclosure.access import visible_disclosures
from disclosure.due_dates import DUE_SOON_WORKING_DAYS, add_working_days
from disclosure.models import OPEN_STATES, DisclosureRequest
from disclosure.safeguarding.access import WAITING, override_list
from disclosure.safeguarding.models import ChildProtectionOverride
from governance.access import breaches_due  # GOV-6: (breach, clock) pairs, past or within 24 h
from pps.dates import add_months, start_of_day
from pps.fields import encrypted_field_names
from pps.models import User
from pps.roles import CASE_WORKER_ROLES, Role
from pps.training.records import TrainingStatus, staff_training_statuses
from pps.volunteers.onboarding import OnboardingStatus, onboarding_statuses

# Rows of each section shown on the home page; "see all" lists the rest.
SHOWN = 5


def my_open_cases(user: User) -> QuerySet[Case]:
    """Open cases assigned to the user, newest first."""
    return (
        visible_cases(user)
        .filter(status=Case.Status.OPEN, assigned_staff=user)
        .order_by("-opened_on", "-id")
    )


def tasks_due(user: User) -> QuerySet[Task]:
    """Open tasks due by the end of today (CAS-5), the most overdue first: a
    caseworker's own; for a coordinator, also everyone's overdue tasks in the
    service. One list, so the coordinator's home page reads it once."""
    now = timezone.now()
    end_of_today = start_of_day(timezone.localdate(now) + datetime.timedelta(days=1))
    mine_due = Q(owner=user, due_at__lt=end_of_today)
    due = mine_due | Q(due_at__lt=now) if user.role == Role.COORDINATOR else mine_due
    return (
        on_visible_cases(user, Task.objects.filter(state=Task.State.OPEN))
        .filter(due)
        .select_related("case", "owner")
        .order_by("due_at", "pk")
    )


def _review_interval_bounds() -> tuple[int, int]:
    field = ConsentSettings._meta.get_field("review_interval_months")
    low = max(v.limit_value for v in field.validators if isinstance(v, MinValueValidator))
    high = min(v.limit_value for v in field.validators if isinstance(v, MaxValueValidator))
    return low, high


def my_consent_reviews_due(user: User) -> QuerySet[Case]:
    """The user's open cases whose consent is due for review (CON-5), oldest first.

    The rule of ``consent.selectors.reviews_due`` (the decision in force took
    effect a review interval ago or more), with the service's interval read in
    the same statement: the cut-off for every interval the settings allow is
    worked out here and the database picks the service's, so the section costs
    one query like the others (the home page's budget, CAS-4).
    """
    today = timezone.localdate()
    default = ConsentSettings._meta.get_field("review_interval_months").default
    low, high = _review_interval_bounds()

    def cutoff(months: int) -> datetime.datetime:
        return start_of_day(add_months(today, -months) + datetime.timedelta(days=1))

    cutoffs = {months: cutoff(months) for months in range(low, high + 1)}
    return (
        cases_with_consent_in_force(user)
        .filter(assigned_staff=user)
        .annotate(
            review_before=Coalesce(
                _service_review_cutoff(user.service_id, cutoffs),
                Value(cutoff(default)),
            )
        )
        .filter(consent_effective_from__lt=F("review_before"))
        .order_by("consent_effective_from", "pk")
    )


def _service_review_cutoff(service_id: int, cutoffs: dict[int, datetime.datetime]) -> RawSQL:
    """The service's settings row turned into its cut-off: ``CASE months WHEN 1
    THEN ... END``, one uncorrelated subquery the database reads once (none if
    the service has no settings row). Written as SQL because the ORM takes
    40 ms to build a CASE of 36 branches, on every page."""
    connection = connections[router.db_for_read(ConsentSettings)]
    quote, adapt = connection.ops.quote_name, connection.ops.adapt_datetimefield_value
    meta = ConsentSettings._meta
    months = quote(meta.get_field("review_interval_months").column)
    service = quote(meta.get_field("service").column)
    branches = " ".join(["WHEN %s THEN %s"] * len(cutoffs))
    # Quoted names from the model and placeholders only: every value is a parameter.
    table = quote(meta.db_table)
    sql = f"SELECT CASE {months} {branches} END FROM {table} WHERE {service} = %s"  # noqa: S608
    params = [value for m, day in cutoffs.items() for value in (m, adapt(day))]
    return RawSQL(sql, (*params, service_id), output_field=DateTimeField())  # noqa: S611


def my_requests_due_soon(
    user: User, *, today: datetime.date | None = None
) -> QuerySet[DisclosureRequest]:
    """Open requests for information on the user's cases that are overdue or due
    within five working days (DIS-1's "due soon"), soonest first.

    ``due_on`` before the sixth working day from today is the same test as
    ``disclosure.due_dates.urgency``: a weekend before that day still counts as
    within five working days.
    """
    today = today or timezone.localdate()
    before = add_working_days(today, DUE_SOON_WORKING_DAYS + 1)
    return (
        visible_disclosures(user)
        .filter(state__in=OPEN_STATES, case__assigned_staff=user, due_on__lt=before)
        .select_related("case")
        .order_by("due_on", "id")
    )


def my_statements_to_send(user: User) -> QuerySet[Case]:
    """The user's open cases where a parent has not been sent the privacy statement (COM-4)."""
    return cases_missing_a_statement(user).filter(assigned_staff=user)


def unassigned_cases(user: User) -> QuerySet[Case]:
    """Open cases of the service with no caseworker, oldest first."""
    return (
        visible_cases(user)
        .filter(status=Case.Status.OPEN, assigned_staff__isnull=True)
        .order_by("opened_on", "id")
    )


def coordinators_cases_at_once(user: User, shown: int = SHOWN) -> dict[str, tuple[list, int]]:
    """A coordinator's "my-cases" and "unassigned" sections in one query, for the
    home page's query budget (CAS-4): the first ``shown`` rows of each and each
    list's length. Same filters and orders as ``my_open_cases`` and
    ``unassigned_cases`` (which the list pages use): the two never share a case,
    so each is one partition of a window over both."""
    unassigned = Q(assigned_staff__isnull=True)
    rows = list(
        without_encrypted_columns(visible_cases(user))
        .filter(status=Case.Status.OPEN)
        .filter(Q(assigned_staff=user) | unassigned)
        .annotate(
            is_unassigned=ExpressionWrapper(unassigned, output_field=BooleanField()),
            position=Window(
                RowNumber(),
                partition_by=[F("is_unassigned")],
                # Oldest first when unassigned, newest first when the user's own.
                order_by=[
                    models.Case(models.When(unassigned, then=F("opened_on"))).asc(),
                    models.Case(models.When(unassigned, then=F("id"))).asc(),
                    models.Case(models.When(~unassigned, then=F("opened_on"))).desc(),
                    models.Case(models.When(~unassigned, then=F("id"))).desc(),
                ],
            ),
            listed_total=Window(Count("*"), partition_by=[F("is_unassigned")]),
        )
        .filter(position__lte=shown)
        .order_by("is_unassigned", "position")
    )
    found = {"my-cases": ([], 0), "unassigned": ([], 0)}
    for key, unassigned_rows in (("my-cases", False), ("unassigned", True)):
        part = [case for case in rows if case.is_unassigned == unassigned_rows]
        found[key] = (part, part[0].listed_total if part else 0)
    return found


def overrides_waiting(user: User) -> QuerySet[ChildProtectionOverride]:
    """Child-protection overrides no coordinator has reviewed yet (DIS-7), oldest first."""
    return override_list(user, status=WAITING).order_by("shared_at", "id")


def paper_files_to_shred(user: User) -> QuerySet[Case]:
    """Closed and archived cases whose paper file is not recorded as shredded a
    year after the case closed (GOV-8, policy 002), longest closed first. Only
    cases with a paper file recorded: many cases never have one."""
    year_ago = add_months(timezone.localdate(), -12)
    return (
        visible_cases(user)
        .exclude(status=Case.Status.OPEN)
        .filter(
            closed_on__lte=year_ago,
            paper_file__isnull=False,
            paper_file__shredded_on__isnull=True,
        )
        .order_by("closed_on", "id")
    )


def volunteers_to_follow_up(user: User) -> list[OnboardingStatus]:
    """Active volunteers with no signed agreement or training, or a refresher
    overdue or due soon (ACC-4): everyone the volunteers' page does not call ready."""
    if user.role != Role.COORDINATOR:
        return []
    return [
        status
        for status in onboarding_statuses(user.service_id)
        if not status.ready or status.refresher_due_soon
    ]


def staff_training_to_follow_up(user: User) -> list[TrainingStatus]:
    """Staff and coordinators with no data-protection and FOI training recorded,
    or a refresher overdue or due soon (GOV-1)."""
    if user.role != Role.COORDINATOR:
        return []
    return [s for s in staff_training_statuses(user.service_id) if s.needs_follow_up]


@dataclass(frozen=True)
class Section:
    key: str  # in the URL of its list page
    title: str
    rows: Callable[[User], QuerySet | list]
    roles: frozenset
    kind: str  # which row template draws it: templates/cases/work/_<kind>_rows.html
    empty: str
    logs_cases: bool = True  # its rows name cases: the listing is logged (ACC-6)


COORDINATOR = frozenset({Role.COORDINATOR})

# The home page, in order. A new reminder is one line here and one selector above.
SECTIONS: list[Section] = [
    Section(
        "my-cases", "Your open cases", my_open_cases, CASE_WORKER_ROLES, "case",
        "No open case is assigned to you.",
    ),
    Section(
        "tasks", "Tasks due today and overdue", tasks_due, CASE_WORKER_ROLES, "task",
        "No task is due today or overdue.",
    ),
    Section(
        "consent-reviews", "Consent reviews due on your cases", my_consent_reviews_due,
        CASE_WORKER_ROLES, "consent", "No consent review is due on your cases.",
    ),
    Section(
        "requests-due", "Requests for information due within five working days",
        my_requests_due_soon, CASE_WORKER_ROLES, "request",
        "No request for information on your cases is due within five working days.",
    ),
    Section(
        "statements", "Privacy statements to send", my_statements_to_send, CASE_WORKER_ROLES,
        "case", "Every parent on your open cases has been sent the statement.",
    ),
    # The coordinators' view of the whole service.
    Section(
        "unassigned", "Open cases with no caseworker", unassigned_cases, COORDINATOR, "case",
        "Every open case has a caseworker.",
    ),
    Section(
        "overrides-waiting", "Child-protection overrides waiting for review", overrides_waiting,
        COORDINATOR, "override", "No override is waiting for review.",
    ),
    Section(
        "volunteers", "Volunteers' agreements and training due", volunteers_to_follow_up,
        COORDINATOR, "volunteer",
        "Every volunteer has a signed agreement and up-to-date training.", logs_cases=False,
    ),
    Section(
        "staff-training", "Staff data-protection and FOI training due",
        staff_training_to_follow_up, COORDINATOR, "staff_training",
        "Every member of staff has up-to-date training.", logs_cases=False,
    ),
    Section(
        "breaches-due", "Data breaches: ICO deadline passed or within 24 hours", breaches_due,
        COORDINATOR, "breach", "No breach is waiting for a decision about the ICO.",
        logs_cases=False,
    ),
    Section(
        "paper-files", "Paper files to shred: closed over a year ago", paper_files_to_shred,
        COORDINATOR, "paper", "No paper file is waiting to be shredded.",
    ),
]  # fmt: skip


def sections_for(user: User) -> list[Section]:
    return [section for section in SECTIONS if user.role in section.roles]


def section_for(user: User, key: str) -> Section | None:
    return next((section for section in sections_for(user) if section.key == key), None)


def without_encrypted_columns(rows: QuerySet) -> QuerySet:
    """The rows without their encrypted columns, nor those of the records selected
    with them (a task's case). The home page and the section lists show
    references, dates and staff names, never a family's words: so nothing is
    decrypted for them and no data key is read, which a web request would
    otherwise do once per row (keys are read afresh in each request, OPS-3)."""
    deferred = encrypted_field_names(rows.model)
    related = rows.query.select_related
    for name in related if isinstance(related, dict) else ():
        model = rows.model._meta.get_field(name).related_model
        deferred += [f"{name}__{field}" for field in encrypted_field_names(model)]
    return rows.defer(*deferred) if deferred else rows


def first_rows(section: Section, user: User, shown: int = SHOWN) -> tuple[list, int]:
    """The first ``shown`` rows of the section's list and the list's whole length,
    in one query: the length is a window count over the same query, taken before
    the limit, so it is the length of the list "see all" opens."""
    rows = section.rows(user)
    if isinstance(rows, list):
        return rows[:shown], len(rows)
    rows = without_encrypted_columns(rows)
    page = list(rows.annotate(listed_total=Window(Count("*")))[:shown])
    return page, (page[0].listed_total if page else 0)


def case_ids_of(rows) -> list[int]:
    """The cases a section's rows name, for the access log."""
    return [row.pk if isinstance(row, Case) else row.case_id for row in rows]
