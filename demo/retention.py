"""Demo data for retention, so every state shows in ``make run`` (seed_demo calls this).

Per service: cases long closed and due for destruction, one of them on legal
hold, one kept longer by a children-in-care category, one whose date cannot be
worked out (no date of birth), one already purged (a destruction log entry and
a certificate to download), and anonymous contacts past their own retention;
and the rules for records not about families (GOV-7), at their defaults.
"""

import datetime

from django.utils import timezone

from cases import services
from cases.models import AgreementMethod, ParentalResponsibility
from retention.models import PurgeRun
from retention.purge import purge_execute
from retention.record_rules import record_rules_for
from retention.rules import add_years
from retention.schedule import cases_retention_refresh, retention_categories_for
from retention.services import case_categories_set, legal_hold_place, retention_settings_for

# (label, categories, child born years before today or None, hold reason, purge now)
DEMO_CASES = [
    ("due", ["parent_support"], 19, None, False),
    ("due, supervision order run out", ["parent_support", "supervision_order"], 24, None, False),
    ("held", ["parent_support"], 20, "tribunal", False),
    ("kept longer: child in care", ["parent_support", "children_in_care"], 21, None, False),
    ("date of birth missing", ["parent_support", "supervision_order"], None, None, False),
    ("purged already", ["parent_support"], 22, None, True),
]
DEMO_CASES_KEPT = sum(1 for *_, purge_now in DEMO_CASES if not purge_now)


def _at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def seed_retention(*, service, users: dict, fake, rnd) -> None:
    today = timezone.localdate()
    retention_settings_for(service)
    # The rules for records not about families (GOV-7), at their defaults.
    record_rules_for(service)
    categories = {category.code: category for category in retention_categories_for(service)}
    staff, coordinator, admin = users["staff"], users["coordinator"], users["admin"]
    topic = service.topics.first()
    to_purge = []
    for number, (_label, codes, born_years, hold, purge_now) in enumerate(DEMO_CASES):
        opened_on = add_years(today, -15) + datetime.timedelta(days=number * 11)
        family_name = fake.last_name()
        case = services.case_open(
            service=service,
            by=staff,
            opened_on=opened_on,
            summary="Advice on SEN support in school; file closed after the annual review.",
            parent={
                "given_name": fake.first_name_female(),
                "family_name": family_name,
                "relationship": "mother",
                "parental_responsibility": ParentalResponsibility.YES,
                "phone": fake.cellphone_number(),
                "address": fake.street_address(),
                "postcode": fake.postcode(),
                "storage_agreed_on": opened_on,
                "storage_agreed_how": AgreementMethod.TELEPHONE,
            },
        )
        services.child_add(
            case=case,
            by=staff,
            given_name=fake.first_name(),
            family_name=family_name,
            date_of_birth=None if born_years is None else add_years(today, -born_years),
        )
        services.contact_log(
            case=case,
            by=staff,
            channel="helpline",
            topic=topic,
            outcome="advice",
            notes="Explained the graduated approach and how to ask for a review meeting.",
            occurred_at=_at(opened_on, 10, rnd.choice([0, 30])),
        )
        case = services.case_close(
            case=case, by=staff, closed_on=opened_on + datetime.timedelta(days=700)
        )
        services.case_archive(
            case=case, by=None, archived_on=case.closed_on + datetime.timedelta(days=366)
        )
        case_categories_set(case=case, categories=[categories[c] for c in codes], by=coordinator)
        if hold:
            legal_hold_place(case=case, reason=hold, by=coordinator, details="Hearing listed")
        if purge_now:
            to_purge.append(case.pk)
    cases_retention_refresh(service.cases.filter(status="archived"))
    purge_execute(case_ids=to_purge, by=admin, method=PurgeRun.Method.SCREEN, service=service)
    # After that purge, which would have deleted them: due at the next one.
    for years in (7, 8):
        services.anonymous_contact_log(
            service=service,
            by=staff,
            channel="helpline",
            topic=topic,
            outcome="information",
            occurred_at=_at(add_years(today, -years), 11),
        )
