"""Shared data for the helpline tests: valid form posts and service arguments."""

import datetime
import uuid

from django.utils import timezone

from cases.models import Topic


def topic_of(service, name: str = "Transport") -> Topic:
    return Topic.objects.get(service=service, name=name)


def contact_args(service, **overrides) -> dict:
    args = {
        "channel": "helpline",
        "topic": topic_of(service),
        "outcome": "advice",
        "occurred_at": timezone.now().replace(microsecond=0) - datetime.timedelta(minutes=5),
    }
    args.update(overrides)
    return args


def when(minutes_ago: int = 5) -> str:
    moment = timezone.localtime() - datetime.timedelta(minutes=minutes_ago)
    return moment.strftime("%Y-%m-%dT%H:%M")


def contact_post(service, **overrides) -> dict:
    data = {
        "submission_id": str(uuid.uuid4()),
        "channel": "helpline",
        "occurred_at": when(),
        "topic": str(topic_of(service).pk),
        "outcome": "advice",
    }
    data.update(overrides)
    return data


def new_caller_post(service, **overrides) -> dict:
    """A complete caller form opening a new case."""
    data = contact_post(
        service,
        notes="Asked about the annual review timetable.",
        case_choice="new",
        family_name="Featherstonehaugh",
        phone="01632 960 123",
        postcode="NE1 4ST",
        child_date_of_birth="2015-03-27",
        given_name="Marguerite",
        relationship="mother",
        parental_responsibility="yes",
        email="",
        address="1 Example Row",
        storage_agreed_on=timezone.localdate().isoformat(),
        storage_agreed_how="telephone",
        purpose_explained="on",
        child_given_name="Tobias",
        child_family_name="",
        school_phase="primary",
        summary="Annual review worries.",
        action="save",
    )
    data.update(overrides)
    return data


def referral_post(service, **overrides) -> dict:
    data = new_caller_post(
        service,
        referrer_type="school",
        referrer_name="Ottoline Quibble",
        organisation="Hillside Primary School",
        referrer_role="SENCO",
        referred_on=timezone.localdate().isoformat(),
        parent_agreed="yes",
        parent_agreed_on=timezone.localdate().isoformat(),
        parent_agreed_how="letter",
        agreement_evidence="Signed parental consent section of the referral form.",
        channel="email",
    )
    for name in ("storage_agreed_on", "storage_agreed_how", "purpose_explained"):
        data.pop(name)
    data.update(overrides)
    return data


def referral_args(**overrides) -> dict:
    today = timezone.localdate()
    args = {
        "referrer_type": "school",
        "referrer_name": "Ottoline Quibble",
        "organisation": "Hillside Primary School",
        "referrer_role": "SENCO",
        "referred_on": today,
        "parent_agreed_on": today,
        "parent_agreed_how": "letter",
        "agreement_evidence": "Signed parental consent section of the referral form.",
    }
    args.update(overrides)
    return args
