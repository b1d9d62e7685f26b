"""Redaction of other people's details from the free text of a family pack (DIS-6, REF-6).

A pack of the family's own data (subject access, the whole record) still holds
free text that staff typed: the enquiry summary, call notes, information about
a child, and whatever a pack holds in future. Anyone else named there (another
parent or carer on the case or on a linked enquiry, a referrer, a professional,
a child the pack does not cover) is replaced with ``MARKER``. The values come
from the case itself, so every spelling the case holds is matched: any case,
phones and postcodes with or without spaces (and a phone as +44), dates of birth
in the usual UK forms, a name's parts on their own.

A value the pack's own subject also holds (a shared surname, a shared landline)
is their data too and is left: "Sharpe" is not removed from "Annika Sharpe"
because another parent is also a Sharpe, though that parent's full name and
given name are. ``Redactor.redact`` returns what it removed by kind only, so the
coordinator can see counts before release without the values being shown.
"""

import datetime
import re
from collections import Counter
from dataclasses import dataclass, field

MARKER = "[redacted]"

# The order matters: an email holds what looks like a name, an address line can
# hold a postcode, so the longer kinds go first.
KINDS = {
    "email": ("email address", "email addresses"),
    "phone": ("phone number", "phone numbers"),
    "postcode": ("postcode", "postcodes"),
    "date_of_birth": ("date of birth", "dates of birth"),
    "address": ("address line", "address lines"),
    "name": ("name", "names"),
}
MIN_PHONE_DIGITS = 6
MIN_ADDRESS_LENGTH = 4
MIN_NAME_PART = 2
MIN_ORGANISATION_WORD = 3
MONTHS = [
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
]  # fmt: skip


@dataclass
class Person:
    """Everything the case holds that identifies one person, by kind."""

    names: list[str] = field(default_factory=list)  # full names and their parts
    organisation_names: list[str] = field(default_factory=list)  # referrers, organisations
    phones: list[str] = field(default_factory=list)
    emails: list[str] = field(default_factory=list)
    addresses: list[str] = field(default_factory=list)
    postcodes: list[str] = field(default_factory=list)
    dates_of_birth: list[datetime.date] = field(default_factory=list)


def parent_person(parent) -> Person:
    return Person(
        names=[parent.full_name, parent.given_name, parent.family_name],
        phones=[parent.phone or ""],
        emails=[parent.email or ""],
        addresses=[parent.address or ""],
        postcodes=[parent.postcode or ""],
    )


def child_person(child) -> Person:
    return Person(
        names=[child.full_name, child.given_name, child.family_name],
        dates_of_birth=[child.date_of_birth] if child.date_of_birth else [],
    )


def third_party_person(values: list[str]) -> Person:
    return Person(organisation_names=[v for v in values if v])


def summarise(counts: Counter) -> str:
    """'2 names, 1 phone number redacted': kinds and counts only, never the values."""
    parts = [
        f"{counts[kind]} {KINDS[kind][0] if counts[kind] == 1 else KINDS[kind][1]}"
        for kind in KINDS
        if counts.get(kind)
    ]
    return (", ".join(parts) + " redacted") if parts else ""


# --- one value's spellings -----------------------------------------------------


def _words(value: str) -> list[str]:
    return [w for w in re.split(r"[\s,]+", value.strip()) if w]


def _name_pattern(value: str) -> str:
    # Any case and spacing; an apostrophe may be straight, curly or left out.
    words = [re.sub(r"['’]", "['’]?", re.escape(w)) for w in _words(value)]
    return r"(?<!\w)" + r"[\s\-]+".join(words) + r"(?!\w)"


def _name_parts(value: str) -> list[str]:
    return [p for p in re.split(r"[\s\-]+", value.strip()) if len(p) >= MIN_NAME_PART]


def _digits(phone: str) -> str:
    digits = re.sub(r"\D", "", phone or "")
    if phone.strip().startswith("+44") or digits.startswith("0044"):
        digits = "0" + digits.removeprefix("00").removeprefix("44")
    return digits


def _phone_pattern(digits: str) -> str:
    gap = r"[\s\-.()]*"
    rest = gap.join(digits[1:])
    first = r"(?:0|\+\s*44\s*(?:\(0\)\s*)?|0044\s*)" if digits[0] == "0" else digits[0]
    return r"(?<![\d+])" + first + gap + rest + r"(?!\d)"


def _postcode(value: str) -> str:
    return re.sub(r"\s", "", value or "").upper()


