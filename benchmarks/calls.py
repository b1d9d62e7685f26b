"""What the benchmark's sessions post, shared by the in-process measurements
(``measurements``) and the sessions over HTTP (``throughput``)."""

import uuid

from django.utils import timezone


def helpline_call(*, topic_id: int, case_id: int) -> dict[str, str]:
    """The helpline form's fields for a call on a found case, saved at once."""
    return {
        "submission_id": str(uuid.uuid4()),
        "channel": "helpline",
        "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "topic": str(topic_id),
        "outcome": "advice",
        "action": "save",
        "case_choice": str(case_id),
        "notes": "Benchmark call: parent asked about the annual review.",
    }
