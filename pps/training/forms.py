from pps.date_fields import DateField
from pps.form_fields import PlainTextForm


class StaffTrainingForm(PlainTextForm):
    completed_on = DateField(
        label="Date the data-protection and FOI training was completed",
        help_text="The first training or the latest refresher, for example 27 3 2025.",
    )
