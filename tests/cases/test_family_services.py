"""The family on a case, kept up to date through its services (CAS-1, CAS-2, REF-5, ACC-3).

Every rule of ``cases.family.services``: adding and correcting parents, carers
and children (blind indexes and the duplicate finder follow), conflicts, closed
cases, a coordinator's removal with a reason, and what is known about each
child (kinds, sources, dates, ending).
"""

import datetime

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from cases import services as case_services
from cases.access import visible_child_information
from cases.family import services
from cases.helpline.selectors import find_matches
from cases.helpline.services import separate_enquiry_case_ids
from cases.letters.models import PrivacyStatementSent
from cases.letters.services import privacy_statement_send
from cases.models import Case, Child, ChildInformation, Parent, VolunteerAssignment
from cases.selectors import search_cases
from pps.locking import ConflictError
from pps.rules import RuleError
from tests.factories import make_case, parent_fields
from tests.raw_db import tables_containing

# Read at each use: a constant would go stale in a run that crosses midnight.
TODAY = timezone.localdate


def details_of(parent: Parent, **changes) -> dict:
    return {name: getattr(parent, name) for name in services.PARENT_FIELDS} | changes


def child_details(**changes) -> dict:
    return {
        "given_name": "Ysolde",
        "family_name": "Pemberton",
        "date_of_birth": datetime.date(2015, 3, 27),
        "school_phase": "primary",
    } | changes


def item_details(**changes) -> dict:
    return {
        "kind": "sen_need",
        "source": "parent",
        "text": "Autism, diagnosed 2021",
        "started_on": None,
        "review_on": None,
    } | changes


@pytest.fixture
def child(case, staff):
    return services.child_add(case=case, by=staff, **child_details())


def _close(case, by):
    return case_services.case_close(case=case, by=by)


# --- parents and carers (CAS-1) ---------------------------------------------


def test_cas1_a_second_parent_is_added_only_with_their_agreement(case, staff):
    fields = parent_fields(given_name="Tomas", family_name="Quarrie", relationship="father")
    second = services.parent_add(case=case, by=staff, **fields)
    assert list(case.parents.order_by("id"))[1] == second
    assert second.history.get().history_user == staff
    with pytest.raises(RuleError, match="agreed to their details being stored"):
        services.parent_add(case=case, by=staff, **(fields | {"storage_agreed_on": None}))
    with pytest.raises(RuleError, match="first name and surname"):
        services.parent_add(case=case, by=staff, **(fields | {"family_name": "  "}))
    with pytest.raises(RuleError, match="cannot be in the future"):
        future = TODAY() + datetime.timedelta(days=1)
        services.parent_add(case=case, by=staff, **(fields | {"storage_agreed_on": future}))
    assert case.parents.count() == 2


def test_cas1_every_field_of_a_parent_is_corrected_in_one_save_with_who(case, staff):
    parent = case.parents.get()
    changes = {
        "given_name": "Morwenna",
        "family_name": "Trevithick",
        "relationship": "guardian",
        "parental_responsibility": "no",
        "phone": "01632 960 777",
        "email": "m.trevithick@example.com",
        "email_permission": True,
        "address": "3 Harbour Row",
        "postcode": "TR1 2AB",
        "storage_agreed_on": TODAY() - datetime.timedelta(days=3),
        "storage_agreed_how": "in_person",
        "purpose_explained": False,
    }
    services.parent_update(parent=parent, by=staff, expected_version=1, **changes)
    stored = Parent.objects.get(pk=parent.pk)
    assert {name: getattr(stored, name) for name in changes} == changes
    assert stored.version == 2
    latest = stored.history.latest("history_date")
    assert latest.history_user == staff and latest.history_type == "~"


def test_cas1_permission_to_email_needs_an_email_address(case, staff):
    parent = case.parents.get()
    services.parent_update(
        parent=parent, by=staff, expected_version=1,
        **details_of(parent, email="", email_permission=True),
    )  # fmt: skip
    assert Parent.objects.get(pk=parent.pk).email_permission is False


def test_cas1_search_and_the_duplicate_finder_follow_a_parent_edit(case, staff):
    """The blind indexes are recomputed on save: the new surname, phone and postcode
    find the case (case search and the helpline's caller finder); the old ones do not."""
    parent = case.parents.get()
    services.parent_update(
        parent=parent, by=staff, expected_version=1,
        **details_of(parent, family_name="Oldacre", phone="01632 960 001", postcode="NE1 4ST"),
    )  # fmt: skip
    parent = Parent.objects.get(pk=parent.pk)
    services.parent_update(
        parent=parent, by=staff, expected_version=2,
        **details_of(parent, family_name="Newbold", phone="07700 900 123", postcode="LS2 9JT"),
    )  # fmt: skip

    assert list(search_cases(staff, "Newbold")) == [case]
    assert list(search_cases(staff, "Oldacre")) == []
    for new, old in [
        ({"family_name": "newbold"}, {"family_name": "Oldacre"}),
        ({"phone": "+44 7700 900123"}, {"phone": "01632 960 001"}),
        ({"postcode": "ls29jt"}, {"postcode": "NE1 4ST"}),
    ]:
        assert [m.case_id for m in find_matches(staff, **new).cases] == [case.pk], new
        assert find_matches(staff, **old).cases == [], old


