from django.apps import AppConfig
from django.db.models.signals import post_migrate


class PpsConfig(AppConfig):
    name = "pps"
    verbose_name = "Service, users and access"

    def ready(self) -> None:
        # Permissions exist only after every app has migrated, so the role groups
        # are brought up to date then (idempotent).
        post_migrate.connect(_sync_role_groups, sender=self, dispatch_uid="pps-role-groups")


def _sync_role_groups(sender, using="default", **kwargs) -> None:
    from pps.services import role_groups_sync

    if using == "default":
        role_groups_sync()
