"""Dates typed as day, month and year boxes: the GOV.UK date input (CAS-7).

A browser's date picker shows and reads the date in the order of the
machine's locale, so on a machine set to the United States "06 12 2026"
became 12 June. Every date in the product is therefore three boxes, day,
month and year, read the same way on every machine; a date and time adds a
fourth box for the time of day (24-hour, "14:30"); a time on its own is the
same one box (``TimeField``).

Each box posts as ``<name>_day``, ``<name>_month``, ``<name>_year`` (and
``<name>_time``). A single value posted under ``<name>`` itself ("2026-12-06"
or "6/12/2026") is read too, so a script or an older page still works; the
same checks apply either way.

Error messages follow the GOV.UK pattern: they name the field and say what
to do ("Date of referral must include a month", "... must be a real date").
"""

import datetime
import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

PARTS = ("day", "month", "year")
LABELS = {"day": "Day", "month": "Month", "year": "Year", "time": "Time"}
WIDTHS = {"day": 2, "month": 2, "year": 4, "time": 5}
TIME = re.compile(r"^([01]?\d|2[0-3])[:.]([0-5]\d)$")
SINGLE_VALUE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y")


class GovukDateWidget(forms.MultiWidget):
    """Day, month and year boxes (``{% govuk_field %}`` draws them as one fieldset)."""

    parts = PARTS

    def __init__(self, attrs=None):
        boxes = {part: forms.TextInput(attrs={"inputmode": "numeric"}) for part in self.parts}
        if "time" in boxes:
            boxes["time"] = forms.TextInput()
        super().__init__(boxes, attrs)

    def decompress(self, value):
        if isinstance(value, str):
            value = _parse_single_value(value) or value
        if isinstance(value, datetime.datetime):
            local = timezone.localtime(value) if timezone.is_aware(value) else value
            return [local.day, local.month, local.year, f"{local:%H:%M}"][: len(self.parts)]
        if isinstance(value, datetime.date):
            return [value.day, value.month, value.year, ""][: len(self.parts)]
        return [None] * len(self.parts)

    def value_from_datadict(self, data, files, name):
        if any(f"{name}_{part}" in data for part in self.parts):
            return [data.get(f"{name}_{part}") for part in self.parts]
        return data.get(name)

    def value_omitted_from_data(self, data, files, name):
        return name not in data and all(f"{name}_{part}" not in data for part in self.parts)

    def id_for_label(self, id_):
        # The label and the error summary point at the first box (GOV.UK).
        return f"{id_}_day" if id_ else id_

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        base = context["widget"]["attrs"].get("id")
        for part, box in zip(self.parts, context["widget"]["subwidgets"], strict=True):
            if base:
                box["attrs"]["id"] = f"{base}_{part}"  # named like the posted boxes
            box["part"] = part
            box["label"] = LABELS[part]
            box["width"] = WIDTHS[part]
        return context


class GovukDateTimeWidget(GovukDateWidget):
    """The date boxes and a time box."""

    parts = (*PARTS, "time")


def _parse_single_value(text: str):
    for form in SINGLE_VALUE_FORMATS:
        try:
            return datetime.datetime.strptime(text.strip(), form).date()
        except ValueError:
            continue
    try:
        return datetime.datetime.fromisoformat(text.strip())
    except ValueError:
        return None


def _name_the_field_when_required(field: forms.Field, kwargs: dict, what: str) -> None:
    """ "Enter the date of referral" rather than "This field is required."."""
    if "required" in (kwargs.get("error_messages") or {}):
        return
    label = str(field.label or "")
    if label.lower().startswith("date"):
        field.error_messages["required"] = f"Enter the {label[:1].lower()}{label[1:]}"
    elif label:
        field.error_messages["required"] = f"Enter {what} for “{label}”"
    else:
        field.error_messages["required"] = f"Enter {what}"


def _date_from_parts(parts: list[str], message) -> datetime.date | None:
    """The date in the day, month and year boxes; ``message(what)`` names the field."""
    day, month, year = parts[:3]
    if not (day or month or year):
        return None
    missing = [name for name, text in zip(PARTS, (day, month, year), strict=True) if not text]
    if missing:
        raise ValidationError(
            message(f"must include a {' and a '.join(missing)}"), code="incomplete"
        )
    if not (day.isdigit() and month.isdigit() and year.isdigit()):
        raise ValidationError(message("must be a real date"), code="invalid")
    if len(year) != 4:
        raise ValidationError(message("must have a year with 4 numbers"), code="invalid")
    try:
        return datetime.date(int(year), int(month), int(day))
    except (ValueError, OverflowError):
        # A month or day too big for C's int (2147483648) overflows rather than
        # being out of range; both are a date that does not exist.
        raise ValidationError(message("must be a real date"), code="invalid") from None