def test_cas1_search_and_separate_enquiries_follow_a_child_edit(case, staff, child):
    services.child_update(
        child=child, by=staff, expected_version=1,
        **child_details(family_name="Farrington", date_of_birth=datetime.date(2016, 5, 1)),
    )  # fmt: skip
    assert list(search_cases(staff, "Farrington")) == [case]
    assert list(search_cases(staff, "Pemberton")) == []

    def separate(name, born):
        return separate_enquiry_case_ids(
            service_id=case.service_id, family_name=name, date_of_birth=born
        )

    assert separate("Farrington", datetime.date(2016, 5, 1)) == [case.pk]
    assert separate("Pemberton", datetime.date(2015, 3, 27)) == []


def test_cas1_a_concurrent_edit_is_a_conflict_and_changes_nothing(case, staff, coordinator, child):
    parent = case.parents.get()
    services.parent_update(
        parent=parent, by=coordinator, expected_version=1, **details_of(parent, given_name="Ann")
    )
    stale = Parent.objects.get(pk=parent.pk)
    stale.version = 1  # the form the second person opened before the first saved
    with pytest.raises(ConflictError):
        services.parent_update(
            parent=stale, by=staff, expected_version=1, **details_of(stale, given_name="Bea")
        )
    assert Parent.objects.get(pk=parent.pk).given_name == "Ann"

    services.child_update(child=child, by=coordinator, expected_version=1, **child_details())
    with pytest.raises(ConflictError):
        services.child_update(
            child=child, by=staff, expected_version=1, **child_details(given_name="Zed")
        )
    assert Child.objects.get(pk=child.pk).given_name == "Ysolde"


def test_cas1_a_closed_or_archived_case_refuses_every_family_change(
    case, staff, coordinator, child
):
    parent = case.parents.get()
    item = services.child_information_add(child=child, by=staff, **item_details())
    second = services.parent_add(case=case, by=staff, **parent_fields(relationship="father"))
    _close(case, staff)
    writes = {
        "parent_add": lambda: services.parent_add(case=case, by=staff, **parent_fields()),
        "parent_update": lambda: services.parent_update(
            parent=parent, by=staff, expected_version=1, **details_of(parent, given_name="X")
        ),
        "parent_remove": lambda: services.parent_remove(
            parent=second, by=coordinator, reason="duplicate", expected_version=1
        ),
        "child_add": lambda: services.child_add(case=case, by=staff, **child_details()),
        "child_update": lambda: services.child_update(
            child=child, by=staff, expected_version=1, **child_details(given_name="X")
        ),
        "child_remove": lambda: services.child_remove(
            child=child, by=coordinator, reason="duplicate", expected_version=1
        ),
        "child_information_add": lambda: services.child_information_add(
            child=child, by=staff, **item_details()
        ),
        "child_information_update": lambda: services.child_information_update(
            item=item, by=staff, expected_version=1, **item_details(text="X")
        ),
        "child_information_end": lambda: services.child_information_end(
            item=item, by=staff, expected_version=1, ended_on=TODAY()
        ),
    }
    for status in ("closed", "archived"):
        if status == "archived":
            case_services.case_archive(case=Case.objects.get(pk=case.pk), by=coordinator)
        for name, write in writes.items():
            with pytest.raises(RuleError, match=status):
                write()
            assert Case.objects.get(pk=case.pk).status == status, name
    assert case.parents.count() == 2 and case.children.count() == 1
    assert ChildInformation.objects.get(pk=item.pk).text == "Autism, diagnosed 2021"


# --- removing a person added in error (CAS-1) --------------------------------


