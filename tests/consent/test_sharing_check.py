"""The sharing check and the consent services (CON-1 to CON-8)."""

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from cases import services as case_services
from cases.models import VolunteerAssignment
from consent import services
from consent.models import ConsentDecision, SharingEvent
from consent.selectors import decision_timeline
from consent.sharing import (
    SharingRefused,
    sharing_check,
    sharing_record,
    sharing_require,
)
from pps.rules import RuleError
from tests.consent.helpers import attach_scan, record, refuse
from tests.raw_db import tables_containing

ROLES = ["school_senco", "la_sen_officer", "educational_psychologist", "health", "social_care"]


def allowed(case, role, party="", at=None) -> bool:
    return sharing_check(case=case, recipient_role=role, party=party, at=at).allowed


def test_con6_no_decision_means_no_sharing(case):
    decision = sharing_check(case=case, recipient_role="school_senco")
    assert not decision.allowed and decision.decision_id is None
    assert "No consent" in decision.reason


def test_con6_full_consent_allows_every_role(case, staff):
    decision = record(case, staff, "full")
    assert all(allowed(case, role) for role in [*ROLES, "volunteer", "other"])
    assert sharing_check(case=case, recipient_role="health").decision_id == decision.pk


def test_con6_con4_refusal_blocks_everything_and_says_when(case, staff):
    decision = refuse(case, staff, decided_on=datetime.date(2026, 5, 3))
    assert decision.limits_explained
    for role in [*ROLES, "volunteer"]:
        check = sharing_check(case=case, recipient_role=role)
        assert not check.allowed
        assert check.reason == "The parent refused consent on 3 May 2026."
        assert check.decision_id == decision.pk


def test_con6_restricted_allows_only_the_listed_roles(case, staff):
    record(case, staff, "restricted", roles=["school_senco", "health"])
    assert allowed(case, "school_senco") and allowed(case, "health")
    refused = sharing_check(case=case, recipient_role="social_care")
    assert not refused.allowed
    assert "School SENCO and Health professional" in refused.reason
    assert "does not cover Social care" in refused.reason
    assert not allowed(case, "volunteer")


def test_con3_named_parties_limit_their_role_only(case, staff):
    record(
        case,
        staff,
        "restricted",
        roles=["school_senco", "health"],
        parties=[("school_senco", "Mrs Patel, Oakfield Primary")],
    )
    assert allowed(case, "school_senco", "mrs patel,  Oakfield primary ")
    assert not allowed(case, "school_senco", "Mr Jones, Hillcrest High")
    assert not allowed(case, "school_senco", "")
    # No names were given for health, so any health professional is covered.
    assert allowed(case, "health", "Dr Smith")


def test_con3_full_consent_with_named_parties_still_allows_others(case, staff):
    record(case, staff, "full", parties=[("school_senco", "Mrs Patel")])
    assert allowed(case, "school_senco", "Mr Jones")


def test_con2_in_person_consent_counts_only_once_the_signed_form_is_attached(case, staff):
    decision = record(case, staff, "full", how="in_person")
    check = sharing_check(case=case, recipient_role="school_senco")
    assert not check.allowed and "incomplete" in check.reason
    before = timezone.now()
    attach_scan(decision, staff)
    assert allowed(case, "school_senco")
    # Asked about a moment before the form arrived, the answer is still no.
    assert not allowed(case, "school_senco", at=before)


def test_con2_a_refusal_in_person_needs_no_form(case, staff):
    refuse(case, staff, how="in_person")
    check = sharing_check(case=case, recipient_role="school_senco")
    assert "refused" in check.reason


def test_con7_withdrawal_takes_effect_at_once(case, staff):
    record(case, staff, "full")
    assert allowed(case, "school_senco")
    before = timezone.now()
    withdrawal = services.consent_withdraw(
        case=case, by=staff, obtained_how="telephone", limits_explained=True
    )
    check = sharing_check(case=case, recipient_role="school_senco")
    assert not check.allowed and check.decision_id == withdrawal.pk
    assert check.reason.startswith("The parent withdrew consent on ")
    assert allowed(case, "school_senco", at=before)  # the past is not rewritten


