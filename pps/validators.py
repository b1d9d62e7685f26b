"""Input checks shared by every form (SEC-4: bad input gets a clear error)."""

import re

from django.core.exceptions import ValidationError

# C0 and C1 control characters other than tab, line feed and carriage return:
# never typed by a person, often the sign of pasted binary or an injection attempt.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def no_control_characters(value: str) -> None:
    if value and CONTROL_CHARACTERS.search(value):
        raise ValidationError(
            "Remove the unusual invisible characters (they often come from copying and "
            "pasting), then try again.",
            code="control_characters",
        )
