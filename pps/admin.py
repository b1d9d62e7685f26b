"""Administration screens: users and services only. Case content is not here (ACC-1).

A service's administrators manage its accounts and roles. They cannot grant
superuser status or raw permissions, move anyone to another service, or see
another service's users: access comes from roles and object permissions, never
from Django's global shortcuts.
"""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm as BaseAdminPasswordChangeForm
from django.contrib.auth.forms import ReadOnlyPasswordHashWidget
from django.contrib.auth.forms import UserChangeForm as BaseUserChangeForm
from django.utils.html import conditional_escape

from pps.form_fields import ModelChoiceField, ModelMultipleChoiceField, PlainTextMixin
from pps.models import Service, User
from pps.roles import Role
from pps.security.admin_actions import reset_two_factor, sign_out_everywhere
from pps.services import user_set_role
from pps.signals import volunteer_left


class ServiceScopedAdmin(admin.ModelAdmin):
    """Administrators manage their own service's records only."""

    service_field = "service"

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(**{self.service_field: request.user.service_id})

    def get_form(self, request, obj=None, **kwargs):
        # The same rule for text as every other form in the project (SEC-4).
        form = super().get_form(request, obj, **kwargs)
        if not issubclass(form, PlainTextMixin):
            form = type(form.__name__, (PlainTextMixin, form), {})
        for field in form.base_fields.values():
            # The admin prints help text as HTML; ours is plain text, where a "<N"
            # would open a tag and break the page. Django's own (already safe) stays.
            field.help_text = conditional_escape(field.help_text)
        return form

    def get_changelist_form(self, request, **kwargs):
        # Fields edited in place on the list have no label of their own: each
        # says whose it is and what it is (a screen reader hears "Transport: Position").
        base = super().get_changelist_form(request, **kwargs)

        class LabelledChangelistForm(base):
            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                for field in self.fields.values():
                    if field.label and not field.widget.is_hidden:
                        field.widget.attrs["aria-label"] = f"{self.instance}: {field.label}"

        return LabelledChangelistForm


class PasswordHashWidget(ReadOnlyPasswordHashWidget):
    """Django's read-only password summary without ``disabled``, which is not valid
    on the <div> it renders (the field stays disabled: the form ignores its value)."""

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"].pop("disabled", None)
        return context


class UserChangeForm(PlainTextMixin, BaseUserChangeForm):
    class Meta(BaseUserChangeForm.Meta):
        # Django's form is for auth.User, which this project swaps for its own.
        model = User
        # Shown read-only by the admin (readonly_fields), never typed in.
        exclude = ["last_login", "date_joined"]
        # An id no database integer can hold is a form error, not a 500 (SEC-4).
        field_classes = {
            "service": ModelChoiceField,
            "groups": ModelMultipleChoiceField,
            "user_permissions": ModelMultipleChoiceField,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "password" in self.fields:
            self.fields["password"].widget = PasswordHashWidget()


class AdminPasswordChangeForm(PlainTextMixin, BaseAdminPasswordChangeForm):
    # Django's help text ends in a list, which its template puts inside a <p> (invalid
    # HTML); it also speaks of other ways in (single sign-on), which this service has not.
    usable_password_help_text = (
        "Disabled, the user cannot sign in at all (there is no other way in) "
        "and their current password is lost."
    )


@admin.register(User)
class UserAdmin(BaseUserAdmin, ServiceScopedAdmin):
    form = UserChangeForm
    change_password_form = AdminPasswordChangeForm
    list_display = ["username", "first_name", "last_name", "role", "is_active", "last_login"]
    list_filter = ["role", "is_active"]
    fieldsets = [
        *BaseUserAdmin.fieldsets,
        ("Service and role", {"fields": ["service", "role"]}),
    ]
    service_admin_fieldsets = [
        (None, {"fields": ["username", "password"]}),
        ("Personal info", {"fields": ["first_name", "last_name", "email"]}),
        ("Role", {"fields": ["role", "is_active"]}),
        ("Important dates", {"fields": ["last_login", "date_joined"]}),
    ]
    service_admin_add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": ["username", "usable_password", "password1", "password2", "role"],
            },
        ),
    ]
    readonly_fields = ["last_login", "date_joined"]
    actions = [reset_two_factor, sign_out_everywhere]

    def get_queryset(self, request):
        return ServiceScopedAdmin.get_queryset(self, request)

    def has_delete_permission(self, request, obj=None):
        # Accounts are deactivated, never deleted: deleting one would rewrite the
        # acting user of every history row it wrote, which history refuses (SEC-3).
        return False

    def get_fieldsets(self, request, obj=None):
        if request.user.is_superuser:
            return super().get_fieldsets(request, obj)
        return self.service_admin_add_fieldsets if obj is None else self.service_admin_fieldsets

    def save_model(self, request, obj, form, change):
        if not request.user.is_superuser:
            obj.service_id = request.user.service_id
        was = User.objects.filter(pk=obj.pk).values("role", "is_active").first() if change else None
        super().save_model(request, obj, form, change)
        if obj.role:
            # Keeps the role's group and the admin-site flag in step with the role.
            user_set_role(user=obj, role=obj.role, by=request.user)
        if (
            was
            and was["role"] == Role.VOLUNTEER
            and (obj.role != Role.VOLUNTEER or not obj.is_active)
        ):
            # A volunteer who leaves or changes role keeps no case (ACC-2).
            volunteer_left.send(sender=User, volunteer=obj, by=request.user)


@admin.register(Service)
class ServiceAdmin(ServiceScopedAdmin):
    service_field = "pk"
    list_display = ["name", "code", "volunteer_refresher_months"]
    fields = ["name", "code", "volunteer_refresher_months"]
    readonly_fields = ["code"]
