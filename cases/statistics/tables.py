"""The statistics tables the cases app contributes (STA-1).

Contacts (anonymous contacts included) by channel, topic and outcome; cases
opened, closed and archived; children by age band and school phase. Registered
in ``CasesConfig.ready``. Each reads rows only through ``Tally`` (or, for ages,
computes a band and keeps nothing else), so nothing but counts leaves here.
"""

import datetime
from collections import Counter

from django.db.models import BinaryField, Q
from django.db.models.functions import Cast

from cases.models import (
    AnonymousContact,
    Case,
    CaseClosure,
    Channel,
    Child,
    Contact,
    Outcome,
    Topic,
)
from cases.statistics.report import (
    Period,
    StatTable,
    TableRecipe,
    Tally,
    by_column,
    choice_rows,
    register_table,
)
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


# Every contacts table reads the same tally of the period's contacts by all
# three columns: the report counts them once (one pass over the period's
# contacts, not one per table) and each table keeps the column it shows.
CONTACT_COLUMNS = ("channel", "topic", "outcome")


def _contact_tallies(service: Service, period: Period) -> dict[str, Tally]:
    start, end = period.moments()
    known = Contact.objects.filter(
        case__service=service, occurred_at__gte=start, occurred_at__lt=end
    )
    anonymous = AnonymousContact.objects.filter(
        service=service, occurred_at__gte=start, occurred_at__lt=end
    )
    return {
        "known": Tally.of(known, *CONTACT_COLUMNS),
        "anonymous": Tally.of(anonymous, *CONTACT_COLUMNS),
    }


def _contacts_by(column: str, choices, *, key: str, title: str, heading: str):
    position = CONTACT_COLUMNS.index(column)

    def build(service: Service, period: Period) -> TableRecipe:
        rows = choices(service) if callable(choices) else choices

        def make(counts) -> StatTable:
            labels, grid = choice_rows(
                rows,
                by_column(counts["known"], position),
                by_column(counts["anonymous"], position),
            )
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

        return TableRecipe(tallies=_contact_tallies(service, period), make=make)

    return build


def _topic_choices(service: Service):
    return [(topic.pk, topic.name) for topic in Topic.objects.filter(service=service)]


def contacts_by_kind(service: Service, period: Period) -> TableRecipe:
    return TableRecipe(
        tallies=_contact_tallies(service, period),
        make=lambda counts: StatTable(
            key="contacts_by_kind",
            title="Contacts from parents with a case and anonymous contacts",
            description="Anonymous contacts are from parents who gave no details or asked us not to keep them.",
            row_heading="Kind of contact",
            row_labels=("Parent with a case", "Anonymous"),
            column_labels=("Contacts",),
            counts=((counts["known"].total(),), (counts["anonymous"].total(),)),
            shares_total=CONTACTS_TOTAL,
        ),
    )


CASE_EVENTS = (("Opened", "opened_on"), ("Closed", "closed_on"), ("Archived", "archived_on"))


REOPENED = "Reopened"


def cases_opened_closed_archived(service: Service, period: Period) -> TableRecipe:
    in_service = Case.objects.filter(service=service)
    tallies = {
        label: Tally.of(
            in_service.filter(**{f"{column}__gte": period.start, f"{column}__lt": period.end})
        )
        for label, column in CASE_EVENTS
    }
    # A reopening is a closure's event, not a column of the case (CAS-3).
    tallies[REOPENED] = Tally.of(
        CaseClosure.objects.filter(
            case__service=service, reopened_on__gte=period.start, reopened_on__lt=period.end
        )
    )
    labels = (*(label for label, _ in CASE_EVENTS), REOPENED)
    return TableRecipe(
        tallies=tallies,
        make=lambda counts: StatTable(
            key="cases",
            title="Cases opened, closed, archived and reopened",
            description="Cases of parents who agreed to their details being kept. "
            "Closed: cases closed in the period and not reopened since.",
            row_heading="Cases",
            row_labels=labels,
            column_labels=("Cases",),
            counts=tuple((counts[label][None],) for label in labels),
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
    # One pass over a quarter's children (tens of thousands in a large
    # service): the dates of birth are read still encrypted, every data key is
    # then unwrapped in one key-store query, and only then decrypted, through
    # the field itself. Reading them decrypted would unwrap the keys one query
    # at a time; reading the keys first would read the children twice.
    date_of_birth = Child._meta.get_field("date_of_birth")
    children = list(
        Child.objects.filter(case__in=worked_on.values("pk")).values_list(
            "data_key_id", Cast("date_of_birth", output_field=BinaryField()), "school_phase"
        )
    )
    load_data_keys({key_id for key_id, _, _ in children})
    phases = [*Child.SchoolPhase.choices, ("", NOT_RECORDED)]
    bands = [*(label for label, _, _ in AGE_BANDS), NOT_RECORDED]
    last_day = period.last_day
    grid = Counter(
        (_age_band(date_of_birth.from_db_value(sealed, None, None), last_day), phase)
        for _, sealed, phase in children
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
