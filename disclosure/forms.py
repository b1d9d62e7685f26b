"""Plain forms for the disclosure screens; the services re-check every rule.

Every form that changes a request carries the version the user saw, so a
second click on a stale page gets a clear conflict instead of a second change.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from consent.roles import role_choices
from disclosure.items import case_items
from disclosure.models import (
    DEFAULT_RECIPIENT_ROLE,
    SUBJECT_ACCESS,
    ConsentEvidence,
    NotifiedHow,
    ParentAnswer,
    RequesterType,
    WholeRecordTo,
)
from pps.date_fields import DateField
from pps.form_fields import MAX_ID, PlainTextForm
from pps.models import User
from pps.roles import Role

CAPACITY_CHOICES = [
    ("", "Not applicable (under 12)"),
    ("yes", "Has capacity"),
    ("no", "Does not have capacity"),
]


def _not_future(value, what):
    if value and value > timezone.localdate():
        raise ValidationError(f"{what} cannot be in the future.")
    return value


class VersionedForm(PlainTextForm):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=MAX_ID)


class RequestForm(PlainTextForm):
    requester_type = forms.ChoiceField(
        label="Who is asking?", choices=RequesterType.choices, widget=forms.RadioSelect
    )
    requester_name = forms.CharField(label="Name of the person asking", max_length=200)
    requester_organisation = forms.CharField(
        label="Organisation (if any)", max_length=200, required=False
    )
    recipient_role = forms.ChoiceField(
        label="Their professional role",
        required=False,
        help_text="What consent is checked against. Not needed for subject access.",
    )
    what_asked = forms.CharField(
        label="What is asked for", max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )
    received_on = DateField(label="Date received")
    # REF-5: asked only when the case has more than one parent or carer.
    on_behalf_of = forms.TypedChoiceField(
        label="Parent or carer on whose behalf information would be disclosed",
        help_text="They must hold parental responsibility. Not needed for subject access.",
        coerce=int,
        required=False,
        empty_value=None,
    )
    subject_parent = forms.TypedChoiceField(
        label="Parent or carer asking for their own records",
        help_text="For a subject access request, or a Freedom of Information request for their "
        "own case notes: either is answered as subject access, by the family route.",
        coerce=int,
        required=False,
        empty_value=None,
    )
    subject_child = forms.TypedChoiceField(
        label="Child the subject access request is by or about",
        coerce=int,
        required=False,
        empty_value=None,
    )
    child_has_capacity = forms.ChoiceField(
        label="For a child of 12 or over: capacity to make their own request",
        choices=CAPACITY_CHOICES,
        required=False,
    )

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.case = case
        self.fields["recipient_role"].choices = [
            ("", "Choose a role"),
            *role_choices(case.service, include_volunteer=False, ensure_defaults=not self.is_bound),
        ]
        self.fields["subject_parent"].choices = [("", "Not a parent's request")] + [
            (p.pk, f"{p.full_name} ({p.get_relationship_display()})") for p in case.parents.all()
        ]
        if len(self.fields["subject_parent"].choices) > 2:
            self.fields["on_behalf_of"].choices = [("", "Choose a parent or carer")] + [
                (p.pk, f"{p.full_name} ({p.get_parental_responsibility_display().lower()})")
                for p in case.parents.all()
            ]
        else:
            del self.fields["on_behalf_of"]
        self.fields["subject_child"].choices = [("", "No child")] + [
            (c.pk, c.full_name) for c in case.children.all()
        ]

    def clean_received_on(self):
        return _not_future(self.cleaned_data["received_on"], "The date received")

    def clean(self):
        data = super().clean()
        kind = data.get("requester_type")
        if kind and kind not in SUBJECT_ACCESS and not data.get("recipient_role"):
            data["recipient_role"] = DEFAULT_RECIPIENT_ROLE[kind]
        data["child_has_capacity"] = {"yes": True, "no": False}.get(
            data.get("child_has_capacity") or ""
        )
        data["subject_parent"] = self.case.parents.filter(pk=data.get("subject_parent")).first()
        if "on_behalf_of" in self.fields:
            data["on_behalf_of"] = self.case.parents.filter(pk=data.get("on_behalf_of")).first()
            if kind and kind not in SUBJECT_ACCESS and data["on_behalf_of"] is None:
                self.add_error(
                    "on_behalf_of", "Choose the parent or carer the disclosure is on behalf of."
                )
        data["subject_child"] = self.case.children.filter(pk=data.get("subject_child")).first()
        return data


class NotifiedForm(VersionedForm):
    notified_on = DateField(label="Date the parent was told")
    method = forms.ChoiceField(
        label="How the parent was told", choices=NotifiedHow.choices, widget=forms.RadioSelect
    )

    def clean_notified_on(self):
        return _not_future(self.cleaned_data["notified_on"], "The date the parent was told")


class AnswerForm(VersionedForm):
    answer = forms.ChoiceField(
        label="The parent's answer", choices=ParentAnswer.choices, widget=forms.RadioSelect
    )
    answered_on = DateField(label="Date of the answer")
    evidence = forms.ChoiceField(
        label="Evidence of consent",
        choices=[("", "None"), *ConsentEvidence.choices],
        required=False,
        help_text="Consent to release must be a signed form or a letter.",
    )
    whole_record_to = forms.ChoiceField(
        label="If the whole record goes to the family: to whom",
        choices=[("", "Not applicable"), *WholeRecordTo.choices],
        required=False,
    )
    whole_record_recipient = forms.CharField(
        label="The solicitor's name and firm", max_length=200, required=False
    )

    def clean_answered_on(self):
        return _not_future(self.cleaned_data["answered_on"], "The date of the answer")

    def clean(self):
        data = super().clean()
        if data.get("answer") == ParentAnswer.CONSENTED and not data.get("evidence"):
            self.add_error(
                "evidence", "Consent to release needs the signed form or the parent's letter."
            )
        return data


class ApproveForm(VersionedForm):
    """Shares the decide page with ``RefuseForm``: each has its own ids (valid HTML)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "approve_%s")
        super().__init__(*args, **kwargs)

    reason = forms.CharField(
        label="Note (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class RefuseForm(VersionedForm):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "refuse_%s")
        super().__init__(*args, **kwargs)

    reason = forms.CharField(
        label="Why the request is refused",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ReleaseForm(VersionedForm):
    items = forms.MultipleChoiceField(
        label="What to release",
        help_text="Only what is relevant to the request.",
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["items"].choices = [(item.key, item.schedule_line) for item in case_items(case)]


class FamilyReleaseForm(VersionedForm):
    reviewed = forms.BooleanField(
        label="I have reviewed what is included and what is withheld",
        error_messages={"required": "Confirm you have reviewed the pack."},
    )


class CloseForm(VersionedForm):
    pass


def _user_choices(service, roles):
    users = User.objects.filter(service=service, role__in=roles, is_active=True).order_by(
        "last_name", "first_name"
    )
    return [("", "Nobody")] + [(u.pk, u.get_full_name() or u.username) for u in users]


class ApproversForm(PlainTextForm):
    head = forms.TypedChoiceField(
        label="Head of service", coerce=int, required=False, empty_value=None
    )
    deputy = forms.TypedChoiceField(label="Deputy", coerce=int, required=False, empty_value=None)
    absent_from = DateField(label="Head absent from", required=False)
    absent_until = DateField(label="Head absent until", required=False)

    def __init__(self, *args, service, **kwargs):
        super().__init__(*args, **kwargs)
        self.service = service
        self.fields["head"].choices = _user_choices(service, [Role.COORDINATOR])
        self.fields["deputy"].choices = _user_choices(service, [Role.STAFF, Role.COORDINATOR])

    def clean(self):
        data = super().clean()
        for name in ("head", "deputy"):
            data[name] = User.objects.filter(service=self.service, pk=data.get(name)).first()
        return data


class ChildCapacityForm(PlainTextForm):
    """A coordinator's decision on a child of 12 or over in a parent's pack (DIS-6)."""

    child = forms.TypedChoiceField(label="Child", coerce=int, widget=forms.RadioSelect)
    has_capacity = forms.TypedChoiceField(
        label="Does the child have capacity to decide about their own information?",
        choices=[("yes", "Yes"), ("no", "No")],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    child_agrees = forms.TypedChoiceField(
        label="If so, does the child agree to their information going to the parent?",
        choices=[("yes", "Yes"), ("no", "No")],
        coerce=lambda value: value == "yes",
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label="Reason for the decision",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="How capacity was assessed and what the child said.",
    )

    def __init__(self, *args, children=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["child"].choices = [(c.pk, c.full_name) for c in children]

    def clean(self):
        data = super().clean()
        if data.get("has_capacity") and data.get("child_agrees") is None:
            self.add_error("child_agrees", "Say whether the child agrees.")
        return data
