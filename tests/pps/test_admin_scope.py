"""Administrators manage their own service's users and roles, and no case content (ACC-1).

No global shortcut widens anyone's access: a service's administrator cannot
make anyone a superuser, hand out raw permissions, or reach another service.
"""

from django.contrib import admin
from django.urls import reverse

from pps.fields import _EncryptedField
from pps.models import Service, User
from tests.factories import make_user


def change_form(user, **overrides):
    data = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": "",
        "role": user.role,
        "is_active": "on",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "10:00:00",
    }
    data.update(overrides)
    return data


def test_acc1_no_model_holding_case_content_is_in_the_admin_site():
    exposed = [
        model.__name__
        for model in admin.site._registry
        if any(isinstance(f, _EncryptedField) for f in model._meta.get_fields())
        or any(f.name == "case" for f in model._meta.get_fields())
    ]
    assert exposed == []


def test_isolation_admin_sees_only_their_services_users(
    admin_user, staff, other_service_staff, client_for
):
    client = client_for(admin_user)
    listing = client.get(reverse("admin:pps_user_changelist")).content.decode()
    assert staff.username in listing and other_service_staff.username not in listing
    foreign = client.get(reverse("admin:pps_user_change", args=[other_service_staff.pk]))
    assert foreign.status_code == 302  # "does not exist", like any missing record
    services = client.get(reverse("admin:pps_service_changelist")).content.decode()
    assert "Northshire" in services and "Southvale" not in services


def test_acc1_admin_cannot_grant_superuser_permissions_or_another_service(
    admin_user, staff, other_service, client_for
):
    response = client_for(admin_user).post(
        reverse("admin:pps_user_change", args=[staff.pk]),
        change_form(
            staff,
            role="coordinator",
            is_superuser="on",
            is_staff="on",
            service=other_service.pk,
            user_permissions=["1", "2"],
        ),
    )
    assert response.status_code == 302
    staff.refresh_from_db()
    assert (staff.is_superuser, staff.is_staff, staff.service_id) == (
        False,
        False,
        admin_user.service_id,
    )
    assert staff.role == "coordinator" and staff.groups.get().name == "Coordinators"
    assert not staff.user_permissions.exists()


def test_acc1_users_added_by_an_admin_belong_to_the_admins_service(admin_user, client_for):
    response = client_for(admin_user).post(
        reverse("admin:pps_user_add"),
        {
            "username": "newstaff",
            "usable_password": "true",
            "password1": "a-long-enough-passphrase",
            "password2": "a-long-enough-passphrase",
            "role": "staff",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    user = User.objects.get(username="newstaff")
    assert user.service_id == admin_user.service_id and user.groups.get().name == "Staff"


def test_acc4_admin_sets_the_refresher_interval(admin_user, service, client_for):
    response = client_for(admin_user).post(
        reverse("admin:pps_service_change", args=[service.pk]),
        {"name": service.name, "volunteer_refresher_months": "6"},
    )
    assert response.status_code == 302
    assert Service.objects.get(pk=service.pk).volunteer_refresher_months == 6


def test_acc1_other_roles_cannot_use_the_admin_site(coordinator, client_for):
    make_user(coordinator.service, "staff")
    response = client_for(coordinator).get(reverse("admin:pps_user_changelist"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_sec3_an_account_is_deactivated_never_deleted(admin_user, staff, client_for):
    """Deleting an account would rewrite who made each change in history (SEC-3)."""
    client = client_for(admin_user)
    page = client.get(reverse("admin:pps_user_delete", args=[staff.pk]))
    assert page.status_code == 403
    client.post(
        reverse("admin:pps_user_changelist"),
        {"action": "delete_selected", "_selected_action": [staff.pk], "post": "yes"},
    )
    assert User.objects.filter(pk=staff.pk).exists()


def test_the_admin_site_wears_the_services_favicon_and_colours(admin_user, client_for):
    page = client_for(admin_user).get(reverse("admin:index")).content.decode()
    assert "/static/images/favicon.svg" in page and "/static/images/favicon.ico" in page
    # After Django's own stylesheets, so its colour variables are the ones used.
    assert page.index("admin/css/base.css") < page.index("/static/css/admin.css")
    assert "SEND Information, Advice and Support" in page
