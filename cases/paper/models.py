"""Where a case's paper file is kept, and that it was shredded (GOV-8).

Paper files sit in a locked cabinet that only the service's staff use (policy
000 5.3, 002); one year after the case closes the paper file is shredded
(002). A case has at most one paper file record, and only if it has a paper
file at all: the reminder lists the records not yet marked shredded.

The location is free text ("Cabinet 2, drawer B") and names no one, but it is
part of the case, so it is encrypted under the case's key like the rest of the
case: it is read through the case's access rules and goes with the case in the
purge (the row cascades from the case; its history carries the case's id).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from cases.models.case import Case
from pps.fields import CaseKeyField, EncryptedCharField
from pps.history import AuditHistory


class PaperFile(models.Model):
    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="paper_file")
    location = EncryptedCharField(max_chars=200, verbose_name="where the paper file is kept")
    shredded_on = models.DateField(null=True, blank=True)
    # Who said it was shredded: the person recording it, on their own account.
    shredded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    data_key_id = CaseKeyField()

    history = AuditHistory()

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="paper_file_shredded_on_and_by_together",
                condition=Q(shredded_on__isnull=True, shredded_by__isnull=True)
                | Q(shredded_on__isnull=False, shredded_by__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"paper file of case {self.case_id}"
