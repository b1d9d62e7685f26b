"""The coordinators' reminder of requests for information overdue or due soon (DIS-1)."""

from django import template
from django.utils import timezone

from cases.access import on_visible_cases
from disclosure.due_dates import urgency
from disclosure.models import OPEN_STATES, DisclosureRequest
from pps.roles import Role

register = template.Library()


@register.inclusion_tag("disclosure/_due_notice.html", takes_context=True)
def disclosure_due_notice(context):
    """Counts only (no case references), shown to coordinators on the case list."""
    user = context["user"]
    if user.role != Role.COORDINATOR:
        return {"show": False}
    today = timezone.localdate()
    due = on_visible_cases(
        user, DisclosureRequest.objects.filter(state__in=OPEN_STATES)
    ).values_list("due_on", flat=True)
    tags = [urgency(day, today) for day in due]
    overdue, due_soon = tags.count("overdue"), tags.count("due soon")
    return {"show": overdue or due_soon, "overdue": overdue, "due_soon": due_soon}
