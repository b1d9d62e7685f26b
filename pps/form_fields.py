"""Form fields that answer any out-of-range id with a form error (SEC-4).

A posted id beyond the database's integer range makes SQLite raise
OverflowError (PostgreSQL a DataError) inside Django's own validation, which
would be a 500. Every model choice in the project uses these instead, so a
forged or fuzzed id is just "not one of the choices"; a plain id field is an
``IdField``; ``as_id`` is the same rule for an id that arrives another way
(the URL's ids go through ``pps.converters``, which uses the same bound).

``PlainTextForm`` (or ``PlainTextMixin``) is the base of every form: its text
fields refuse control characters and invisible format characters, and a
required field left empty gets a message naming it, never Django's "This
field is required." (CAS-7).
"""

from django import forms
from django.core.exceptions import ValidationError
from django.forms.utils import pretty_name

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
        for name, field in self.fields.items():
            _name_the_field_in_its_required_message(field, field.label or pretty_name(name))
            if (
                isinstance(field, forms.CharField)
                and not isinstance(field.widget, forms.PasswordInput)
                and plain_text not in field.validators
            ):
                field.validators.append(plain_text)
        super().full_clean()


DJANGO_REQUIRED_MESSAGE = forms.Field.default_error_messages["required"]
CHOICE_WIDGETS = (
    forms.RadioSelect,
    forms.Select,
    forms.CheckboxSelectMultiple,
    forms.CheckboxInput,
)


def _name_the_field_in_its_required_message(field: forms.Field, label: str) -> None:
    """Replace Django's "This field is required." with a message that names the
    field and says what to do (GOV.UK style): a page with two empty fields
    otherwise says the same thing twice and neither says which (CAS-7)."""
    if field.error_messages.get("required") != DJANGO_REQUIRED_MESSAGE:
        return
    label = str(label).strip()
    if label.endswith("?"):
        message = f"Answer “{label}”"
    elif isinstance(field.widget, forms.CheckboxInput):
        message = f"Confirm “{label}”"
    elif isinstance(field.widget, CHOICE_WIDGETS):
        message = f"Choose {label[:1].lower()}{label[1:]}"
    elif isinstance(field.widget, forms.FileInput):
        message = f"Choose a file for “{label}”"
    else:
        message = f"Enter {label[:1].lower()}{label[1:]}"
    field.error_messages["required"] = message


class PlainTextForm(PlainTextMixin, forms.Form):
    pass
