"""Forms for tasks (CAS-5): the task page's forms and the callback fields of a contact.

Due dates are GOV.UK day/month/year boxes with an hour and minute, never a
browser date picker (CAS-7).
"""

import datetime

from django import forms
from django.utils import timezone

from cases.models import Outcome
from cases.tasks.models import NOTE_MAX_CHARS
from cases.tasks.selectors import task_owners
from pps.date_fields import DateField, TimeField
from pps.form_fields import ModelChoiceField, PlainTextForm
from pps.models import Service, User

# Clocks differ a little between the caseworker's PC and the server.
CLOCK_SLACK = datetime.timedelta(minutes=5)


def due_moment(day: datetime.date, time: datetime.time) -> datetime.datetime:
    """The service's local day and time as a moment (the time zone is the service's)."""
    return timezone.make_aware(datetime.datetime.combine(day, time))


def _note_field(label: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        max_length=NOTE_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 2, "spellcheck": "false"}),
        error_messages={
            "max_length": f"The note must be {NOTE_MAX_CHARS} characters or fewer "
            "(%(show_value)d entered)."
        },
    )


def _owner_field(label: str, *, required: bool, empty_label: str | None) -> ModelChoiceField:
    return ModelChoiceField(
        label=label,
        required=required,
        queryset=User.objects.none(),  # the service's staff, set by the form
        empty_label=empty_label,
        error_messages={
            "required": "Choose who the task is for.",
            "invalid_choice": "Choose a member of staff or a coordinator from the list.",
        },
    )


def limit_owners(field: ModelChoiceField, service: Service) -> None:
    field.queryset = task_owners(service)
    field.label_from_instance = lambda user: user.get_full_name() or user.get_username()


class TaskForm(PlainTextForm):
    """A new task on the case's task page."""

    due_on = DateField(
        label="Date due",
        not_past=True,
        error_messages={"required": "Enter the date the task is due."},
        help_text="For example, 27 3 2026",
    )
    due_time = TimeField(
        label="Time due",
        error_messages={"required": "Enter the time the task is due."},
        help_text="Use the 24-hour clock, for example 14:30",
    )
    owner = _owner_field("Who will do it", required=False, empty_label="Me")
    note = _note_field("What needs doing")

    def __init__(self, *args, service: Service, **kwargs):
        super().__init__(*args, **kwargs)
        limit_owners(self.fields["owner"], service)

    def clean(self):
        cleaned = super().clean()
        day, time = cleaned.get("due_on"), cleaned.get("due_time")
        if day and time:
            cleaned["due_at"] = due_moment(day, time)
            if cleaned["due_at"] < timezone.now() - CLOCK_SLACK:
                self.add_error("due_time", "Time due must be in the future.")
        return cleaned

    def task_data(self) -> dict:
        c = self.cleaned_data
        return {"due_at": c["due_at"], "owner": c["owner"], "note": c["note"].strip()}


class TaskReassignForm(PlainTextForm):
    owner = _owner_field("Give this task to", required=True, empty_label="Choose someone")

    def __init__(self, *args, service: Service, **kwargs):
        super().__init__(*args, **kwargs)
        limit_owners(self.fields["owner"], service)


class CallbackFields(PlainTextForm):
    """A contact whose outcome is "callback arranged" must set the callback task
    in the same form (CAS-5): when it is due and who will make it (the person
    saving the contact unless someone else is chosen)."""

    callback_due_on = DateField(
        label="Callback date",
        required=False,
        not_past=True,
        help_text="Needed if the outcome is “Callback arranged”. For example, 27 3 2026",
    )
    callback_due_time = TimeField(
        label="Callback time",
        required=False,
        help_text="Use the 24-hour clock, for example 14:30",
    )
    callback_owner = _owner_field("Who will call back", required=False, empty_label="Me")
    callback_note = _note_field("Note for the callback (optional)")

    def limit_callback_owners(self, service: Service) -> None:
        limit_owners(self.fields["callback_owner"], service)

    def clean(self):
        cleaned = super().clean()
        if not self.sets_callback(cleaned):
            return cleaned
        day, time = cleaned.get("callback_due_on"), cleaned.get("callback_due_time")
        if day is None and "callback_due_on" not in self.errors:
            self.add_error(
                "callback_due_on", "Enter the callback date: a callback arranged needs a task."
            )
        if time is None and "callback_due_time" not in self.errors:
            self.add_error(
                "callback_due_time", "Enter the callback time: a callback arranged needs a task."
            )
        if day and time:
            due_at = due_moment(day, time)
            if due_at < timezone.now() - CLOCK_SLACK:
                self.add_error("callback_due_time", "Callback time must be in the future.")
            else:
                cleaned["callback"] = {
                    "due_at": due_at,
                    "owner": cleaned.get("callback_owner"),
                    "note": (cleaned.get("callback_note") or "").strip(),
                }
        return cleaned

    def sets_callback(self, cleaned: dict) -> bool:
        return cleaned.get("outcome") == Outcome.CALLBACK

    def callback_data(self) -> dict | None:
        return self.cleaned_data.get("callback")
