"""Migrations: none missing, and every one runs forward from empty and back (SEC-4).

Runs against fresh databases in a child process (SQLite files, or scratch
databases on the PostgreSQL run), for both the case database and the key store.
"""

import pytest
from django.core.management import call_command

from tests.security.scratch import manage, scratch_databases

ROUND_TRIP = """
from django.core.management import call_command
from django.db import connections
from django.db.migrations.loader import MigrationLoader

def tables(alias):
    return sorted(t for t in connections[alias].introspection.table_names() if t != "django_migrations")

for alias in ("default", "keystore"):
    call_command("migrate", database=alias, verbosity=0)
    assert tables(alias), alias
    graph = MigrationLoader(connections[alias]).graph
    apps_in_order = []
    for leaf in graph.leaf_nodes():
        for app_label, _ in graph.forwards_plan(leaf):
            if app_label not in apps_in_order:
                apps_in_order.append(app_label)
    # Dependents first (unapplying an app also unapplies what depends on it).
    # django-tasks-db's queue (a package's, not ours) cannot be unapplied: its
    # migration 0013 has no reverse. It depends on nothing of ours.
    for app_label in reversed(apps_in_order):
        if app_label != "django_tasks_database":
            call_command("migrate", app_label, "zero", database=alias, verbosity=0)
    remaining = [t for t in tables(alias) if not t.startswith("django_tasks_database_")]
    assert remaining == [], (alias, remaining)
    call_command("migrate", database=alias, verbosity=0)
    print(alias, "round trip ok", len(tables(alias)), "tables")
"""


def test_sec4_no_model_change_is_missing_a_migration():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


@pytest.mark.slow  # every migration, forward and back, in a child process
def test_sec4_migrations_run_forward_from_empty_and_back(tmp_path):
    with scratch_databases(tmp_path) as env:
        result = manage(env, "shell", "-c", ROUND_TRIP, timeout=600)
    assert "default round trip ok" in result.stdout
    assert "keystore round trip ok" in result.stdout


def test_sec4_every_permission_name_fits_auths_first_migration():
    """auth's 0002 widened Permission.name from 50 characters; unapplying it (the round
    trip above) fails on PostgreSQL for any longer name, which SQLite never notices."""
    from django.apps import apps

    too_long = [
        f"Can change {model._meta.verbose_name_raw}"
        for model in apps.get_models()
        if len(f"Can change {model._meta.verbose_name_raw}") > 50
    ]
    assert too_long == []