def _time_from_text(text: str, message) -> datetime.time:
    """A 24-hour time of day ("14:30", "9.05"); ``message(what)`` names the field."""
    match = TIME.match(text.strip())
    if not match:
        raise ValidationError(message("must have a time like 09:30 or 14:30"), code="invalid")
    return datetime.time(int(match.group(1)), int(match.group(2)))


class DateField(forms.DateField):
    """A date entered in day, month and year boxes.

    ``not_future``: the date of something that has happened (a call, a
    decision, a closure) cannot be after today.
    """

    widget = GovukDateWidget

    def __init__(self, *, not_future: bool = False, not_past: bool = False, **kwargs):
        self.not_future, self.not_past = not_future, not_past
        kwargs.setdefault("help_text", "For example, 27 3 2025")
        super().__init__(**kwargs)
        _name_the_field_when_required(self, kwargs, "a date")

    def _message(self, what: str) -> str:
        return f"{self.label or 'The date'} {what}"

    def to_python(self, value):
        if isinstance(value, list | tuple):
            return _date_from_parts(
                [(str(v).strip() if v is not None else "") for v in value], self._message
            )
        if value in self.empty_values:
            return None
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        parsed = _parse_single_value(str(value))
        if parsed is None:
            raise ValidationError(self._message("must be a real date"), code="invalid")
        return parsed.date() if isinstance(parsed, datetime.datetime) else parsed

    def validate(self, value):
        super().validate(value)
        if self.not_future and value and value > timezone.localdate():
            raise ValidationError(self._message("cannot be in the future"), code="future")
        if self.not_past and value and value < timezone.localdate():
            raise ValidationError(self._message("must be today or in the future"), code="past")

    def has_changed(self, initial, data):
        try:
            return super().has_changed(initial, data)
        except ValidationError:
            return True


class DateTimeField(forms.DateTimeField):
    """A date in day, month and year boxes and a time of day ("14:30")."""

    widget = GovukDateTimeWidget

    def __init__(self, *, not_future: bool = False, **kwargs):
        self.not_future = not_future
        kwargs.setdefault("help_text", "For example, 27 3 2025 and 14:30")
        super().__init__(**kwargs)
        _name_the_field_when_required(self, kwargs, "a date and time")

    def _message(self, what: str) -> str:
        return f"{self.label or 'The date and time'} {what}"

    def to_python(self, value):
        if isinstance(value, list | tuple):
            parts = [(str(v).strip() if v is not None else "") for v in value]
            if not any(parts):
                return None
            date = _date_from_parts(parts[:3], self._message)
            time_text = parts[3] if len(parts) > 3 else ""
            if date is None:
                raise ValidationError(self._message("must include a date"), code="incomplete")
            if not time_text:
                raise ValidationError(self._message("must include a time"), code="incomplete")
            naive = datetime.datetime.combine(date, _time_from_text(time_text, self._message))
            return timezone.make_aware(naive)
        if value in self.empty_values:
            return None
        if isinstance(value, str):
            parsed = _parse_single_value(value)
            if isinstance(parsed, datetime.datetime):
                return timezone.make_aware(parsed) if timezone.is_naive(parsed) else parsed
            raise ValidationError(self._message("must be a real date and time"), code="invalid")
        return super().to_python(value)

    def validate(self, value):
        super().validate(value)
        if self.not_future and value and value > timezone.now():
            raise ValidationError(self._message("cannot be in the future"), code="future")

    def has_changed(self, initial, data):
        try:
            return super().has_changed(initial, data)
        except ValidationError:
            return True


class TimeField(forms.TimeField):
    """A time of day in one box, on the 24-hour clock ("14:30"), like the time
    box of ``DateTimeField`` (a browser's time picker follows the locale too)."""

    widget = forms.TextInput

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", "Use the 24-hour clock, for example 14:30")
        super().__init__(**kwargs)
        _name_the_field_when_required(self, kwargs, "a time")
        self.widget.attrs.setdefault("class", "govuk-input--width-5")

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, datetime.time):
            return value
        return _time_from_text(str(value), lambda what: f"{self.label or 'The time'} {what}")

    def prepare_value(self, value):
        return f"{value:%H:%M}" if isinstance(value, datetime.time) else value
