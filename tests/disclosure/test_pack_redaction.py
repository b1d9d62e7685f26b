"""Other people's details never reach a family pack through free text (DIS-6, REF-6).

The PDF is read back with pypdf. Other parents (on the case and on a linked
enquiry), referrers, and a brother or sister of 12 or over without a recorded
decision are "other people" for a parent's pack; whatever spelling of their
details staff typed into the enquiry summary, call notes or a child's
information, the pack holds "[redacted]" instead.
"""

import datetime
import io
import re

import pytest
from django.db import connection
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from cases.family.services import child_information_add
from cases.helpline.services import case_link_record, referral_record
from cases.models import Topic
from cases.services import child_add, contact_log, parent_add
from disclosure.capacity.services import child_capacity_decide
from disclosure.models import ChildCapacityDecision
from disclosure.redaction import MARKER
from disclosure.release_pack import render_pack
from disclosure.subject_access import family_pack
from pps.rules import RuleError
from tests.disclosure.helpers import approve, log_request, release
from tests.factories import make_case, parent_fields
from tests.two_factor import with_sudo

MONTHS = [
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
]  # fmt: skip


def pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def squashed(text: str) -> str:
    """Without whitespace and case: a value wrapped over two lines is still found."""
    return re.sub(r"\s", "", text).casefold()


def years_ago(years: int, day: int = 3, month: int = 4) -> datetime.date:
    return datetime.date.today().replace(
        year=datetime.date.today().year - years, month=month, day=day
    )


def _contact(case, by, notes):
    topic = Topic.objects.filter(service=case.service).first()
    return contact_log(
        case=case, by=by, channel="helpline", topic=topic, outcome="advice", notes=notes
    )


def _family(service, staff, *, summary=""):
    """Annika Sharpe's case with Robin (9), a second parent and a linked enquiry (REF-6)."""
    case = make_case(
        service, staff, given_name="Annika", family_name="Sharpe", phone="07700 900111",
        email="annika@example.com", address="1 Own Road", postcode="SW1A 1AA", summary=summary,
    )  # fmt: skip
    robin = child_add(
        case=case, by=staff, given_name="Robin", family_name="Sharpe", date_of_birth=years_ago(9)
    )
    return case, robin


def _sar(case, staff):
    return log_request(
        case, staff, requester_type="parent_subject_access",
        subject_parent=case.parents.order_by("id").first(), requester_name="Annika Sharpe",
    )  # fmt: skip


# --- the reproduction: another parent's details typed into the enquiry summary ---------


@pytest.fixture
def leaky_case(service, staff):
    """Parent B's and a linked enquiry's parent's details typed into A's free text."""
    case, robin = _family(
        service,
        staff,
        summary="Mum says BARNABUS QUENCHWELL (01632960123, b.quench@example.com, ne14st) "
        "disagrees; Yevgenia Linkfield from the other enquiry called too.",
    )
    parent_add(
        case=case, by=staff,
        **parent_fields(
            given_name="Barnabus", family_name="Quenchwell", relationship="father",
            phone="01632 960123", email="B.Quench@example.com", address="7 Larch Close\nMorpeth",
            postcode="NE1 4ST",
        ),
    )  # fmt: skip
    linked = make_case(service, staff, given_name="Yevgenia", family_name="Linkfield")
    case_link_record(case=case, other_case=linked, by=staff, caller_stated_knowledge=True)
    _contact(case, staff, "Quenchwell rang from 7 larch close, morpeth; call +44 1632 960 123.")
    child_information_add(
        child=robin, by=staff, kind="support", source="parent",
        text="Barnabus takes Robin to school on Tuesdays. OWN-SUPPORT-NOTE",
    )  # fmt: skip
    return case


SECOND_PARENT_SPELLINGS = [
    "Barnabus", "Quenchwell", "01632960123", "1632960123", "b.quench@example.com",
    "ne14st", "Larch Close", "Morpeth", "Yevgenia", "Linkfield",
]  # fmt: skip


