"""Every URL, every persona, GET and POST (ACC-1, ACC-2, ACC-5, ACC-6, service isolation).

The table below must name every URL the resolver knows; a new URL without a row
fails ``test_every_url_has_a_row``. A row is::

    "app:name": (method, kwargs builder or None, {persona: outcome})

``method`` is the one the view is for ("get" or "post"); the other method must
then be refused (405) to every signed-in persona. A view that takes both (a form
page) is ``("get+post", kwargs, {GET outcomes}, {POST outcomes})``. POSTs carry
no data and are rolled back after each persona, so one persona's write never
changes what the next one sees.

Outcomes: ``ok`` 200, ``invalid`` 400 (form errors), ``no content`` 204,
``login`` redirect to sign-in, ``redirect`` any other redirect, ``denied`` 403
(a role that may not use the page), ``hidden`` 404 (a record the user may not
see, indistinguishable from a missing one), ``wrong method`` 405.
"""

import contextlib
import copy

import pytest
from django.db import transaction
from django.test import Client, override_settings
from django.urls import resolve, reverse

from tests.access_world import (
    NORTH_MARKERS,
    OTHER_SERVICE,
    PERSONAS,
    SIGNED_OUT,
    build_world,
    rolled_back,
)
from tests.url_names import all_url_names


def a_statistics_job(world):
    """A finished background export asked for by north's coordinator (OPS-2)."""
    from cases.statistics.models import StatisticsExportJob

    coordinator = world["users"]["coordinator"]
    job = StatisticsExportJob.objects.filter(requested_by=coordinator).first()
    return job or StatisticsExportJob.objects.create(
        service=coordinator.service,
        requested_by=coordinator,
        period="2025-Q3",
        format="csv",
        status="finished",
        threshold=5,
        content=b"period,table,row,column,count\r\n",
    )


STATISTICS_JOB = lambda w: {"job_id": a_statistics_job(w).pk}  # noqa: E731


def a_voicemail(world):
    from cases.helpline.services import voicemail_log

    staff = world["users"]["staff"]
    return voicemail_log(
        service=staff.service,
        by=staff,
        received_at=world["case"].created_at,
        caller_number="01632 960 001",
        summary="Please call back about transport.",
    )


def row(default=None, **outcomes):
    """Outcomes for every persona: signed-out users go to sign-in unless named."""
    table = {p: "login" for p in SIGNED_OUT}
    table.update({p: default for p in PERSONAS if p not in SIGNED_OUT})
    table.update(outcomes)
    return table


CASE = lambda w: {"case_id": w["case"].pk}  # noqa: E731
# Coordinator-only pages about one of north's records: other roles are refused
# by role (403), another service's coordinator is told it does not exist (404).
COORDINATOR_ONLY_RECORD = row("denied", coordinator="ok", other_service_coordinator="hidden")
COORDINATOR_ONLY_PAGE = row("denied", coordinator="ok", other_service_coordinator="ok")

# The helpline: staff and coordinators of any service may use its forms (each
# sees only its own service's cases); volunteers and admins are refused.
HELPLINE_WORKERS = row(
    "denied", staff="ok", coordinator="ok", other_service_staff="ok", other_service_coordinator="ok"
)
# Pages for staff and coordinators about one of north's records, and service-wide ones.
CASE_WORKERS_RECORD = row(
    "denied",
    staff="ok",
    coordinator="ok",
    other_service_staff="hidden",
    other_service_coordinator="hidden",
)
CASE_WORKERS_ANY_SERVICE = HELPLINE_WORKERS
CASE_WORKER_PERSONAS = ("staff", "coordinator", "other_service_staff", "other_service_coordinator")
HELPLINE_RECORD = {
    **HELPLINE_WORKERS,
    "other_service_staff": "hidden",
    "other_service_coordinator": "hidden",
}
# Sign-in security: pages everyone may open, signed in or not.
EVERYONE_OK = {p: "ok" for p in PERSONAS}


def _staff_training_kwargs(world):
    from pps.training.records import staff_training_record

    staff, coordinator = world["users"]["staff"], world["users"]["coordinator"]
    training = staff_training_record(
        staff_member=staff, by=coordinator, completed_on=coordinator.date_joined.date()
    )
    return {"user_id": staff.pk, "training_id": training.pk}


def _parent_kwargs(world):
    return {"case_id": world["case"].pk, "parent_id": world["case"].parents.first().pk}


def _a_child(world):
    from cases.services import child_add

    case = world["case"]
    return case.children.first() or child_add(
        case=case, by=world["users"]["staff"], given_name="Ianthe", family_name="Quillfeather"
    )


def _child_kwargs(world):
    return {"case_id": world["case"].pk, "child_id": _a_child(world).pk}


def _child_information_kwargs(world):
    from cases.family.services import child_information_add

    item = child_information_add(
        child=_a_child(world),
        by=world["users"]["staff"],
        kind="sen_need",
        source="case_file",
        text="From the school's SEN register",
    )
    return {"case_id": world["case"].pk, "item_id": item.pk}


FAMILY_FORM_POST = {**CASE_WORKERS_RECORD, "staff": "invalid", "coordinator": "invalid"}
FAMILY_REMOVAL = row("denied", coordinator="redirect", other_service_coordinator="redirect")


