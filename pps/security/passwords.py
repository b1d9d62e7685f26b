"""Password rules beyond Django's: a generous upper limit and the service's own words.

The policy (ASVS 6.2, NIST 800-63B): at least 12 characters, up to 128 (so
64-character passphrases always fit), any characters at all, checked against
common passwords and against the words of this service. No rules about upper
case, digits or symbols, and no periodic expiry.
"""

import re

from django.core.exceptions import ValidationError

# The documented list of context-specific words (ASVS 6.1.2): what a person
# choosing a password here is tempted to build it from. A user's service name
# and code are added at check time.
SERVICE_WORDS = (
    "sendiass",
    "siass",
    "iass",
    "sendias",
    "send information advice support",
    "parent partnership",
    "independent parental supporter",
    "special educational needs",
    "casemanagement",
    "case management",
    "helpline",
    "confidential",
    "password",
    "passw0rd",
    "letmein",
    "welcome",
)
MIN_REMAINDER = 12


def _squash(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def context_words(user=None) -> list[str]:
    words = {_squash(word) for word in SERVICE_WORDS}
    service = getattr(user, "service", None) if user is not None else None
    if service is not None:
        words.add(_squash(service.code))
        words.update(_squash(part) for part in re.split(r"\W+", service.name) if len(part) >= 4)
    return sorted((w for w in words if len(w) >= 4), key=len, reverse=True)


class ServiceWordsValidator:
    """Refuse a password that is mostly the service's own words.

    The words are taken out of the password and what is left must still be
    long enough on its own, so "Northshire-SENDIASS-2026" fails but a long
    passphrase that happens to contain "helpline" is fine.
    """

    def validate(self, password, user=None):
        remainder = _squash(password)
        found = False
        for word in context_words(user):
            if word in remainder:
                found = True
                remainder = remainder.replace(word, "")
        if found and len(remainder) < MIN_REMAINDER:
            raise ValidationError(
                "This password is built from words about this service. Choose something "
                "that has nothing to do with the service or your work here.",
                code="password_service_words",
            )

    def get_help_text(self):
        return "Your password cannot be built from the name of the service or words about it."


class MaximumLengthValidator:
    """An upper bound well above 64 characters, so hashing cannot be abused."""

    def __init__(self, max_length: int = 128):
        self.max_length = max_length

    def validate(self, password, user=None):
        if len(password) > self.max_length:
            raise ValidationError(
                f"Your password must be {self.max_length} characters or fewer.",
                code="password_too_long",
            )

    def get_help_text(self):
        return f"Your password can be up to {self.max_length} characters long."
