"""Building disclosure requests in every state, through the services the app uses."""

import datetime

from django.utils import timezone

from disclosure import services
from tests.consent.helpers import record


def today() -> datetime.date:
    return timezone.localdate()


def log_request(case, by, **extra):
    fields = {
        "requester_type": "la_officer",
        "requester_name": "Ms Officer, SEN team",
        "requester_organisation": "County Hall",
        "what_asked": "Notes of the parent's calls about the EHC plan.",
        "received_on": today(),
        "recipient_role": "la_sen_officer",
    }
    fields.update(extra)
    return services.disclosure_request_log(case=case, by=by, **fields)


def notify(request, by):
    return services.disclosure_parent_notified(
        disclosure=request,
        by=by,
        notified_on=today(),
        method="telephone",
        expected_version=request.version,
    )


def answer(request, by, answer="consented", **extra):
    extra.setdefault("evidence", "signed_form" if answer == "consented" else "")
    return services.disclosure_consent_recorded(
        disclosure=request,
        by=by,
        answer=answer,
        answered_on=today(),
        expected_version=request.version,
        **extra,
    )


def approve(request, by, **extra):
    return services.disclosure_approve(
        disclosure=request, by=by, expected_version=request.version, **extra
    )


def refuse(request, by, reason="Not enough detail in the request."):
    return services.disclosure_refuse(
        disclosure=request, by=by, expected_version=request.version, reason=reason
    )


def release(request, by, items=None):
    if items is None and not request.is_family_route:
        items = ["summary:0"]
    return services.disclosure_release(
        disclosure=request, by=by, expected_version=request.version, items=items
    )


def approved_request(case, staff, coordinator, *, consent=True, **extra):
    """A third-party request taken as far as approval (consent recorded on the case first)."""
    if consent:
        record(case, staff, "full")
    request = log_request(case, staff, **extra)
    notify(request, staff)
    answer(request, staff)
    return approve(request, coordinator)
