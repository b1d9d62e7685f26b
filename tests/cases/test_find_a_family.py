"""Finding a family from one search box (CAS-6): by reference, whole or partial
surname, a sound-alike surname, a child's first name with a date of birth, phone
or postcode; only blind indexes stored; within what the user may see; within 12
queries; the helpline's finder through the same search."""

import datetime
import re

import pytest
from django.db import connection
from django.urls import reverse

from cases.models import Case, Parent, SearchTerm
from cases.search.selectors import how_matched, search_criteria
from cases.search.terms import phonetic_codes, surname_digests
from cases.selectors import search_cases
from cases.services import child_add, parent_add
from pps.history import save_as
from tests.factories import make_case, parent_fields

BORN = datetime.date(2015, 3, 27)


def found(user, query) -> list[Case]:
    return list(search_cases(user, query).order_by("pk"))


def search_page(client, query):
    response = client.post(reverse("cases:search"), {"q": query}, follow=True)
    assert response.status_code == 200
    return response


@pytest.fixture
def baldwin(service, staff):
    case = make_case(
        service,
        staff,
        given_name="Hannah",
        family_name="Baldwin",
        phone="07700 900123",
        postcode="LS1 4AB",
    )
    child_add(case=case, by=staff, given_name="Amelia", family_name="Baldwin", date_of_birth=BORN)
    return case


@pytest.fixture
def others(service, staff):
    return [
        make_case(service, staff, family_name=name, phone=phone, postcode=postcode)
        for name, phone, postcode in [
            ("Ball", "07700 900999", "LS2 7EE"),
            ("Aldwin", "01632 960001", "M1 1AA"),
        ]
    ]


def test_cas6_reference_and_whole_surname(baldwin, others, staff):
    assert found(staff, baldwin.reference) == [baldwin]
    assert found(staff, str(baldwin.pk)) == [baldwin]
    assert found(staff, "BALDWIN") == [baldwin]
    assert found(staff, "baldwin") == [baldwin]


def test_cas6_partial_surname_from_its_first_three_letters(baldwin, others, staff):
    assert found(staff, "Baldw") == [baldwin]
    assert found(staff, "bal") == [baldwin, others[0]]
    # From the start only, and never under three letters.
    assert found(staff, "aldw") == [others[1]]
    assert found(staff, "ba") == []


def test_cas6_a_child_surname_is_found_by_its_beginning_too(service, staff, baldwin):
    case = make_case(service, staff, family_name="Okonkwo")
    child_add(case=case, by=staff, given_name="Tomi", family_name="Adeyemi", date_of_birth=BORN)
    assert found(staff, "Adey") == [case]


def test_cas6_each_part_of_a_double_barrelled_surname_is_found(service, staff):
    case = make_case(service, staff, family_name="Smith-Jones")
    assert found(staff, "Jon") == [case]
    assert found(staff, "smithj") == [case]
    assert found(staff, "Smith Jones") == [case]


@pytest.mark.parametrize(
    ("stored", "typed"),
    [
        ("Thompson", "Thomson"),
        ("Davies", "Davis"),
        ("Smith", "Smyth"),
        ("Phillips", "Filips"),
        ("Macdonald", "McDonald"),
        ("Reid", "Reed"),
        ("Hughes", "Hewes"),
        ("Nicholson", "Nicolson"),
        ("Baldwin", "Baldwyn"),
    ],
)
def test_cas6_a_surname_that_sounds_alike(service, staff, stored, typed):
    case = make_case(service, staff, family_name=stored)
    make_case(service, staff, family_name="Zoller")
    assert found(staff, typed) == [case]
    assert how_matched(search_criteria(typed), [case.pk]) == {case.pk: ["surname sounds alike"]}


def test_cas6_a_child_by_first_name_and_date_of_birth(baldwin, others, staff, service):
    twin = make_case(service, staff, family_name="Zoller")
    child_add(case=twin, by=staff, given_name="Amelia", family_name="Zoller", date_of_birth=BORN)
    assert found(staff, "Amelia 27/03/2015") == [baldwin, twin]
    assert found(staff, "amelia 27-3-2015") == [baldwin, twin]
    # Both together: another date, or another name, finds nothing.
    assert found(staff, "Amelia 28/03/2015") == []
    assert found(staff, "Amelie 27/03/2015") == []


