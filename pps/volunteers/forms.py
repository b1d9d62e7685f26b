from django import forms
from django.conf import settings

from pps.date_fields import DateField
from pps.form_fields import PlainTextForm
from pps.uploads import read_upload


class VolunteerAgreementForm(PlainTextForm):
    signed_on = DateField(label="Date the agreement was signed")
    # GOV-2: not required here, so an agreement on an older form can still be
    # recorded; without the undertaking the volunteer opens no case.
    remote_working_undertaking = forms.BooleanField(
        required=False,
        label="The volunteer signed the undertaking not to keep case data on home computers "
        "and to follow the council's mobile and remote working policy",
        help_text="Leave unticked if the signed form does not include it: the volunteer then "
        "cannot open any case until an agreement with the undertaking is recorded.",
    )
    document = forms.FileField(
        label="Signed Volunteer Agreement",
        help_text="A scan or photo of the signed agreement: PDF, PNG or JPEG, up to "
        f"{settings.PPS_UPLOAD_MAX_BYTES // (1024 * 1024)} MB.",
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg"}),
    )

    def clean_document(self):
        uploaded = self.cleaned_data["document"]
        read_upload(uploaded)  # raises ValidationError with a clear message
        uploaded.seek(0)
        return uploaded


class VolunteerTrainingForm(PlainTextForm):
    completed_on = DateField(
        label="Date the data-protection training was completed",
        help_text="The first training or the latest refresher, for example 27 3 2025.",
    )
