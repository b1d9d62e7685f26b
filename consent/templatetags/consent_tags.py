"""The consent panel on the case page, and small helpers for consent templates."""

from django import template

from consent.roles import describe_roles, role_labels
from consent.selectors import consent_status, is_incomplete
from pps.roles import CASE_WORKER_ROLES

register = template.Library()

KIND_TAGS = {
    "full": "govuk-tag--green",
    "restricted": "govuk-tag--blue",
    "refused": "govuk-tag--red",
    "withdrawn": "govuk-tag--grey",
}


@register.inclusion_tag("consent/_case_panel.html", takes_context=True)
def consent_panel(context, case):
    """Volunteers see the decision in force on an assigned case; only staff get the actions."""
    user = context["user"]
    return {
        "case": case,
        "status": consent_status(case),
        "labels": role_labels(case.service_id),
        "can_change": user.role in CASE_WORKER_ROLES,
    }


@register.filter
def role_names(codes, labels) -> str:
    return describe_roles(codes, labels)


@register.filter
def role_label(code, labels) -> str:
    return labels.get(code, code)


@register.filter
def kind_tag(kind) -> str:
    return KIND_TAGS.get(kind, "govuk-tag--grey")


@register.filter
def incomplete(decision) -> bool:
    return is_incomplete(decision)
