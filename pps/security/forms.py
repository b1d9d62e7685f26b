from django import forms
from django.contrib.auth.forms import AuthenticationForm

from pps.form_fields import PlainTextForm, PlainTextMixin


class SignInForm(PlainTextMixin, AuthenticationForm):
    """Django's sign-in form with one message for every failure (no account enumeration)."""

    error_messages = {
        "invalid_login": "Enter a correct username and password.",
        "inactive": "Enter a correct username and password.",
    }

    def clean_username(self):
        # Django's form sets max_length on the field after it is built, so no
        # length validator runs: an over-long name would reach authenticate()
        # and overflow the failed-attempt log (a database error, not a message).
        username = self.cleaned_data["username"]
        if len(username) > self.fields["username"].max_length:
            raise forms.ValidationError(self.error_messages["invalid_login"], code="invalid_login")
        return username


class AuthenticatorCodeForm(PlainTextForm):
    code = forms.CharField(
        label="Code from your authenticator app",
        help_text="The 6-digit code the app shows now.",
        max_length=10,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "class": "govuk-input--width-10",
                "spellcheck": "false",
            }
        ),
        error_messages={"required": "Enter the code from your authenticator app."},
    )

    def clean_code(self):
        code = "".join(self.cleaned_data["code"].split())
        if not (code.isascii() and code.isdigit() and len(code) == 6):
            raise forms.ValidationError("Enter the 6-digit code from your authenticator app.")
        return code


class RecoveryCodeForm(PlainTextForm):
    code = forms.CharField(
        label="Recovery code",
        help_text="One of the codes you saved when you set up two-factor authentication. "
        "Each code works once.",
        max_length=64,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        error_messages={"required": "Enter one of your recovery codes."},
    )


class ConfirmIdentityForm(AuthenticatorCodeForm):
    """Re-authentication before a dangerous action: the password and a fresh code."""

    password = forms.CharField(
        label="Your password",
        strip=False,
        max_length=1024,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": "Enter your password."},
    )
    field_order = ["password", "code"]