def test_dis6_ref6_another_parents_details_in_the_enquiry_summary_never_reach_the_pdf(
    leaky_case, staff, coordinator
):
    request = _sar(leaky_case, staff)
    approve(request, coordinator)
    done = release(request, coordinator)
    text = squashed(pdf_text(done.pdf))

    for value in SECOND_PARENT_SPELLINGS:
        assert squashed(value) not in text, value
    assert squashed(MARKER) in text
    # The requester's own data, and their child's, are untouched.
    for own in ["Annika Sharpe", "Robin Sharpe", "07700 900111", "OWN-SUPPORT-NOTE"]:
        assert squashed(own) in text, own
    assert "Enquiry: opened" in done.withheld  # the summary's removals are listed


def test_dis6_the_release_page_counts_what_each_item_lost_without_showing_it(
    leaky_case, staff, coordinator, client_for
):
    request = _sar(leaky_case, staff)
    approve(request, coordinator)
    page = (
        with_sudo(client_for(coordinator))
        .get(reverse("disclosure:release", args=[leaky_case.pk, request.pk]))
        .content.decode()
    )
    # Enquiry summary: Barnabus Quenchwell, Yevgenia Linkfield; a phone, an email, a postcode.
    assert "1 email address, 1 phone number, 1 postcode, 2 names redacted" in page
    # Contact: Quenchwell, the address's two lines, the phone as +44.
    assert "1 phone number, 2 address lines, 1 name redacted" in page
    for value in ["01632", "quench@", "Larch", "Morpeth", "Yevgenia", "ne14st", "NE1 4ST"]:
        assert value not in page, value


# --- a brother or sister of 12 or over ---------------------------------------------


@pytest.fixture
def older_sibling(service, staff):
    case, _ = _family(service, staff, summary="Worried about Jordan, born 03/04/2012.")
    jordan = child_add(
        case=case, by=staff, given_name="Jordan", family_name="Sharpe",
        date_of_birth=years_ago(14, day=5, month=6),
    )  # fmt: skip
    born = jordan.date_of_birth
    case.summary = (
        f"Worried about Jordan, born {born:%d/%m/%Y}, {born.day}/{born.month}/{born.year} "
        f"or {born.day} {MONTHS[born.month - 1]} {born.year}."
    )
    case.save()
    child_information_add(
        child=jordan, by=staff, kind="sen_need", source="parent", text="JORDAN-OWN-NEED"
    )
    return case, jordan


def test_dis6_a_sibling_of_12_or_over_is_withheld_until_a_coordinator_decides(
    older_sibling, staff, coordinator
):
    case, jordan = older_sibling
    request = _sar(case, staff)
    pack = family_pack(request)
    keys = [item.key for item in pack.items]
    assert f"child:{jordan.pk}" not in keys
    assert any("withheld until a coordinator records a decision" in line for line in pack.withheld)
    body = "\n".join(item.body for item in pack.items)
    born = jordan.date_of_birth
    for value in [
        "Jordan",
        "JORDAN-OWN-NEED",
        f"{born:%d/%m/%Y}",
        f"{born.day} {MONTHS[born.month - 1]}",
    ]:
        assert value not in body, value
    assert "Robin Sharpe" in body  # the under-12 child is the pack's subject

    # Staff may not decide; a coordinator records that the child has capacity and agrees.
    with pytest.raises(RuleError):
        child_capacity_decide(
            disclosure=request, child=jordan, has_capacity=True, child_agrees=True,
            reason="Spoke to Jordan.", by=staff,
        )  # fmt: skip
    child_capacity_decide(
        disclosure=request, child=jordan, has_capacity=True, child_agrees=False,
        reason="Jordan does not want their father's household to see it.", by=coordinator,
    )  # fmt: skip
    request.refresh_from_db()
    pack = family_pack(request)
    assert f"child:{jordan.pk}" not in [item.key for item in pack.items]
    assert any("did not agree" in line for line in pack.withheld)

    decision = child_capacity_decide(
        disclosure=request, child=jordan, has_capacity=True, child_agrees=True,
        reason="Jordan changed their mind and agrees.", by=coordinator,
    )  # fmt: skip
    assert decision.history.count() == 2  # both decisions, with who made them
    request.refresh_from_db()
    pack = family_pack(request)
    assert f"child:{jordan.pk}" in [item.key for item in pack.items]
    assert "JORDAN-OWN-NEED" in "\n".join(item.body for item in pack.items)