def test_con7_withdrawal_also_cancels_a_decision_scheduled_for_later(case, staff):
    record(case, staff, "full", effective_from=datetime.date.today() + datetime.timedelta(days=7))
    services.consent_withdraw(case=case, by=staff, obtained_how="letter", limits_explained=True)
    later = timezone.now() + datetime.timedelta(days=8)
    assert not allowed(case, "school_senco", at=later)


def test_con7_nothing_to_withdraw(case, staff):
    with pytest.raises(RuleError, match="no consent to withdraw"):
        services.consent_withdraw(case=case, by=staff, obtained_how="letter", limits_explained=True)
    refuse(case, staff)
    with pytest.raises(RuleError, match="no consent to withdraw"):
        services.consent_withdraw(case=case, by=staff, obtained_how="letter", limits_explained=True)


def test_con5_a_decision_scheduled_for_later_takes_effect_then(case, staff):
    refuse(case, staff)
    record(case, staff, "full", effective_from=datetime.date.today() + datetime.timedelta(days=3))
    assert not allowed(case, "health")
    assert allowed(case, "health", at=timezone.now() + datetime.timedelta(days=4))


def test_con5_review_adds_a_decision_and_keeps_the_old_one(case, staff, coordinator):
    first = record(case, staff, "full")
    second = record(case, coordinator, "restricted", roles=["health"], review_of=first)
    assert [d.pk for d in decision_timeline(case)] == [second.pk, first.pk]
    assert second.review_of == first and second.recorded_by == coordinator
    assert ConsentDecision.objects.get(pk=first.pk).kind == "full"  # unchanged
    assert not allowed(case, "school_senco") and allowed(case, "health")


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"kind": "restricted"}, "at least one role"),
        ({"kind": "full", "roles": ["health"]}, "Only restricted"),
        ({"kind": "restricted", "roles": ["astrologer"]}, "service's list"),
        ({"kind": "refused", "limits_explained": False}, "limits"),
        (
            {"kind": "restricted", "roles": ["health"], "parties": [("school_senco", "Mrs P")]},
            "roles the parent agreed",
        ),
        ({"kind": "refused", "parties": [("health", "Dr X")]}, "names no parties"),
        ({"kind": "full", "effective_from": datetime.date(2020, 1, 1)}, "before it is recorded"),
        ({"kind": "full", "decided_on": datetime.date(2999, 1, 1)}, "future"),
        ({"kind": "withdrawn"}, "Choose full"),
        ({"kind": "full", "obtained_how": "carrier pigeon"}, "how"),
    ],
)
def test_con1_sec4_bad_decisions_are_refused_and_change_nothing(case, staff, extra, message):
    fields = {
        "kind": "full",
        "obtained_how": "telephone",
        "decided_on": datetime.date.today(),
        "limits_explained": extra.get("kind") == "refused",
        **extra,
    }
    with pytest.raises(RuleError, match=message):
        services.consent_record(case=case, by=staff, **fields)
    assert not ConsentDecision.objects.exists()


def test_con1_only_staff_of_the_service_record_consent(case, volunteer, other_service_staff):
    for user in (volunteer, other_service_staff):
        with pytest.raises(RuleError):
            record(case, user)


def test_con1_database_forbids_restricted_without_roles(case, staff):
    decision = record(case, staff, "full")
    for kind, roles in [("restricted", []), ("full", ["health"])]:
        with pytest.raises(IntegrityError), transaction.atomic():
            ConsentDecision.objects.filter(pk=decision.pk).update(kind=kind, roles=roles)


