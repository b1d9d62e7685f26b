"""Form fields that answer any out-of-range id with a form error (SEC-4).

A posted id beyond the database's integer range makes SQLite raise
OverflowError (PostgreSQL a DataError) inside Django's own validation, which
would be a 500. Every model choice in the project uses these instead, so a
forged or fuzzed id is just "not one of the choices"; a plain id field is an
``IdField``; ``as_id`` is the same rule for an id that arrives another way
(the URL's ids go through ``pps.converters``, which uses the same bound).

``PlainTextForm`` (or ``PlainTextMixin``) is the base of every form: its text
fields refuse control characters and invisible format characters.
"""

from django import forms
from django.core.exceptions import ValidationError

from pps.validators import plain_text

MAX_ID = 2**63 - 1


def as_id(value) -> int | None:
    """``value`` as a record id, or None if it cannot be one (not digits, 0, beyond 64 bits)."""
    text = str(value).strip()
    if not (text.isascii() and text.isdigit()):
        return None
    number = int(text)
    return number if 0 < number <= MAX_ID else None


def _out_of_range(value) -> bool:
    try:
        return not 0 < int(str(value).strip()) <= MAX_ID
    except (TypeError, ValueError):
        return False  # not a number: Django's own validation explains it


class ModelChoiceField(forms.ModelChoiceField):
    def to_python(self, value):
        if value not in self.empty_values and _out_of_range(value):
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    def _check_values(self, value):
        for pk in value:
            if _out_of_range(pk):
                raise ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": pk},
                )
        return super()._check_values(value)


class IdField(forms.IntegerField):
    """A record's id posted in a form: a whole number the database can hold."""

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(**kwargs)


class PlainTextMixin:
    """Every text field of the form refuses control and invisible format characters (SEC-4).

    Added to each text field when the form is cleaned, so fields a form adds in
    its ``__init__`` are covered too. Every form in the project derives from
    ``PlainTextForm`` or this mixin (a test walks them all). Password fields
    are left alone: they are never shown, and refusing a character at sign-in
    could lock out an account whose password holds one.
    """

    def full_clean(self):
        for field in self.fields.values():
            if (
                isinstance(field, forms.CharField)
                and not isinstance(field.widget, forms.PasswordInput)
                and plain_text not in field.validators
            ):
                field.validators.append(plain_text)
        super().full_clean()


class PlainTextForm(PlainTextMixin, forms.Form):
    pass
