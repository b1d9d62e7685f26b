"""The coordinator's decision on an older child in a parent's pack (DIS-6).

Reached from the release page. Coordinators only, after re-authentication, like
the release itself; the request (and its case) load through
``disclosure.access.get_disclosure_for_user``.
"""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from disclosure.access import get_disclosure_for_user
from disclosure.capacity.services import child_capacity_decide
from disclosure.forms import ChildCapacityForm
from disclosure.subject_access import older_children_to_decide
from pps.decorators import role_required
from pps.roles import Role
from pps.security.sudo import sudo_required
from pps.submission import submit

coordinator_only = role_required(Role.COORDINATOR)


def _page(request, case, item, form=None):
    children = older_children_to_decide(item)
    decisions = {d.child_id: d for d in item.capacity_decisions.select_related("decided_by")}
    return render(
        request,
        "disclosure/capacity.html",
        {
            "case": case,
            "item": item,
            "children": [(child, decisions.get(child.pk)) for child in children],
            "form": form or ChildCapacityForm(children=children),
        },
    )


@require_GET
@coordinator_only
@sudo_required
def capacity(request, case_id: int, request_id: int):
    item = get_disclosure_for_user(request.user, case_id, request_id)
    return _page(request, item.case, item)


@require_POST
@coordinator_only
@sudo_required
def capacity_save(request, case_id: int, request_id: int):
    item = get_disclosure_for_user(request.user, case_id, request_id)
    children = {child.pk: child for child in older_children_to_decide(item)}
    form = ChildCapacityForm(request.POST, children=list(children.values()))
    decided, _ = submit(
        form,
        lambda data: child_capacity_decide(
            disclosure=item,
            # One of this request's children: the form accepts no other id.
            child=children[data["child"]],
            has_capacity=data["has_capacity"],
            child_agrees=data["child_agrees"],
            reason=data["reason"],
            by=request.user,
        ),
    )
    if decided:
        messages.success(request, "Decision recorded. Review the pack again before release.")
        return redirect("disclosure:release", case_id=item.case_id, request_id=item.pk)
    return _page(request, item.case, item, form)
