"""GOV.UK date input: a date typed as day, month and year boxes (CAS-7).

A browser's own date picker orders its boxes by the machine's locale, so
"06 12 2026" became 12 June on a computer set up for the US. Three labelled
boxes always mean the same thing. Render with
``{% include "includes/date_input.html" with field=form.the_date %}``.

Error messages follow the GOV.UK pattern and name the date: "Enter the date of
birth", "Date of birth must include a month", "Date of birth must be a real
date", "Date of birth must be in the past".
"""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

PARTS = ("day", "month", "year")
EARLIEST_YEAR = 1900


class GovukDateInput(forms.MultiWidget):
    """Day, month and year text boxes named ``<name>_day`` and so on."""

    def __init__(self, attrs=None):
        # The boxes' markup is the template's (includes/date_input.html).
        super().__init__({part: forms.TextInput() for part in PARTS}, attrs)

    def decompress(self, value):
        if isinstance(value, datetime.date):
            return [str(value.day), str(value.month), str(value.year)]
        return ["", "", ""]

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        # Django numbers the boxes' ids (_0, _1, _2); name them like their fields.
        base = context["widget"]["attrs"].get("id")
        if base:
            for part, box in zip(PARTS, context["widget"]["subwidgets"], strict=True):
                box["attrs"]["id"] = f"{base}_{part}"
        return context

    def id_for_label(self, id_):
        # The error summary links to the first box (GOV.UK).
        return f"{id_}_day" if id_ else ""


class GovukDateField(forms.Field):
    """A date from three boxes; ``what`` names it in messages ("date of birth").

    ``not_future`` for things that have happened, ``past_only`` for a date of
    birth (today is refused too).
    """

    widget = GovukDateInput

    def __init__(self, *, what: str, not_future: bool = False, past_only: bool = False, **kwargs):
        self.what = what
        self.not_future = not_future
        self.past_only = past_only
        kwargs.setdefault("error_messages", {})
        kwargs["error_messages"].setdefault("required", f"Enter the {what}.")
        super().__init__(**kwargs)

    @property
    def _name(self) -> str:
        return self.what[:1].upper() + self.what[1:]

    def to_python(self, value):
        if isinstance(value, datetime.date) or value in self.empty_values:
            return value or None
        if isinstance(value, str):  # one value posted instead of three: not a date
            raise ValidationError(f"{self._name} must be a real date.", code="invalid")
        parts = [str(part or "").strip() for part in list(value)[:3]]
        parts += [""] * (3 - len(parts))
        if not any(parts):
            return None
        missing = [name for name, part in zip(PARTS, parts, strict=True) if not part]
        if missing:
            raise ValidationError(
                f"{self._name} must include a {' and a '.join(missing)}.", code="incomplete"
            )
        day, month, year = parts
        if not all(part.isascii() and part.isdigit() and len(part) <= 4 for part in parts):
            raise ValidationError(f"{self._name} must be a real date.", code="invalid")
        if len(year) != 4:
            raise ValidationError(
                f"The year of the {self.what} must include 4 numbers.", code="invalid"
            )
        try:
            date = datetime.date(int(year), int(month), int(day))
        except ValueError:
            raise ValidationError(f"{self._name} must be a real date.", code="invalid") from None
        if date.year < EARLIEST_YEAR:
            raise ValidationError(f"{self._name} must be a real date.", code="invalid")
        return date

    def validate(self, value):
        super().validate(value)
        if value is None:
            return
        today = timezone.localdate()
        if self.past_only and value >= today:
            raise ValidationError(f"{self._name} must be in the past.", code="future")
        if self.not_future and value > today:
            raise ValidationError(f"{self._name} must be today or in the past.", code="future")

    def has_changed(self, initial, data):
        try:
            return self.to_python(data) != initial
        except ValidationError:
            return True
