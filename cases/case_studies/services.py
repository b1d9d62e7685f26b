"""Training case studies: a case with identifying details removed (COM-6).

The text is written from the case's structured records, never copied whole:
people become roles ("the parent", "Child A"), dates become durations from the
day the case opened, schools, places, phone numbers, email addresses and
postcodes are left out. Free text (the enquiry, SEN details, contact notes) is
scrubbed of every name, place and number the case holds, and then of anything
shaped like one: titles with names, capitalised words mid-sentence, school and
street names, phone numbers, postcodes, emails, dates, long numbers.

A coordinator reads and signs off the text before anyone can download it; the
download is logged. Scrubbing is deliberately heavy-handed: the reviewer can
only take more out (``case_study_revise`` scrubs their edits again).
"""

import calendar
import datetime
import re
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from cases.case_studies.models import CaseStudy
from cases.models import Case, ChildInformation
from pps.history import save_as
from pps.models import User
from pps.roles import Role
from pps.rules import RuleError

MONTHS = [name.lower() for name in calendar.month_name[1:]]
MONTH_ABBREVIATIONS = {name[:3]: number for number, name in enumerate(MONTHS, start=1)}
MONTH_WORD = r"(?:" + "|".join(MONTHS) + r"|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec)\b\.?"
TITLE = r"(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Sir|Dame|Rev)\.?"
# A capitalised word of two letters or more ("O'Hara" yes, "A's" no).
NAME_WORD = r"[A-Z](?:[a-z]|['’][A-Z])[a-zA-Z'’\-]*"
PLACE_NOUNS = (
    "School|Academy|College|Primary|Infants|Juniors|Nursery|University|Hospital|Surgery|"
    "Clinic|Centre|Center|Road|Street|Lane|Avenue|Close|Drive|Way|Gardens|Crescent|Place|"
    "Court|Park|Terrace|Square|Grove|Hill|Green|Estate|Village|Town|City|Ward"
)
# Capitalised words that are not names and may stay in the middle of a sentence.
COMMON_CAPITALISED = {
    "I", "Year", "Years", "Key", "Stage", "Section", "Sections", "Part", "Tribunal",
    "Local", "Authority", "Council", "Child", "Children", "Parent", "Parents", "English",
    "Maths", "Science", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday",
    "Saturday", "Sunday", "Christmas", "Easter", "Autism", "Down", "Syndrome", "Plan",
    "Education", "Health", "Care", "Code", "Practice", "Act", "Independent", "Parental",
    "Supporter", "Special", "Educational", "Needs", "Disabilities", "Team", "Around",
    "First", "Tier", "Appeal",
}  # fmt: skip

