"""Writes for users and roles."""

from django.contrib.auth.models import Group, Permission
from django.db import transaction

from pps.history import save_as
from pps.models import Service, User
from pps.roles import GROUP_NAMES, ROLE_PERMISSIONS, Role


@transaction.atomic
def role_groups_sync() -> None:
    """Create each role's group and give it exactly its listed permissions."""
    for role, codes in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=GROUP_NAMES[role])
        permissions = []
        for code in codes:
            app_label, codename = code.split(".")
            permissions.extend(
                Permission.objects.filter(content_type__app_label=app_label, codename=codename)
            )
        group.permissions.set(permissions)


@transaction.atomic
def user_set_role(*, user: User, role: Role | str, by: User | None = None) -> User:
    """Give ``user`` their role; ``by`` is the administrator who did (SEC-3 history)."""
    role = Role(role)
    user.role = role
    # Only administrators use the Django admin site (user management).
    user.is_staff = role == Role.ADMIN
    save_as(user, by, update_fields=["role", "is_staff"])
    user.groups.set([Group.objects.get_or_create(name=GROUP_NAMES[role])[0]])
    return user


@transaction.atomic
def user_create(
    *,
    username: str,
    password: str,
    service: Service,
    role: Role | str,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    by: User | None = None,
    password_hash: str = "",
) -> User:
    """``password_hash`` (an already hashed ``password``) lets the demo hash its one shared
    password once: Argon2id is slow on purpose, and the demo creates sixteen accounts."""
    user = User(
        username=User.normalize_username(username),
        email=User.objects.normalize_email(email),
        service=service,
        first_name=first_name,
        last_name=last_name,
    )
    if password_hash:
        user.password = password_hash
    else:
        user.set_password(password)
    save_as(user, by)
    return user_set_role(user=user, role=role, by=by)
