from django.urls import path

from pps.security import views

app_name = "security"

urlpatterns = [
    path("two-factor/", views.verify, name="verify"),
    path("two-factor/recovery/", views.recover, name="recover"),
    path("two-factor/set-up/", views.setup, name="setup"),
    path("two-factor/recovery-codes/", views.recovery_codes, name="recovery_codes"),
    path("security/", views.account, name="account"),
    path("security/recovery-codes/new/", views.new_recovery_codes, name="new_recovery_codes"),
    path("security/authenticator/reset/", views.reset_authenticator, name="reset_authenticator"),
    path("security/sessions/end/", views.end_other_sessions, name="end_other_sessions"),
    path("confirm/", views.confirm_identity, name="sudo"),
    path("password/", views.password_change, name="password_change"),
    path("password/reset/", views.password_reset, name="password_reset"),
    path("password/reset/sent/", views.password_reset_done, name="password_reset_done"),
    path(
        "password/reset/<uidb64>/<token>/",
        views.password_reset_confirm,
        name="password_reset_confirm",
    ),
    path("password/reset/done/", views.password_reset_complete, name="password_reset_complete"),
]
