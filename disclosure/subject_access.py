"""Packs of the family's own data: subject access (DIS-6) and the whole record (DIS-3).

A subject access pack holds the requester's own data and its history on this
case only. Another parent's separate enquiry about the same child is another
case and is never read here. Within this case, anything about other people is
withheld and listed for the coordinator (never silently dropped):

- other parents and carers on the case (their details and letters to them);
- referrers and the people the parent named in consent (third parties), whose
  names and organisations are also removed wherever they appear in notes;
- for a parent's request, the information about a child of 12 or over who has
  capacity: that child has a right of their own;
- for a child's own request, the parents' details.

The whole record (DIS-3) goes to the parent or their solicitor at the parent's
request: every item of the case, with third parties' details withheld.
"""

import re

from django.utils.formats import date_format

from cases.models import Child, Parent, ParentalResponsibility
from disclosure import items as case_items
from disclosure.items import Item
from disclosure.models import DisclosureRequest, RequesterType, Route, WholeRecordTo
from disclosure.release_pack import Pack

WITHHELD = "[withheld: third party]"
CAPACITY_AGE = 12
MIN_REDACTED_LENGTH = 3


def age_on(child: Child, day) -> int | None:
    born = child.date_of_birth
    if born is None:
        return None
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def parent_item(parent: Parent) -> Item:
    changes = [
        f"{date_format(row.history_date, 'j F Y')}: "
        + {"+": "details recorded", "~": "details changed", "-": "details removed"}[
            row.history_type
        ]
        for row in parent.history.order_by("history_date", "history_id")
    ]
    body = "\n".join(
        [
            f"Name: {parent.full_name}",
            f"Relationship: {parent.get_relationship_display()}",
            f"Parental responsibility: {parent.get_parental_responsibility_display()}",
            f"Phone: {parent.phone or 'not given'}",
            f"Email: {parent.email or 'not given'}",
            f"Address: {' '.join((parent.address or '').split())} {parent.postcode or ''}".strip(),
            f"Agreed to details being kept: {date_format(parent.storage_agreed_on, 'j F Y')}",
            "History of these details:",
            *changes,
        ]
    )
    return Item(f"parent:{parent.pk}", "Your details", parent.get_relationship_display(), body)


def child_item(child: Child) -> Item:
    born = date_format(child.date_of_birth, "j F Y") if child.date_of_birth else "not recorded"
    return Item(
        f"child:{child.pk}",
        "Child's details",
        child.given_name,
        f"Name: {child.full_name}\nDate of birth: {born}\n"
        f"Stage of education: {child.get_school_phase_display() or 'not recorded'}",
    )


def _redactor(values: list[str]):
    words = sorted(
        {v.strip() for v in values if v and len(v.strip()) >= MIN_REDACTED_LENGTH}
        | {
            w
            for v in values
            for w in re.findall(r"[\w'-]+", v or "")
            if len(w) >= MIN_REDACTED_LENGTH and w[0].isupper()
        },
        key=len,
        reverse=True,
    )
    if not words:
        return lambda text: (text, 0)
    pattern = re.compile("|".join(rf"\b{re.escape(w)}\b" for w in words), re.IGNORECASE)
    return lambda text: pattern.subn(WITHHELD, text or "")


def _other_people_values(parents: list[Parent]) -> list[str]:
    values = []
    for parent in parents:
        values += [parent.given_name, parent.family_name, parent.phone, parent.email]
        values += [line for line in (parent.address or "").splitlines() if line.strip()]
    return values


def family_pack(request: DisclosureRequest) -> Pack:
    """The pack for a subject access or whole-record request, with what was withheld."""
    case = request.case
    parents = list(case.parents.all())
    children = list(case.children.all())
    on = request.received_on
    withheld: list[str] = []
    included: list[Item] = [case_items.summary_item(case)]
    others: list[Parent] = []

    if request.requester_type == RequesterType.PARENT_SAR:
        requester = request.subject_parent
        included.append(parent_item(requester))
        others = [p for p in parents if p.pk != requester.pk]
        shown_children = [
            c
            for c in children
            if not (
                (age_on(c, on) or 0) >= CAPACITY_AGE
                and request.subject_child_id == c.pk
                and request.child_has_capacity
            )
        ]
        for child in children:
            if child not in shown_children:
                withheld.append(
                    f"Information about a child of {CAPACITY_AGE} or over recorded as having "
                    "capacity: the child has their own right of access."
                )
        letters_to = {requester.pk}
        recipient = requester.full_name
    elif request.requester_type == RequesterType.CHILD_SAR:
        others = parents
        shown_children = [request.subject_child]
        letters_to = set()
        recipient = request.subject_child.full_name
    else:  # the whole record, at the parent's request (DIS-3)
        included += [parent_item(p) for p in parents]
        shown_children = children
        letters_to = {p.pk for p in parents}
        recipient = request.whole_record_recipient or ", ".join(
            p.full_name for p in parents if p.parental_responsibility == ParentalResponsibility.YES
        )

    for parent in others:
        withheld.append(
            f"Details of another parent or carer on the case ({parent.get_relationship_display()})."
        )
    included += [child_item(c) for c in shown_children]
    child_ids = {c.pk for c in shown_children}

    redact = _redactor(case_items.third_party_values(case) + _other_people_values(others))
    for item in case_items.contact_items(case):
        item.body, removed = redact(item.body)
        if removed:
            withheld.append(f"{item.schedule_line}: {removed} third-party detail(s) removed.")
        included.append(item)
    about_child = dict(case.child_information.values_list("pk", "child_id"))
    for item in case_items.child_information_items(case):
        if about_child[int(item.key.split(":")[1])] in child_ids:
            item.body, removed = redact(item.body)
            included.append(item)
        else:
            withheld.append(f"{item.schedule_line}: about a child not covered by this request.")
    for item in case_items.consent_items(case):
        if item.people:
            withheld.append(f"{item.schedule_line}: names of the professionals the parent named.")
        included.append(item)
    addressed_to = dict(case.letters.values_list("pk", "parent_id"))
    for item in case_items.letter_items(case):
        if addressed_to[int(item.key.split(":")[1])] in letters_to:
            included.append(item)
        else:
            withheld.append(f"{item.schedule_line}: sent to another person.")
    for item in case_items.referral_items(case):
        withheld.append(f"{item.schedule_line}: the referrer's name, role and organisation.")

    title = (
        "Your subject access request"
        if request.route == Route.SUBJECT_ACCESS
        else "Your record, as you asked"
    )
    if request.whole_record_to == WholeRecordTo.SOLICITOR:
        title = "The parent's record, sent to their solicitor at their request"
    return Pack(recipient=recipient, items=included, withheld=withheld, title=title)
