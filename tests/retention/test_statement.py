""" "Why we keep information about you" says how long THIS family's records are kept,
from the service's own retention schedule, never a fixed text (COM-4, RET-1)."""

import datetime

from cases.letters.services import privacy_statement_facts, statement_pdf
from retention.models import RetentionCategory
from retention.rules import add_years
from retention.services import case_categories_set
from tests.factories import make_case
from tests.pps.test_pdf_and_uploads import pdf_pages_text
from tests.retention.helpers import change_rule, make_closed_case, retention_category, years_ago


def statement_text(case, by) -> str:
    pdf = statement_pdf(parent=case.parents.get(), by=by)
    return " ".join(" ".join(pdf_pages_text(pdf)).split())


def test_com4_changing_a_rule_changes_the_statement(service, staff, admin_user):
    closed_on = years_ago(1)
    case = make_closed_case(service, staff, closed_on=closed_on)
    before = statement_text(case, staff)
    assert "Parent support: for 12 years after your case is closed." in before
    assert f"due to be destroyed on {add_years(closed_on, 12):%-d %B %Y}" in before

    change_rule(retention_category(service, "parent_support"), admin_user, years=7)
    after = statement_text(case, staff)
    assert "Parent support: for 7 years after your case is closed." in after
    assert f"due to be destroyed on {add_years(closed_on, 7):%-d %B %Y}" in after
    assert "12 years" not in after


def test_com4_every_rule_the_case_carries_and_the_latest_date(service, staff, coordinator):
    closed_on = years_ago(2)
    born = datetime.date(2012, 4, 9)
    case = make_closed_case(
        service,
        staff,
        closed_on=closed_on,
        children=({"given_name": "Ada", "family_name": "Lark", "date_of_birth": born},),
    )
    in_care = retention_category(service, "children_in_care")
    case_categories_set(
        case=case,
        categories=[retention_category(service, "parent_support"), in_care],
        by=coordinator,
    )
    text = statement_text(case, staff)
    assert "Parent support: for 12 years after your case is closed." in text
    assert "Children in care: until 75 years after your child's 18th birthday." in text
    assert "until the latest date any of them gives" in text
    assert f"due to be destroyed on {add_years(born, 93):%-d %B %Y}" in text
    assert "Supervision" not in text  # a rule the case does not carry


def test_com4_open_case_and_a_date_that_cannot_be_worked_out(service, staff, coordinator):
    case = make_case(service, staff)
    facts = privacy_statement_facts(case.parents.get())["retention"]
    assert facts["rules"] == ["Parent support: for 12 years after your case is closed."]
    assert "when your case is closed" in facts["when"]

    closed = make_closed_case(service, staff, closed_on=years_ago(1))
    case_categories_set(
        case=closed, categories=[retention_category(service, "supervision_order")], by=coordinator
    )
    facts = privacy_statement_facts(closed.parents.get())["retention"]
    assert facts["rules"] == ["Children with supervision orders: until your child is 21 years old."]
    assert "cannot work out the date yet" in facts["when"]  # no child recorded


def test_com4_the_statement_writes_nothing(service, staff):
    """Before the service's schedule is first stored, the statement uses the
    schedule it would be given, and producing it stores nothing (SEC-4)."""
    case = make_case(service, staff)
    RetentionCategory.objects.filter(service=service).delete()  # as on a brand-new service
    facts = privacy_statement_facts(case.parents.get())["retention"]
    assert facts["rules"] == ["Parent support: for 12 years after your case is closed."]
    assert not RetentionCategory.objects.filter(service=service).exists()
