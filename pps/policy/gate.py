"""Holds case readers at the acknowledgement page until they accept the policy in force (ACC-9).

A middleware rather than a decorator so that it fails closed: every view of
every app is covered, including ones written after this, unless it is marked
``@policy_acknowledgement_not_required`` (sign-in, the policy pages themselves)
or is open to signed-out users (``login_not_required``).
"""

from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django_htmx.http import HttpResponseClientRedirect

from pps.policy.services import must_acknowledge_policy


def policy_acknowledgement_not_required(view):
    """Mark a view that a user who has not yet acknowledged the policy may use."""
    view.policy_acknowledgement_not_required = True
    return view


def is_exempt(view_func) -> bool:
    return getattr(view_func, "login_required", True) is False or getattr(
        view_func, "policy_acknowledgement_not_required", False
    )


class PolicyAcknowledgementMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if is_exempt(view_func) or not must_acknowledge_policy(request.user):
            return None
        url = reverse("policy:acknowledge")
        # Only the path (ids, never names) is carried, and only for page loads.
        if request.method == "GET" and not getattr(request, "htmx", False):
            url += "?" + urlencode({"next": request.path})
        if getattr(request, "htmx", False):
            return HttpResponseClientRedirect(url)
        return redirect(url)
