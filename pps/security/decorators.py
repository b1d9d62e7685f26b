"""Marks for the few views a password-only (not yet two-factor) session may reach."""


def two_factor_not_required(view_func):
    """Let a signed-in user who has not yet given their second factor use this view.

    Only for the sign-in steps themselves (the code, set-up, recovery) and
    sign-out; everything else needs both factors (TwoFactorRequiredMiddleware).
    """
    view_func.two_factor_required = False
    return view_func
