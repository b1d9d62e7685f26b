"""The child-protection override and its review: every transition and every forbidden one (DIS-7)."""

import datetime

import pytest
from django.core import mail
from django.db import IntegrityError
from django.utils import timezone

from cases import services as case_services
from consent.models import SharingEvent
from disclosure.safeguarding.models import (
    ChildProtectionOverride,
    ImmutableRecordError,
    NonDisclosureDecision,
    OverrideReview,
)
from disclosure.safeguarding.services import override_review, review_refusal
from pps.rules import RuleError
from tests.consent.helpers import record, refuse
from tests.disclosure.override_helpers import record_non_disclosure, record_override
from tests.factories import make_user

NOTES = "Checked the referral and the call notes; the right decision."


def review(override, by, **extra):
    return override_review(
        override=override, by=by, outcome=extra.pop("outcome", "appropriate"), notes=NOTES, **extra
    )


def test_dis7_staff_record_an_override_over_a_refusal_without_obeying_it(case, staff):
    refuse(case, staff)
    override = record_override(case, staff)
    assert override.consent_refused is True
    assert "refused consent" in override.consent_at_the_time
    assert override.reason.startswith("The parent said")
    assert not OverrideReview.objects.filter(override=override).exists()
    # The override is not a consented share: no SharingEvent is written.
    assert SharingEvent.objects.count() == 0


def test_dis7_snapshot_says_when_consent_would_have_allowed_it(case, staff):
    record(case, staff, "full")
    override = record_override(case, staff)
    assert override.consent_refused is False
    assert "full consent" in override.consent_at_the_time


def test_dis7_snapshot_without_any_consent_recorded(case, staff):
    override = record_override(case, staff, recipient="police")
    assert override.consent_refused is False
    assert override.consent_at_the_time.startswith("No consent")


def test_dis7_a_coordinator_may_record_one_too(case, coordinator):
    assert record_override(case, coordinator).recorded_by == coordinator


@pytest.mark.parametrize("role", ["volunteer", "admin"])
def test_dis7_volunteers_and_admins_cannot_record(case, service, role):
    with pytest.raises(RuleError):
        record_override(case, make_user(service, role))
    with pytest.raises(RuleError):
        record_non_disclosure(case, make_user(service, role))
    assert not ChildProtectionOverride.objects.exists()
    assert not NonDisclosureDecision.objects.exists()


def test_dis7_staff_of_another_service_cannot_record(case, other_service_staff):
    with pytest.raises(RuleError):
        record_override(case, other_service_staff)


@pytest.mark.parametrize(
    "change, message",
    [
        ({"reason": "At risk."}, "at least 20 characters"),
        ({"reason": "   "}, "at least 20 characters"),
        ({"what_was_shared": " "}, "what information was shared"),
        ({"category": "gossip"}, "category of concern"),
        ({"recipient": "newspaper"}, "who the information was shared with"),
        ({"recipient": "other", "recipient_detail": ""}, "Say who"),
        ({"shared_at": timezone.now() + datetime.timedelta(hours=1)}, "future"),
        ({"shared_at": timezone.now() - datetime.timedelta(days=400)}, "before the case opened"),
    ],
)
def test_dis7_reason_recipient_content_and_time_are_required(case, staff, change, message):
    with pytest.raises(RuleError, match=message):
        record_override(case, staff, **change)
    assert not ChildProtectionOverride.objects.exists()


def test_dis7_child_must_be_on_the_case(case, staff, service):
    from tests.factories import make_case

    other = make_case(service, staff)
    stranger = case_services.child_add(case=other, by=staff, given_name="A", family_name="B")
    with pytest.raises(RuleError, match="child on this case"):
        record_override(case, staff, child=stranger)


def test_dis7_archived_case_takes_no_new_override(case, staff):
    case_services.case_close(case=case, by=staff)
    case_services.case_archive(case=case, by=staff)
    with pytest.raises(RuleError, match="archived"):
        record_override(case, staff)


def test_dis7_recorded_then_reviewed(case, staff, coordinator):
    override = record_override(case, staff)
    assert review_refusal(override, coordinator) == ""
    done = review(override, coordinator)
    assert done.reviewed_by == coordinator and done.notes == NOTES
    assert override.review == done


def test_dis7_no_second_review(case, staff, coordinator, service):
    override = record_override(case, staff)
    review(override, coordinator)
    deputy = make_user(service, "coordinator")
    with pytest.raises(RuleError, match="already been reviewed"):
        review(override, deputy)
    assert OverrideReview.objects.count() == 1


def test_dis7_database_refuses_a_second_review_row(case, staff, coordinator):
    override = record_override(case, staff)
    review(override, coordinator)
    with pytest.raises(IntegrityError):
        OverrideReview.objects.bulk_create(
            [OverrideReview(override=override, case=case, outcome="appropriate", reviewed_by=staff)]
        )


@pytest.mark.parametrize("role", ["staff", "volunteer", "admin"])
def test_dis7_only_coordinators_review(case, staff, service, role):
    override = record_override(case, staff)
    with pytest.raises(RuleError, match="Only a coordinator"):
        review(override, make_user(service, role))
    assert not OverrideReview.objects.exists()


