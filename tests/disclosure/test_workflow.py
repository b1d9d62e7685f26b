"""The request workflow (DIS-1 to DIS-5): every transition, every forbidden one, the rules of approval."""

import datetime

import pytest

from cases.services import parent_add
from consent.models import SharingEvent
from consent.services import consent_withdraw
from disclosure import services
from disclosure.models import DisclosureEvent, DisclosureRequest, State
from pps.locking import ConflictError
from pps.rules import RuleError
from tests.consent.helpers import record
from tests.disclosure.helpers import answer, approve, log_request, notify, refuse, release, today
from tests.factories import make_user, parent_fields

ACTIONS = {
    "notify": lambda r, staff, coordinator: notify(r, staff),
    "answer": lambda r, staff, coordinator: answer(r, staff),
    "approve": lambda r, staff, coordinator: approve(r, coordinator),
    "refuse": lambda r, staff, coordinator: refuse(r, coordinator),
    "release": lambda r, staff, coordinator: release(r, coordinator),
    "close": lambda r, staff, coordinator: services.disclosure_close(
        disclosure=r, by=staff, expected_version=r.version
    ),
}
RESULT = {
    "notify": State.PARENT_NOTIFIED,
    "answer": State.CONSENT_RECORDED,
    "approve": State.APPROVED,
    "refuse": State.REFUSED,
    "release": State.RELEASED,
    "close": State.CLOSED,
}
# How to reach each state of a third-party request, and what may follow it.
PATHS = {
    State.RECEIVED: [],
    State.PARENT_NOTIFIED: ["notify"],
    State.CONSENT_RECORDED: ["notify", "answer"],
    State.APPROVED: ["notify", "answer", "approve"],
    State.REFUSED: ["refuse"],
    State.RELEASED: ["notify", "answer", "approve", "release"],
    State.CLOSED: ["refuse", "close"],
}
ALLOWED = {
    State.RECEIVED: {"notify", "refuse"},
    State.PARENT_NOTIFIED: {"answer", "refuse"},
    State.CONSENT_RECORDED: {"approve", "refuse"},
    State.APPROVED: {"release", "refuse"},
    State.REFUSED: {"close"},
    State.RELEASED: {"close"},
    State.CLOSED: set(),
}


@pytest.fixture
def consented_case(case, staff):
    record(case, staff, "full")
    return case


def _request_in(state, case, staff, coordinator):
    request = log_request(case, staff)
    for step in PATHS[state]:
        ACTIONS[step](request, staff, coordinator)
    request.refresh_from_db()
    assert request.state == state
    return request


TRANSITION_CASES = [(state, action) for state in PATHS for action in ACTIONS]


@pytest.mark.parametrize(("state", "action"), TRANSITION_CASES)
def test_dis2_dis4_dis5_every_transition_and_every_forbidden_one(
    consented_case, staff, coordinator, state, action
):
    request = _request_in(state, consented_case, staff, coordinator)
    events = DisclosureEvent.objects.filter(request=request).count()
    if action in ALLOWED[state]:
        ACTIONS[action](request, staff, coordinator)
        request.refresh_from_db()
        assert request.state == RESULT[action]
        assert DisclosureEvent.objects.filter(request=request).count() == events + 1
    else:
        with pytest.raises(RuleError):
            ACTIONS[action](request, staff, coordinator)
        request.refresh_from_db()
        assert request.state == state
        assert DisclosureEvent.objects.filter(request=request).count() == events


SAR_ALLOWED = {
    State.RECEIVED: {"approve", "refuse"},
    State.APPROVED: {"release", "refuse"},
    State.RELEASED: {"close"},
}


@pytest.mark.parametrize("state", list(SAR_ALLOWED))
@pytest.mark.parametrize("action", list(ACTIONS))
def test_dis6_subject_access_skips_notice_and_consent_only(case, staff, coordinator, state, action):
    parent = case.parents.first()
    request = log_request(
        case, staff, requester_type="parent_subject_access", subject_parent=parent
    )
    for step in {
        State.RECEIVED: [],
        State.APPROVED: ["approve"],
        State.RELEASED: ["approve", "release"],
    }[state]:
        ACTIONS[step](request, staff, coordinator)
    if action in SAR_ALLOWED[state]:
        ACTIONS[action](request, staff, coordinator)
        request.refresh_from_db()
        assert request.state == RESULT[action]
    else:
        with pytest.raises(RuleError):
            ACTIONS[action](request, staff, coordinator)
        request.refresh_from_db()
        assert request.state == state


