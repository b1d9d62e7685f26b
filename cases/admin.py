from django.contrib import admin

from cases.models import StatisticsSettings, Topic
from pps.admin import ServiceScopedAdmin
from pps.models import Service


@admin.register(Topic)
class TopicAdmin(ServiceScopedAdmin):
    list_display = ["name", "service", "position", "active"]
    list_editable = ["position", "active"]


@admin.register(StatisticsSettings)
class StatisticsSettingsAdmin(ServiceScopedAdmin):
    """Administrators set their own service's suppression threshold (never below 3)."""

    list_display = ["service", "suppression_threshold"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "service" and not request.user.is_superuser:
            kwargs["queryset"] = Service.objects.filter(pk=request.user.service_id)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
