"""The administrators' "who changed what" page (SEC-3)."""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_GET

from pps.changes import ServiceChanges
from pps.decorators import role_required
from pps.roles import Role

PER_PAGE = 50


# Administrators only, like the other administration screens (retention,
# destruction log): they manage users and settings. Coordinators see what
# concerns cases (the access log), not the administrators' changes.
@require_GET
@role_required(Role.ADMIN)
def changes(request):
    paginator = Paginator(ServiceChanges(request.user.service_id), PER_PAGE)
    page_obj = paginator.get_page(request.GET.get("page"))
    return render(
        request, "pps/changes.html", {"page_obj": page_obj, "changes": page_obj.object_list}
    )