def test_dis6_the_coordinator_records_the_decision_from_the_release_page(
    older_sibling, staff, coordinator, client_for
):
    case, jordan = older_sibling
    request = _sar(case, staff)
    approve(request, coordinator)
    client = with_sudo(client_for(coordinator))
    release_page = client.get(reverse("disclosure:release", args=[case.pk, request.pk]))
    capacity_url = reverse("disclosure:capacity", args=[case.pk, request.pk])
    assert capacity_url in release_page.content.decode()
    assert "withheld until you record a decision" in release_page.content.decode()
    assert client.get(capacity_url).status_code == 200

    reason = "CAPACITY-REASON-5521 assessed with the school nurse."
    response = client.post(
        reverse("disclosure:capacity_save", args=[case.pk, request.pk]),
        {"child": jordan.pk, "has_capacity": "no", "reason": reason},
    )
    assert response.status_code == 302
    decision = ChildCapacityDecision.objects.get(request=request, child=jordan)
    assert decision.includes_child and decision.decided_by == coordinator
    with connection.cursor() as cursor:  # the reason is stored encrypted
        cursor.execute(f"SELECT reason FROM {ChildCapacityDecision._meta.db_table}")
        assert all(b"CAPACITY-REASON" not in bytes(row[0]) for row in cursor.fetchall())
    request.refresh_from_db()
    done = release(request, coordinator)
    assert "JORDAN-OWN-NEED" in pdf_text(done.pdf)


# --- the property: any other person's values, anywhere in the free text -------------

name = st.from_regex(r"Zq[a-z]{3,8}", fullmatch=True).map(str.capitalize)
local_number = st.from_regex(r"[1-9][0-9]{5}", fullmatch=True)
postcode = st.tuples(
    st.sampled_from(["NE", "SW", "B", "M", "LS", "EC"]),
    st.integers(1, 29),
    st.integers(0, 9),
    st.from_regex(r"[ABD-HJLNP-UW-Z]{2}", fullmatch=True),
).map(lambda p: f"{p[0]}{p[1]} {p[2]}{p[3]}")
street = st.from_regex(r"[1-9][0-9]? Zq[a-z]{4,8} (Road|Lane|Close)", fullmatch=True)
birthday = st.tuples(
    st.integers(13, 17),  # 12 or over on any day of the year
    st.integers(1, 28),
    st.integers(1, 12),
)


def spellings(person: dict) -> list[str]:
    """Ways staff might type a person's details: any case, spaced or not, UK date forms."""
    values = []
    for key in ("given_name", "family_name"):
        values += [person[key], person[key].upper(), person[key].lower()]
    values.append(f"{person['given_name']} {person['family_name']}")
    if person.get("phone"):
        values += [person["phone"], person["phone"].replace(" ", ""), "+44 " + person["phone"][1:]]
    if person.get("postcode"):
        values += [person["postcode"], person["postcode"].replace(" ", "").lower()]
    if person.get("email"):
        values += [person["email"], person["email"].upper()]
    if person.get("address"):
        values += [person["address"], person["address"].lower()]
    if person.get("date_of_birth"):
        born = person["date_of_birth"]
        values += [
            f"{born:%d/%m/%Y}",
            f"{born.day}/{born.month}/{born.year}",
            f"{born.day} {MONTHS[born.month - 1]} {born.year}",
        ]
    return values


def leaked(text: str, person: dict) -> list[str]:
    found = squashed(text)
    checks = [person["given_name"], f"{person['given_name']}{person['family_name']}"]
    if person["family_name"] != "Sharpe":  # a sibling shares the requester's surname
        checks.append(person["family_name"])
    if person.get("phone"):
        checks += [person["phone"], person["phone"][1:]]  # also after +44
    for key in ("email", "postcode", "address"):
        if person.get(key):
            checks.append(person[key])
    if person.get("date_of_birth"):
        born = person["date_of_birth"]
        checks += [
            f"{born:%d/%m/%Y}",
            f"{born.day}/{born.month}/{born.year}",
            f"{born.day}{MONTHS[born.month - 1]}{born.year}",
        ]
    return [value for value in checks if squashed(value) in found]


