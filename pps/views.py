from django.contrib import auth
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from pps.decorators import role_required
from pps.policy.gate import policy_acknowledgement_not_required
from pps.roles import Role
from pps.security.decorators import two_factor_not_required
from pps.security.sessions import forget_session


@require_GET
@role_required(Role.ADMIN)
def administration(request):
    """The administrators' home (CAS-4): the application's own administration pages,
    with Django's admin as one of them (for user accounts), never instead of them."""
    return render(request, "pps/administration.html")


@require_POST
@never_cache
@login_not_required
@two_factor_not_required
def logout(request):
    idle = request.POST.get("reason") == "idle"
    forget_session(request.session.session_key)
    auth.logout(request)
    response = redirect(reverse("login") + ("?reason=idle" if idle else ""))
    # Ask the browser to drop anything it kept of the signed-in pages (ASVS 14.3.1).
    response["Clear-Site-Data"] = '"cache", "storage"'
    return response


@require_POST
@policy_acknowledgement_not_required
def keepalive(request):
    """Activity while typing (no page load) keeps the session from the idle lock.

    The idle middleware has already recorded this request; nothing else to do.
    """
    return HttpResponse(status=204)
