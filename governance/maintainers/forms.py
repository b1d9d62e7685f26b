from django import forms

from pps.date_fields import DateField
from pps.form_fields import PlainTextForm


class MaintainerForm(PlainTextForm):
    name = forms.CharField(label="Full name", max_length=120)
    organisation = forms.CharField(
        label="Organisation",
        max_length=120,
        help_text="For example, the contractor's company or the council's IT service.",
    )
    work = forms.CharField(
        label="What they do and the access it gives them",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="For example, database backups and upgrades, with access to the server.",
    )
    access_from = DateField(label="Access since", help_text="For example, 27 3 2026")
    undertaking_signed_on = DateField(
        label="Undertaking of confidentiality signed on",
        required=False,
        not_future=True,
        help_text="Leave empty until the signed undertaking is back. For example, 27 3 2026",
    )
    access_ended_on = DateField(
        label="Access ended on",
        required=False,
        not_future=True,
        help_text="Leave empty while they still have access.",
    )
