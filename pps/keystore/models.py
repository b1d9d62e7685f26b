import uuid

from django.db import models


class DataKey(models.Model):
    """One case's data key, stored only in wrapped form (encrypted by a master key).

    Deleting the row is crypto-shredding: every ciphertext made with this key,
    including copies in old backups of the case database, becomes unreadable.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    master_key_id = models.CharField(max_length=32)
    wrapped = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True)
    rewrapped_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["master_key_id"])]

    def __str__(self) -> str:
        return f"data key {self.id} (wrapped by {self.master_key_id})"
