"""Building overrides for tests, through the same services the app uses."""

import datetime

from django.utils import timezone

from disclosure.safeguarding.services import non_disclosure_record, override_record
from tests.consent.helpers import refuse

REASON = "The parent said the children are often left alone overnight."
SHARED = "The case reference and what the parent said on the call."


def record_override(case, by, **extra):
    fields = {
        "category": "neglect",
        "reason": REASON,
        "recipient": "social_care",
        "what_was_shared": SHARED,
        "notify_coordinators": False,
    }
    fields.update(extra)
    return override_record(case=case, by=by, **fields)


def record_non_disclosure(case, by, **extra):
    fields = {"category": "emotional", "reason": "Discussed anonymously; below the threshold."}
    fields.update(extra)
    return non_disclosure_record(case=case, by=by, **fields)


def refused_a_while_ago(case, by):
    """The parent refused consent before the call in which a child was found at risk."""
    earlier = timezone.now() - datetime.timedelta(minutes=10)
    return refuse(case, by, at=earlier, decided_on=timezone.localdate(earlier))
