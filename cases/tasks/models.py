"""A task on a case: a callback or follow-up with an owner and a due time (CAS-5).

Tasks are case data: the note is encrypted under the case's data key, history
is kept, and the task goes with its case in a purge (it cascades from the case
and carries the case's key id).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from cases.models.case import Case, Contact
from pps.constraints import one_of
from pps.fields import CaseKeyField, EncryptedTextField
from pps.history import AuditHistory

NOTE_MAX_CHARS = 500


class Task(models.Model):
    class State(models.TextChoices):
        OPEN = "open", "Open"
        DONE = "done", "Done"
        CANCELLED = "cancelled", "Cancelled"

    # Indexed by the (case, ...) and (owner, ...) indexes in Meta, which lead with them.
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="tasks", db_index=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="tasks", db_index=False
    )
    due_at = models.DateTimeField()
    note = EncryptedTextField(help_text="What to do, in a few words.")
    state = models.CharField(max_length=10, choices=State.choices, default=State.OPEN)
    # The contact that arranged it ("callback arranged"), if any. Case data
    # cascades from the case (a purge finds it all); contacts are never deleted otherwise.
    contact = models.ForeignKey(
        Contact, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    finished_at = models.DateTimeField(null=True, blank=True)
    data_key_id = CaseKeyField()

    history = AuditHistory()

    class Meta:
        ordering = ["due_at", "id"]
        indexes = [
            # The case's task list, and "open tasks on this case" before closing.
            models.Index(fields=["case", "state", "due_at"]),
            # Overdue and due-today lists across a service: open ones by due time.
            models.Index(fields=["state", "due_at"]),
            models.Index(fields=["owner", "state", "due_at"]),
        ]
        constraints = [
            # Done or cancelled says who and when; an open task says neither.
            models.CheckConstraint(
                name="task_finished_with_who_and_when",
                condition=Q(state="open", finished_by__isnull=True, finished_at__isnull=True)
                | (~Q(state="open") & Q(finished_by__isnull=False, finished_at__isnull=False)),
            ),
        ]

    # Nested choices are not visible inside Meta's body, hence added here.
    Meta.constraints = [*Meta.constraints, one_of("state", State)]

    def __str__(self) -> str:
        return f"task {self.pk}"

    @property
    def is_open(self) -> bool:
        return self.state == self.State.OPEN
