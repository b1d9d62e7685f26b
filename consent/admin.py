"""Administrators configure consent (recipient roles, review interval); they see no decisions."""

from django.contrib import admin
from django.contrib.admin.widgets import RelatedFieldWidgetWrapper

from consent.models import ConsentSettings, RecipientRole
from pps.admin import ServiceScopedAdmin


class OwnServiceAdmin(ServiceScopedAdmin):
    """Administrators create and edit rows for their own service only."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # Offered only their own service, so uniqueness per service is checked
        # by the form (a clear message) rather than by the database (an error).
        if db_field.name == "service" and not request.user.is_superuser:
            kwargs["queryset"] = db_field.related_model.objects.filter(pk=request.user.service_id)
            kwargs["initial"] = request.user.service_id
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if (
            db_field.name == "service"
            and not request.user.is_superuser
            and isinstance(formfield.widget, RelatedFieldWidgetWrapper)
        ):
            # Their one service, already chosen: no "add another service" link, and
            # the plain <select> leaves out ``required``, invalid on a list whose
            # first option is a real choice (the wrapper would keep it).
            formfield.widget = formfield.widget.widget
        return formfield

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
        fields = list(super().get_readonly_fields(request, obj))
        return [*fields, "code"] if obj is not None else fields


@admin.register(ConsentSettings)
class ConsentSettingsAdmin(OwnServiceAdmin):
    list_display = ["service", "review_interval_months"]