def test_cas1_only_a_coordinator_removes_a_parent_with_a_reason_and_history_keeps_it(
    case, staff, coordinator
):
    second = services.parent_add(
        case=case, by=staff, **parent_fields(given_name="Errol", family_name="Mistaken")
    )
    assert list(search_cases(staff, "Mistaken")) == [case]
    with pytest.raises(RuleError, match="Only a coordinator"):
        services.parent_remove(parent=second, by=staff, reason="duplicate", expected_version=1)
    with pytest.raises(RuleError, match="Choose why"):
        services.parent_remove(parent=second, by=coordinator, reason="", expected_version=1)
    assert Parent.objects.filter(pk=second.pk).exists()

    second_id = second.pk  # (a deleted instance forgets its id)
    services.parent_remove(
        parent=second, by=coordinator, reason="added_in_error", expected_version=1
    )
    assert not Parent.objects.filter(pk=second_id).exists()
    # Gone from the case and from search and the caller finder; only history keeps it.
    assert list(search_cases(staff, "Mistaken")) == []
    assert find_matches(staff, family_name="Mistaken").cases == []
    removal = Parent.history.filter(id=second_id).latest("history_date")
    assert removal.history_type == "-" and removal.history_user == coordinator
    assert removal.history_change_reason == "Added to this case by mistake"
    # The history row keeps the details, as ciphertext, until the case is purged.
    assert removal.family_name == "Mistaken"
    table = Parent.history.model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT family_name FROM {table} WHERE history_id = %s",  # noqa: S608
            [removal.history_id],
        )
        (stored,) = cursor.fetchone()
    assert stored and b"Mistaken" not in bytes(stored)


def test_cas1_the_only_parent_cannot_be_removed(case, coordinator):
    parent = case.parents.get()
    with pytest.raises(RuleError, match="only parent or carer"):
        services.parent_remove(
            parent=parent, by=coordinator, reason="added_in_error", expected_version=1
        )
    assert case.parents.get() == parent


def test_cas1_a_parent_the_service_has_acted_for_cannot_be_removed(case, staff, coordinator):
    """A letter or statement sent to them would go with them: correct them instead."""
    second = services.parent_add(case=case, by=staff, **parent_fields(relationship="father"))
    privacy_statement_send(parent=second, method="post", by=staff)
    assert services.records_depending_on(second) == [PrivacyStatementSent]
    with pytest.raises(RuleError, match="already recorded work about them"):
        services.parent_remove(
            parent=second, by=coordinator, reason="wrong_case", expected_version=1
        )
    assert Parent.objects.filter(pk=second.pk).exists()
    assert second.privacy_statements.count() == 1


def test_cas1_a_child_is_removed_with_what_was_recorded_about_them(case, staff, coordinator, child):
    item = services.child_information_add(child=child, by=staff, **item_details())
    with pytest.raises(RuleError, match="Only a coordinator"):
        services.child_remove(child=child, by=staff, reason="duplicate", expected_version=1)
    child_id = child.pk  # (a deleted instance forgets its id)
    services.child_remove(child=child, by=coordinator, reason="duplicate", expected_version=1)
    assert not case.children.exists() and not case.child_information.exists()
    for model, pk in ((Child, child_id), (ChildInformation, item.pk)):
        removal = model.history.filter(id=pk).latest("history_date")
        assert removal.history_type == "-" and removal.history_user == coordinator
        assert removal.history_change_reason == "Recorded twice on this case"


def test_ref5_a_parent_no_longer_holding_responsibility_loses_their_volunteer(
    assigned_case, staff, volunteer
):
    parent = assigned_case.parents.get()
    assignment = VolunteerAssignment.objects.get(case=assigned_case, ended_at=None)
    assert assignment.parent == parent and volunteer.has_perm("cases.view_case", assigned_case)
    services.parent_update(
        parent=parent, by=staff, expected_version=1,
        **details_of(parent, parental_responsibility="unknown"),
    )  # fmt: skip
    assignment.refresh_from_db()
    assert assignment.ended_at is not None
    assert assignment.end_reason == services.RESPONSIBILITY_ENDED
    volunteer = type(volunteer).objects.get(pk=volunteer.pk)  # fresh permission cache
    assert not volunteer.has_perm("cases.view_case", assigned_case)


# --- what is known about each child (CAS-2, ACC-3) ---------------------------


