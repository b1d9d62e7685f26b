"""The safeguarding panel on the case page and the coordinators' notice (DIS-7, DIS-8).

Inclusion tags, so the case page and the navigation need one line each.
Staff and coordinators only; volunteers never see the panel or its links.
"""

from django import template

from disclosure.safeguarding.access import waiting_for_review_count
from disclosure.safeguarding.log import override_log_entries
from pps.roles import CASE_WORKER_ROLES, Role

register = template.Library()


@register.inclusion_tag("safeguarding/_case_panel.html", takes_context=True)
def safeguarding_panel(context, case):
    user = context["request"].user
    if user.role not in CASE_WORKER_ROLES:
        return {"show": False}
    return {
        "show": True,
        "case": case,
        "entries": override_log_entries(case),
        "archived": case.status == case.Status.ARCHIVED,
    }


@register.simple_tag(takes_context=True)
def overrides_waiting(context) -> int:
    """How many overrides wait for review: counted for coordinators only, else 0."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or user.role != Role.COORDINATOR:
        return 0
    # Case section pages read this count with the case itself (cases.case_overview)
    # so the navigation costs no query of its own there. It is this request's
    # own read, set after the access check, never kept for another request.
    counted = getattr(request, "overrides_waiting", None)
    if counted is not None:
        return counted
    return waiting_for_review_count(user)


@register.inclusion_tag("safeguarding/_waiting_notice.html", takes_context=True)
def overrides_waiting_notice(context):
    return {"waiting": overrides_waiting(context)}
