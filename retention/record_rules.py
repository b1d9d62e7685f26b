"""The retention schedule of records that are not about families (GOV-7).

UK GDPR Art. 5(1)(e): nothing personal is kept longer than it is needed, and
that includes what the service holds about its own staff and visitors. Each
kind of record has one rule per service, "keep N months after <event>", which
administrators edit; a new service gets the defaults below the first time its
rules are read (as its case schedule is, ``retention.schedule``).

Why these periods (the service's source policies, numbered 000 to 004, set no
period for any of these, so they follow from what each record is for):

- Security events (sign-ins and their addresses): 12 months covers the time in
  which a misused account or a compromise is usually noticed and looked into.
  Never below 3 months, so a breach reported late can still be traced.
- Accounts of staff and volunteers who left: 24 months after they stopped. The
  audit history names them as the person who did each thing on a case; a
  complaint or tribunal about the support given comes after the case closes,
  and closed files stay in everyday use for a year (policy 002) before they
  are archived; the policies themselves are reviewed every two years (000 6.3,
  004 7.3). Never below 12 months: before that, a complaint about a closed
  case could no longer name who handled it.
- Volunteer agreement scans: 24 months after the volunteer left. The signed
  agreement is the proof the volunteer undertook confidentiality before any
  casework (policy 004 3.1), needed if a breach by them comes to light after
  they left. The agreement's dates stay for good. Never below 12 months.
- Statistics export logs (who exported which period): 24 months, two years of
  the monthly or quarterly returns to the local authority (000 2.7, 004 2.6).
  The logs name staff, not families. Never below 12 months.
- Closed breach records: 72 months after closure, six years being the time in
  which a claim for compensation (Art. 82; Limitation Act 1980) can be
  brought, and the register being how the service shows the ICO what it did
  (Art. 33(5)). Open breaches are never due. Never below 24 months.
"""

from dataclasses import dataclass

from pps.models import Service
from retention.models import RecordKind, RecordRetentionRule

# Nobody keeps any of these for more than 50 years; a typo must not mean "for ever".
MAX_MONTHS = 600


@dataclass(frozen=True)
class KindRule:
    kind: str
    event: str  # what the clock runs from, to complete "N months after ..."
    default_months: int
    floor_months: int


KIND_RULES: dict[str, KindRule] = {
    rule.kind: rule
    for rule in (
        KindRule(RecordKind.SECURITY_EVENTS, "the event", 12, 3),
        KindRule(
            RecordKind.DEPARTED_ACCOUNTS, "the account was last active or deactivated", 24, 12
        ),
        KindRule(RecordKind.AGREEMENT_SCANS, "the volunteer left", 24, 12),
        KindRule(RecordKind.EXPORT_LOGS, "the export", 24, 12),
        KindRule(RecordKind.BREACHES, "the breach was closed", 72, 24),
    )
}


def rule_text(kind: str, months: int) -> str:
    unit = "month" if months == 1 else "months"
    return f"Destroy {months} {unit} after {KIND_RULES[kind].event}"


def record_rules_for(service: Service) -> list[RecordRetentionRule]:
    """The service's rules, one per kind, creating any missing one with its default."""
    stored = {rule.kind: rule for rule in RecordRetentionRule.objects.filter(service=service)}
    for kind, defaults in KIND_RULES.items():
        if kind not in stored:
            stored[kind], _ = RecordRetentionRule.objects.get_or_create(
                service=service, kind=kind, defaults={"months": defaults.default_months}
            )
    return [stored[kind] for kind in KIND_RULES]


def record_rules_without_writing(service: Service) -> list[RecordRetentionRule]:
    """The rules, or the defaults the service would be given, unsaved (a planning preview)."""
    stored = {rule.kind: rule for rule in RecordRetentionRule.objects.filter(service=service)}
    return [
        stored.get(kind)
        or RecordRetentionRule(service=service, kind=kind, months=defaults.default_months)
        for kind, defaults in KIND_RULES.items()
    ]
