"""Permission-filtered reads for the helpline screens (built on cases.access).

Find before create: while staff type what the caller tells them, parents already
known appear, found through the same criteria as the case list's search box
(``cases.search.selectors``: a surname whole, by its beginning or its sound; a
phone number; a postcode), all blind indexes of normalised values (the names and
numbers themselves are encrypted). Cases are offered only through the
caller: a parent of the case must match. A child known only through another
parent's case is never listed (REF-6): staff are told a separate enquiry exists,
with no reference and nothing from it.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Case as SqlCase
from django.db.models import Q, Value, When

from cases.access import on_visible_cases, visible_cases
from cases.helpline.services import separate_enquiry_case_ids
from cases.models import Case, CaseLink, Child, Parent, Voicemail
from cases.search.selectors import (
    MATCH_LABELS,
    SURNAME_KEYS,
    labels_for,
    parent_conditions,
    phone_criteria,
    postcode_criteria,
    surname_criteria,
)
from cases.services import case_allows_in_depth_support
from pps.access_log import logged_or_404, record_listing
from pps.crypto import load_data_keys
from pps.fields import blind_index_for
from pps.form_fields import as_id
from pps.models import User
from pps.roles import CASE_WORKER_ROLES

MAX_CASES_SHOWN = 8
# Enough candidates to rank; a surname shared by more parents than this needs
# a second detail (phone, postcode) to find the right one anyway.
MAX_CANDIDATES = 400


@dataclass
class MatchedCase:
    case_id: int
    case: Case | None = None
    matched_on: set[str] = field(default_factory=set)
    parent_ids: set[int] = field(default_factory=set)
    child_ids: set[int] = field(default_factory=set)
    parents: list[Parent] = field(default_factory=list)
    children: list[Child] = field(default_factory=list)

    @property
    def matched_labels(self) -> list[str]:
        # The parent criteria as the case list says them; the child's birth date last.
        keys = [key for key in self.matched_on if key in MATCH_LABELS]
        return labels_for(keys) + sorted(self.matched_on - set(keys))


@dataclass
class Matches:
    searched: bool = False
    cases: list[MatchedCase] = field(default_factory=list)
    more: bool = False
    # The child is known in a case where no parent matched the caller.
    separate_enquiry: bool = False


def find_matches(
    user: User,
    *,
    family_name: str = "",
    phone: str = "",
    postcode: str = "",
    child_date_of_birth: datetime.date | None = None,
    child_family_name: str = "",
) -> Matches:
    # The same criteria and matching as the case list's search box (CAS-6):
    # a surname matches whole, by its beginning and by its sound.
    criteria = {}
    if family_name:
        criteria |= surname_criteria(family_name)
    if phone:
        criteria |= phone_criteria(phone)
    if postcode:
        criteria |= postcode_criteria(postcode)
    conditions = parent_conditions(criteria)
    dob_digest = blind_index_for("date", child_date_of_birth)
    if not conditions and not dob_digest:
        return Matches()

    visible = visible_cases(user)
    candidates: dict[int, MatchedCase] = {}
    if conditions:
        anything = Q()
        for condition in conditions.values():
            anything |= condition
        surname = Q()
        for key in SURNAME_KEYS:
            if key in conditions:
                surname |= conditions[key]
        # Rank in the database, so the candidate limit never cuts off the parent
        # who matches on surname and postcode among a thousand on surname alone.
        # A surname counts once however it matched; a whole one before a beginning.
        details = [surname] if surname else []
        details += [conditions[key] for key in ("phone", "postcode") if key in conditions]
        details_matched = sum(
            SqlCase(When(detail, then=Value(1)), default=Value(0)) for detail in details
        )
        flags = {
            f"matched_{key}": SqlCase(When(condition, then=Value(1)), default=Value(0))
            for key, condition in conditions.items()
        }
        rows = (
            on_visible_cases(user, Parent.objects.filter(anything))
            .annotate(details_matched=details_matched, **flags)
            .order_by("-details_matched", *[f"-{flag}" for flag in flags], "-case_id")
            .values_list("id", "case_id", *flags)[:MAX_CANDIDATES]
        )
        for parent_id, case_id, *matched_flags in rows:
            matched = candidates.setdefault(case_id, MatchedCase(case_id=case_id))
            matched.parent_ids.add(parent_id)
            for key, flag in zip(conditions, matched_flags, strict=True):
                if flag:
                    matched.matched_on.add(key)
    if dob_digest and candidates:
        for child_id, case_id in Child.objects.filter(
            case_id__in=list(candidates), date_of_birth_bidx=dob_digest
        ).values_list("id", "case_id"):
            candidates[case_id].child_ids.add(child_id)
            candidates[case_id].matched_on.add("child's date of birth")

    child_surname = child_family_name or family_name
    separate = bool(
        child_surname
        and child_date_of_birth
        and separate_enquiry_case_ids(
            service_id=user.service_id,
            family_name=child_surname,
            date_of_birth=child_date_of_birth,
            exclude_case_ids=list(candidates),
        )
    )
    ranked = sorted(candidates, key=lambda pk: _rank(candidates[pk]), reverse=True)
    shown = [candidates[pk] for pk in ranked[:MAX_CASES_SHOWN]]
    _load_people(visible, shown)
    record_listing(user, object_type="case", case_ids=[m.case_id for m in shown])
    return Matches(
        searched=True,
        cases=shown,
        more=len(ranked) > MAX_CASES_SHOWN,
        separate_enquiry=separate,
    )


def _rank(match: MatchedCase) -> tuple:
    """More details first (a surname counts once however it matched), then a whole
    surname before a beginning or a sound, then the newest case."""
    surname = bool(match.matched_on & set(SURNAME_KEYS))
    details = surname + len(match.matched_on - set(SURNAME_KEYS))
    return details, "name" in match.matched_on, match.case_id


def _load_people(visible, shown: list[MatchedCase]) -> None:
    """Fill in the shown cases and the matched people, all keys unwrapped at once."""
    if not shown:
        return
    # Only the reference and status are shown; loading the (encrypted) summary
    # would unwrap each case's key in its own query before the batch below.
    wanted = visible.filter(pk__in=[m.case_id for m in shown]).defer("summary")
    cases = {case.pk: case for case in wanted}
    load_data_keys({case.data_key_id for case in cases.values()})
    parents = Parent.objects.filter(pk__in={pk for m in shown for pk in m.parent_ids})
    children = Child.objects.filter(pk__in={pk for m in shown for pk in m.child_ids})
    by_case = {m.case_id: m for m in shown}
    for parent in parents:
        by_case[parent.case_id].parents.append(parent)
    for child in children:
        by_case[child.case_id].children.append(child)
    for m in shown:
        m.case = cases[m.case_id]


# --- the case page ---------------------------------------------------------


@dataclass
class LinkedEnquiry:
    link: CaseLink
    # The other case, only if this user may open it; otherwise "another enquiry".
    other: Case | None


def linked_enquiries(user: User, case: Case) -> list[LinkedEnquiry]:
    links = list(CaseLink.objects.filter(Q(case=case) | Q(other_case=case)))
    other_ids = [link.other_case_id if link.case_id == case.pk else link.case_id for link in links]
    openable = {c.pk: c for c in visible_cases(user).filter(pk__in=other_ids)}
    record_listing(user, object_type="case", case_ids=list(openable))
    return [
        LinkedEnquiry(link=link, other=openable.get(other_id))
        for link, other_id in zip(links, other_ids, strict=True)
    ]


def case_page_helpline_context(user: User, case: Case) -> dict:
    """What the case summary shows from the helpline work (REF-5).

    Linked enquiries and referrals (REF-4, REF-6) have their own section page.
    """
    from cases.helpline.forms import CaseContactForm

    case_worker = user.role in CASE_WORKER_ROLES
    return {
        "in_depth_support": case_allows_in_depth_support(case),
        # The case's service is the user's (access checked) and already loaded with it.
        "follow_up_form": CaseContactForm(service=case.service)
        if case_worker and case.status == Case.Status.OPEN
        else None,
    }


# --- voicemail (REF-7) -------------------------------------------------------


def visible_voicemails(user: User):
    """Staff and coordinators of the service only; volunteers never (REF-7)."""
    if not (user.is_authenticated and user.is_active and user.service_id):
        return Voicemail.objects.none()
    if user.role not in CASE_WORKER_ROLES:
        return Voicemail.objects.none()
    return Voicemail.objects.filter(service_id=user.service_id)


def get_voicemail_for_user(user: User, pk) -> Voicemail:
    """One message, or 404 for missing and forbidden alike; every attempt is logged."""
    voicemail_id = as_id(pk)
    voicemail = None
    if voicemail_id is not None:
        voicemail = visible_voicemails(user).filter(pk=voicemail_id).first()
    return logged_or_404(
        user,
        voicemail,
        object_type="voicemail",
        object_id=pk,
        case_id=voicemail.case_id if voicemail else None,
        message="No such message.",
        owner=Voicemail.objects.filter(pk=voicemail_id).values_list("service_id", flat=True)
        if voicemail_id is not None
        else None,
    )
