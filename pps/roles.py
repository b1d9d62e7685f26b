"""The four roles (ACC-1) and the model permissions each role's group carries.

The role on the user decides what the access helpers let them see; the group
carries Django model permissions for the few places that use them (the admin
site for user management). Both are set together by ``pps.services.user_set_role``.
"""

from django.db import models


class Role(models.TextChoices):
    STAFF = "staff", "Staff"
    COORDINATOR = "coordinator", "Coordinator"
    VOLUNTEER = "volunteer", "Volunteer (Independent Parental Supporter)"
    ADMIN = "admin", "Administrator"


CASE_WORKER_ROLES = frozenset({Role.STAFF, Role.COORDINATOR})
CASE_READER_ROLES = frozenset({Role.STAFF, Role.COORDINATOR, Role.VOLUNTEER})

GROUP_NAMES = {
    Role.STAFF: "Staff",
    Role.COORDINATOR: "Coordinators",
    Role.VOLUNTEER: "Volunteers",
    Role.ADMIN: "Administrators",
}

_CASE_WORK = [
    "cases.view_case",
    "cases.add_case",
    "cases.change_case",
    "cases.view_parent",
    "cases.add_parent",
    "cases.change_parent",
    "cases.view_child",
    "cases.add_child",
    "cases.change_child",
    "cases.view_contact",
    "cases.add_contact",
    "cases.add_anonymouscontact",
]

# Admins manage users and configuration, never case content (ACC-1).
ROLE_PERMISSIONS: dict[str, list[str]] = {
    Role.STAFF: _CASE_WORK,
    Role.COORDINATOR: [*_CASE_WORK, "cases.add_volunteerassignment", "pps.view_accesslogentry"],
    Role.VOLUNTEER: [],
    Role.ADMIN: [
        "pps.view_user",
        "pps.add_user",
        "pps.change_user",
        "pps.view_service",
        "pps.change_service",
        "cases.view_topic",
        "cases.add_topic",
        "cases.change_topic",
        "security.view_securityevent",
        "cases.view_statisticssettings",
        "cases.add_statisticssettings",
        "cases.change_statisticssettings",
        "consent.view_recipientrole",
        "consent.add_recipientrole",
        "consent.change_recipientrole",
        "consent.view_consentsettings",
        "consent.add_consentsettings",
        "consent.change_consentsettings",
    ],
}
