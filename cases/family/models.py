"""Documents attached to an item of child information (CAS-2).

A school report, a professional's report, an assessment or a copy of the EHC
plan, as uploaded: the bytes checked by ``pps.uploads.read_upload`` and stored
encrypted under the case's data key, like the signed consent form, so they are
never under a public URL and go with the case's key in a purge. Who may see one
follows its item (ACC-3): case-file items' documents never reach a volunteer.
"""

from django.conf import settings
from django.db import models

from cases.models.case import Case, ChildInformation
from pps.fields import CaseKeyField, EncryptedBinaryField, EncryptedCharField
from pps.history import AuditHistory

DESCRIPTION_MAX_CHARS = 200


class ChildInformationDocument(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    item = models.ForeignKey(ChildInformation, on_delete=models.CASCADE, related_name="documents")
    content = EncryptedBinaryField()
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    # What the user called it ("Educational psychologist's report, May 2026").
    description = EncryptedCharField(max_chars=DESCRIPTION_MAX_CHARS)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField()
    data_key_id = CaseKeyField()

    # A document is never edited, only attached and (in error) removed, so a
    # history copy of the bytes would only ever repeat them, once on upload and
    # once on removal, doubling the largest column for nothing; and a document
    # attached to the wrong family should be gone once removed. The history
    # keeps who attached or removed which document, when, why and its title.
    history = AuditHistory(excluded_fields=["content"])

    class Meta:
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return f"child information document {self.pk}"
