"""The statistics tables the cases app contributes (STA-1).

Contacts (anonymous contacts included) by channel, topic and outcome; cases
opened, closed and archived; children by age band and school phase. Registered
in ``CasesConfig.ready``. Each reads rows only through ``Tally`` (or, for ages,
computes a band and keeps nothing else), so nothing but counts leaves here.
"""

import datetime
from collections import Counter

from django.db.models import Q

from cases.models import AnonymousContact, Case, Channel, Child, Contact, Outcome, Topic
from cases.statistics import Period, StatTable, TableRecipe, Tally, choice_rows, register_table
from pps.crypto import load_data_keys
from pps.models import Service

CONTACTS_TOTAL = "contacts"
CONTACTS_NOTE = "Every contact in the period, including anonymous contacts."

# (label, lowest age, highest age) in whole years on the last day of the period.
AGE_BANDS = [
    ("Under 5", 0, 4),
    ("5 to 10", 5, 10),
    ("11 to 15", 11, 15),
    ("16 to 19", 16, 19),
    ("20 and over", 20, 200),
]
NOT_RECORDED = "Not recorded"


def _contacts(service: Service, period: Period):
    start, end = period.moments()
    return (
        Contact.objects.filter(case__service=service, occurred_at__gte=start, occurred_at__lt=end),
        AnonymousContact.objects.filter(
            service=service, occurred_at__gte=start, occurred_at__lt=end
        ),
    )


def _contacts_by(column: str, choices, *, key: str, title: str, heading: str):
    def build(service: Service, period: Period) -> TableRecipe:
        known, anonymous = _contacts(service, period)
        rows = choices(service) if callable(choices) else choices

        def make(counts) -> StatTable:
            labels, grid = choice_rows(rows, counts["known"], counts["anonymous"])
            return StatTable(
                key=key,
                title=title,
                description=CONTACTS_NOTE,
                row_heading=heading,
                row_labels=labels,
                column_labels=("Contacts",),
                counts=grid,
                shares_total=CONTACTS_TOTAL,
            )

        return TableRecipe(
            tallies={"known": Tally.of(known, column), "anonymous": Tally.of(anonymous, column)},
            make=make,
        )

    return build


def _topic_choices(service: Service):
    return [(topic.pk, topic.name) for topic in Topic.objects.filter(service=service)]


def contacts_by_kind(service: Service, period: Period) -> TableRecipe:
    known, anonymous = _contacts(service, period)
    return TableRecipe(
        tallies={"known": Tally.of(known), "anonymous": Tally.of(anonymous)},
        make=lambda counts: StatTable(
            key="contacts_by_kind",
            title="Contacts from parents with a case and anonymous contacts",
            description="Anonymous contacts are from parents who gave no details or asked us not to keep them.",
            row_heading="Kind of contact",
            row_labels=("Parent with a case", "Anonymous"),
            column_labels=("Contacts",),
            counts=((counts["known"][None],), (counts["anonymous"][None],)),
            shares_total=CONTACTS_TOTAL,
        ),
    )


CASE_EVENTS = (("Opened", "opened_on"), ("Closed", "closed_on"), ("Archived", "archived_on"))


def cases_opened_closed_archived(service: Service, period: Period) -> TableRecipe:
    in_service = Case.objects.filter(service=service)
    return TableRecipe(
        tallies={
            label: Tally.of(
                in_service.filter(**{f"{column}__gte": period.start, f"{column}__lt": period.end})
            )
            for label, column in CASE_EVENTS
        },
        make=lambda counts: StatTable(
            key="cases",
            title="Cases opened, closed and archived",
            description="Cases of parents who agreed to their details being kept.",
            row_heading="Cases",
            row_labels=tuple(label for label, _ in CASE_EVENTS),
            column_labels=("Cases",),
            counts=tuple((counts[label][None],) for label, _ in CASE_EVENTS),
            column_totals=False,
        ),
    )


def children_by_age_and_phase(service: Service, period: Period) -> StatTable:
    """Children in the cases worked on in the period (opened in it or with a contact in it)."""
    start, end = period.moments()
    # Two indexed lookups (cases by opening date, contacts by date): an OR
    # across a join to contacts would scan every case and every contact.
    contacted = Contact.objects.filter(occurred_at__gte=start, occurred_at__lt=end)
    worked_on = Case.objects.filter(service=service).filter(
        Q(opened_on__gte=period.start, opened_on__lt=period.end)
        | Q(pk__in=contacted.values("case_id"))
    )
    in_scope = Child.objects.filter(case__in=worked_on.values("pk"))
    # Unwrap every data key in one query before the dates of birth are decrypted.
    load_data_keys(set(in_scope.values_list("data_key_id", flat=True)))
    # Two columns, not model instances: a quarter of a large service has tens
    # of thousands of children, and only the band and phase are kept.
    children = in_scope.values_list("date_of_birth", "school_phase")
    phases = [*Child.SchoolPhase.choices, ("", NOT_RECORDED)]
    bands = [*(label for label, _, _ in AGE_BANDS), NOT_RECORDED]
    grid = Counter(
        (_age_band(date_of_birth, period.last_day), phase) for date_of_birth, phase in children
    )
    return StatTable(
        key="children",
        title="Children by age band and school phase",
        description="Children in the cases we worked on in the period. Age on the last day of the period.",
        row_heading="Age",
        row_labels=tuple(bands),
        column_labels=tuple(str(label) for _, label in phases),
        counts=tuple(tuple(grid[(band, phase)] for phase, _ in phases) for band in bands),
        row_totals=True,
    )


def _age_band(date_of_birth: datetime.date | None, on: datetime.date) -> str:
    if date_of_birth is None or date_of_birth > on:
        return NOT_RECORDED
    age = (
        on.year
        - date_of_birth.year
        - ((on.month, on.day) < (date_of_birth.month, date_of_birth.day))
    )
    return next(label for label, low, high in AGE_BANDS if low <= age <= high)


def register() -> None:
    register_table(
        "contacts_by_channel",
        _contacts_by(
            "channel",
            Channel.choices,
            key="contacts_by_channel",
            title="Contacts by channel",
            heading="Channel",
        ),
    )
    register_table(
        "contacts_by_topic",
        _contacts_by(
            "topic",
            _topic_choices,
            key="contacts_by_topic",
            title="Contacts by topic",
            heading="Topic",
        ),
    )
    register_table(
        "contacts_by_outcome",
        _contacts_by(
            "outcome",
            Outcome.choices,
            key="contacts_by_outcome",
            title="Contacts by outcome",
            heading="Outcome",
        ),
    )
    register_table("contacts_by_kind", contacts_by_kind)
    register_table("cases", cases_opened_closed_archived)
    register_table("children", children_by_age_and_phase)
