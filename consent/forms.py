"""Plain forms for the consent screens; the services re-check every rule."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from consent.models import ConsentDecision, SharingEvent
from consent.roles import role_choices
from pps.date_fields import DateField
from pps.form_fields import PlainTextForm
from pps.uploads import read_upload

PARTY_ROWS = 3
METHOD_CHOICES = ConsentDecision.Method.choices
DECISION_CHOICES = [
    (ConsentDecision.Kind.FULL, "Full consent: share with professionals on a need-to-know basis"),
    (ConsentDecision.Kind.RESTRICTED, "Restricted consent: only the roles chosen below"),
    (ConsentDecision.Kind.REFUSED, "Refused: share with nobody"),
]
LIMITS_LABEL = "The parent was told the limits of what the service can do for them without consent"


class DecisionForm(PlainTextForm):
    kind = forms.ChoiceField(
        label="What did the parent decide?", choices=DECISION_CHOICES, widget=forms.RadioSelect
    )
    roles = forms.MultipleChoiceField(
        label="Roles the parent agreed to share with",
        help_text="For restricted consent only.",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    obtained_how = forms.ChoiceField(
        label="How was the decision given?",
        choices=METHOD_CHOICES,
        widget=forms.RadioSelect,
        help_text="In person means a signed form: print it from the case and attach the signed copy.",
    )
    decided_on = DateField(label="Date the parent decided")
    effective_from = DateField(
        label="Takes effect from", help_text="Today, or a later date, for example 27 3 2025."
    )
    limits_explained = forms.BooleanField(label=LIMITS_LABEL, required=False)
    note = forms.CharField(
        label="Note (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, service, **kwargs):
        super().__init__(*args, **kwargs)
        choices = role_choices(service, include_volunteer=True, ensure_defaults=not self.is_bound)
        self.fields["roles"].choices = choices
        for row in range(1, PARTY_ROWS + 1):
            self.fields[f"party_{row}_role"] = forms.ChoiceField(
                label=f"Named party {row}: role",
                choices=[("", "Choose a role"), *choices],
                required=False,
            )
            self.fields[f"party_{row}_name"] = forms.CharField(
                label=f"Named party {row}: name and organisation",
                required=False,
                max_length=200,
            )

    def party_rows(self):
        return [
            (self[f"party_{row}_role"], self[f"party_{row}_name"])
            for row in range(1, PARTY_ROWS + 1)
        ]

    def clean_decided_on(self):
        decided_on = self.cleaned_data["decided_on"]
        if decided_on > timezone.localdate():
            raise ValidationError("The date the parent decided cannot be in the future.")
        return decided_on

    def clean_effective_from(self):
        effective_from = self.cleaned_data["effective_from"]
        if effective_from < timezone.localdate():
            raise ValidationError("A decision takes effect today or later, never in the past.")
        return effective_from

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if kind == ConsentDecision.Kind.RESTRICTED and not data.get("roles"):
            self.add_error("roles", "Choose at least one role the parent agreed to share with.")
        if kind != ConsentDecision.Kind.RESTRICTED:
            data["roles"] = []
        if kind == ConsentDecision.Kind.REFUSED and not data.get("limits_explained"):
            self.add_error(
                "limits_explained",
                "Confirm the parent was told the limits of what the service can do.",
            )
        data["parties"] = self._clean_parties(data, kind)
        return data

    def _clean_parties(self, data, kind) -> list[tuple[str, str]]:
        parties = []
        for row in range(1, PARTY_ROWS + 1):
            role, name = data.get(f"party_{row}_role"), (data.get(f"party_{row}_name") or "")
            if not role and not name.strip():
                continue
            if not role or not name.strip():
                self.add_error(f"party_{row}_name", "Give both a role and a name, or neither.")
            elif kind == ConsentDecision.Kind.REFUSED:
                self.add_error(f"party_{row}_name", "A refusal names no parties.")
            elif kind == ConsentDecision.Kind.RESTRICTED and role not in data.get("roles", []):
                self.add_error(f"party_{row}_role", "Choose one of the roles the parent agreed to.")
            else:
                parties.append((role, name.strip()))
        return parties

    @classmethod
    def initial_from(cls, decision: ConsentDecision | None) -> dict:
        today = timezone.localdate()
        initial = {"decided_on": today, "effective_from": today}
        if decision is not None and decision.permits_sharing:
            initial.update(kind=decision.kind, roles=decision.roles)
            for row, party in enumerate(decision.parties.all()[:PARTY_ROWS], start=1):
                initial[f"party_{row}_role"] = party.role
                initial[f"party_{row}_name"] = party.name
        return initial


class WithdrawForm(PlainTextForm):
    obtained_how = forms.ChoiceField(
        label="How did the parent withdraw consent?",
        choices=METHOD_CHOICES,
        widget=forms.RadioSelect,
    )
    limits_explained = forms.BooleanField(
        label=LIMITS_LABEL,
        error_messages={
            "required": "Confirm the parent was told the limits of what the service can do."
        },
    )
    note = forms.CharField(
        label="Note (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class SignedFormUploadForm(PlainTextForm):
    document = forms.FileField(
        label="Signed form, letter or email",
        help_text="A PDF, or a PNG or JPEG scan or photo.",
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg"}),
    )

    def clean_document(self):
        content, content_type = read_upload(self.cleaned_data["document"])
        self.cleaned_data["content_type"] = content_type
        return content


class _OutboundForm(PlainTextForm):
    recipient_role = forms.ChoiceField(label="Recipient's role")
    party = forms.CharField(
        label="Recipient: name and organisation",
        max_length=200,
        help_text="If the parent named people for this role, use the name as recorded.",
    )

    def __init__(self, *args, service, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recipient_role"].choices = [
            ("", "Choose a role"),
            *role_choices(service, include_volunteer=False, ensure_defaults=not self.is_bound),
        ]


class ShareForm(_OutboundForm):
    KINDS = [
        (SharingEvent.Kind.REFERRAL, "Referral to another agency"),
        (SharingEvent.Kind.CONSULTATION, "Consulting the local authority's or school's files"),
        (SharingEvent.Kind.DISCUSSION, "Discussing the case with LA or school staff"),
    ]
    kind = forms.ChoiceField(
        label="What are you about to do?", choices=KINDS, widget=forms.RadioSelect
    )
    what = forms.CharField(
        label="What information will be shared or discussed",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    field_order = ["kind", "recipient_role", "party", "what"]


class LetterForm(_OutboundForm):
    what = forms.CharField(
        label="Letter",
        help_text="Leave a blank line between paragraphs.",
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 12}),
    )
