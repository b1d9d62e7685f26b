"""Panels on the case's "Letters and statements" section for letters, statements and case studies (COM-1, COM-4, COM-6).

Inclusion tags, so the section pages need one line each and no extra view code;
the statement reminder is on the summary too.
Shown to staff and coordinators only; the case-study part to coordinators only.
"""

from django import template

from pps.roles import CASE_WORKER_ROLES, Role

register = template.Library()


def _parents_without_statement(case):
    # Every page showing these panels reads the parents marked ``statement_sent``
    # (cases.letters.access.parents_with_statement_flag): no query here.
    return [parent for parent in case.parents.all() if not parent.statement_sent]


@register.inclusion_tag("letters/_statement_reminder.html", takes_context=True)
def statement_reminder(context, case):
    user = context["request"].user
    if user.role not in CASE_WORKER_ROLES or case.status != case.Status.OPEN:
        return {"parents": []}
    return {"case": case, "parents": _parents_without_statement(case)}


@register.inclusion_tag("letters/_case_panel.html", takes_context=True)
def case_communications(context, case):
    user = context["request"].user
    if user.role not in CASE_WORKER_ROLES:
        return {"show": False}
    is_coordinator = user.role == Role.COORDINATOR
    return {
        "show": True,
        "case": case,
        "csrf_token": context.get("csrf_token"),
        # The stored PDF stays in the database until someone downloads a copy.
        "letters": case.letters.select_related("parent", "sent_by").defer("pdf"),
        "statements": case.privacy_statements.select_related("parent", "sent_by"),
        "parents": case.parents.all(),
        "parents_without_statement": _parents_without_statement(case),
        "archived": case.status == case.Status.ARCHIVED,
        "is_coordinator": is_coordinator,
        "case_studies": case.case_studies.select_related("prepared_by") if is_coordinator else [],
    }
