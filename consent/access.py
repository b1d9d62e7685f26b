"""Permission-checked, logged reads of consent decisions, signed forms and shares.

Each loads through ``cases.access.get_on_visible_case``: the record must be on
the case in the URL and that case visible to the user; otherwise 404, logged
either way (ACC-6, ACC-7). The consent pages are for staff and coordinators
(the views' role check); volunteers see the decision in force on the case page.
"""

from cases.access import get_on_visible_case
from consent.models import ConsentDecision, SharingEvent, SignedConsentForm
from pps.models import User


def get_consent_decision_for_user(user: User, case_id, decision_id, **kwargs) -> ConsentDecision:
    return get_on_visible_case(
        user,
        ConsentDecision.objects.all(),
        case_id,
        decision_id,
        message="No such consent decision on this case.",
        **kwargs,
    )


def get_signed_form_for_user(user: User, case_id, form_id, **kwargs) -> SignedConsentForm:
    return get_on_visible_case(
        user,
        SignedConsentForm.objects.all(),
        case_id,
        form_id,
        message="No such document on this case.",
        **kwargs,
    )


def get_sharing_event_for_user(user: User, case_id, event_id, **kwargs) -> SharingEvent:
    return get_on_visible_case(
        user,
        SharingEvent.objects.select_related("by", "consent_decision"),
        case_id,
        event_id,
        message="No such share on this case.",
        **kwargs,
    )