PATTERNS = [
    # Order matters: the most specific shapes first.
    (re.compile(r"[\w.+\-']+@[\w\-]+(?:\.[\w\-]+)+"), "[email]"),
    (re.compile(r"\bPPS-\d{4}-\d+\b", re.I), "[reference]"),
    (re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b", re.I), "[postcode]"),
    (re.compile(r"(?:\+44\s?\(?0?\)?\s?|\b0)\d(?:[\s\-]?\d){8,9}\b"), "[phone]"),
    (re.compile(r"\b[A-Z]{2}\s?\d{2}\s?\d{2}\s?\d{2}\s?[A-D]\b"), "[number]"),
    (re.compile(r"\b[A-Z]\d{12}\b"), "[number]"),
    (re.compile(r"\d{5,}|\d+(?:[\s\-]\d+){2,}"), "[number]"),
]
TITLED_NAME = re.compile(rf"\b{TITLE}\s+(?:{NAME_WORD}\s+)*{NAME_WORD}")
TITLED_REPLACEMENT = re.compile(rf"\b{TITLE}\s+(?:\[name\]|the (?:\w+ )?parent)")
PLACE_NAME = re.compile(rf"\b(?:{NAME_WORD}\s+){{1,4}}(?:{PLACE_NOUNS})\b")
SCHOOLISH = re.compile(r"School|Academy|College|Primary|Infants|Juniors|Nursery")
NUMERIC_DATE = re.compile(r"\b(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})\b")
ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
DAY_MONTH_YEAR = re.compile(
    rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?({MONTH_WORD})(?:,?\s+(\d{{4}}))?\b", re.I
)
MONTH_DAY_YEAR = re.compile(
    rf"\b({MONTH_WORD})\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})\b", re.I
)
MONTH_YEAR = re.compile(rf"\b({MONTH_WORD})\s+(\d{{4}})\b", re.I)
YEAR = re.compile(r"\b(?:19|20)\d{2}\b")
SENTENCE_START_ROLE = re.compile(
    r"((?:^|[.!?]\s+|\n\s*))([ta])(?=(?:he|) (?:\w+ )?(?:parent|volunteer|caseworker)\b)", re.M
)
MID_SENTENCE_CAPITAL = re.compile(rf"(?<=[a-z0-9,;:)]\s)({NAME_WORD})")


@dataclass
class Identifiers:
    """What the case holds that identifies someone, with what replaces it."""

    exact: list[tuple[str, str]] = field(default_factory=list)
    anchor: datetime.date = datetime.date(2000, 1, 1)

    def add(self, value: str | None, replacement: str) -> None:
        value = (value or "").strip(" ,.")
        if len(value) >= 2:
            self.exact.append((value, replacement))


def case_identifiers(case: Case) -> Identifiers:
    ids = Identifiers(anchor=case.opened_on)
    parents = list(case.parents.all())
    for index, parent in enumerate(parents):
        role = "the parent" if index == 0 else f"the {ORDINALS[index]} parent"
        ids.add(parent.full_name, role)
        ids.add(parent.given_name, role)
        ids.add(parent.family_name, "[name]")
        ids.add(parent.email, "[email]")
        ids.add(parent.phone, "[phone]")
        ids.add(parent.postcode, "[postcode]")
        for line in re.split(r"[\n,]+", parent.address or ""):
            ids.add(line, "[address]")
            ids.add(re.sub(r"^\s*[\d\-/a-zA-Z]{0,4}\d[a-zA-Z]?\s+", "", line), "[address]")
    for index, child in enumerate(case.children.all()):
        role = f"Child {chr(ord('A') + index)}"
        ids.add(child.full_name, role)
        ids.add(child.given_name, role)
        ids.add(child.family_name, "[name]")
    for item in case.child_information.filter(kind=ChildInformation.Kind.SCHOOL):
        ids.add(item.text, "[school]")
    for user in _people_on_the_case(case):
        role = "the volunteer" if user.role == Role.VOLUNTEER else "a caseworker"
        ids.add(user.get_full_name(), role)
        ids.add(user.first_name, role)
        ids.add(user.last_name, "[name]")
    ids.add(case.reference, "[reference]")
    # Longest first, so "Ann Smith" goes before "Ann".
    ids.exact.sort(key=lambda pair: len(pair[0]), reverse=True)
    return ids


ORDINALS = ["first", "second", "third", "fourth", "fifth", "sixth"] + ["next"] * 20


def scrub(text: str, ids: Identifiers) -> str:
    """Remove every identifier the case holds, and anything shaped like one."""
    text = text or ""
    # Emails and references first, so a name inside an address goes with it.
    for pattern, replacement in PATTERNS[:2]:
        text = pattern.sub(replacement, text)
    for value, replacement in ids.exact:
        words = [re.escape(word) for word in re.split(r"\s+", value) if word]
        flexible = r"[\s,]+".join(words)
        text = re.sub(rf"(?<!\w){flexible}(?!\w)", replacement, text, flags=re.I)
        digits = re.sub(r"\D", "", value)
        if replacement == "[phone]" and len(digits) >= 6:
            text = _remove_digit_sequence(text, digits.lstrip("0"), "[phone]")
    text = _relative_dates(text, ids.anchor)
    for pattern, replacement in PATTERNS[2:]:
        text = pattern.sub(replacement, text)
    text = YEAR.sub("[year]", text)
    text = TITLED_NAME.sub("[name]", text)
    text = TITLED_REPLACEMENT.sub("[name]", text)
    text = PLACE_NAME.sub(lambda m: "[school]" if SCHOOLISH.search(m.group(0)) else "[place]", text)
    text = MID_SENTENCE_CAPITAL.sub(_unless_common, text)
    # A role that now starts a sentence gets its capital back ("the parent rang" -> "The parent rang").
    return SENTENCE_START_ROLE.sub(lambda m: m.group(1) + m.group(2).upper(), text)


def _unless_common(match: re.Match) -> str:
    word = match.group(1)
    return word if word in COMMON_CAPITALISED or word.isupper() else "[name]"


def _remove_digit_sequence(text: str, digits: str, replacement: str) -> str:
    """Remove ``digits`` however it is spaced or punctuated ("+44 (0)7700 900-123")."""
    pattern = r"[\s\-().]*".join(re.escape(d) for d in digits)
    return re.sub(rf"(?:\+?44[\s\-()]*0?|0)?[\s\-()]*{pattern}", replacement, text)


def _relative_dates(text: str, anchor: datetime.date) -> str:
    def replace(builder):
        def do(match):
            try:
                day = builder(match)
            except (ValueError, KeyError):
                return "[date]"
            return f"[{relative_to(day, anchor)}]" if day else "[date]"

        return do

    text = ISO_DATE.sub(replace(lambda m: datetime.date(*map(int, m.groups()))), text)
    text = NUMERIC_DATE.sub(
        replace(lambda m: datetime.date(_year(m.group(3)), int(m.group(2)), int(m.group(1)))),
        text,
    )
    text = MONTH_DAY_YEAR.sub(
        replace(lambda m: datetime.date(int(m.group(3)), _month(m.group(1)), int(m.group(2)))),
        text,
    )
    text = DAY_MONTH_YEAR.sub(
        replace(
            lambda m: (
                datetime.date(int(m.group(3)), _month(m.group(2)), int(m.group(1)))
                if m.group(3)
                else None
            )
        ),
        text,
    )
    return MONTH_YEAR.sub(
        replace(lambda m: datetime.date(int(m.group(2)), _month(m.group(1)), 15)), text
    )


def _year(text: str) -> int:
    return int(text) + 2000 if len(text) == 2 else int(text)


def _month(word: str) -> int:
    return MONTH_ABBREVIATIONS[word.lower()[:3]]


def relative_to(day: datetime.date, anchor: datetime.date) -> str:
    """A date as a rough duration from when the case opened."""
    days = (day - anchor).days
    after = "after" if days >= 0 else "before"
    days = abs(days)
    if days < 7:
        return (
            "in the week the case opened"
            if after == "after"
            else "a few days before the case opened"
        )
    if days < 60:
        weeks = round(days / 7)
        return f"{weeks} week{'s' if weeks != 1 else ''} {after} the case opened"
    if days < 730:
        months = round(days / 30.44)
        return f"about {months} months {after} the case opened"
    years = round(days / 365.25)
    return f"about {years} years {after} the case opened"


def case_study_text(case: Case) -> str:
    """The whole case study, from the case's records, scrubbed."""
    ids = case_identifiers(case)
    lines = ["The family"]
    parents = list(case.parents.all())
    for index, parent in enumerate(parents):
        role = "The parent" if index == 0 else f"The {ORDINALS[index]} parent"
        lines.append(
            f"{role} ({parent.get_relationship_display().lower()}; "
            f"{parent.get_parental_responsibility_display().lower()})."
        )
    information = list(case.child_information.exclude(kind=ChildInformation.Kind.SCHOOL))
    for index, child in enumerate(case.children.all()):
        role = f"Child {chr(ord('A') + index)}"
        facts = []
        if child.date_of_birth:
            facts.append(f"aged {_age(child.date_of_birth, case.opened_on)} when the case opened")
        if child.school_phase:
            facts.append(f"{child.get_school_phase_display().lower()} phase")
        lines.append(f"{role}: {', '.join(facts) or 'no details recorded'}.")
        for item in (item for item in information if item.child_id == child.pk):
            lines.append(f"  {item.get_kind_display()}: {scrub(item.text, ids)}")
    if case.summary:
        lines += ["", "The enquiry", scrub(case.summary, ids)]
    contacts = list(case.contacts.select_related("topic").order_by("occurred_at", "id"))
    if contacts:
        lines += ["", "What happened"]
    for contact in contacts:
        when = relative_to(timezone.localtime(contact.occurred_at).date(), case.opened_on)
        lines.append(
            f"{when[0].upper()}{when[1:]}: {contact.get_channel_display().lower()} about "
            f"{_lower_first(contact.topic.name)}; outcome: {contact.get_outcome_display().lower()}."
        )
        if contact.notes:
            lines.append(f"  Notes: {scrub(contact.notes, ids)}")
    if case.closed_on:
        lines += ["", f"The case closed {relative_to(case.closed_on, case.opened_on)}."]
    return "\n".join(lines)


def _lower_first(phrase: str) -> str:
    """ "School exclusion" reads "school exclusion" mid-sentence; "EHC plan" stays."""
    if len(phrase) > 1 and phrase[1].islower():
        return phrase[0].lower() + phrase[1:]
    return phrase


def _age(born: datetime.date, on: datetime.date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def _people_on_the_case(case: Case) -> set[User]:
    people = {case.created_by, case.assigned_staff}
    people.update(contact.staff for contact in case.contacts.select_related("staff"))
    people.update(
        assignment.volunteer
        for assignment in case.volunteer_assignments.select_related("volunteer")
    )
    return {person for person in people if person is not None}


def _require_coordinator(user: User, case: Case) -> None:
    if user.role != Role.COORDINATOR or user.service_id != case.service_id:
        raise RuleError("Only a coordinator of this service can prepare case studies.")


@transaction.atomic
def case_study_prepare(*, case: Case, by: User) -> CaseStudy:
    _require_coordinator(by, case)
    return save_as(CaseStudy(case=case, text=case_study_text(case), prepared_by=by), by)


@transaction.atomic
def case_study_revise(*, study: CaseStudy, text: str, by: User) -> CaseStudy:
    """Save the reviewer's edits, scrubbed again: editing can only take things out."""
    _require_coordinator(by, study.case)
    if study.status != CaseStudy.Status.DRAFT:
        raise RuleError("A signed-off case study cannot be changed. Prepare a new one.")
    study.text = scrub(text, case_identifiers(study.case))
    return save_as(study, by)


@transaction.atomic
def case_study_sign_off(*, study: CaseStudy, by: User) -> CaseStudy:
    _require_coordinator(by, study.case)
    if study.status != CaseStudy.Status.DRAFT:
        raise RuleError("This case study has already been signed off.")
    study.status = CaseStudy.Status.SIGNED_OFF
    study.signed_off_by = by
    study.signed_off_at = timezone.now()
    return save_as(study, by)