@pytest.mark.parametrize(
    "typed",
    ["07700 900123", "07700900123", "+44 7700 900 123", "+44 (0)7700 900123", "0044 7700 900123"],
)
def test_cas6_phone_with_any_spacing_and_44_or_0(baldwin, others, staff, typed):
    assert found(staff, typed) == [baldwin]


@pytest.mark.parametrize("typed", ["LS1 4AB", "ls14ab", "ls1  4ab"])
def test_cas6_postcode_with_any_spacing(baldwin, others, staff, typed):
    assert found(staff, typed) == [baldwin]


def test_cas6_results_say_how_each_case_matched(baldwin, others, staff, client_for):
    page = search_page(client_for(staff), "Bal").content.decode()
    rows = re.findall(r'<tr class="govuk-table__row">(.*?)</tr>', page, re.S)
    row_of = {case.reference: next(r for r in rows if case.reference in r) for case in [baldwin]}
    assert "Found by" in page
    assert "Beginning of surname" in row_of[baldwin.reference]
    sounds = search_page(client_for(staff), "Baldwyn").content.decode()
    assert "Surname sounds alike" in sounds
    by_child = search_page(client_for(staff), "Amelia 27/03/2015").content.decode()
    assert "Child&#x27;s first name and date of birth" in by_child
    assert baldwin.reference in by_child


def test_cas6_a_name_with_an_impossible_date_gets_a_message(staff, client_for):
    response = client_for(staff).post(reverse("cases:search"), {"q": "Amelia 31/02/2015"})
    assert response.status_code == 400
    assert "Date of birth must be a real date" in response.content.decode()


def test_cas6_no_one_finds_what_they_cannot_see(
    baldwin, staff, volunteer, coordinator, other_service, other_service_staff
):
    """A volunteer (not assigned) and another service's staff find nothing, by any way."""
    ways = ["Baldwin", "Bald", "Baldwyn", "Amelia 27/03/2015", "+44 7700 900123", "ls14ab"]
    ways.append(baldwin.reference)
    for query in ways:
        assert found(coordinator, query) == [baldwin], query
        assert found(volunteer, query) == [], query
        assert found(other_service_staff, query) == [], query


def test_cas6_a_volunteer_finds_an_assigned_case_by_its_beginning(
    assigned_case, volunteer, service, staff
):
    parent = assigned_case.parents.get()
    parent.family_name = "Wharton"
    save_as(parent, staff)
    make_case(service, staff, family_name="Wainwright")
    assert found(volunteer, "Wha") == [assigned_case]
    assert found(volunteer, "Wai") == [] and found(volunteer, "W") == []


def test_cas6_an_edited_surname_is_found_by_its_new_beginning_not_its_old(baldwin, staff):
    parent = Parent.objects.get(case=baldwin)
    parent.family_name = "Whitaker"
    save_as(parent, staff)
    child = baldwin.children.get()
    child.family_name = "Whitaker"
    child.given_name = "Maisie"
    save_as(child, staff)
    assert found(staff, "Whit") == [baldwin]
    assert found(staff, "Witaker") == [baldwin]  # and by its sound
    assert found(staff, "Bald") == [] and found(staff, "Baldwyn") == []
    assert found(staff, "Maisie 27/03/2015") == [baldwin]
    assert found(staff, "Amelia 27/03/2015") == []


def test_cas6_a_save_that_changes_no_name_keeps_the_digests(baldwin, staff):
    parent = Parent.objects.get(case=baldwin)
    before = set(SearchTerm.objects.filter(parent=parent).values_list("pk", "digest"))
    parent.phone = "07700 900555"
    save_as(parent, staff)
    assert set(SearchTerm.objects.filter(parent=parent).values_list("pk", "digest")) == before
    assert found(staff, "07700 900555") == [baldwin]