def _child_information_document_kwargs(world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from cases.family.services import child_information_document_attach
    from cases.models import ChildInformation

    item_kwargs = _child_information_kwargs(world)
    document = child_information_document_attach(
        item=ChildInformation.objects.get(pk=item_kwargs["item_id"]),
        uploaded_file=SimpleUploadedFile("scan.png", b"\x89PNG\r\n\x1a\nscan"),
        description="School report",
        by=world["users"]["staff"],
    )
    return {"case_id": world["case"].pk, "document_id": document.pk}


def _letter_kwargs(world):
    from cases.letters.services import letter_send

    case = world["case"]
    letter = letter_send(
        case=case,
        parent=case.parents.first(),
        kind="acknowledgement",
        method="post",
        details={},
        by=world["users"]["staff"],
    )
    return {"case_id": case.pk, "letter_id": letter.pk}


def _statement_kwargs(world):
    from cases.letters.services import privacy_statement_send

    case = world["case"]
    sent = privacy_statement_send(
        parent=case.parents.first(), method="post", by=world["users"]["staff"]
    )
    return {"case_id": case.pk, "statement_id": sent.pk}


def _study_kwargs(world, signed_off=False):
    from cases.case_studies.services import case_study_prepare, case_study_sign_off

    coordinator = world["users"]["coordinator"]
    study = case_study_prepare(case=world["case"], by=coordinator)
    if signed_off:
        case_study_sign_off(study=study, by=coordinator)
    return {"case_id": world["case"].pk, "study_id": study.pk}


MATRIX = {
    # Each role's home (CAS-4): staff and coordinators' work; administrators go to
    # the administration home, volunteers to their cases.
    "home": ("get", None, row("redirect", **{p: "ok" for p in CASE_WORKER_PERSONAS})),
    "administration": ("get", None, row("denied", admin="ok")),
    # The whole list behind each section of the home page: the user's own work
    # for staff and coordinators; the service-wide sections for coordinators.
    **{
        f"work:{key}": ("get", None, CASE_WORKERS_ANY_SERVICE)
        for key in ("my-cases", "tasks", "consent-reviews", "requests-due", "statements")
    },
    **{
        f"work:{key}": ("get", None, COORDINATOR_ONLY_PAGE)
        for key in (
            "unassigned",
            "overrides-waiting",
            "volunteers",
            "staff-training",
            "breaches-due",
            "paper-files",
        )
    },
    "login": (
        "get+post",
        None,
        row("redirect", anonymous="ok", inactive="ok"),
        row("redirect", anonymous="ok", inactive="ok"),
    ),
    "logout": ("post", None, {p: "login" for p in PERSONAS}),
    "keepalive": ("post", None, row("no content")),
    # /healthz (OPS-4): the same 200 for every persona and for no one signed in,
    # answered before the session, sign-in, 2FA and policy middleware.
    "health": ("get", None, {p: "ok" for p in PERSONAS}),
    # Who changed what (SEC-3): administrators only, like the other administration
    # screens; each sees only their own service's changes.
    "changes": ("get", None, row("denied", admin="ok")),
    "cases:list": ("get", None, row("ok", admin="denied")),
    # An empty search goes back to the list.
    "cases:search": ("post", None, row("redirect", admin="denied")),
    "cases:detail": (
        "get",
        CASE,
        row(
            "hidden",
            staff="ok",
            coordinator="ok",
            volunteer="ok",
            admin="denied",
        ),
    ),
    # The case record's sections: consent and linked enquiries as the summary;
    # letters and safeguarding for staff and coordinators only (as their panels were).
    "cases:section_consent": (
        "get",
        CASE,
        row("hidden", staff="ok", coordinator="ok", volunteer="ok", admin="denied"),
    ),
    "cases:section_referrals": (
        "get",
        CASE,
        row("hidden", staff="ok", coordinator="ok", volunteer="ok", admin="denied"),
    ),
    "cases:section_letters": ("get", CASE, CASE_WORKERS_RECORD),
    "cases:section_safeguarding": ("get", CASE, CASE_WORKERS_RECORD),
    "cases:access_log": ("get", CASE, COORDINATOR_ONLY_RECORD),
    "cases:volunteers": ("get", CASE, COORDINATOR_ONLY_RECORD),
    "cases:volunteer_assign": (
        "post",
        CASE,
        row("denied", coordinator="invalid", other_service_coordinator="hidden"),
    ),
    "cases:volunteer_unassign": (
        "post",
        lambda w: {"case_id": w["case"].pk, "assignment_id": w["assignment"].pk},
        row("denied", coordinator="redirect", other_service_coordinator="hidden"),
    ),
    "policy:acknowledge": (
        "get+post",
        None,
        row("ok", admin="denied"),
        row("invalid", admin="denied"),
    ),
    "policy:manage": ("get", None, COORDINATOR_ONLY_PAGE),
    "policy:publish": (
        "get+post",
        None,
        COORDINATOR_ONLY_PAGE,
        row("denied", coordinator="invalid", other_service_coordinator="invalid"),
    ),
    "policy:detail": ("get", lambda w: {"policy_id": w["policy"].pk}, COORDINATOR_ONLY_RECORD),
    "volunteers:list": ("get", None, COORDINATOR_ONLY_PAGE),
    "volunteers:detail": (
        "get",
        lambda w: {"user_id": w["volunteer"].pk},
        COORDINATOR_ONLY_RECORD,
    ),
    "volunteers:agreement_add": (
        "get+post",
        lambda w: {"user_id": w["volunteer"].pk},
        COORDINATOR_ONLY_RECORD,
        row("denied", coordinator="invalid", other_service_coordinator="hidden"),
    ),
    "volunteers:training_add": (
        "get+post",
        lambda w: {"user_id": w["volunteer"].pk},
        COORDINATOR_ONLY_RECORD,
        row("denied", coordinator="invalid", other_service_coordinator="hidden"),
    ),
    # Staff data-protection and FOI training (GOV-1): the service's coordinators
    # only; nothing of it for volunteers or administrators.
    "training:list": ("get", None, COORDINATOR_ONLY_PAGE),
    "training:detail": (
        "get",
        lambda w: {"user_id": w["users"]["staff"].pk},
        COORDINATOR_ONLY_RECORD,
    ),
    "training:add": (
        "get+post",
        lambda w: {"user_id": w["users"]["staff"].pk},
        COORDINATOR_ONLY_RECORD,
        row("denied", coordinator="invalid", other_service_coordinator="hidden"),
    ),
    "training:correct": (
        "get+post",
        _staff_training_kwargs,
        COORDINATOR_ONLY_RECORD,
        row("denied", coordinator="invalid", other_service_coordinator="hidden"),
    ),
    "volunteers:agreement_download": (
        "get",
        lambda w: {"user_id": w["volunteer"].pk, "agreement_id": w["agreement"].pk},
        COORDINATOR_ONLY_RECORD,
    ),
    "access_log:denied": ("get", None, COORDINATOR_ONLY_PAGE),
    # The helpline. Empty POSTs are invalid forms, shown again with
    # their errors (200); nothing is saved.
    "helpline:start": ("get", None, HELPLINE_WORKERS),
    "helpline:matches": ("post", None, HELPLINE_WORKERS),
    "helpline:voicemail_list": ("get", None, HELPLINE_WORKERS),
    **{
        name: ("get+post", None, HELPLINE_WORKERS, HELPLINE_WORKERS)
        for name in [
            "helpline:anonymous",
            "helpline:caller",
            "helpline:referral",
            "helpline:voicemail_new",
        ]
    },
    "helpline:follow_up": ("get+post", CASE, HELPLINE_RECORD, HELPLINE_RECORD),
    "helpline:voicemail_detail": (
        "get+post",
        lambda w: {"voicemail_id": a_voicemail(w).pk},
        HELPLINE_RECORD,
        HELPLINE_RECORD,
    ),
    # Aggregate, suppressed statistics (STA-1, STA-2): staff and coordinators read
    # them; only coordinators export; volunteers and admins neither.
    "statistics:page": ("get", None, CASE_WORKERS_ANY_SERVICE),
    "statistics:export": (
        "post",
        None,
        row("denied", coordinator="redirect", other_service_coordinator="redirect"),
    ),
    # A large export prepared by the worker (OPS-2): only the coordinator who
    # asked sees or downloads it; anyone else's is "not found".
    "statistics:job": ("get", STATISTICS_JOB, COORDINATOR_ONLY_RECORD),
    "statistics:job_download": ("get", STATISTICS_JOB, COORDINATOR_ONLY_RECORD),
    # Letters and privacy statements (COM-1, COM-4): staff and coordinators only,
    # never volunteers (ACC-5) or admins (ACC-1); another service sees nothing.
    "cases:statements_due": ("get", None, CASE_WORKERS_ANY_SERVICE),
    "cases:letter_new": ("get", CASE, CASE_WORKERS_RECORD),
    "cases:letter_create": (
        "post",
        CASE,
        {**CASE_WORKERS_RECORD, "staff": "invalid", "coordinator": "invalid"},
    ),
    "cases:letter_download": ("get", _letter_kwargs, CASE_WORKERS_RECORD),
    "cases:statement_new": ("get", _parent_kwargs, CASE_WORKERS_RECORD),
    "cases:statement_send": (
        "post",
        _parent_kwargs,
        {**CASE_WORKERS_RECORD, "staff": "invalid", "coordinator": "invalid"},
    ),
    "cases:statement_download": ("get", _statement_kwargs, CASE_WORKERS_RECORD),
    # Training case studies (COM-6): coordinators only.
    "cases:case_study_new": ("post", CASE, {**COORDINATOR_ONLY_RECORD, "coordinator": "redirect"}),
    "cases:case_study": ("get", _study_kwargs, COORDINATOR_ONLY_RECORD),
    "cases:case_study_edit": (
        "post",
        _study_kwargs,
        {**COORDINATOR_ONLY_RECORD, "coordinator": "invalid"},
    ),
    "cases:case_study_sign_off": (
        "post",
        _study_kwargs,
        {**COORDINATOR_ONLY_RECORD, "coordinator": "invalid"},
    ),
    "cases:case_study_download": (
        "get",
        lambda w: _study_kwargs(w, signed_off=True),
        COORDINATOR_ONLY_RECORD,
    ),
    # Editing a case (SEC-4: a concurrent edit is a conflict). An empty POST is
    # a form shown again with its errors.
    "cases:edit": ("get+post", CASE, CASE_WORKERS_RECORD, CASE_WORKERS_RECORD),
    # The family on the case (CAS-1, CAS-2): staff and coordinators add and
    # correct; empty POSTs are forms shown again with their errors. Removing a
    # person is for coordinators, after confirming who they are (sudo, a redirect).
    **{
        name: ("get+post", kwargs, CASE_WORKERS_RECORD, FAMILY_FORM_POST)
        for name, kwargs in [
            ("cases:parent_add", CASE),
            ("cases:parent_edit", _parent_kwargs),
            ("cases:child_add", CASE),
            ("cases:child_edit", _child_kwargs),
            ("cases:child_information_add", _child_kwargs),
            ("cases:child_information_edit", _child_information_kwargs),
            ("cases:child_information_end", _child_information_kwargs),
            # Documents on an item: the list and the upload form.
            ("cases:child_information_documents", _child_information_kwargs),
        ]
    },
    # Downloading one: staff and coordinators; volunteers take nothing away (ACC-5).
    "cases:child_information_document_download": (
        "get",
        _child_information_document_kwargs,
        CASE_WORKERS_RECORD,
    ),
    **{
        name: ("get+post", kwargs, FAMILY_REMOVAL, FAMILY_REMOVAL)
        for name, kwargs in [
            ("cases:parent_remove", _parent_kwargs),
            ("cases:child_remove", _child_kwargs),
            ("cases:child_information_document_remove", _child_information_document_kwargs),
        ]
    },
    # Sign-in security (pps/security). Personas here are fully signed in, so the
    # steps of signing in send them on; the dangerous changes first ask them to
    # confirm who they are (sudo), which is a redirect.
    "security:verify": ("get+post", None, row("redirect"), row("redirect")),
    "security:recover": ("get+post", None, row("redirect"), row("redirect")),
    "security:setup": ("get+post", None, row("redirect"), row("redirect")),
    "security:recovery_codes": ("get", None, row("redirect")),
    "security:account": ("get", None, row("ok")),
    "security:new_recovery_codes": ("post", None, row("redirect")),
    "security:reset_authenticator": ("post", None, row("redirect")),
    "security:end_other_sessions": ("post", None, row("redirect")),
    "security:sudo": ("get+post", None, row("ok"), row("ok")),
    "security:password_change": ("get+post", None, row("ok"), row("ok")),
    "security:password_reset": ("get+post", None, EVERYONE_OK, EVERYONE_OK),
    "security:password_reset_done": ("get", None, EVERYONE_OK),
    "security:password_reset_confirm": (
        "get+post",
        lambda w: {"uidb64": "MQ", "token": "not-a-token"},
        EVERYONE_OK,
        EVERYONE_OK,
    ),
    "security:password_reset_complete": ("get", None, EVERYONE_OK),
}


# Tasks (CAS-5): staff and coordinators of the case's service only; volunteers own
# no tasks (ACC-3) and administrators read no case content (ACC-1). Empty POSTs
# are forms shown again with their errors; done and cancel act and go back.
def _task_kwargs(world):
    from cases.tasks.services import task_create

    case = world["case"]
    task = task_create(
        case=case, by=world["users"]["staff"], due_at=case.created_at, note="Call back."
    )
    return {"case_id": case.pk, "task_id": task.pk}


CASE_WORKERS_FORM = {**CASE_WORKERS_RECORD, "staff": "invalid", "coordinator": "invalid"}
CASE_WORKERS_ACTION = {**CASE_WORKERS_RECORD, "staff": "redirect", "coordinator": "redirect"}
MATRIX.update(
    {
        "tasks:list": ("get", CASE, CASE_WORKERS_RECORD),
        "tasks:add": ("post", CASE, CASE_WORKERS_FORM),
        "tasks:done": ("post", _task_kwargs, CASE_WORKERS_ACTION),
        "tasks:cancel": ("post", _task_kwargs, CASE_WORKERS_ACTION),
        "tasks:reassign": ("get+post", _task_kwargs, CASE_WORKERS_RECORD, CASE_WORKERS_FORM),
        # Closing (CAS-3): staff or a coordinator. Reopening: a coordinator, who first
        # confirms who they are (sudo), a redirect.
        "closing:close": ("get+post", CASE, CASE_WORKERS_RECORD, CASE_WORKERS_FORM),
        # A case's paper file (GOV-8): staff and coordinators, through the case's
        # access rules; empty POSTs are the forms again with their errors.
        "paper:section": ("get", CASE, CASE_WORKERS_RECORD),
        "paper:location": ("get+post", CASE, CASE_WORKERS_RECORD, CASE_WORKERS_FORM),
        "paper:shredded": ("get+post", CASE, CASE_WORKERS_RECORD, CASE_WORKERS_FORM),
        "closing:reopen": (
            "get+post",
            CASE,
            row("denied", coordinator="redirect", other_service_coordinator="redirect"),
            row("denied", coordinator="redirect", other_service_coordinator="redirect"),
        ),
    }
)


# Consent and sharing (CON-1 to CON-8): staff and coordinators only; volunteers see
# the decision in force on the case page and download nothing (ACC-5).
def _consent_kwargs(extra=None):
    def build(w):
        from consent.models import ConsentDecision, SharingEvent
        from consent.sharing import sharing_record
        from tests.consent.helpers import attach_scan, record

        case, staff = w["case"], w["users"]["staff"]
        kwargs = {"case_id": case.pk}
        if extra == "decision_id":
            kwargs["decision_id"] = ConsentDecision.objects.filter(case=case).first().pk
        elif extra == "form_id":
            kwargs["form_id"] = attach_scan(record(case, staff, how="in_person"), staff).pk
        elif extra == "event_id":
            kwargs["event_id"] = SharingEvent.objects.filter(case=case).first().pk
        elif extra == "letter_id":
            kwargs["event_id"] = sharing_record(
                case=case,
                kind="letter_to_third_party",
                recipient_role="school_senco",
                party="SENCO",
                what="Dear SENCO",
                by=staff,
            ).pk
        return kwargs

    return build


CASE_WORKERS_ONLY = row(
    "denied",
    staff="ok",
    coordinator="ok",
    other_service_staff="hidden",
    other_service_coordinator="hidden",
)
MATRIX.update(
    {
        "consent:reviews": ("get", None, HELPLINE_WORKERS),
        **{
            f"consent:{name}": (method, _consent_kwargs(extra), CASE_WORKERS_ONLY)
            for name, method, extra in [
                ("timeline", "get", None),
                ("record", "get", None),
                # Empty POSTs are invalid forms, shown again with errors (200).
                ("record_save", "post", None),
                ("review", "get", None),
                ("review_save", "post", None),
                ("withdraw", "get", None),
                ("withdraw_save", "post", None),
                ("form_pdf", "get", "decision_id"),
                ("signed_form", "get", "decision_id"),
                ("signed_form_save", "post", "decision_id"),
                ("signed_form_download", "get", "form_id"),
                ("share", "get", None),
                ("share_save", "post", None),
                ("letter", "get", None),
                ("letter_save", "post", None),
                ("sharing_event", "get", "event_id"),
                ("letter_pdf", "get", "letter_id"),
            ]
        },
    }
)

# Retention (RET-1 to RET-4): administrators run the schedule, the archive and the
# purge; coordinators and administrators manage legal holds; staff and
# coordinators see and set a case's categories. POSTs carry no data, so forms
# answer "invalid"; the archive button and lifting a hold act and redirect.
ADMIN_PAGE = row("denied", admin="ok")
ADMIN_FORM = row("denied", admin="invalid")
HOLD_MANAGERS = row("denied", admin="ok", coordinator="ok", other_service_coordinator="ok")
CASE_RETENTION = row(
    "denied", staff="ok", coordinator="ok", other_service_staff="hidden",
    other_service_coordinator="hidden",
)  # fmt: skip


def a_category(world):
    from retention.schedule import retention_categories_for

    return retention_categories_for(world["service"])[0]


def a_purge_run(world):
    from retention.models import PurgeRun

    return PurgeRun.objects.create(service=world["service"], method="screen")


def a_hold(world):
    from retention.models import LegalHold
    from retention.services import legal_hold_place

    # On the second case, so lifting it changes nothing about the main one.
    case = world["other_case"]
    return LegalHold.objects.filter(case=case, lifted_at=None).first() or legal_hold_place(
        case=case, reason="complaint", by=world["users"]["coordinator"]
    )


MATRIX.update(
    {
        "retention:dashboard": ("get", None, ADMIN_PAGE),
        "retention:categories": ("get", None, ADMIN_PAGE),
        "retention:category_new": ("get", None, ADMIN_PAGE),
        "retention:category_create": ("post", None, ADMIN_FORM),
        "retention:category_edit": (
            "get",
            lambda w: {"category_id": a_category(w).pk},
            ADMIN_PAGE,
        ),
        "retention:category_update": (
            "post",
            lambda w: {"category_id": a_category(w).pk},
            ADMIN_FORM,
        ),
        "retention:settings": ("get", None, ADMIN_PAGE),
        "retention:settings_update": ("post", None, ADMIN_FORM),
        # GOV-7: the rules for records not about families; like the settings,
        # administrators of the service only, no re-authentication.
        "retention:record_rules": ("get", None, ADMIN_PAGE),
        "retention:record_rule_edit": ("get", lambda w: {"kind": "security_events"}, ADMIN_PAGE),
        "retention:record_rule_save": ("post", lambda w: {"kind": "security_events"}, ADMIN_FORM),
        "retention:archive_now": ("post", None, row("denied", admin="redirect")),
        # Purging first asks the administrator to confirm who they are (sudo).
        "retention:purge": ("get", None, row("denied", admin="redirect")),
        "retention:purge_confirm": ("post", None, row("denied", admin="redirect")),
        "retention:run": ("get", lambda w: {"run_id": a_purge_run(w).pk}, ADMIN_PAGE),
        # Restarting a purge asks the administrator to confirm who they are (sudo).
        "retention:run_restart": (
            "post",
            lambda w: {"run_id": a_purge_run(w).pk},
            row("denied", admin="redirect"),
        ),
        "retention:log": ("get", None, ADMIN_PAGE),
        # No dates given: the log page again, with the errors.
        "retention:certificate": ("get", None, row("denied", admin="invalid")),
        "retention:holds": ("get", None, HOLD_MANAGERS),
        "retention:hold_place": (
            "post",
            None,
            row(
                "denied",
                admin="invalid",
                coordinator="invalid",
                other_service_coordinator="invalid",
            ),
        ),
        "retention:hold_lift": (
            "post",
            lambda w: {"hold_id": a_hold(w).pk},
            row(
                "denied",
                admin="redirect",
                coordinator="redirect",
                other_service_coordinator="hidden",
            ),
        ),
        "retention:case": ("get", CASE, CASE_RETENTION),
        "retention:case_categories": (
            "post",
            CASE,
            {**CASE_RETENTION, "staff": "invalid", "coordinator": "invalid"},
        ),
        "retention:case_hold": (
            "post",
            CASE,
            row("denied", coordinator="invalid", other_service_coordinator="hidden"),
        ),
    }
)


# The personal data breach register (GOV-6): coordinators and administrators
# of the breach's service; another service's coordinator does not find it.
def a_breach(world):
    import datetime

    from django.utils import timezone

    from governance.models import Breach
    from governance.services import breach_record

    return Breach.objects.filter(service=world["service"]).first() or breach_record(
        service=world["service"],
        by=world["users"]["coordinator"],
        title="Northshire laptop left on a train",
        description="Encrypted laptop, recovered the next day.",
        aware_at=timezone.now() - datetime.timedelta(hours=80),
        case=world["case"],
    )


BREACH = lambda w: {"breach_id": a_breach(w).pk}  # noqa: E731
BREACH_PAGE = row("denied", admin="ok", coordinator="ok", other_service_coordinator="hidden")
BREACH_FORM_POST = row(
    "denied", admin="invalid", coordinator="invalid", other_service_coordinator="hidden"
)
BREACH_BUTTON = row(
    "denied", admin="redirect", coordinator="redirect", other_service_coordinator="hidden"
)
MATRIX.update(
    {
        "governance:list": ("get", None, HOLD_MANAGERS),
        "governance:new": (
            "get+post",
            None,
            HOLD_MANAGERS,
            row(
                "denied",
                admin="invalid",
                coordinator="invalid",
                other_service_coordinator="invalid",
            ),
        ),
        "governance:detail": ("get", BREACH, BREACH_PAGE),
        **{
            f"governance:{name}": ("get+post", BREACH, BREACH_PAGE, BREACH_FORM_POST)
            for name in ("edit", "ico", "families", "action_add")
        },
        "governance:close": ("post", BREACH, BREACH_BUTTON),
        "governance:reopen": ("post", BREACH, BREACH_BUTTON),
    }
)


# The register of system maintainers (GOV-3): administrators write it, coordinators
# read it; another service's coordinator does not find north's entries.
def a_maintainer(world):
    import datetime

    from governance.maintainers.models import Maintainer
    from governance.maintainers.services import maintainer_record

    return Maintainer.objects.filter(service=world["service"]).first() or maintainer_record(
        service=world["service"],
        by=world["users"]["admin"],
        name="Morgan Patchley",
        organisation="Northshire Council IT",
        work="Server patches and backups.",
        access_from=datetime.date(2025, 4, 1),
        undertaking_signed_on=datetime.date(2025, 4, 1),
    )


MAINTAINER = lambda w: {"maintainer_id": a_maintainer(w).pk}  # noqa: E731
MATRIX.update(
    {
        "maintainers:list": ("get", None, HOLD_MANAGERS),
        "maintainers:new": ("get+post", None, ADMIN_PAGE, ADMIN_FORM),
        "maintainers:detail": (
            "get",
            MAINTAINER,
            row("denied", admin="ok", coordinator="ok", other_service_coordinator="hidden"),
        ),
        "maintainers:edit": ("get+post", MAINTAINER, ADMIN_PAGE, ADMIN_FORM),
    }
)


# Child-protection overrides (DIS-7): staff and coordinators only. Recording an
# override and reviewing one first ask for re-authentication (sudo), a redirect
# for every persona the role gate lets through; reviewing is for coordinators.
def an_override(world):
    from disclosure.safeguarding.services import override_record

    override = override_record(
        case=world["case"],
        by=world["users"]["staff"],
        category="neglect",
        reason="The parent said the children are left alone at night.",
        recipient="social_care",
        what_was_shared="What the parent said on the call.",
        notify_coordinators=False,
    )
    return {"override_id": override.pk}


SUDO_FOR_CASE_WORKERS = row(
    "denied",
    staff="redirect",
    coordinator="redirect",
    other_service_staff="redirect",
    other_service_coordinator="redirect",
)
MATRIX.update(
    {
        "safeguarding:list": ("get", None, CASE_WORKERS_ANY_SERVICE),
        "safeguarding:detail": ("get", an_override, CASE_WORKERS_RECORD),
        "safeguarding:review": (
            "post",
            an_override,
            row("denied", coordinator="redirect", other_service_coordinator="redirect"),
        ),
        "safeguarding:override_new": ("get", CASE, SUDO_FOR_CASE_WORKERS),
        "safeguarding:override_create": ("post", CASE, SUDO_FOR_CASE_WORKERS),
        "safeguarding:non_disclosure_new": ("get", CASE, CASE_WORKERS_RECORD),
        "safeguarding:non_disclosure_create": (
            "post",
            CASE,
            {**CASE_WORKERS_RECORD, "staff": "invalid", "coordinator": "invalid"},
        ),
    }
)


# The Django admin site (users, services, topics) is checked through its index;
# only administrators get in, everyone else is sent to its sign-in page.
# Requests for information (DIS-1 to DIS-8): staff and coordinators of the case's
# service; never volunteers or administrators. Approving, refusing, releasing and
# the packs first ask who they are (sudo), a redirect; empty POSTs are forms
# shown again with their errors (200).
def _disclosure_kwargs(world):
    from tests.disclosure.helpers import log_request

    case = world["case"]
    request = case.disclosure_requests.first() or log_request(case, world["users"]["staff"])
    return {"case_id": case.pk, "request_id": request.pk}


def _release_job_kwargs(world):
    """A large release waiting for the worker (OPS-2), on north's request."""
    from disclosure.models import ReleaseJob

    kwargs = _disclosure_kwargs(world)
    request = world["case"].disclosure_requests.get(pk=kwargs["request_id"])
    job = request.release_jobs.first() or ReleaseJob.objects.create(
        request=request,
        case=request.case,
        requested_by=world["users"]["coordinator"],
        items=["summary:0"],
        expected_version=request.version,
    )
    return {**kwargs, "job_id": job.pk}


DISCLOSURE_SUDO = row(
    "denied",
    staff="redirect",
    coordinator="redirect",
    other_service_staff="redirect",
    other_service_coordinator="redirect",
)
MATRIX.update(
    {
        "disclosure:requests_due": ("get", None, CASE_WORKERS_ANY_SERVICE),
        "disclosure:approvers": (
            "get",
            None,
            row("denied", coordinator="ok", other_service_coordinator="ok", admin="ok"),
        ),
        "disclosure:approvers_save": (
            "post",
            None,
            row("denied", coordinator="ok", other_service_coordinator="ok", admin="redirect"),
        ),
        "disclosure:case_log": ("get", CASE, CASE_WORKERS_RECORD),
        "disclosure:new": ("get", CASE, CASE_WORKERS_RECORD),
        "disclosure:create": ("post", CASE, CASE_WORKERS_RECORD),
        "disclosure:detail": ("get", _disclosure_kwargs, CASE_WORKERS_RECORD),
        # A large release's progress (OPS-2): counts and a status, no pack.
        "disclosure:release_job": ("get", _release_job_kwargs, CASE_WORKERS_RECORD),
        **{
            f"disclosure:{name}": ("post", _disclosure_kwargs, CASE_WORKERS_RECORD)
            for name in ("notified_save", "answer_save", "close_save")
        },
        **{
            f"disclosure:{name}": (method, _disclosure_kwargs, DISCLOSURE_SUDO)
            for name, method in [
                ("decide", "get"),
                ("approve_save", "post"),
                ("refuse_save", "post"),
                ("release", "get"),
                ("release_save", "post"),
                ("release_preview", "post"),
                ("family_release_save", "post"),
                ("pack_download", "get"),
                ("family_pack_download", "get"),
            ]
        },
        # A decision on an older child in a parent's pack (DIS-6): coordinators
        # only, after re-authentication like the release it belongs to.
        **{
            f"disclosure:{name}": (
                method,
                _disclosure_kwargs,
                row("denied", coordinator="redirect", other_service_coordinator="redirect"),
            )
            for name, method in [("capacity", "get"), ("capacity_save", "post")]
        },
    }
)


NAMESPACE_ROWS = {
    "admin": ("get", "admin:index", {**{p: "login" for p in PERSONAS}, "admin": "ok"}),
}


def test_every_url_has_a_row():
    missing = [
        name
        for name in all_url_names()
        if name not in MATRIX and name.split(":")[0] not in NAMESPACE_ROWS
    ]
    assert missing == [], f"Add these URLs to the authorisation matrix: {missing}"


@pytest.fixture(scope="module")
def built_world(django_db_setup, django_db_blocker):
    """The world, built once for the module's few hundred tests, as Django's
    ``TestCase.setUpTestData`` does: inside a transaction on both databases that
    is rolled back after the module's last test. Each test runs in its own
    savepoint within it (pytest-django's per-test transaction), so no test sees
    another's writes."""
    databases = ("default", "keystore")
    atomics = contextlib.ExitStack()

    def roll_back():
        with django_db_blocker.unblock():
            for alias in databases:
                transaction.set_rollback(True, using=alias)
            atomics.close()

    with django_db_blocker.unblock():
        for alias in databases:
            atomics.enter_context(transaction.atomic(using=alias))
    try:
        # The world has ten users; hashing their passwords with Argon2 would
        # dominate, and these tests sign in with force_login anyway.
        with (
            django_db_blocker.unblock(),
            override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]),
        ):
            world = build_world()
        yield world
    finally:
        roll_back()


