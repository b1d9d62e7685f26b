"""The register of system maintainers' screens (GOV-3).

Administrators add and correct entries; coordinators read them.
"""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from governance.maintainers.access import get_maintainer_for_user, maintainers_for
from governance.maintainers.forms import MaintainerForm
from governance.maintainers.models import Maintainer
from governance.maintainers.services import maintainer_record, maintainer_update
from pps.changes import change_described
from pps.decorators import role_required
from pps.roles import Role
from pps.submission import submit

READERS = (Role.COORDINATOR, Role.ADMIN)
FIELDS = ("name", "organisation", "work", "access_from", "undertaking_signed_on", "access_ended_on")


@require_GET
@role_required(*READERS)
def maintainer_list(request):
    rows = list(maintainers_for(request.user))
    return render(
        request,
        "governance/maintainers/list.html",
        {
            "current": [m for m in rows if m.has_access],
            "ended": [m for m in rows if not m.has_access],
        },
    )


@require_GET
@role_required(*READERS)
def maintainer_detail(request, maintainer_id: int):
    maintainer = get_maintainer_for_user(request.user, maintainer_id)
    history = [
        change_described(Maintainer, row)
        for row in maintainer.history.select_related("history_user").order_by(
            "-history_date", "-history_id"
        )
    ]
    return render(
        request,
        "governance/maintainers/detail.html",
        {"maintainer": maintainer, "history": history},
    )


def _form_page(request, form, maintainer=None, status=200):
    heading = "Change a system maintainer" if maintainer else "Add a system maintainer"
    return render(
        request,
        "governance/maintainers/form.html",
        {"form": form, "maintainer": maintainer, "heading": heading},
        status=status,
    )


@require_http_methods(["GET", "POST"])
@role_required(Role.ADMIN)
def maintainer_new(request):
    if request.method == "GET":
        return _form_page(request, MaintainerForm())
    form = MaintainerForm(request.POST)
    saved, maintainer = submit(
        form,
        lambda data: maintainer_record(service=request.user.service, by=request.user, **data),
    )
    if saved:
        messages.success(request, "System maintainer added.")
        return redirect("maintainers:detail", maintainer_id=maintainer.pk)
    return _form_page(request, form, status=400)


@require_http_methods(["GET", "POST"])
@role_required(Role.ADMIN)
def maintainer_edit(request, maintainer_id: int):
    maintainer = get_maintainer_for_user(request.user, maintainer_id)
    if request.method == "GET":
        initial = {name: getattr(maintainer, name) for name in FIELDS}
        return _form_page(request, MaintainerForm(initial=initial), maintainer)
    form = MaintainerForm(request.POST)
    saved, _ = submit(
        form, lambda data: maintainer_update(maintainer=maintainer, by=request.user, **data)
    )
    if saved:
        messages.success(request, "System maintainer updated.")
        return redirect("maintainers:detail", maintainer_id=maintainer.pk)
    return _form_page(request, form, maintainer, status=400)
