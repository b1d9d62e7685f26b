from django.apps import AppConfig
from django.db.models.signals import post_migrate


class PpsConfig(AppConfig):
    name = "pps"
    verbose_name = "Service, users and access"

    def ready(self) -> None:
        # Each app's permissions are created in its own post_migrate, so the role
        # groups are brought up to date after every app's (idempotent, cheap):
        # listening to this app's alone missed every app migrated after it.
        post_migrate.connect(_sync_role_groups, dispatch_uid="pps-role-groups")


def _sync_role_groups(sender, using="default", **kwargs) -> None:
    from pps.services import role_groups_sync

    if using == "default":
        role_groups_sync()
