from django.apps import AppConfig
from django.db.models.signals import post_migrate


class PpsConfig(AppConfig):
    name = "pps"
    verbose_name = "Service, users and access"

    def ready(self) -> None:
        from pps import converters

        # Before any URLconf is loaded: every id in a URL is ``<id:...>`` (SEC-4).
        converters.register()
        # Each app's permissions are created in its own post_migrate, so the role
        # groups are brought up to date after every app's (idempotent, cheap):
        # listening to this app's alone missed every app migrated after it.
        post_migrate.connect(_sync_role_groups, dispatch_uid="pps-role-groups")
        # Every history table refuses UPDATE and DELETE (SEC-3): checked after
        # every migrate, because Django rebuilds a SQLite table for some schema
        # changes (losing its triggers) and later apps add history tables.
        post_migrate.connect(_protect_history, dispatch_uid="pps-protect-history")
        # No planner sample of ciphertext or blind indexes on PostgreSQL (RET-6),
        # checked after every migrate so a column added later is covered too.
        post_migrate.connect(_exclude_from_statistics, dispatch_uid="pps-no-statistics")


def _sync_role_groups(sender, using="default", plan=None, **kwargs) -> None:
    from django.contrib.auth.models import Group
    from django.db import connections

    from pps.services import role_groups_sync

    # Not after unapplying migrations (``migrate app zero``): the tables may be gone.
    if using != "default" or any(backwards for _, backwards in plan or []):
        return
    if Group._meta.db_table in connections[using].introspection.table_names():
        role_groups_sync()


def _protect_history(sender, using="default", plan=None, **kwargs) -> None:
    from django.db import connections

    from pps.history import protect_history_tables

    if any(backwards for _, backwards in plan or []):
        return
    protect_history_tables(connections[using])


def _exclude_from_statistics(sender, using="default", plan=None, **kwargs) -> None:
    from django.db import connections

    from pps.planner_statistics import exclude_sensitive_columns

    if any(backwards for _, backwards in plan or []):
        return
    exclude_sensitive_columns(connections[using])
