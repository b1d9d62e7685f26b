"""Statistics settings and the log of exports (STA-1, STA-2). No figures, no personal data."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from cases.statistics.suppression import DEFAULT_THRESHOLD, MINIMUM_THRESHOLD
from pps.history import AuditHistory
from pps.models import Service


class StatisticsSettings(models.Model):
    """Per-service statistics settings; a service without a row uses the defaults."""

    service = models.OneToOneField(
        Service, on_delete=models.CASCADE, related_name="statistics_settings"
    )
    suppression_threshold = models.PositiveSmallIntegerField(
        default=DEFAULT_THRESHOLD,
        validators=[MinValueValidator(MINIMUM_THRESHOLD), MaxValueValidator(100)],
        help_text=(
            f"Counts from 1 up to one less than this are shown as '<N'. "
            f"Never below {MINIMUM_THRESHOLD}."
        ),
    )

    history = AuditHistory()

    class Meta:
        verbose_name = "statistics settings"
        verbose_name_plural = "statistics settings"
        constraints = [
            models.CheckConstraint(
                name="statistics_threshold_at_least_3",
                condition=models.Q(suppression_threshold__gte=MINIMUM_THRESHOLD),
            )
        ]

    def __str__(self) -> str:
        return f"statistics settings for {self.service}"


def suppression_threshold_for(service: Service) -> int:
    row = StatisticsSettings.objects.filter(service=service).first()
    return row.suppression_threshold if row else DEFAULT_THRESHOLD


class StatisticsExport(models.Model):
    """One statistics export (STA-2): who, when, which period and format."""

    class Format(models.TextChoices):
        CSV = "csv", "CSV"
        PDF = "pdf", "PDF"

    class Via(models.TextChoices):
        WEB = "web", "Statistics page"
        COMMAND = "command", "stats_report command"

    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="+")
    period = models.CharField(max_length=7, help_text="2026-10 (a month) or 2026-Q3 (a quarter).")
    periods = models.PositiveSmallIntegerField(
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(24)],
        help_text="1 for the period's report; more for a trend of that many periods ending with it.",
    )
    format = models.CharField(max_length=3, choices=Format.choices)
    threshold = models.PositiveSmallIntegerField()
    via = models.CharField(max_length=10, choices=Via.choices)
    exported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # For the command: the operating-system account that ran it (a cron job has no user).
    operator = models.CharField(max_length=150, blank=True)
    exported_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-exported_at", "-id"]
        constraints = [
            models.CheckConstraint(
                name="statistics_export_says_who",
                condition=models.Q(exported_by__isnull=False) | ~models.Q(operator=""),
            ),
            models.CheckConstraint(
                name="statistics_export_threshold_at_least_3",
                condition=models.Q(threshold__gte=MINIMUM_THRESHOLD),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.scope} {self.format} export"

    @property
    def scope(self) -> str:
        return export_scope(self.period, self.periods)


class StatisticsExportJob(models.Model):
    """A large statistics export prepared by the background worker (OPS-2, STA-2).

    Above ``cases.statistics.jobs.TASK_FROM_CASES`` cases the export button
    records one of these and the worker builds the file; its page shows the
    progress. The file holds only the suppressed, displayed counts that the
    synchronous export hands out (aggregates, no personal data), so it is kept
    as plain bytes. Only the coordinator who asked may download it, and each
    download is logged as a ``StatisticsExport`` like the synchronous one.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting for the background worker"
        RUNNING = "running", "Being prepared"
        FINISHED = "finished", "Ready to download"
        FAILED = "failed", "Could not be prepared"

    class Step(models.IntegerChoices):
        WAITING = 0, "Waiting"
        COUNTING = 1, "Counting the figures"
        WRITING = 2, "Writing the file"
        DONE = 3, "Done"

    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="+")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    period = models.CharField(max_length=7)
    periods = models.PositiveSmallIntegerField(default=1)
    format = models.CharField(max_length=3, choices=StatisticsExport.Format.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    step = models.PositiveSmallIntegerField(choices=Step.choices, default=Step.WAITING)
    # A task of an older attempt stops (the pattern of retention.PurgeRun).
    attempt = models.PositiveSmallIntegerField(default=0)
    # The suppression threshold the file was built with (logged with each download).
    threshold = models.PositiveSmallIntegerField(null=True, blank=True)
    content = models.BinaryField(blank=True, default=b"")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.scope} {self.format} export job"

    @property
    def scope(self) -> str:
        return export_scope(self.period, self.periods)

    @property
    def steps_total(self) -> int:
        return self.Step.DONE


def export_scope(period: str, periods: int) -> str:
    """What an export covered, as a log line says it: "2026-Q3" or "8 quarters to 2026-Q3"."""
    if periods <= 1:
        return period
    return f"{periods} {'quarters' if 'Q' in period else 'months'} to {period}"
