"""What the case page shows about a closure (CAS-3, RET-1), in one query.

Read only for a case that is not open (an open case's page costs nothing
more), and in a single query so the closed case's page stays within its
budget: the closure being in force, the retention date and categories (read
through the case's reverse relations: the retention app stands on this one,
so nothing is imported from it) and whether a legal hold is active.
"""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Exists, OuterRef

from cases.models import Case, ClosureReason


@dataclass
class ClosureFacts:
    reason: str = ""
    closed_by: str = ""
    destroy_on: date | None = None
    review_reason: str = ""
    on_hold: bool = False
    categories: list[str] = field(default_factory=list)


def closure_facts(case: Case) -> ClosureFacts | None:
    if case.status == Case.Status.OPEN:
        return None
    holds = Case._meta.get_field("legal_holds").related_model.objects.filter(
        case=OuterRef("pk"), lifted_at__isnull=True
    )
    rows = (
        Case.objects.filter(pk=case.pk, closures__reopened_on__isnull=True)
        .annotate(on_hold=Exists(holds))
        .values(
            "closures__reason",
            "closures__closed_by__first_name",
            "closures__closed_by__last_name",
            "closures__closed_by__username",
            "retention__destroy_on",
            "retention__review_reason",
            "retention_categories__category__name",
            "on_hold",
        )
        .order_by("retention_categories__category__position")
    )
    facts = ClosureFacts()
    for row in rows:
        reason = row["closures__reason"]
        facts.reason = ClosureReason(reason).label if reason else ""
        names = (row["closures__closed_by__first_name"], row["closures__closed_by__last_name"])
        facts.closed_by = " ".join(n for n in names if n) or (
            row["closures__closed_by__username"] or ""
        )
        facts.destroy_on = row["retention__destroy_on"]
        facts.review_reason = row["retention__review_reason"] or ""
        facts.on_hold = row["on_hold"]
        name = row["retention_categories__category__name"]
        if name and name not in facts.categories:
            facts.categories.append(name)
    return facts
