"""Normalisers for blind-index search: the same person typed two ways must match."""

import re
import unicodedata
from datetime import date

_NON_ALNUM = re.compile(r"[^0-9a-z]")


def name(value: str) -> str:
    # "O'Brien", "o brien" and "Ó Brien" all become "obrien".
    decomposed = unicodedata.normalize("NFKD", value.casefold())
    return _NON_ALNUM.sub("", "".join(c for c in decomposed if not unicodedata.combining(c)))


def phone(value: str) -> str:
    # "07700 900123", "+44 7700 900123", "0044 7700 900123" and "+44 (0)7700 900123"
    # all become "07700900123".
    digits = re.sub(r"\D", "", value)
    if digits.startswith("0044"):
        digits = digits[2:]
    if digits.startswith("44"):
        digits = digits[2:]
        if not digits.startswith("0"):
            digits = "0" + digits
    return digits


def postcode(value: str) -> str:
    return re.sub(r"\s", "", value).upper()


def email(value: str) -> str:
    return value.strip().lower()


def date_of_birth(value: date | str) -> str:
    return value.isoformat() if isinstance(value, date) else str(value).strip()


NORMALISERS = {
    "name": name,
    "phone": phone,
    "postcode": postcode,
    "email": email,
    "date": date_of_birth,
}