def _postcode_pattern(compact: str) -> str:
    return r"(?<![A-Za-z0-9])" + r"\s*".join(re.escape(c) for c in compact) + r"(?![A-Za-z0-9])"


def _address_lines(address: str) -> list[str]:
    lines = [" ".join(_words(part)) for part in re.split(r"[\n,]", address or "")]
    return [line for line in lines if len(line) >= MIN_ADDRESS_LENGTH]


def _date_patterns(day: datetime.date) -> list[str]:
    d, m = day.day, day.month
    dd = f"0?{d}" if d < 10 else str(d)
    mm = f"0?{m}" if m < 10 else str(m)
    year = rf"(?:{day.year}|{day.year % 100:02d})"
    month = MONTHS[m - 1]
    month_words = rf"(?:{month}|{month[:3]}{'|Sept' if m == 9 else ''})\.?"
    ordinal = rf"{dd}(?:st|nd|rd|th)?"
    return [
        rf"(?<!\d){dd}\s*[/.\-]\s*{mm}\s*[/.\-]\s*{year}(?!\d)",
        rf"(?<!\d){day.year}-{mm}-{dd}(?!\d)",
        rf"(?<!\d){ordinal}\s+(?:of\s+)?{month_words},?\s+{day.year}(?!\d)",
        rf"(?<!\w){month_words}\s+{ordinal},?\s+{day.year}(?!\d)",
    ]


# --- the redactor ----------------------------------------------------------------


def _fold(value: str) -> str:
    return " ".join(_words(value)).casefold()


class Redactor:
    """Removes ``others``' details from text, keeping whatever ``keep`` also holds."""

    def __init__(self, others: list[Person], keep: list[Person]):
        kept_names = {_fold(n) for p in keep for n in p.names if n} | {
            part.casefold() for p in keep for n in p.names for part in _name_parts(n or "")
        }
        kept_phones = {_digits(v) for p in keep for v in p.phones if v}
        kept_emails = {v.strip().casefold() for p in keep for v in p.emails if v}
        kept_lines = {_fold(v) for p in keep for a in p.addresses for v in _address_lines(a)}
        kept_postcodes = {_postcode(v) for p in keep for v in p.postcodes if v}
        kept_dates = {d for p in keep for d in p.dates_of_birth}

        patterns: dict[str, set[str]] = {kind: set() for kind in KINDS}
        for person in others:
            for email in person.emails:
                if email and email.strip() and email.strip().casefold() not in kept_emails:
                    patterns["email"].add(
                        r"(?<![\w.+\-])" + re.escape(email.strip()) + r"(?![\w\-])"
                    )
            for phone in person.phones:
                digits = _digits(phone or "")
                if len(digits) >= MIN_PHONE_DIGITS and digits not in kept_phones:
                    patterns["phone"].add(_phone_pattern(digits))
            for postcode in person.postcodes:
                compact = _postcode(postcode)
                if len(compact) >= 5 and compact not in kept_postcodes:
                    patterns["postcode"].add(_postcode_pattern(compact))
            for born in person.dates_of_birth:
                if born not in kept_dates:
                    patterns["date_of_birth"].update(_date_patterns(born))
            for address in person.addresses:
                for line in _address_lines(address):
                    if _fold(line) not in kept_lines:
                        patterns["address"].add(_name_pattern(line))
            for name in person.names:
                for value in [name or "", *_name_parts(name or "")]:
                    if value.strip() and _fold(value) not in kept_names:
                        patterns["name"].add(_name_pattern(value))
            for name in person.organisation_names:
                if _fold(name) not in kept_names and len(name.strip()) >= MIN_ORGANISATION_WORD:
                    patterns["name"].add(_name_pattern(name))
                # A professional's or organisation's words on their own, as before:
                # capitalised words long enough not to be everyday ones.
                for word in re.findall(r"[\w'’]+", name):
                    if (
                        len(word) >= MIN_ORGANISATION_WORD
                        and word[0].isupper()
                        and word.casefold() not in kept_names
                    ):
                        patterns["name"].add(_name_pattern(word))
        # Longest first, so a full name goes before its parts.
        self._compiled = [
            (kind, re.compile("|".join(sorted(found, key=len, reverse=True)), re.IGNORECASE))
            for kind, found in patterns.items()
            if found
        ]

    def redact(self, text: str) -> tuple[str, Counter]:
        counts: Counter = Counter()
        text = text or ""
        for kind, pattern in self._compiled:
            text, removed = pattern.subn(MARKER, text)
            if removed:
                counts[kind] += removed
        return text, counts