@pytest.fixture
def world(built_world):
    # A copy, so that an object one test changes in memory is fresh in the next.
    return copy.deepcopy(built_world)


def outcome_of(response) -> str:
    if response.status_code in (301, 302):
        return "login" if "/login/" in response["Location"] else "redirect"
    return {
        200: "ok",
        204: "no content",
        400: "invalid",
        403: "denied",
        404: "hidden",
        405: "wrong method",
    }.get(response.status_code, str(response.status_code))


def url_for(name, world) -> str:
    kwargs = MATRIX[name][1]
    return reverse(name, kwargs=kwargs(world) if kwargs else None)


def expectations(name, url) -> dict[str, dict[str, str]]:
    """{method: {persona: outcome}} for GET and POST, derived as the docstring says."""
    method, _, *tables = MATRIX[name]
    if method == "get+post":
        return {"get": tables[0], "post": tables[1]}
    other = "post" if method == "get" else "get"
    login_required = getattr(resolve(url).func, "login_required", True)
    # A GET of a form's ".../save/" address leads back to the form's page
    # (pps.error_pages); any other address answers the wrong method with 405.
    wrong = "redirect" if other == "get" and url.endswith("/save/") else "wrong method"
    refused = {p: ("login" if p in SIGNED_OUT and login_required else wrong) for p in PERSONAS}
    return {method: tables[0], other: refused}


