"""Administrators configure consent (recipient roles, review interval); they see no decisions."""

from django.contrib import admin

from consent.models import ConsentSettings, RecipientRole
from pps.admin import ServiceScopedAdmin


class OwnServiceAdmin(ServiceScopedAdmin):
    """Rows are always created for the administrator's own service."""

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        return fields if request.user.is_superuser else [*fields, "service"]

    def save_model(self, request, obj, form, change):
        if not request.user.is_superuser:
            obj.service_id = request.user.service_id
        super().save_model(request, obj, form, change)


@admin.register(RecipientRole)
class RecipientRoleAdmin(OwnServiceAdmin):
    list_display = ["name", "code", "position", "active"]
    list_editable = ["position", "active"]

    def get_readonly_fields(self, request, obj=None):
        # A code already used by decisions must not change meaning.
        fields = super().get_readonly_fields(request, obj)
        return [*fields, "code"] if obj is not None else fields


@admin.register(ConsentSettings)
class ConsentSettingsAdmin(OwnServiceAdmin):
    list_display = ["service", "review_interval_months"]

    def has_add_permission(self, request):
        # One row per service: once it exists, it is edited, not added again.
        if not super().has_add_permission(request):
            return False
        return (
            request.user.is_superuser
            or not ConsentSettings.objects.filter(service_id=request.user.service_id).exists()
        )
