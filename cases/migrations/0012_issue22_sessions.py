"""Saved case searches no longer keep the typed words in the session (SEC-1, RET-6).

Sessions saved before this release hold the words in the old form (readable
by base64 and zlib from a copy of the database); they are removed, and the
user searches again.
"""

from importlib import import_module

from django.conf import settings
from django.db import migrations

SESSION_KEY = "pps_case_searches"


def forget_saved_searches(apps, schema_editor):
    store_class = import_module(settings.SESSION_ENGINE).SessionStore
    if not hasattr(store_class, "get_model_class"):
        return  # sessions not in the database: nothing of them is stored here
    store = store_class()
    model = apps.get_model("sessions", "Session")
    for row in model.objects.using(schema_editor.connection.alias).iterator(chunk_size=500):
        data = store.decode(row.session_data)
        if SESSION_KEY in data:
            del data[SESSION_KEY]
            row.session_data = store.encode(data)
            row.save(update_fields=["session_data"])


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0011_issue22_history"),
        ("sessions", "0001_initial"),
    ]

    operations = [migrations.RunPython(forget_saved_searches, migrations.RunPython.noop)]