def signed_in_client(user, **client_kwargs):
    client = Client(**client_kwargs)
    if user is not None:
        client.force_login(user)
    return client


def is_download(response) -> bool:
    content_type = response.get("Content-Type", "").split(";")[0]
    return "attachment" in response.get("Content-Disposition", "") or content_type not in (
        "text/html",
        "text/plain",
        "application/json",
        "",
    )


@pytest.mark.parametrize("name", list(MATRIX))
def test_acc1_acc2_acc6_matrix(world, name):
    url = url_for(name, world)
    for method, table in expectations(name, url).items():
        assert set(table) == set(PERSONAS), f"row {name} must name every persona"
        actual = {}
        for persona in PERSONAS:
            with rolled_back():
                response = getattr(signed_in_client(world["users"][persona]), method)(url)
            actual[persona] = outcome_of(response)
            body = response.content.decode("utf-8", "replace")
            if persona in OTHER_SERVICE:
                leaked = [marker for marker in NORTH_MARKERS if marker in body]
                assert leaked == [], f"{persona} {method.upper()} {name} shows {leaked}"
            if response.status_code == 200 and is_download(response):
                # ACC-5: anything that hands over a file must refuse volunteers.
                assert getattr(resolve(url).func, "no_volunteer_export", False), name
        assert actual == table, f"{method.upper()} {name}"


