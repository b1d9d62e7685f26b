from django.db import migrations

from pps.history import protect_app_history, unprotect_app_history


class Migration(migrations.Migration):
    """Every history table of this app refuses UPDATE and DELETE (SEC-3)."""

    dependencies = [
        ("retention", "0002_issue10_history_indexed_for_audit_questions"),
        ("pps", "0005_issue22_history"),
    ]

    operations = [
        migrations.RunPython(protect_app_history("retention"), unprotect_app_history("retention")),
    ]
