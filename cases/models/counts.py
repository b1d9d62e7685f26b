"""How many cases each service has in each status, kept by the database itself.

Every list of a service's cases shows its length and pages through it, and
``COUNT(*)`` reads every matching row: at 100,000 cases 10 ms on SQLite and
20-26 ms on PostgreSQL, most of what the staff list costs there, and the one
part of the page that grew with the data. These rows hold the same numbers.
Triggers on the case table (migration ``cases.0001``) change them in the same
statement as the case is inserted, changes status or service, or is deleted,
so they are never stale and no application code maintains them: the ORM, bulk
inserts, the purge's set-based deletes and raw SQL are all counted.

Django rebuilds a SQLite table for some schema changes, and the rebuild drops
the table's triggers. ``tests/cases/test_case_counts.py`` checks the triggers
are there after every migration, so a migration that rebuilds the case table
fails the suite until it creates them again (the SQL is in ``cases.0001``).
"""

from django.db import models

from pps.models import Service


class CaseCount(models.Model):
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="+")
    # One of Case.Status; not a choices field, so a new status needs no migration here.
    status = models.CharField(max_length=10)
    total = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["service", "status"], name="case_count_one_per_status")
        ]

    def __str__(self) -> str:
        return f"{self.status}: {self.total}"
