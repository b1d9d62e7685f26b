"""What every case section page shows about the whole case, read with the case itself.

The case record is split into sections (summary, consent, letters, referrals,
safeguarding) so that no page reads every table. What the sub-navigation, the
consent status line and the safeguarding indicator need from the other sections
is folded into the one permission-checked case read as annotations: counts,
the decision in force and the review interval. Each is worked out only for the
roles that may see it, so a volunteer's read never touches child-protection
records at all.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Exists, F, Func, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from cases.access import get_case_for_user
from cases.helpline.models import CaseLink, Referral
from cases.letters.models import Letter, PrivacyStatementSent
from cases.models import Case, Task
from consent.models import ConsentDecision, ConsentSettings, SignedConsentForm
from consent.selectors import RECORDING_ORDER, review_due_on, review_months_for
from disclosure.safeguarding.access import WAITING, override_list
from disclosure.safeguarding.models import ChildProtectionOverride, NonDisclosureDecision
from pps.models import User
from pps.roles import CASE_WORKER_ROLES, Role


def _count_of(queryset: QuerySet) -> Coalesce:
    """The number of rows as a scalar subquery: COUNT with no GROUP BY gives one row."""
    counted = queryset.order_by().annotate(counted=Func(F("pk"), function="COUNT"))
    return Coalesce(Subquery(counted.values("counted"), output_field=IntegerField()), 0)


def _count(model, **lookups) -> Coalesce:
    return _count_of(model.objects.filter(case=OuterRef("pk"), **lookups))


def _consent_annotations(now: datetime.datetime) -> dict:
    in_force = ConsentDecision.objects.filter(
        case=OuterRef("pk"), effective_from__lte=now
    ).order_by(*RECORDING_ORDER)
    in_force = in_force.annotate(
        has_signed_form=Exists(
            SignedConsentForm.objects.filter(decision=OuterRef("pk"), uploaded_at__lte=now)
        )
    )
    return {
        f"consent_{name}": Subquery(in_force.values(name)[:1])
        for name in ("kind", "effective_from", "obtained_how", "has_signed_form")
    } | {
        "consent_review_months": Subquery(
            ConsentSettings.objects.filter(service=OuterRef("service_id")).values(
                "review_interval_months"
            )[:1]
        ),
    }


def overview_annotations(user: User) -> dict:
    """The annotations the section pages need, for this user's role only."""
    annotations = _consent_annotations(timezone.now()) | {
        "links_count": _count_of(
            CaseLink.objects.filter(Q(case=OuterRef("pk")) | Q(other_case=OuterRef("pk")))
        ),
    }
    if user.role in CASE_WORKER_ROLES:
        annotations |= {
            "referrals_count": _count(Referral),
            "letters_count": _count(Letter),
            "statements_count": _count(PrivacyStatementSent),
            "overrides_count": _count(ChildProtectionOverride),
            "overrides_waiting_count": _count(ChildProtectionOverride, review__isnull=True),
            "non_disclosures_count": _count(NonDisclosureDecision),
            "tasks_count": _count(Task),
        }
    if user.role == Role.COORDINATOR:
        # The navigation's service-wide "N waiting for review" (every page shows it):
        # the same filter as the template tag's own count, read here for free.
        annotations["nav_overrides_waiting"] = _count_of(override_list(user, status=WAITING))
    return annotations


def get_case_overview(request, case_id) -> Case:
    """The case (404 for missing and forbidden alike, logged) with its overview annotations.

    Also hands the navigation what it would otherwise read again: the user's
    service (the case's, access checked) and, for coordinators, the count of
    overrides waiting for review. Both are this request's own reads, never
    carried over to another request.
    """
    case = get_case_for_user(request.user, case_id, annotations=overview_annotations(request.user))
    request.user.service = case.service
    if hasattr(case, "nav_overrides_waiting"):
        request.overrides_waiting = case.nav_overrides_waiting
    return case


@dataclass(frozen=True)
class ConsentLine:
    """The one-line consent status on the summary (the Consent section has the rest)."""

    kind_label: str | None
    kind: str | None
    effective_from: datetime.datetime | None
    incomplete: bool
    review_due: datetime.date | None
    review_overdue: bool


def consent_line(case: Case) -> ConsentLine:
    kind = case.consent_kind
    if kind is None:
        return ConsentLine(None, None, None, False, None, False)
    decision = ConsentDecision(
        kind=kind,
        obtained_how=case.consent_obtained_how,
        effective_from=case.consent_effective_from,
    )
    review_due = review_due_on(decision, review_months_for(case))
    return ConsentLine(
        kind_label=decision.get_kind_display(),
        kind=kind,
        effective_from=case.consent_effective_from,
        incomplete=decision.needs_signed_form and not case.consent_has_signed_form,
        review_due=review_due,
        review_overdue=review_due <= timezone.localdate(),
    )
