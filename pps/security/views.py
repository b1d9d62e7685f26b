"""Signing in (password, then a code), two-factor set-up and recovery, re-authentication.

The journey: the password opens a *password-only* session, which can reach
nothing but the next step (TwoFactorRequiredMiddleware). The code from the
authenticator app, or a single-use recovery code, completes the sign-in; the
session key changes at each step. A new account sets up its authenticator
app at its first sign-in.
"""

import time

import django_otp
from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib import auth, messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.forms import PasswordChangeForm
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from pps.security import two_factor
from pps.security.decorators import account_security_view, two_factor_not_required
from pps.security.events import record_event, report_failed_factor
from pps.security.forms import (
    AuthenticatorCodeForm,
    ConfirmIdentityForm,
    RecoveryCodeForm,
    SignInForm,
)
from pps.security.models import SecurityEvent
from pps.security.sessions import (
    PASSWORD_AT_KEY,
    active_sessions,
    end_sessions,
    forget_session,
    rotate_session,
    start_tracking,
)
from pps.security.sudo import grant_sudo, safe_next, sudo_required

NEXT_KEY = "pps_after_sign_in"
NEW_CODES_KEY = "pps_new_recovery_codes"
RECOVERY_CODES_LOW = 3
Kind = SecurityEvent.Kind
Factor = SecurityEvent.Factor


def _after_sign_in(request) -> str:
    return safe_next(request, request.session.pop(NEXT_KEY, ""), reverse("home"))


def signin_paused(request, original_response=None, credentials=None):
    """django-axes' lockout page: a pause, not a lock, and no hint whether the account exists."""
    user = request.user if request.user.is_authenticated else None
    if user is None and credentials and credentials.get("username"):
        user = auth.get_user_model().objects.filter(username=credentials["username"]).first()
    record_event(Kind.LOCKED_OUT, user=user, request=request)
    if request.user.is_authenticated:
        forget_session(request.session.session_key)
        auth.logout(request)
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "security/paused.html", {"minutes": minutes}, status=429)


def _throttled(request, user) -> bool:
    return not AxesProxyHandler.is_allowed(request, {"username": user.get_username()})