def test_dis1_logged_request_has_its_due_date_and_log_entry(case, staff):
    request = log_request(case, staff, requester_type="foi", received_on=datetime.date(2026, 3, 2))
    assert request.due_on == datetime.date(2026, 3, 30)
    assert request.state == State.RECEIVED and request.route == "third_party"
    assert request.events.get().action == "logged"


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"requester_type": "nonsense"}, "Choose who is asking"),
        ({"requester_name": " "}, "Enter who is asking"),
        ({"what_asked": ""}, "Enter what is asked for"),
        ({"received_on": datetime.date(2999, 1, 1)}, "cannot be in the future"),
        ({"recipient_role": "astronaut"}, "Choose the requester's role"),
        ({"requester_type": "parent_subject_access"}, "Choose the parent"),
        ({"requester_type": "child_subject_access"}, "Choose the child"),
    ],
)
def test_dis1_bad_requests_are_refused_and_store_nothing(case, staff, extra, message):
    with pytest.raises(RuleError, match=message):
        log_request(case, staff, **extra)
    assert not DisclosureRequest.objects.exists()


def test_dis4_nobody_approves_a_request_they_logged(consented_case, coordinator, staff):
    request = log_request(consented_case, coordinator)
    notify(request, staff)
    answer(request, staff)
    with pytest.raises(RuleError, match="You logged this request"):
        approve(request, coordinator)
    with pytest.raises(RuleError, match="You logged this request"):
        refuse(request, coordinator)
    request.refresh_from_db()
    assert request.state == State.CONSENT_RECORDED


def test_dis4_staff_do_not_approve_without_being_the_recorded_deputy(
    consented_case, staff, service
):
    other_staff = make_user(service, "staff")
    request = _request_in(State.CONSENT_RECORDED, consented_case, staff, None)
    with pytest.raises(RuleError, match="Only a coordinator"):
        approve(request, other_staff)


def test_dis4_head_decides_deputy_only_in_the_heads_recorded_absence(
    consented_case, staff, coordinator, service, admin_user
):
    deputy = make_user(service, "staff")
    another_coordinator = make_user(service, "coordinator")
    services.disclosure_approvers_set(
        service=service, by=admin_user, head=coordinator, deputy=deputy,
        absent_from=None, absent_until=None,
    )  # fmt: skip
    request = _request_in(State.CONSENT_RECORDED, consented_case, staff, None)
    for outsider in (deputy, another_coordinator):
        with pytest.raises(RuleError, match="head of service"):
            approve(request, outsider)
    # The head records their absence; now the deputy may decide, the head still may.
    services.disclosure_approvers_set(
        service=service, by=coordinator, head=coordinator, deputy=deputy,
        absent_from=today(), absent_until=today() + datetime.timedelta(days=7),
    )  # fmt: skip
    with pytest.raises(RuleError):
        approve(request, another_coordinator)
    approve(request, deputy)
    request.refresh_from_db()
    assert request.state == State.APPROVED and request.decided_by == deputy


def test_dis4_only_the_head_or_an_admin_records_the_deputy(service, coordinator, staff):
    with pytest.raises(RuleError, match="head of service or an administrator"):
        services.disclosure_approvers_set(
            service=service, by=coordinator, head=coordinator, deputy=staff,
            absent_from=None, absent_until=None,
        )  # fmt: skip


def test_dis2_third_party_approval_needs_the_parents_consent_answer(
    consented_case, staff, coordinator
):
    request = log_request(consented_case, staff)
    notify(request, staff)
    answer(request, staff, "declined")
    with pytest.raises(RuleError, match="not consented"):
        approve(request, coordinator)
    refuse(request, coordinator)


def test_dis2_consent_needs_a_signed_form_or_letter(consented_case, staff):
    request = log_request(consented_case, staff)
    notify(request, staff)
    with pytest.raises(RuleError, match="signed form or the parent's letter"):
        answer(request, staff, evidence="")