def test_con4_database_forbids_a_refusal_without_limits_explained(case, staff):
    decision = record(case, staff, "full")
    with pytest.raises(IntegrityError), transaction.atomic():
        ConsentDecision.objects.filter(pk=decision.pk).update(kind="refused")


def test_con1_every_decision_has_date_recorder_and_effective_moment(case, staff):
    decision = record(case, staff, "full", decided_on=datetime.date.today())
    assert decision.decided_on == datetime.date.today()
    assert decision.recorded_by == staff
    assert decision.effective_from == decision.recorded_at
    assert decision.history.first().history_user == staff


def test_con6_unknown_role_is_never_allowed(case, staff):
    record(case, staff, "full")
    assert not allowed(case, "astrologer")
    assert not allowed(case, "")


def test_con6_sharing_require_raises_with_the_reason(case, staff):
    refuse(case, staff, decided_on=datetime.date(2026, 5, 3))
    with pytest.raises(SharingRefused) as refused:
        sharing_require(case=case, recipient_role="health")
    assert str(refused.value) == "The parent refused consent on 3 May 2026."
    assert refused.value.decision.allowed is False
    assert isinstance(refused.value, RuleError)  # views show it like any rule


def test_con6_sharing_record_refused_saves_nothing(case, staff):
    record(case, staff, "restricted", roles=["health"])
    with pytest.raises(SharingRefused):
        sharing_record(
            case=case,
            kind="referral_to_agency",
            recipient_role="social_care",
            party="Children's social care",
            what="Referral about transport.",
            by=staff,
        )
    assert not SharingEvent.objects.exists()


def test_con6_sharing_record_keeps_who_what_when_and_the_decision(case, staff):
    decision = record(case, staff, "full")
    event = sharing_record(
        case=case,
        kind="discussion_with_la_or_school",
        recipient_role="la_sen_officer",
        party="Zebedee Quartermaine, SEN team",
        what="Discussed the delay to the EHC needs assessment (SENTINEL-WHAT-91).",
        by=staff,
    )
    event.refresh_from_db()
    assert event.consent_decision == decision and event.by == staff
    assert event.party.startswith("Zebedee")
    for needle in ("Zebedee", "SENTINEL-WHAT-91"):
        assert tables_containing(needle) == set()


def test_acc10_consent_notes_and_parties_are_encrypted(case, staff):
    record(
        case,
        staff,
        "restricted",
        roles=["health"],
        parties=[("health", "Dr Ozymandias Featherstonehaugh")],
        note="NOTE-CONSENT-SENTINEL",
    )
    for needle in ("Ozymandias", "NOTE-CONSENT-SENTINEL"):
        assert tables_containing(needle) == set()


def test_con8_volunteer_assignment_needs_consent_that_covers_a_volunteer(
    case, staff, coordinator, volunteer
):
    with pytest.raises(SharingRefused, match="No consent"):
        case_services.volunteer_assign(case=case, volunteer=volunteer, by=coordinator)
    record(case, staff, "restricted", roles=["school_senco"])
    with pytest.raises(SharingRefused, match="does not cover"):
        case_services.volunteer_assign(case=case, volunteer=volunteer, by=coordinator)
    # Refused, nothing is left behind: no assignment, no access, no record.
    assert not VolunteerAssignment.objects.exists()
    assert not volunteer.has_perm("cases.view_case", case)
    assert not SharingEvent.objects.exists()


def test_con8_assigning_a_volunteer_records_what_was_shared_with_them(
    case, staff, coordinator, volunteer
):
    decision = record(case, staff, "restricted", roles=["volunteer"])
    case_services.volunteer_assign(case=case, volunteer=volunteer, by=coordinator)
    event = SharingEvent.objects.get(case=case)
    assert event.kind == "volunteer_sharing" and event.recipient_role == "volunteer"
    assert event.party == volunteer.get_full_name()
    assert "the parent supplied" in event.what
    assert event.by == coordinator and event.consent_decision == decision