@pytest.mark.parametrize("name", list(NAMESPACE_ROWS))
def test_acc1_admin_site_only_for_administrators(world, name):
    method, url_name, expected = NAMESPACE_ROWS[name]
    actual = {
        persona: outcome_of(
            getattr(signed_in_client(world["users"][persona]), method)(reverse(url_name))
        )
        for persona in PERSONAS
    }
    assert actual == expected


@pytest.mark.parametrize("name", [n for n, row in MATRIX.items() if row[0] != "get"])
def test_sec4_every_post_needs_a_csrf_token(world, name):
    url = url_for(name, world)
    for persona in ("anonymous", "staff", "coordinator", "volunteer"):
        client = signed_in_client(world["users"][persona], enforce_csrf_checks=True)
        with rolled_back():
            assert client.post(url).status_code == 403, (persona, name)


# SEC-4: an id no database integer can hold is an unknown URL (404) for everyone,
# never a 500 (it used to overflow in the first query or the access log's insert).
HUGE_IDS = (2**63, 10**30)
PLACEHOLDER_ID = 987_654_321_987  # in range, and in no other part of any URL


def _id_kwargs(name) -> list[str]:
    from pps.converters import IdConverter
    from tests.url_names import all_url_patterns

    pattern = dict(all_url_patterns())[name].pattern
    return [kwarg for kwarg, c in pattern.converters.items() if isinstance(c, IdConverter)]


