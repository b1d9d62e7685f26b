"""The digests a person is found by, and the ones a query looks for (CAS-6).

Every value is a keyed HMAC (``pps.crypto.blind_index``) of a normalised value,
never the value: the same HMAC key as the whole-value blind indexes, with a
purpose of its own per kind, so a surname's beginning, its sound and the whole
surname never give the same digest. docs/security.md says what each kind lets
someone holding the database (without the key) learn.

- Beginnings of a surname: every prefix of 3 to 20 letters of the normalised
  surname, and of each part of a double-barrelled or several-word surname
  ("Smith-Jones" is found by "Smi" and by "Jon").
- Sound: the Double Metaphone codes (primary and alternate, ``doublemetaphone``,
  Lawrence Philips' reference implementation, maintained by the dedupe
  project) of the surname and of each part, after one rule of our own: the
  silent p of "mps" (Thompson/Thomson, Simpson/Simson), which no algorithm
  tried folds. Chosen by trying British spelling variants: Double Metaphone
  folds Baldwin/Baldwyn, Hughes/Hewes, Nicholson/Nicolson, Mitchell/Michell,
  Davies/Davis, Smith/Smyth, Reid/Reed, Macdonald/McDonald, Knight/Night,
  Phillips/Filips; jellyfish's Metaphone misses the first four; Soundex keeps
  the first letter as written (Phillips/Filips differ) and codes only four
  characters; NYSIIS (built for American names) misses Smith/Smyth,
  Wright/Right and Baldwin/Baldwyn; the match rating codex compares by a rating, not
  equality, so it cannot be a blind index.
- A child's first name with the date of birth, as one digest: the pair is what
  staff search with, and one digest says less than two separate ones would.
"""

import datetime
import re

from doublemetaphone import doublemetaphone

from pps import normalise
from pps.crypto import blind_index

PREFIX_MIN = 3
# Longer beginnings add rows and say little more: a query longer than this is
# matched on its first 20 letters (the whole-surname index still matches exactly).
PREFIX_MAX = 20

PREFIX_PURPOSE = "name-prefix"
SOUND_PURPOSE = "name-sound"
CHILD_PURPOSE = "child-name-dob"

_PART_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015]+")
_NOT_LETTER = re.compile(r"[^a-z]")
_SILENT_P = re.compile(r"mps")


def surname_parts(value: str) -> list[str]:
    """The normalised surname and, if it has several parts, each part normalised."""
    whole = normalise.name(value or "")
    parts = [normalise.name(part) for part in _PART_SEPARATORS.split(value or "")]
    parts = [part for part in parts if part]
    found = [whole] if whole else []
    if len(parts) > 1:
        found += [part for part in parts if part not in found]
    return found


def phonetic_codes(normalised: str) -> list[str]:
    """The Double Metaphone codes of a normalised name: primary, then alternate if it differs."""
    letters = _SILENT_P.sub("ms", _NOT_LETTER.sub("", normalised))
    if not letters:
        return []
    codes = [code for code in doublemetaphone(letters) if code]
    return list(dict.fromkeys(codes))


def prefix_digest(normalised: str) -> str | None:
    if len(normalised) < PREFIX_MIN:
        return None
    return blind_index(PREFIX_PURPOSE, normalised[:PREFIX_MAX])


def sound_digests(normalised: str) -> list[str]:
    return [blind_index(SOUND_PURPOSE, code) for code in phonetic_codes(normalised)]


def child_digest(given_name: str, date_of_birth: datetime.date | None) -> str | None:
    name = normalise.name(given_name or "")
    if not name or date_of_birth is None:
        return None
    return blind_index(CHILD_PURPOSE, f"{name}|{normalise.date_of_birth(date_of_birth)}")


def surname_digests(value: str) -> set[str]:
    """What a person with this surname is found by, beyond the whole-surname column."""
    digests = set()
    for part in surname_parts(value):
        for length in range(PREFIX_MIN, min(len(part), PREFIX_MAX) + 1):
            digests.add(blind_index(PREFIX_PURPOSE, part[:length]))
        digests.update(sound_digests(part))
    return digests


def person_digests(person) -> set[str]:
    """Every search digest of a parent or a child (a child also by first name and birth date)."""
    digests = surname_digests(person.family_name)
    if hasattr(person, "date_of_birth"):
        child = child_digest(person.given_name, person.date_of_birth)
        if child:
            digests.add(child)
    return digests
