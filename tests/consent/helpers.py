"""Building consent states for tests, through the same services the app uses."""

import datetime

from consent import services
from consent.models import ConsentDecision

PDF_SCAN = b"%PDF-1.4\n% a scan of the signed consent form\n%%EOF\n"


def record(case, by, kind="full", how="telephone", **extra) -> ConsentDecision:
    extra.setdefault("decided_on", datetime.date.today())
    if kind == "refused":
        extra.setdefault("limits_explained", True)
    return services.consent_record(case=case, by=by, kind=kind, obtained_how=how, **extra)


def refuse(case, by, **extra) -> ConsentDecision:
    return record(case, by, "refused", **extra)


def attach_scan(decision, by, **extra):
    return services.signed_form_attach(
        decision=decision, content=PDF_SCAN, content_type="application/pdf", by=by, **extra
    )
