from django import forms

from cases.search.selectors import query_problem
from pps.form_fields import ModelChoiceField, PlainTextForm
from pps.models import User
from pps.roles import CASE_WORKER_ROLES

SUMMARY_MAX_CHARS = 5000


class CaseEditForm(PlainTextForm):
    """A case's summary and caseworker; ``version`` is what the user was shown."""

    summary = forms.CharField(
        label="What the enquiry is about",
        help_text="In the parent's words.",
        required=False,
        max_length=SUMMARY_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={
            "max_length": f"The summary must be {SUMMARY_MAX_CHARS:,} characters or fewer."
        },
    )
    assigned_staff = ModelChoiceField(
        label="Caseworker",
        queryset=User.objects.none(),
        required=False,
        empty_label="Not assigned",
        error_messages={"invalid_choice": "Choose a caseworker from the list."},
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2_147_483_647)

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assigned_staff"].queryset = User.objects.filter(
            service_id=case.service_id, role__in=CASE_WORKER_ROLES, is_active=True
        ).order_by("first_name", "last_name", "pk")
        self.fields["assigned_staff"].label_from_instance = lambda user: (
            user.get_full_name() or user.get_username()
        )

    def clean_version(self):
        version = self.cleaned_data["version"]
        if version is None:
            raise forms.ValidationError("Reload the page and make your changes again.")
        return version


class CaseSearchForm(PlainTextForm):
    """The case list's one search box (CAS-6): ``cases.search.selectors`` reads the query."""

    q = forms.CharField(
        label="Find a family",
        help_text=(
            "A surname or its first 3 letters or more, for example Baldw; "
            "a phone number; a postcode; a child's first name and date of birth, "
            "for example Amelia 27/03/2015; or a reference such as PPS-2026-00042."
        ),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"spellcheck": "false"}),
        error_messages={"max_length": "Enter a search of 100 characters or fewer."},
    )
    # Which list the search is over: current cases, or the archived ones (RET-2).
    archived = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def clean_q(self):
        query = self.cleaned_data["q"]
        problem = query_problem(query)
        if problem:
            raise forms.ValidationError(problem)
        return query