@sensitive_post_parameters()
@never_cache
@login_not_required
@two_factor_not_required
@require_http_methods(["GET", "POST"])
def sign_in(request):
    if request.user.is_authenticated:
        if request.user.is_verified():
            return redirect(safe_next(request, request.GET.get("next"), reverse("home")))
        return redirect("security:verify")
    next_url = request.POST.get("next") or request.GET.get("next", "")
    form = SignInForm(request, data=request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        user = form.get_user()
        auth.login(request, user)  # a new session key (ASVS 7.2.4)
        start_tracking(request, user)
        request.session[PASSWORD_AT_KEY] = int(time.time())
        request.session[NEXT_KEY] = safe_next(request, next_url, "")
        return redirect("security:verify")
    return render(request, "registration/login.html", {"form": form, "next": next_url})


def _complete_sign_in(request, device, *, factor: str):
    django_otp.login(request, device)
    rotate_session(request)
    record_event(Kind.SIGNED_IN, user=request.user, request=request, factor=factor)
    return redirect(_after_sign_in(request))


def _second_factor_step(request, *, form_class, check, factor: str, wrong: str, template: str):
    """The code step of signing in, shared by the authenticator app and recovery codes."""
    user = request.user
    if user.is_verified():
        return redirect(safe_next(request, request.GET.get("next"), reverse("home")))
    if _throttled(request, user):
        return signin_paused(request)
    form = form_class(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        device = check(user, form.cleaned_data["code"])
        if device is not None:
            return _complete_sign_in(request, device, factor=factor)
        report_failed_factor(request, user, factor=factor)
        form.add_error("code", wrong)
    return render(request, template, {"form": form})


@sensitive_post_parameters()
@never_cache
@two_factor_not_required
@require_http_methods(["GET", "POST"])
def verify(request):
    if not request.user.is_verified() and not two_factor.has_two_factor(request.user):
        return redirect("security:setup")
    if request.GET.get("next"):
        request.session[NEXT_KEY] = safe_next(request, request.GET["next"], "")
    return _second_factor_step(
        request,
        form_class=AuthenticatorCodeForm,
        check=two_factor.check_authenticator_code,
        factor=Factor.TOTP,
        wrong="That code is not right, or has been used already. Wait for the app to show "
        "a new code and enter that.",
        template="security/verify.html",
    )


def _check_recovery_code_and_warn(request):
    def check(user, code):
        device = two_factor.check_recovery_code(user, code)
        if device is not None and (left := device.unused_count()) <= RECOVERY_CODES_LOW:
            messages.warning(
                request,
                f"You have {left} recovery code{'s' if left != 1 else ''} left. "
                "Get new ones from your account security page.",
            )
        return device

    return check


@sensitive_post_parameters()
@never_cache
@two_factor_not_required
@require_http_methods(["GET", "POST"])
def recover(request):
    return _second_factor_step(
        request,
        form_class=RecoveryCodeForm,
        check=_check_recovery_code_and_warn(request),
        factor=Factor.RECOVERY_CODE,
        wrong="That recovery code is not right, or has been used already.",
        template="security/recover.html",
    )


@sensitive_post_parameters()
@never_cache
@two_factor_not_required
@require_http_methods(["GET", "POST"])
def setup(request):
    """First sign-in, or after a reset: link an authenticator app to the account.

    Refused while the account has a working authenticator, so a password alone
    can never replace it; replacing goes through a reset (with re-authentication).
    """
    user = request.user
    if two_factor.has_two_factor(user):
        return redirect("security:account" if user.is_verified() else "security:verify")
    device = two_factor.pending_authenticator(user)
    form = AuthenticatorCodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        confirmed = two_factor.confirm_authenticator(user, form.cleaned_data["code"])
        if confirmed is not None:
            device, codes = confirmed
            record_event(Kind.TWO_FACTOR_ENROLLED, user=user, request=request, factor=Factor.TOTP)
            request.session[NEW_CODES_KEY] = codes
            django_otp.login(request, device)
            rotate_session(request)
            record_event(Kind.SIGNED_IN, user=user, request=request, factor=Factor.TOTP)
            return redirect("security:recovery_codes")
        report_failed_factor(request, user, factor=Factor.TOTP)
        form.add_error("code", "That code is not right. Enter the code the app shows now.")
    return render(
        request,
        "security/setup.html",
        {
            "form": form,
            "qr_code": two_factor.qr_code_data_uri(device),
            "secret": two_factor.base32_secret(device),
        },
    )


@account_security_view
@never_cache
@require_http_methods(["GET"])
def recovery_codes(request):
    """Shown once, straight after they are made; only digests are kept."""
    codes = request.session.pop(NEW_CODES_KEY, None)
    if not codes:
        return redirect("security:account")
    return render(
        request,
        "security/recovery_codes.html",
        {"codes": codes, "next": request.session.get(NEXT_KEY) or reverse("home")},
    )


@account_security_view
@never_cache
@require_http_methods(["GET"])
def account(request):
    recovery = two_factor.recovery_device_for(request.user)
    return render(
        request,
        "security/account.html",
        {
            "authenticator": two_factor.authenticator_for(request.user),
            "recovery_left": recovery.unused_count() if recovery else 0,
            "sessions": list(active_sessions(request.user)),
            "current_session_key": request.session.session_key,
        },
    )


@account_security_view
@require_POST
@sudo_required
def new_recovery_codes(request):
    request.session[NEW_CODES_KEY] = two_factor.issue_recovery_codes(request.user)
    record_event(Kind.RECOVERY_CODES_ISSUED, user=request.user, request=request)
    return redirect("security:recovery_codes")


@account_security_view
@require_POST
@sudo_required
def reset_authenticator(request):
    """Replace a lost or changed phone: remove the devices, then set up again at once."""
    user = request.user
    two_factor.reset_two_factor(user)
    record_event(Kind.TWO_FACTOR_RESET, user=user, request=request)
    ended = end_sessions(user, keep_session_key=request.session.session_key)
    request.session[PASSWORD_AT_KEY] = int(time.time())
    request.session[NEXT_KEY] = reverse("security:account")
    if ended:
        record_event(Kind.SESSIONS_ENDED, user=user, request=request)
    return redirect("security:setup")


@account_security_view
@require_POST
@sudo_required
def end_other_sessions(request):
    ended = end_sessions(request.user, keep_session_key=request.session.session_key)
    record_event(Kind.SESSIONS_ENDED, user=request.user, request=request)
    messages.success(request, f"Signed out of {ended} other session{'s' if ended != 1 else ''}.")
    return redirect("security:account")


@account_security_view
@sensitive_post_parameters()
@never_cache
@require_http_methods(["GET", "POST"])
def confirm_identity(request):
    """The "sudo" step: password and a fresh code unlock dangerous actions for a while."""
    user = request.user
    next_url = safe_next(
        request, request.POST.get("next") or request.GET.get("next"), reverse("home")
    )
    form = ConfirmIdentityForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        checked = auth.authenticate(
            request, username=user.get_username(), password=form.cleaned_data["password"]
        )
        if checked is None or checked.pk != user.pk:
            form.add_error(None, "The password or code is not right.")
        elif two_factor.check_authenticator_code(user, form.cleaned_data["code"]) is None:
            report_failed_factor(request, user, factor=Factor.TOTP)
            form.add_error(None, "The password or code is not right.")
        else:
            rotate_session(request)  # re-authentication also gets a new key (ASVS 7.2.4)
            grant_sudo(request)
            record_event(Kind.REAUTHENTICATED, user=user, request=request, factor=Factor.TOTP)
            return redirect(next_url)
    return render(
        request,
        "security/confirm_identity.html",
        {"form": form, "next": next_url, "minutes": settings.PPS_SUDO_MINUTES},
    )


@account_security_view
@sensitive_post_parameters()
@never_cache
@require_http_methods(["GET", "POST"])
def password_change(request):
    """Needs the current password (ASVS 6.2.3); every other session ends (ASVS 7.4.3)."""
    form = PasswordChangeForm(request.user, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        auth.update_session_auth_hash(request, user)
        rotate_session(request)
        end_sessions(user, keep_session_key=request.session.session_key)
        record_event(Kind.PASSWORD_CHANGED, user=user, request=request)
        messages.success(request, "Your password has been changed. Other sessions were signed out.")
        return redirect("security:account")
    return render(request, "security/password_change.html", {"form": form})


def _anonymous(view):
    return two_factor_not_required(login_not_required(view))


class PasswordResetView(auth_views.PasswordResetView):
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"
    success_url = reverse_lazy("security:password_reset_done")

    def form_valid(self, form):
        record_event(Kind.PASSWORD_RESET_REQUESTED, request=self.request)
        return super().form_valid(form)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """A reset sets a new password only; signing in still needs the second factor (ASVS 6.4.3)."""

    post_reset_login = False
    success_url = reverse_lazy("security:password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        end_sessions(form.user)
        record_event(Kind.PASSWORD_RESET, user=form.user, request=self.request)
        return response


password_reset = _anonymous(PasswordResetView.as_view())
password_reset_done = _anonymous(auth_views.PasswordResetDoneView.as_view())
password_reset_confirm = _anonymous(PasswordResetConfirmView.as_view())
password_reset_complete = _anonymous(auth_views.PasswordResetCompleteView.as_view())