@pytest.mark.django_db
@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    other=st.tuples(name, name, local_number, postcode, street),
    linked=st.tuples(name, name, local_number),
    sibling=st.tuples(name, birthday),
    referrer=st.tuples(name, name),
    layout=st.randoms(use_true_random=False),
)
def test_dis6_ref6_property_other_peoples_values_never_reach_the_pack_pdf(
    service, staff, coordinator, other, linked, sibling, referrer, layout
):
    second = {
        "given_name": other[0], "family_name": other[1], "phone": f"01632 {other[2]}",
        "email": f"{other[0].lower()}.{other[1].lower()}@example.com",
        "postcode": other[3], "address": other[4],
    }  # fmt: skip
    other_enquiry = {
        "given_name": linked[0],
        "family_name": linked[1],
        "phone": f"07700 {linked[2]}",
    }
    years, day, month = sibling[1]
    brother = {
        "given_name": sibling[0], "family_name": "Sharpe",
        "date_of_birth": years_ago(years, day=day, month=month),
    }  # fmt: skip
    third = {"given_name": referrer[0], "family_name": referrer[1]}
    people = [second, other_enquiry, brother, third]
    planted = [value for person in people for value in spellings(person)]

    def text(n: int) -> str:
        chosen = layout.sample(planted, k=min(n, len(planted)))
        return " and ".join(chosen) + "."

    case, robin = _family(service, staff, summary="Summary: " + " ".join(planted))
    parent_add(
        case=case, by=staff,
        **parent_fields(**{k: v for k, v in second.items()}, relationship="father"),
    )  # fmt: skip
    linked_case = make_case(service, staff, phone=other_enquiry["phone"], **{
        k: other_enquiry[k] for k in ("given_name", "family_name")
    })  # fmt: skip
    case_link_record(case=case, other_case=linked_case, by=staff, caller_stated_knowledge=True)
    child_add(case=case, by=staff, **brother)
    referral_record(
        case=case, by=staff, referrer_type="school",
        referrer_name=f"{third['given_name']} {third['family_name']}", organisation="Zqschool",
        referrer_role="SENCO", referred_on=datetime.date.today(),
        parent_agreed_on=datetime.date.today(), parent_agreed_how="telephone",
        agreement_evidence="Signed referral form.",
    )  # fmt: skip
    _contact(case, staff, "Call notes: " + " ".join(planted))
    _contact(case, staff, text(6))
    child_information_add(child=robin, by=staff, kind="support", source="parent", text=text(8))

    request = _sar(case, staff)
    pdf = pdf_text(render_pack(request, family_pack(request), approved_by=coordinator))

    for person in people:
        assert not leaked(pdf, person), (person, leaked(pdf, person))
    assert "Annika Sharpe" in pdf and "Robin Sharpe" in pdf


def test_dis6_redactor_finds_every_spelling_and_keeps_the_subjects_own_values():
    """No database: the spellings one redaction pass must find (DIS-6)."""
    from disclosure.redaction import Person, Redactor, summarise

    other = Person(
        names=["Siobhan O'Neill", "Siobhan", "O'Neill", "Siobhan Sharpe"],
        phones=["01632 960123"],
        emails=["S.ONeill@example.com"],
        addresses=["7 Larch Close\nMorpeth"],
        postcodes=["NE1 4ST"],
        dates_of_birth=[datetime.date(2012, 4, 3)],
    )
    own = Person(names=["Annika Sharpe", "Annika", "Sharpe"], phones=["07700 900111"])
    text, counts = Redactor([other], [own]).redact(
        "siobhan oneill and O’Neill (s.oneill@EXAMPLE.com) on 01632960123, +44 (0)1632 960 123; "
        "7 larch  close, MORPETH ne14st; born 03/04/2012, 3/4/12, 3rd April 2012, Apr 3, 2012. "
        "Annika Sharpe called from 07700 900111."
    )
    assert text == (
        "[redacted] and [redacted] ([redacted]) on [redacted], [redacted]; "
        "[redacted], [redacted] [redacted]; born [redacted], [redacted], [redacted], [redacted]. "
        "Annika Sharpe called from 07700 900111."
    )
    assert summarise(counts) == (
        "1 email address, 2 phone numbers, 1 postcode, 4 dates of birth, 2 address lines, "
        "2 names redacted"
    )
