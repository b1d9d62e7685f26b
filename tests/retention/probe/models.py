from django.db import models
from simple_history.models import HistoricalRecords

from cases.models import Case
from pps.fields import CaseKeyField, EncryptedBinaryField, EncryptedTextField


class ProbeConsentRecord(models.Model):
    """Like a consent decision: a case foreign key, encrypted notes, history."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    decision = models.CharField(max_length=20)
    notes = EncryptedTextField()
    signed_form = EncryptedBinaryField()
    data_key_id = CaseKeyField()
    history = HistoricalRecords()


class ProbeDisclosureRequest(models.Model):
    """Like a disclosure request, but with one field a careless app left in plain
    text: the positive control that secure_delete and VACUUM really wipe bytes."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    what_is_asked_plain = models.TextField()
    data_key_id = CaseKeyField()
    history = HistoricalRecords()


class ProbePackPage(models.Model):
    """A row with no case foreign key whose link does not even cascade, carrying
    only the case's key: found by the purge's key sweep."""

    request = models.ForeignKey(ProbeDisclosureRequest, null=True, on_delete=models.SET_NULL)
    content = EncryptedTextField()
    data_key_id = CaseKeyField()
    history = HistoricalRecords()