URLS_WITH_IDS = [name for name in MATRIX if MATRIX[name][1] is not None and _id_kwargs(name)]


def test_sec4_every_id_in_every_url_is_bounded():
    """Every URL kwarg that names a record goes through the bounded id converter."""
    from django.urls.converters import IntConverter

    from tests.url_names import all_url_patterns

    unbounded = [
        name
        for name, pattern in all_url_patterns()
        if any(isinstance(c, IntConverter) for c in pattern.pattern.converters.values())
    ]
    assert unbounded == [], f"use <id:...> in these URLs: {unbounded}"
    assert len(URLS_WITH_IDS) > 40


def huge_id_urls(world) -> list[str]:
    """Every URL with an id, once for each huge value in each of its id places."""
    urls = []
    for name in URLS_WITH_IDS:
        kwargs = MATRIX[name][1](world)
        for kwarg in _id_kwargs(name):
            template = reverse(name, kwargs={**kwargs, kwarg: PLACEHOLDER_ID})
            urls += [template.replace(str(PLACEHOLDER_ID), str(huge)) for huge in HUGE_IDS]
    return urls


# One persona a test, walking every URL: the world is built once for all of them.
@pytest.mark.parametrize("persona", PERSONAS)
def test_sec4_matrix_huge_ids_are_not_found(world, persona):
    client = signed_in_client(world["users"][persona], raise_request_exception=False)
    for url in huge_id_urls(world):
        for method in ("get", "post"):
            with rolled_back():
                status = getattr(client, method)(url).status_code
            assert status == 404, (persona, method.upper(), url, status)


def test_every_row_is_walked():
    """A row added after the walks are declared would never be collected."""
    for walk in (test_acc1_acc2_acc6_matrix, test_sec4_every_post_needs_a_csrf_token):
        walked = set(walk.pytestmark[0].args[1])
        expected = {
            n for n, r in MATRIX.items() if walk is test_acc1_acc2_acc6_matrix or r[0] != "get"
        }
        assert walked == expected, sorted(expected - walked)