def test_cas6_digests_go_with_the_person_and_with_the_case(baldwin, staff):
    second = parent_add(case=baldwin, by=staff, **parent_fields(family_name="Quennell"))
    assert found(staff, "Quen") == [baldwin]
    second_id = second.pk
    assert SearchTerm.objects.filter(parent_id=second_id).exists()
    second.delete()
    assert found(staff, "Quen") == []
    assert not SearchTerm.objects.filter(parent_id=second_id).exists()
    baldwin.delete()
    assert not SearchTerm.objects.exists()


def test_cas6_only_digests_are_stored_never_the_surname_or_its_beginnings(service, staff):
    surname = "Qzxwvendrickson"
    case = make_case(service, staff, family_name=surname)
    child_add(case=case, by=staff, given_name="Jorvik", family_name=surname, date_of_birth=BORN)
    terms = SearchTerm.objects.filter(case=case)
    assert set(terms.values_list("digest", flat=True)) >= surname_digests(surname)
    assert all(
        re.fullmatch(r"[0-9a-f]{32}", digest) for digest in terms.values_list("digest", flat=True)
    )
    normalised = surname.lower()
    plain = {normalised[:length] for length in range(3, len(normalised) + 1)}
    plain |= {code.lower() for code in phonetic_codes(normalised)} | {"jorvik"}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            for row in cursor.fetchall():
                for cell in row:
                    if isinstance(cell, str):
                        text = cell.lower()
                        assert not [p for p in plain if p in text], (table, cell)
                    elif isinstance(cell, (bytes, bytearray, memoryview)):
                        assert normalised.encode() not in bytes(cell).lower(), table


def test_cas6_search_stays_within_12_queries(
    service, staff, client_for, django_assert_max_num_queries
):
    for number in range(30):
        case = make_case(service, staff, family_name=f"Baldwin{'-Hale' * (number % 2)}")
        child_add(
            case=case, by=staff, given_name="Amelia", family_name="Baldwin", date_of_birth=BORN
        )
    client = client_for(staff)
    client.get(reverse("cases:list"))  # the session's first-request work, not the search's
    for query in ["Bald", "Baldwyn", "Amelia 27/03/2015", "Baldwin"]:
        url = client.post(reverse("cases:search"), {"q": query})["Location"]
        with django_assert_max_num_queries(12):
            response = client.get(url)
        assert len(response.context["cases"]) == 25, query
        assert all(case.matched_by for case in response.context["cases"]), query


def test_cas6_partial_search_reads_case_ids_from_the_index_alone(baldwin, staff):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's plan names covering indexes; PostgreSQL picks by table size.")
    plan = search_cases(staff, "Bald").explain()
    lookups = [line for line in plan.splitlines() if "(digest=?)" in line]
    assert lookups and all("USING COVERING INDEX" in line for line in lookups), plan


def test_cas6_the_helpline_finder_uses_the_same_search(baldwin, others, staff, client_for):
    client = client_for(staff)

    def finder(**terms):
        return client.post(reverse("helpline:matches"), terms).content.decode()

    partial = finder(family_name="Baldw")
    assert baldwin.reference in partial and "Matched on beginning of surname" in partial
    sounds = finder(family_name="Baldwyn")
    assert baldwin.reference in sounds and "Matched on surname sounds alike" in sounds
    whole = finder(family_name="Baldwin", phone="+44 (0)7700 900123")
    assert "Matched on surname, phone number" in whole
    assert others[1].reference not in partial


def test_cas6_the_migration_back_fills_digests_for_people_saved_before_them(baldwin, staff):
    """Rows made before the search digests existed get them from the migration."""
    import importlib

    from django.apps import apps

    migration = importlib.import_module("cases.migrations.0002_search_terms")
    before = set(SearchTerm.objects.values_list("parent_id", "child_id", "digest"))
    SearchTerm.objects.all().delete()
    assert found(staff, "Bald") == []
    migration.backfill_search_terms(apps, None)
    assert set(SearchTerm.objects.values_list("parent_id", "child_id", "digest")) == before
    assert found(staff, "Bald") == [baldwin]
    assert found(staff, "Amelia 27/03/2015") == [baldwin]
