"""A copy of the case database reveals no names, notes or SEN details (ACC-10, SEC-1, SEC-3)."""

import datetime

from cases import services
from cases.family import services as family_services
from cases.models import Child, ChildInformation, Parent
from tests.factories import make_case
from tests.raw_db import all_cell_bytes, tables_containing

SENTINEL_NAME = "Qwyxzanderbrook"
SENTINEL_NOTE = "NOTE-SENTINEL-7f3a9c"
SENTINEL_SEN = "SEN-SENTINEL-b81d44"


def test_acc10_sentinel_name_and_notes_absent_from_every_table(service, staff):
    case = make_case(
        service,
        staff,
        family_name=SENTINEL_NAME,
        given_name=SENTINEL_NAME,
        address=f"1 {SENTINEL_NAME} Road",
        email=f"{SENTINEL_NAME}@example.org",
        summary=f"Summary {SENTINEL_NOTE}",
    )
    child = services.child_add(
        case=case,
        by=staff,
        given_name=SENTINEL_NAME,
        family_name=SENTINEL_NAME,
        date_of_birth=datetime.date(2016, 3, 14),
    )
    family_services.child_information_add(
        child=child, by=staff, kind="sen_need", source="parent", text=SENTINEL_SEN
    )
    services.contact_log(
        case=case,
        by=staff,
        channel="helpline",
        topic=service.topics.first(),
        outcome="advice",
        notes=SENTINEL_NOTE,
    )
    # Edits create more history rows; each must hold ciphertext too.
    for round_number in range(3):
        parent = Parent.objects.get(case=case)
        parent.family_name = f"{SENTINEL_NAME}{round_number}"
        parent._history_user = staff
        parent.save()

    # The values are there, through the app...
    assert Parent.objects.get(case=case).family_name.startswith(SENTINEL_NAME)
    assert Parent.history.filter(case_id=case.pk).count() == 4
    assert Child.objects.get(case=case).date_of_birth == datetime.date(2016, 3, 14)
    assert ChildInformation.objects.get(case=case).text == SENTINEL_SEN

    # ...and nowhere in the raw tables, history tables included, nor the key store.
    for needle in (SENTINEL_NAME, SENTINEL_NOTE, SENTINEL_SEN, "2016-03-14"):
        assert tables_containing(needle) == set(), needle
        assert tables_containing(needle, alias="keystore") == set(), needle


def test_acc10_scan_really_reads_history_tables(service, staff):
    """Guard against a scan that silently reads nothing."""
    make_case(service, staff)
    tables = {table for table, _ in all_cell_bytes()}
    assert {
        "cases_case",
        "cases_parent",
        "cases_historicalparent",
        "cases_historicalcase",
    } <= tables


def test_sec3_history_records_the_acting_user(service, staff, coordinator):
    case = make_case(service, staff)
    services.case_assign_staff(case=case, staff=coordinator, by=coordinator)
    users = list(
        case.history.order_by("history_id").values_list("history_user__username", flat=True)
    )
    assert users[0] == "staff" and users[-1] == "coordinator"
