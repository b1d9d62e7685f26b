"""Model choice fields that answer any out-of-range id with a form error.

A posted id beyond the database's integer range makes SQLite raise
OverflowError (PostgreSQL a DataError) inside Django's own validation, which
would be a 500. Every model choice in the project uses these instead, so a
forged or fuzzed id is just "not one of the choices".
"""

from django import forms
from django.core.exceptions import ValidationError

MAX_ID = 2**63 - 1


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