def test_con6_approval_runs_the_sharing_check(case, staff, coordinator):
    request = log_request(case, staff)  # no consent decision recorded on the case
    notify(request, staff)
    answer(request, staff)
    with pytest.raises(RuleError, match="No consent to share"):
        approve(request, coordinator)
    request.refresh_from_db()
    assert request.state == State.CONSENT_RECORDED


def test_con7_a_withdrawal_after_approval_stops_the_release(consented_case, staff, coordinator):
    request = _request_in(State.APPROVED, consented_case, staff, coordinator)
    consent_withdraw(case=consented_case, by=staff, obtained_how="telephone", limits_explained=True)
    with pytest.raises(RuleError, match="withdrew consent"):
        release(request, coordinator)
    request.refresh_from_db()
    assert request.state == State.APPROVED
    assert not SharingEvent.objects.filter(kind="disclosure").exists()
    assert not hasattr(request, "release") or request.release is None
    refuse(request, coordinator, reason="The parent withdrew consent.")


def test_dis5_release_records_the_share_the_pack_and_the_parents_copy(
    consented_case, staff, coordinator, mailoutbox
):
    parent = consented_case.parents.first()
    request = _request_in(State.APPROVED, consented_case, staff, coordinator)
    done = release(request, coordinator, items=["summary:0"])
    assert done.pdf.startswith(b"%PDF")
    assert done.items == ["summary:0"]
    assert done.approved_by == coordinator and done.released_by == coordinator
    assert done.sharing_event.kind == "disclosure"
    assert done.sharing_event.recipient_role == "la_sen_officer"
    copy = done.copies.get()
    assert copy.parent == parent and copy.method == "post"  # no email permission
    assert mailoutbox == []


def test_dis5_parent_with_email_permission_gets_the_copy_by_email(
    service, staff, coordinator, mailoutbox
):
    from tests.factories import make_case

    case = make_case(service, staff, email_permission=True, email="parent@example.com")
    record(case, staff, "full")
    request = _request_in(State.APPROVED, case, staff, coordinator)
    release(request, coordinator)
    assert [m.to for m in mailoutbox] == [["parent@example.com"]]
    assert mailoutbox[0].subject.startswith("Confidential:")
    assert mailoutbox[0].attachments[0][2] == "application/pdf"
    assert request.release.copies.get().method == "email"


def test_dis5_unknown_items_are_refused(consented_case, staff, coordinator):
    request = _request_in(State.APPROVED, consented_case, staff, coordinator)
    with pytest.raises(RuleError, match="Choose items from this case"):
        release(request, coordinator, items=["contact:999999"])
    with pytest.raises(RuleError, match="at least one item"):
        release(request, coordinator, items=[])


def test_sec4_a_stale_version_is_a_conflict(consented_case, staff, coordinator):
    request = _request_in(State.CONSENT_RECORDED, consented_case, staff, coordinator)
    stale = request.version
    approve(request, coordinator)
    request.version = stale
    with pytest.raises(ConflictError):
        services.disclosure_approve(disclosure=request, by=coordinator, expected_version=stale)


def test_dis3_whole_record_at_the_parents_request_goes_to_their_solicitor(
    consented_case, staff, coordinator
):
    parent_add(case=consented_case, by=staff, **parent_fields(relationship="father"))
    request = log_request(consented_case, staff, on_behalf_of=consented_case.parents.first())
    notify(request, staff)
    answer(
        request, staff, "whole_record", whole_record_to="solicitor",
        whole_record_recipient="A. Lawyer, Lawyers LLP",
    )  # fmt: skip
    approve(request, coordinator)
    done = release(request, coordinator)
    assert done.recipient == "A. Lawyer, Lawyers LLP"
    assert done.sharing_event is None  # the family's own record, not third-party sharing
    assert done.copies.count() == 2  # both parents hold parental responsibility
    actions = list(request.events.values_list("action", flat=True))
    assert actions == ["logged", "parent_notified", "parent_answered", "approved", "released"]


def test_dis6_a_child_under_12_cannot_be_the_requester(case, staff):
    from cases.services import child_add

    child = child_add(
        case=case, by=staff, given_name="Kit", family_name="Young",
        date_of_birth=today().replace(year=today().year - 8),
    )  # fmt: skip
    with pytest.raises(RuleError, match="under 12"):
        log_request(
            case, staff, requester_type="child_subject_access", subject_child=child,
            child_has_capacity=True,
        )  # fmt: skip
