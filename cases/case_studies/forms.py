from django import forms

from pps.form_fields import PlainTextForm

MAX_CASE_STUDY_CHARS = 50_000


class CaseStudyEditForm(PlainTextForm):
    text = forms.CharField(
        label="Case study text",
        max_length=MAX_CASE_STUDY_CHARS,
        help_text="Take out anything else that could identify someone. Your edits are checked again when saved.",
        widget=forms.Textarea(attrs={"rows": 20, "spellcheck": "false"}),
    )


class SignOffForm(PlainTextForm):
    confirm = forms.BooleanField(
        label="I have read the whole case study and it does not identify the family, the child or anyone else.",
        error_messages={"required": "Confirm that you have read the whole case study."},
    )
