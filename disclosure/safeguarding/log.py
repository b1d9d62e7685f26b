"""The child-protection part of a case's disclosure log (DIS-8).

``override_log_entries(case)`` lists every override, its review and every
decision not to share on the case, for the life of the case: nothing here
filters them out, and the records themselves cannot be deleted. The summaries
are for staff of the service (who may read the case); they hold no names
beyond what the case already shows them.
"""

from cases.models import Case
from disclosure.log import LogEntry
from disclosure.safeguarding.models import ChildProtectionOverride, NonDisclosureDecision

OVERRIDE = "Child-protection override"
REVIEWED = "Override reviewed"
NOT_SHARED = "Decision not to share"


def _override_summary(override: ChildProtectionOverride) -> str:
    refusal = " Shared over the parent's refusal of consent." if override.consent_refused else ""
    return (
        f"{override.get_category_display()}. Shared with {override.recipient_label}: "
        f"{override.what_was_shared}{refusal}"
    )


def override_log_entries(case: Case) -> list[LogEntry]:
    entries = []
    overrides = ChildProtectionOverride.objects.filter(case=case).select_related(
        "recorded_by", "review", "review__reviewed_by"
    )
    for override in overrides:
        entries.append(
            LogEntry(
                at=override.shared_at,
                action=OVERRIDE,
                summary=_override_summary(override),
                by=override.recorded_by,
                override_id=override.pk,
            )
        )
        review = getattr(override, "review", None)
        if review is not None:
            entries.append(
                LogEntry(
                    at=review.reviewed_at,
                    action=REVIEWED,
                    summary=f"{review.get_outcome_display()}.",
                    by=review.reviewed_by,
                    override_id=override.pk,
                )
            )
    for decision in NonDisclosureDecision.objects.filter(case=case).select_related("decided_by"):
        entries.append(
            LogEntry(
                at=decision.decided_at,
                action=NOT_SHARED,
                summary=f"{decision.get_category_display()}. {decision.reason}",
                by=decision.decided_by,
            )
        )
    return sorted(entries, key=lambda entry: entry.at, reverse=True)
