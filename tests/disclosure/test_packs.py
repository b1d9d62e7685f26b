"""What a released pack holds (DIS-5, DIS-6, COM-1): read back from the PDF with pypdf."""

import datetime
import io

import pytest
from pypdf import PdfReader

from cases.helpline.services import referral_record
from cases.models import Topic
from cases.services import child_add, contact_log, parent_add
from disclosure.subject_access import family_pack
from pps.pdf import MARKING
from tests.consent.helpers import record
from tests.disclosure.helpers import answer, approve, log_request, notify, release
from tests.factories import make_case, parent_fields

OTHER_PARENTS_SENTINEL = "ZEPHYRINE-SENTINEL-4471"
REFERRER = "Ottoline Fairweather-Quince"
REFERRER_ORGANISATION = "Bramblewood Academy"
SECOND_PARENT = "Barnabus Quenchwell"


def pages(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def _contact(case, by, notes):
    topic = Topic.objects.filter(service=case.service).first()
    return contact_log(
        case=case, by=by, channel="helpline", topic=topic, outcome="advice", notes=notes
    )


def test_dis5_com1_pack_has_the_marking_on_every_page_and_only_the_chosen_items(
    case, staff, coordinator
):
    record(case, staff, "full")
    long_notes = "\n".join(
        f"CHOSEN-LINE-{n} the parent described the morning routine." for n in range(90)
    )
    chosen = _contact(case, staff, long_notes)
    left_out = _contact(case, staff, "NOT-CHOSEN-4412 about the annual review.")
    request = log_request(case, staff)
    notify(request, staff)
    answer(request, staff)
    approve(request, coordinator)
    done = release(request, coordinator, items=[f"contact:{chosen.pk}"])

    text = pages(done.pdf)
    assert len(text) >= 3  # cover letter, schedule, then the items over several pages
    for page in text:
        assert MARKING in page
        assert case.reference in page
    whole = "\n".join(text)
    assert "Ms Officer, SEN team" in text[0]  # the cover letter is to the requester
    assert "Schedule of contents" in whole
    assert "CHOSEN-LINE-0 " in whole and "CHOSEN-LINE-89 " in whole
    assert "NOT-CHOSEN-4412" not in whole
    assert str(left_out.pk) not in done.items
    assert done.items == [f"contact:{chosen.pk}"]
    assert "Contact: Helpline call on" in done.schedule


@pytest.fixture
def separate_enquiries(service, staff):
    """Parent A's case and parent B's separate case about the same child (REF-6)."""
    birthday = datetime.date.today().replace(year=datetime.date.today().year - 9)
    case_a = make_case(
        service, staff, given_name="Annika", family_name="Sharpe", summary="A's enquiry"
    )
    child_add(
        case=case_a, by=staff, given_name="Robin", family_name="Sharpe", date_of_birth=birthday
    )
    parent_add(
        case=case_a, by=staff,
        **parent_fields(given_name="Barnabus", family_name="Quenchwell", relationship="father"),
    )  # fmt: skip
    referral_record(
        case=case_a, by=staff, referrer_type="school", referrer_name=REFERRER,
        organisation=REFERRER_ORGANISATION, referrer_role="SENCO",
        referred_on=datetime.date.today(), parent_agreed_on=datetime.date.today(),
        parent_agreed_how="telephone", agreement_evidence="Signed referral form.",
    )  # fmt: skip
    _contact(
        case_a, staff, f"Annika said {REFERRER} from {REFERRER_ORGANISATION} rang her. OWNNOTEONE"
    )
    _contact(case_a, staff, f"{SECOND_PARENT} joined the call briefly. OWNNOTETWO")

    case_b = make_case(
        service, staff, given_name="Zeph", family_name="Sharpe", relationship="father",
        summary=f"Separate enquiry {OTHER_PARENTS_SENTINEL}",
    )  # fmt: skip
    child_add(
        case=case_b, by=staff, given_name="Robin", family_name="Sharpe", date_of_birth=birthday
    )
    _contact(case_b, staff, f"Father's own call {OTHER_PARENTS_SENTINEL}")
    return case_a, case_b


def _sar(case, staff):
    return log_request(
        case, staff, requester_type="parent_subject_access",
        subject_parent=case.parents.order_by("id").first(),
        requester_name="Annika Sharpe",
    )  # fmt: skip


def test_dis6_sentinel_subject_access_pack_holds_only_the_requesters_data(
    separate_enquiries, staff, coordinator
):
    case_a, _ = separate_enquiries
    request = _sar(case_a, staff)
    approve(request, coordinator)
    done = release(request, coordinator)
    whole = "\n".join(pages(done.pdf))

    # The requester's own data and its history are there.
    assert "Annika Sharpe" in whole and "OWNNOTEONE" in whole and "OWNNOTETWO" in whole
    assert "History of these details" in whole and "details recorded" in whole
    assert "Robin Sharpe" in whole  # the child is under 12: the parent may ask
    # Nobody else's.
    for foreign in [OTHER_PARENTS_SENTINEL, "Fairweather", "Ottoline", "Bramblewood", "Quenchwell"]:
        assert foreign not in whole, foreign
        assert foreign not in done.schedule
    # What was withheld is listed for the coordinator, not silently dropped.
    assert "the referrer's name, role and organisation" in done.withheld
    assert "Details of another parent or carer on the case (Father)" in done.withheld
    assert "third-party detail(s) removed" in done.withheld
    # Only the requesting parent gets the copy, never the other parent.
    assert [copy.parent.given_name for copy in done.copies.all()] == ["Annika"]


def test_dis6_withheld_items_are_shown_to_the_coordinator_before_release(
    separate_enquiries, staff, coordinator, client_for
):
    from django.urls import reverse

    from tests.two_factor import with_sudo

    case_a, _ = separate_enquiries
    request = _sar(case_a, staff)
    approve(request, coordinator)
    page = (
        with_sudo(client_for(coordinator))
        .get(reverse("disclosure:release", args=[case_a.pk, request.pk]))
        .content.decode()
    )
    assert "Withheld (" in page and "the referrer&#x27;s name, role and organisation" in page
    assert OTHER_PARENTS_SENTINEL not in page


def test_dis6_a_child_with_capacity_asks_in_their_own_right_and_parents_get_no_copy(
    case, staff, coordinator
):
    teen = child_add(
        case=case, by=staff, given_name="Jordan", family_name="Teale",
        date_of_birth=datetime.date.today().replace(year=datetime.date.today().year - 14),
    )  # fmt: skip
    request = log_request(
        case, staff, requester_type="child_subject_access", subject_child=teen,
        child_has_capacity=True, requester_name="Jordan Teale",
    )  # fmt: skip
    approve(request, coordinator)
    pack = family_pack(request)
    parent = case.parents.first()
    assert any("Details of another parent" in line for line in pack.withheld)
    assert all(parent.family_name not in item.body for item in pack.items)
    done = release(request, coordinator)
    assert done.copies.count() == 0
    assert "Jordan Teale" in "\n".join(pages(done.pdf))


def test_dis6_parent_request_withholds_a_child_of_12_or_over_with_capacity(case, staff):
    teen = child_add(
        case=case, by=staff, given_name="Jordan", family_name="Teale",
        date_of_birth=datetime.date.today().replace(year=datetime.date.today().year - 13),
    )  # fmt: skip
    request = log_request(
        case, staff, requester_type="parent_subject_access", subject_parent=case.parents.first(),
        subject_child=teen, child_has_capacity=True,
    )  # fmt: skip
    pack = family_pack(request)
    assert not any(item.key == f"child:{teen.pk}" for item in pack.items)
    assert any("own right of access" in line for line in pack.withheld)
