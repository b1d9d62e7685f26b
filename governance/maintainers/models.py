"""The register of everyone who maintains the system (GOV-3; policies 002, 003).

A contractor or the council's IT team may see case data while keeping the
system running; policy 002 has them sign an undertaking to protect it and use
it for nothing else. Each person is recorded with their organisation, what
they do and the access it gives them, the date they signed the undertaking,
and when their access ended.

A maintainer's name and the description of their access are about a person,
so they are encrypted, under a data key of the record's own (as a breach or a
volunteer agreement is): the record belongs to the service, not to a case.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from pps.fields import CaseKeyField, EncryptedCharField, EncryptedTextField
from pps.history import AuditHistory
from pps.models import Service


class Maintainer(models.Model):
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="maintainers")
    name = EncryptedCharField(max_chars=120)
    organisation = models.CharField(max_length=120)
    work = EncryptedTextField(verbose_name="what they do and the access it gives them")
    access_from = models.DateField(verbose_name="access since")
    undertaking_signed_on = models.DateField(
        null=True, blank=True, verbose_name="undertaking of confidentiality signed on"
    )
    access_ended_on = models.DateField(null=True, blank=True, verbose_name="access ended on")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    data_key_id = CaseKeyField()

    history = AuditHistory()

    class Meta:
        app_label = "governance"
        ordering = ["organisation", "id"]
        verbose_name = "system maintainer"
        constraints = [
            models.CheckConstraint(
                name="maintainer_access_ends_after_it_starts",
                condition=Q(access_ended_on__isnull=True)
                | Q(access_ended_on__gte=F("access_from")),
            ),
        ]

    def __str__(self) -> str:
        return f"maintainer {self.pk}"

    @property
    def has_access(self) -> bool:
        return self.access_ended_on is None