def test_dis7_coordinator_of_another_service_cannot_review(case, staff, other_service):
    override = record_override(case, staff)
    with pytest.raises(RuleError, match="Only a coordinator"):
        review(override, make_user(other_service, "coordinator"))


def test_dis7_nobody_reviews_their_own_override(case, coordinator, service):
    override = record_override(case, coordinator)
    # The only coordinator: told plainly why it waits, and what to do.
    with pytest.raises(RuleError, match="no other coordinator in the service"):
        review(override, coordinator)
    deputy = make_user(service, "coordinator")
    with pytest.raises(RuleError, match="another coordinator must review it"):
        review(override, coordinator)
    assert review(override, deputy).reviewed_by == deputy


def test_dis7_review_notes_and_outcome_required(case, staff, coordinator):
    override = record_override(case, staff)
    with pytest.raises(RuleError, match="outcome"):
        review(override, coordinator, outcome="fine")
    with pytest.raises(RuleError, match="at least 20"):
        override_review(override=override, by=coordinator, outcome="appropriate", notes="ok")
    assert not OverrideReview.objects.exists()


def test_dis7_an_override_cannot_be_edited_or_deleted(case, staff, coordinator):
    override = record_override(case, staff)
    done = review(override, coordinator)
    decision = record_non_disclosure(case, staff)
    for record_ in (override, done, decision):
        fresh = type(record_).objects.get(pk=record_.pk)
        with pytest.raises(ImmutableRecordError, match="cannot be changed"):
            fresh.save()
        with pytest.raises(ImmutableRecordError, match="cannot be deleted"):
            fresh.delete()
    override.refresh_from_db()
    assert override.reason.startswith("The parent said")
    assert ChildProtectionOverride.objects.count() == 1


def test_dis7_encrypted_fields_cannot_be_bulk_updated(case, staff):
    record_override(case, staff)
    with pytest.raises(Exception):  # noqa: B017 - encrypted fields refuse set-based writes
        ChildProtectionOverride.objects.update(reason="rewritten")


def test_dis7_no_service_edits_or_deletes_an_override():
    from disclosure.safeguarding import services as override_services

    names = [name for name in dir(override_services) if name.startswith("override_")]
    assert sorted(names) == ["override_notify", "override_record", "override_review"]


def test_dis7_decision_not_to_share_is_recorded(case, staff):
    decision = record_non_disclosure(case, staff)
    assert decision.decided_by == staff and decision.get_category_display() == "Emotional abuse"
    with pytest.raises(RuleError, match="at least 20"):
        record_non_disclosure(case, staff, reason="no")


def test_dis7_history_records_who_recorded_it(case, staff):
    override = record_override(case, staff)
    (entry,) = override.history.all()
    assert entry.history_user == staff and entry.history_type == "+"


# --- telling the coordinators at once (COM-3) ---------------------------------


def with_email(user, address="coordinator@example.org"):
    user.email = address
    user.save(update_fields=["email"])
    return user


def record_and_commit(capture, case, by, **extra):
    """Record with the real notification, running what waits for the commit."""
    with capture(execute=True):
        return record_override(case, by, notify_coordinators=True, **extra)


def test_com3_coordinators_emailed_on_commit_with_the_coded_reference_only(
    case, staff, coordinator, service, django_capture_on_commit_callbacks
):
    other_coordinator = make_user(service, "coordinator", email="deputy@example.org")
    with_email(coordinator)
    child = case_services.child_add(
        case=case,
        by=staff,
        given_name="Zebedee",
        family_name="Quartermaine",
        date_of_birth=datetime.date(2015, 3, 4),
    )
    parent = case.parents.get()
    override = record_and_commit(
        django_capture_on_commit_callbacks, case, staff, recipient="police", child=child
    )
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [coordinator.email, other_coordinator.email]
    )
    message = mail.outbox[0]
    assert message.subject.startswith("[ZQ 04/03/2015]")
    assert case.reference in message.body
    assert f"/safeguarding/overrides/{override.pk}/" in message.body
    for personal in ("Zebedee", "Quartermaine", parent.given_name, parent.family_name):
        assert personal not in message.subject + message.body


def test_com3_the_recorder_is_not_emailed_about_their_own_override(
    case, coordinator, django_capture_on_commit_callbacks
):
    with_email(coordinator)
    record_and_commit(django_capture_on_commit_callbacks, case, coordinator)
    assert mail.outbox == []


def test_dis7_a_failing_mail_server_does_not_lose_the_override(
    case, staff, coordinator, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    with_email(coordinator)
    monkeypatch.setattr(
        "django.core.mail.EmailMessage.send",
        lambda self, *a, **k: (_ for _ in ()).throw(OSError("refused for coordinator@example.org")),
    )
    override = record_and_commit(django_capture_on_commit_callbacks, case, staff)
    assert ChildProtectionOverride.objects.filter(pk=override.pk).exists()
    assert f"override {override.pk}" in caplog.text and "OSError" in caplog.text
    assert "example.org" not in caplog.text and case.reference not in caplog.text
