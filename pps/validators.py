"""Input checks shared by every form (SEC-4: bad input gets a clear error)."""

import re
import unicodedata

from django.core.exceptions import ValidationError

# C0 and C1 control characters other than tab, line feed and carriage return:
# never typed by a person, often the sign of pasted binary or an injection attempt.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")

# Format characters (Unicode category Cf) that some scripts and emoji need:
# the zero-width non-joiner (Persian, Indic scripts) and joiner (emoji sequences).
NEEDED_FORMAT_CHARACTERS = frozenset({"\u200c", "\u200d"})


def no_control_characters(value: str) -> None:
    if value and CONTROL_CHARACTERS.search(value):
        raise ValidationError(
            "Remove the unusual invisible characters (they often come from copying and "
            "pasting), then try again.",
            code="control_characters",
        )


def invisible_characters(value: str) -> list[str]:
    """The Unicode format characters in ``value`` that no language needs, in order.

    Category Cf holds the direction overrides, embeddings and isolates
    (U+202A-U+202E, U+2066-U+2069), the direction marks (U+200E, U+200F,
    U+061C), zero-width spaces, the byte-order mark and the like: invisible,
    and able to make a name or a note read differently on every page and in
    every log that shows it.
    """
    return [
        c for c in value if unicodedata.category(c) == "Cf" and c not in NEEDED_FORMAT_CHARACTERS
    ]


def plain_text(value) -> None:
    """Every text input in every form: no control characters, no invisible format characters."""
    if not isinstance(value, str) or not value:
        return
    no_control_characters(value)
    found = invisible_characters(value)
    if found:
        codes = ", ".join(dict.fromkeys(f"U+{ord(c):04X}" for c in found))
        raise ValidationError(
            "Remove the invisible characters that change how text is shown (%(codes)s). "
            "They often come from copying and pasting; type the text again.",
            code="invisible_characters",
            params={"codes": codes},
        )
