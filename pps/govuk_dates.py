"""Dates and times typed into separate boxes, as the GOV.UK Design System asks (CAS-7).

A browser's date picker orders day and month by the machine's locale, so
"06 12 2026" could become 12 June; separate day, month and year boxes cannot
be misread. ``DateInputField`` gives a ``datetime.date`` from three boxes and
``TimeInputField`` a ``datetime.time`` from hours and minutes (24-hour clock).
Render them with ``{% include "includes/date_input.html" with field=... %}``.
Error messages follow the GOV.UK pattern and name the field.
"""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone


class PartsWidget(forms.MultiWidget):
    """Numbered boxes named ``<field>_<part>``; ``parts`` is (name, label, width) each."""

    parts: tuple[tuple[str, str, int], ...] = ()

    def __init__(self, attrs=None):
        widgets = {name: forms.TextInput(attrs={"inputmode": "numeric"}) for name, *_ in self.parts}
        super().__init__(widgets, attrs)

    def id_for_label(self, id_):
        # The error summary links to the first box.
        return f"{id_}_{self.parts[0][0]}" if id_ else ""


class DatePartsWidget(PartsWidget):
    parts = (("day", "Day", 2), ("month", "Month", 2), ("year", "Year", 4))

    def decompress(self, value):
        if isinstance(value, datetime.date):
            return [str(value.day), str(value.month), str(value.year)]
        return [None, None, None]


class TimePartsWidget(PartsWidget):
    parts = (("hour", "Hour", 2), ("minute", "Minute", 2))

    def decompress(self, value):
        if isinstance(value, datetime.time):
            return [str(value.hour), f"{value.minute:02d}"]
        return [None, None]


def _numbers(values, names) -> list[int]:
    numbers = []
    for value, name in zip(values, names, strict=True):
        text = (value or "").strip()
        # At most four digits: a longer number is no date or time part (and a
        # huge one would be slow to convert).
        if not (text.isascii() and text.isdigit() and len(text) <= 4):
            raise ValidationError(f"The {name} must be a number.")
        numbers.append(int(text))
    return numbers


class _PartsField(forms.MultiValueField):
    widget_class: type[PartsWidget]
    kind = ""

    def __init__(self, *, label: str, required: bool = True, required_message: str = "", **kwargs):
        parts = self.widget_class.parts
        super().__init__(
            fields=[forms.CharField(required=False) for _ in parts],
            require_all_fields=False,
            required=required,
            widget=self.widget_class,
            label=label,
            error_messages={"required": required_message or f"Enter the {label.lower()}."},
            **kwargs,
        )

    def missing(self, values) -> list[str]:
        return [
            label.lower()
            for (_, label, _), value in zip(self.widget_class.parts, values, strict=True)
            if not (value or "").strip()
        ]


class DateInputField(_PartsField):
    """A date from day, month and year boxes. ``not_future``: the date of something that has happened."""

    widget_class = DatePartsWidget

    def __init__(self, *, not_future: bool = False, not_past: bool = False, **kwargs):
        self.not_future, self.not_past = not_future, not_past
        super().__init__(**kwargs)

    def compress(self, values):
        if not values or not any((value or "").strip() for value in values):
            return None
        what = self.label[0].upper() + self.label[1:]
        if missing := self.missing(values):
            raise ValidationError(f"{what} must include a {' and a '.join(missing)}.")
        try:
            day, month, year = _numbers(values, ("day", "month", "year"))
        except ValidationError:
            raise ValidationError(f"{what} must be a real date, for example 27 3 2026.") from None
        if not 1000 <= year <= 9999:
            raise ValidationError("The year must include 4 numbers, for example 2026.")
        try:
            value = datetime.date(year, month, day)
        except ValueError:
            raise ValidationError(f"{what} must be a real date, for example 27 3 2026.") from None
        today = timezone.localdate()
        if self.not_future and value > today:
            raise ValidationError(f"{what} must be today or in the past.")
        if self.not_past and value < today:
            raise ValidationError(f"{what} must be today or in the future.")
        return value


class TimeInputField(_PartsField):
    """A time of day from hour and minute boxes, on the 24-hour clock."""

    widget_class = TimePartsWidget

    def compress(self, values):
        if not values or not any((value or "").strip() for value in values):
            return None
        what = self.label[0].upper() + self.label[1:]
        if missing := self.missing(values):
            raise ValidationError(f"{what} must include the {' and the '.join(missing)}.")
        example = "for example 14 and 30 for half past two in the afternoon"
        try:
            hour, minute = _numbers(values, ("hour", "minute"))
            return datetime.time(hour, minute)
        except (ValidationError, ValueError):
            raise ValidationError(
                f"{what} must be a real time on the 24-hour clock, {example}."
            ) from None
