"""The pieces of a case that a pack can hold, each with a stable key ("contact:12").

The coordinator picks from these for a release to a third party (DIS-5); the
subject access and whole-record packs start from them and remove what belongs
to other people (``disclosure.subject_access``). Keys hold ids only, so the
list of what went out can be stored in clear.
"""

from collections import Counter
from dataclasses import dataclass, field

from django.utils.formats import date_format

from cases.models import Case
from consent.roles import describe_roles, role_labels


@dataclass
class Item:
    key: str
    kind: str
    heading: str
    body: str
    people: list[str] = field(default_factory=list)  # third-party values in it, for redaction
    # What a family pack removed from it, by kind ("name": 2); counts only, never values.
    redacted: Counter = field(default_factory=Counter)

    @property
    def schedule_line(self) -> str:
        return f"{self.kind}: {self.heading}"

    @property
    def redaction_summary(self) -> str:
        from disclosure.redaction import summarise

        return summarise(self.redacted)


def _day(value) -> str:
    return date_format(value, "j F Y")


def summary_item(case: Case) -> Item:
    return Item("summary:0", "Enquiry", f"opened {_day(case.opened_on)}", case.summary or "")


def contact_items(case: Case) -> list[Item]:
    return [
        Item(
            f"contact:{contact.pk}",
            "Contact",
            f"{contact.get_channel_display()} on {_day(contact.occurred_at)} ({contact.topic.name})",
            f"Outcome: {contact.get_outcome_display()}.\n{contact.notes or ''}",
        )
        for contact in case.contacts.select_related("topic").order_by("occurred_at", "id")
    ]


def child_information_items(case: Case) -> list[Item]:
    return [
        Item(
            f"childinfo:{info.pk}",
            "Information about a child",
            f"{info.get_kind_display()} ({info.get_source_display().lower()})",
            info.text or "",
        )
        for info in case.child_information.order_by("child_id", "kind", "id")
    ]


def consent_items(case: Case) -> list[Item]:
    labels = role_labels(case.service_id)
    items = []
    for decision in case.consent_decisions.prefetch_related("parties").order_by("recorded_at"):
        roles = describe_roles(decision.roles, labels) if decision.roles else ""
        body = decision.get_obtained_how_display() + (f"; covers {roles}" if roles else "") + "."
        items.append(
            Item(
                f"consent:{decision.pk}",
                "Consent record",
                f"{decision.get_kind_display()}, {_day(decision.decided_on)}",
                body,
                people=[party.name for party in decision.parties.all()],
            )
        )
    return items


def letter_items(case: Case) -> list[Item]:
    return [
        Item(
            f"letter:{letter.pk}",
            "Letter sent",
            f"{letter.get_kind_display()}, {_day(letter.sent_at)}",
            f"Sent {letter.get_method_display().lower()} to a parent on the case.",
        )
        for letter in case.letters.order_by("sent_at", "id")
    ]


def referral_items(case: Case) -> list[Item]:
    return [
        Item(
            f"referral:{referral.pk}",
            "Referral",
            f"{referral.get_referrer_type_display()}, {_day(referral.referred_on)}",
            f"Referred by {referral.referrer_name} ({referral.referrer_role}), "
            f"{referral.organisation}.",
            people=[referral.referrer_name, referral.organisation],
        )
        for referral in case.referrals.order_by("referred_on", "id")
    ]


def case_items(case: Case) -> list[Item]:
    """Everything a coordinator may choose from, in the order a pack prints it."""
    return [
        summary_item(case),
        *contact_items(case),
        *child_information_items(case),
        *consent_items(case),
        *letter_items(case),
        *referral_items(case),
    ]


def third_party_values(case: Case) -> list[str]:
    """Names and organisations of people outside the family found in the case."""
    values = []
    for item in [*consent_items(case), *referral_items(case)]:
        values.extend(value for value in item.people if value)
    return values
