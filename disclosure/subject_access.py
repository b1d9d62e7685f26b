"""Packs of the family's own data: subject access (DIS-6) and the whole record (DIS-3).

A subject access pack holds the requester's own data and its history on this
case only. Another parent's separate enquiry about the same child is another
case and is never read here. Within this case, anything about other people is
withheld and listed for the coordinator (never silently dropped):

- other parents and carers on the case (their details and letters to them);
- referrers and the people the parent named in consent (third parties);
- for a parent's pack, a child of 12 or over until a coordinator records a
  decision on the child's capacity and wishes (``ChildCapacityDecision``): a
  child with capacity has a right of their own;
- for a child's own request, the parents' details.

The whole record (DIS-3) goes to the parent or their solicitor at the parent's
request: every item of the case, with third parties' details withheld, and
older children as for a parent's subject access.

Whatever the pack then holds goes through one last pass (``_redact``) that
removes every other person's details from its free text: other parents and
carers here and on linked enquiries, children it does not cover, referrers and
professionals (``disclosure.redaction``). An item kind added later is covered
without being named here.
"""

from django.db.models import Q
from django.utils.formats import date_format

from cases.models import CaseLink, Child, Parent, ParentalResponsibility
from disclosure import items as case_items
from disclosure.items import Item
from disclosure.models import DisclosureRequest, RequesterType, Route, WholeRecordTo
from disclosure.redaction import Redactor, child_person, parent_person, third_party_person
from disclosure.release_pack import Pack

CAPACITY_AGE = 12


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


def _linked_parents(case) -> list[Parent]:
    """Parents on enquiries linked to this one (REF-6): always other people here."""
    linked = CaseLink.objects.filter(Q(case=case) | Q(other_case=case)).values_list(
        "case_id", "other_case_id"
    )
    ids = {i for pair in linked for i in pair} - {case.pk}
    return list(Parent.objects.filter(case_id__in=ids)) if ids else []


def _older_children(disclosure: DisclosureRequest, children: list[Child]):
    """Split the children of 12 or over into those a coordinator let in and the rest (DIS-6)."""
    decisions = {d.child_id: d for d in disclosure.capacity_decisions.all()}
    shown, withheld = [], []
    for child in children:
        decision = decisions.get(child.pk)
        under_12 = (age_on(child, disclosure.received_on) or 0) < CAPACITY_AGE
        if under_12 or (decision is not None and decision.includes_child):
            shown.append(child)
        else:
            withheld.append((child, decision))
    return shown, withheld


def older_children_to_decide(disclosure: DisclosureRequest) -> list[Child]:
    """Children of 12 or over a parent's pack would hold, for the coordinator's decision."""
    if disclosure.requester_type == RequesterType.CHILD_SAR or not disclosure.is_family_route:
        return []
    return [
        c
        for c in disclosure.case.children.all()
        if (age_on(c, disclosure.received_on) or 0) >= CAPACITY_AGE
    ]


def _redact(pack: Pack, redactor: Redactor) -> Pack:
    """The one pass every item of every family pack goes through, whatever its kind."""
    for item in pack.items:
        item.heading, in_heading = redactor.redact(item.heading)
        item.body, in_body = redactor.redact(item.body)
        item.redacted = in_heading + in_body
        if item.redacted:
            pack.withheld.append(
                f"{item.schedule_line}: {item.redacted.total()} third-party detail(s) removed "
                f"({item.redaction_summary})."
            )
    return pack


def family_pack(disclosure: DisclosureRequest) -> Pack:
    """The pack for a subject access or whole-record request, with what was withheld."""
    case = disclosure.case
    parents = list(case.parents.all())
    children = list(case.children.all())
    withheld: list[str] = []
    included: list[Item] = [case_items.summary_item(case)]
    others: list[Parent] = []
    held: list = []

    if disclosure.requester_type == RequesterType.PARENT_SAR:
        requester = disclosure.subject_parent
        included.append(parent_item(requester))
        others = [p for p in parents if p.pk != requester.pk]
        covered = [requester]
        shown_children, held = _older_children(disclosure, children)
        letters_to = {requester.pk}
        recipient = requester.full_name
    elif disclosure.requester_type == RequesterType.CHILD_SAR:
        others = parents
        covered = []
        shown_children = [disclosure.subject_child]
        letters_to = set()
        recipient = disclosure.subject_child.full_name
    else:  # the whole record, at the parent's request (DIS-3)
        included += [parent_item(p) for p in parents]
        covered = parents
        shown_children, held = _older_children(disclosure, children)
        letters_to = {p.pk for p in parents}
        recipient = disclosure.whole_record_recipient or ", ".join(
            p.full_name for p in parents if p.parental_responsibility == ParentalResponsibility.YES
        )

    for _child, decision in held:
        withheld.append(
            f"Information about a child of {CAPACITY_AGE} or over: "
            + (
                "withheld until a coordinator records a decision on the child's capacity and "
                "wishes, as a child with capacity has their own right of access."
                if decision is None
                else "the child has capacity and their own right of access, and did not agree."
            )
        )
    for parent in others:
        withheld.append(
            f"Details of another parent or carer on the case ({parent.get_relationship_display()})."
        )
    included += [child_item(c) for c in shown_children]
    child_ids = {c.pk for c in shown_children}

    for item in case_items.contact_items(case):
        included.append(item)
    about_child = dict(case.child_information.values_list("pk", "child_id"))
    for item in case_items.child_information_items(case):
        if about_child[int(item.key.split(":")[1])] in child_ids:
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
        if disclosure.route == Route.SUBJECT_ACCESS
        else "Your record, as you asked"
    )
    if disclosure.whole_record_to == WholeRecordTo.SOLICITOR:
        title = "The parent's record, sent to their solicitor at their request"
    # Everyone the pack is not about: other parents here and on linked enquiries,
    # children it does not cover, referrers and professionals.
    redactor = Redactor(
        others=[parent_person(p) for p in [*others, *_linked_parents(case)]]
        + [child_person(c) for c in children if c.pk not in child_ids]
        + [third_party_person(case_items.third_party_values(case))],
        keep=[parent_person(p) for p in covered] + [child_person(c) for c in shown_children],
    )
    pack = Pack(recipient=recipient, items=included, withheld=withheld, title=title)
    return _redact(pack, redactor)