def test_cas2_information_is_added_corrected_and_ended_with_history(case, staff, child):
    plan = services.child_information_add(
        child=child, by=staff,
        **item_details(
            kind="ehc_plan", source="case_file", text="EHC plan issued by the LA",
            started_on=datetime.date(2025, 9, 1), review_on=datetime.date(2026, 9, 1),
        ),
    )  # fmt: skip
    assert plan.recorded_by == staff and plan.version == 1
    services.child_information_update(
        item=plan, by=staff, expected_version=1,
        **item_details(
            kind="ehc_plan", source="case_file", text="EHC plan, amended after review",
            started_on=datetime.date(2025, 9, 1), review_on=datetime.date(2026, 10, 1),
        ),
    )  # fmt: skip
    with pytest.raises(RuleError, match="must be today or in the past"):
        services.child_information_end(
            item=plan, by=staff, expected_version=2, ended_on=TODAY() + datetime.timedelta(days=1)
        )
    with pytest.raises(RuleError, match="on or after its start date"):
        services.child_information_end(
            item=plan, by=staff, expected_version=2, ended_on=datetime.date(2025, 8, 31)
        )
    services.child_information_end(item=plan, by=staff, expected_version=2, ended_on=TODAY())
    stored = ChildInformation.objects.get(pk=plan.pk)
    assert (stored.text, stored.review_on, stored.ended_on) == (
        "EHC plan, amended after review",
        datetime.date(2026, 10, 1),
        TODAY(),
    )
    texts = [row.text for row in stored.history.order_by("history_id")]
    assert texts[0] == "EHC plan issued by the LA" and len(texts) == 3
    assert {row.history_user for row in stored.history.all()} == {staff}
    with pytest.raises(RuleError, match="already been marked as ended"):
        services.child_information_end(item=stored, by=staff, expected_version=3, ended_on=TODAY())
    with pytest.raises(ConflictError):
        services.child_information_update(
            item=stored, by=staff, expected_version=2, **item_details()
        )


@pytest.mark.parametrize("kind", ["school_record", "professional_report", "assessment"])
def test_cas2_acc3_case_file_documents_are_never_parent_supplied(case, staff, child, kind):
    with pytest.raises(RuleError, match="case-file information"):
        services.child_information_add(
            child=child, by=staff, **item_details(kind=kind, source="parent")
        )
    item = services.child_information_add(
        child=child, by=staff, **item_details(kind=kind, source="case_file")
    )
    with pytest.raises(RuleError, match="case-file information"):
        services.child_information_update(
            item=item, by=staff, expected_version=1, **item_details(kind=kind, source="parent")
        )
    # The database has the last word (SEC-4).
    with pytest.raises(IntegrityError), transaction.atomic():
        ChildInformation.objects.filter(pk=item.pk).update(source="parent")


def test_cas2_only_an_ehc_plan_has_dates_and_its_review_follows_its_start(case, staff, child):
    with pytest.raises(RuleError, match="Only an EHC needs assessment or plan"):
        services.child_information_add(
            child=child, by=staff, **item_details(started_on=datetime.date(2025, 9, 1))
        )
    with pytest.raises(RuleError, match="review date must be on or after"):
        services.child_information_add(
            child=child, by=staff,
            **item_details(
                kind="ehc_plan", started_on=datetime.date(2025, 9, 1),
                review_on=datetime.date(2025, 8, 1),
            ),
        )  # fmt: skip
    with pytest.raises(RuleError, match="Enter what is known"):
        services.child_information_add(child=child, by=staff, **item_details(text="   "))
    assert not child.information.exists()


def test_acc3_volunteers_see_only_what_is_parent_supplied_after_a_correction(
    assigned_case, staff, volunteer
):
    child = services.child_add(case=assigned_case, by=staff, **child_details())
    item = services.child_information_add(
        child=child, by=staff, **item_details(text="Parent says: needs a quiet room")
    )
    assert list(visible_child_information(volunteer, assigned_case)) == [item]
    services.child_information_update(
        item=item, by=staff, expected_version=1,
        **item_details(source="case_file", text="From the school's SEN register"),
    )  # fmt: skip
    assert list(visible_child_information(volunteer, assigned_case)) == []
    assert list(visible_child_information(staff, assigned_case)) == [item]


def test_cas1_a_parent_on_another_open_case_is_unaffected(service, case, staff):
    """Each write touches its own case only (REF-6)."""
    other = make_case(service, staff, family_name="Untouched")
    parent = case.parents.get()
    services.parent_update(
        parent=parent, by=staff, expected_version=1, **details_of(parent, family_name="Changed")
    )
    assert other.parents.get().family_name == "Untouched"


def test_acc10_cas1_cas2_new_details_and_removed_people_stay_ciphertext_at_rest(
    case, staff, coordinator, child
):
    """EHC plan dates are SEN details; a removed parent's history row keeps ciphertext."""
    secret_name, secret_date = "Zorbathwaite", datetime.date(2019, 7, 23)
    services.child_information_add(
        child=child, by=staff,
        **item_details(kind="ehc_plan", started_on=secret_date, review_on=secret_date),
    )  # fmt: skip
    second = services.parent_add(
        case=case, by=staff,
        **details_of(case.parents.get(), given_name=secret_name, family_name=secret_name),
    )  # fmt: skip
    services.parent_remove(parent=second, by=coordinator, reason="duplicate", expected_version=1)
    for needle in (secret_name, secret_date.isoformat()):
        assert tables_containing(needle) == set(), needle
