"""Role groups carry every listed permission after migrate, whatever app it belongs to (ACC-1)."""

from django.contrib.auth.models import Group

from pps.roles import GROUP_NAMES, ROLE_PERMISSIONS


def test_acc1_every_role_group_has_exactly_its_listed_permissions():
    for role, codes in ROLE_PERMISSIONS.items():
        group = Group.objects.get(name=GROUP_NAMES[role])
        granted = {
            f"{app}.{codename}"
            for app, codename in group.permissions.values_list(
                "content_type__app_label", "codename"
            )
        }
        assert granted == set(codes), role
