"""Administration screens: users and services only. Case content is not here (ACC-1)."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from pps.models import Service, User
from pps.security.admin_actions import reset_two_factor, sign_out_everywhere


class ServiceScopedAdmin(admin.ModelAdmin):
    """Administrators manage their own service's records only."""

    service_field = "service"

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(**{self.service_field: request.user.service_id})


@admin.register(User)
class UserAdmin(BaseUserAdmin, ServiceScopedAdmin):
    list_display = ["username", "first_name", "last_name", "role", "is_active", "last_login"]
    list_filter = ["role", "is_active"]
    fieldsets = [
        *BaseUserAdmin.fieldsets,
        ("Service and role", {"fields": ["service", "role"]}),
    ]
    readonly_fields = ["last_login", "date_joined"]
    actions = [reset_two_factor, sign_out_everywhere]

    def get_queryset(self, request):
        return ServiceScopedAdmin.get_queryset(self, request)


@admin.register(Service)
class ServiceAdmin(ServiceScopedAdmin):
    service_field = "pk"
    list_display = ["name", "code"]
