"""Documents consent produces: the consent form to sign (COM-5) and letters to third parties.

Both carry the case reference, never a name, as their coded reference; the
PDF base template marks every page "Strictly private and confidential".
"""

from django.utils import timezone

from consent.models import ConsentDecision, SharingEvent
from consent.roles import role_labels
from consent.selectors import review_interval_months
from pps.pdf import render_pdf


def consent_form_pdf(decision: ConsentDecision) -> bytes:
    """The form the parent signs for in-person consent, listing the roles and parties."""
    case = decision.case
    labels = role_labels(case.service_id)
    return render_pdf(
        "consent/consent_form_pdf.html",
        {
            "document_title": "Agreement to share information",
            "coded_reference": case.reference,
            "service_name": case.service.name,
            "generated_on": timezone.localdate(),
            "decision_id": decision.pk,
            "decided_on": decision.decided_on,
            "kind": decision.kind,
            "roles": [labels.get(code, code) for code in decision.roles],
            "parties": [
                {"role": labels.get(party.role, party.role), "name": party.name}
                for party in decision.parties.all()
            ],
            "review_months": review_interval_months(case.service_id),
        },
    )


def third_party_letter_pdf(event: SharingEvent) -> bytes:
    case = event.case
    return render_pdf(
        "consent/letter_pdf.html",
        {
            "document_title": "Letter",
            "coded_reference": case.reference,
            "service_name": case.service.name,
            "generated_on": timezone.localdate(event.shared_at),
            "recipient": event.party,
            "recipient_role": role_labels(case.service_id).get(event.recipient_role, ""),
            "paragraphs": [part.strip() for part in event.what.split("\n\n") if part.strip()],
            "author": event.by.get_full_name() or event.by.username,
        },
    )
