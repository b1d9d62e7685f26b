"""Marks for the few views a password-only (not yet two-factor) session may reach."""


def two_factor_not_required(view_func):
    """Let a signed-in user who has not yet given their second factor use this view.

    Only for the sign-in steps themselves (the code, set-up, recovery) and
    sign-out; everything else needs both factors (TwoFactorRequiredMiddleware).
    These steps come before the confidentiality policy too (pps.policy.gate).
    """
    view_func.two_factor_required = False
    view_func.policy_acknowledgement_not_required = True
    return view_func


def account_security_view(view_func):
    """A page about the user's own account (password, two-factor, sessions), not case
    content: open before the confidentiality policy is acknowledged (pps.policy.gate)."""
    view_func.policy_acknowledgement_not_required = True
    return view_func
