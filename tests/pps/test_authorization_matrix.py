"""Every URL, every role (ACC-1, ACC-2, ACC-6).

The table below must name every URL the resolver knows; a new URL without a row
fails ``test_every_url_has_a_row``. Expected outcomes:
``ok`` 200, ``login`` redirect to sign-in, ``redirect`` any other redirect,
``denied`` 403 (a role that may not use the page), ``hidden`` 404 (a record the
user may not see, indistinguishable from a missing one).
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.factories import make_user

PERSONAS = [
    "anonymous",
    "inactive",
    "staff",
    "coordinator",
    "volunteer",
    "volunteer_unassigned",
    "admin",
    "other_service_staff",
]
SIGNED_IN_CASE_READERS = {
    p: "ok"
    for p in ["staff", "coordinator", "volunteer", "volunteer_unassigned", "other_service_staff"]
}
SIGNED_OUT = {"anonymous": "login", "inactive": "login"}

# url name -> (method, kwargs builder, {persona: outcome})
MATRIX = {
    "home": ("get", None, {**SIGNED_OUT, **{p: "redirect" for p in PERSONAS[2:]}}),
    "login": (
        "get",
        None,
        {"anonymous": "ok", "inactive": "ok", **{p: "redirect" for p in PERSONAS[2:]}},
    ),
    "logout": ("post", None, {p: "login" for p in PERSONAS}),
    "keepalive": ("post", None, {**SIGNED_OUT, **{p: "no content" for p in PERSONAS[2:]}}),
    "health": ("get", None, {p: "ok" for p in PERSONAS}),
    "cases:list": ("get", None, {**SIGNED_OUT, **SIGNED_IN_CASE_READERS, "admin": "denied"}),
    "cases:detail": (
        "get",
        lambda w: {"case_id": w["case"].pk},
        {
            **SIGNED_OUT,
            "staff": "ok",
            "coordinator": "ok",
            "volunteer": "ok",
            "volunteer_unassigned": "hidden",
            "admin": "denied",
            "other_service_staff": "hidden",
        },
    ),
}


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


CASE_WORKERS_ONLY = {
    **SIGNED_OUT,
    "staff": "ok",
    "coordinator": "ok",
    "volunteer": "denied",
    "volunteer_unassigned": "denied",
    "admin": "denied",
    "other_service_staff": "hidden",
}
MATRIX.update(
    {
        "consent:reviews": (
            "get",
            None,
            {**CASE_WORKERS_ONLY, "other_service_staff": "ok"},
        ),
        **{
            f"consent:{name}": (method, _consent_kwargs(extra), CASE_WORKERS_ONLY)
            for name, method, extra in [
                ("timeline", "get", None),
                ("record", "get", None),
                ("record_save", "post", None),  # empty form: errors shown, nothing saved
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

# The Django admin site (users, services, topics) is checked through its index;
# only administrators get in, everyone else is sent to its sign-in page.
NAMESPACE_ROWS = {
    "admin": ("get", "admin:index", {**{p: "login" for p in PERSONAS}, "admin": "ok"}),
}


def all_url_names(resolver=None, namespace=""):
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from all_url_names(pattern, inner)
        elif isinstance(pattern, URLPattern):
            yield (
                f"{namespace}{pattern.name}"
                if pattern.name
                else f"{namespace}<unnamed {pattern.pattern}>"
            )


def test_every_url_has_a_row():
    missing = [
        name
        for name in all_url_names()
        if name not in MATRIX and name.split(":")[0] not in NAMESPACE_ROWS
    ]
    assert missing == [], f"Add these URLs to the authorisation matrix: {missing}"


@pytest.fixture
def world(
    service,
    staff,
    coordinator,
    volunteer,
    volunteer_unassigned,
    admin_user,
    other_service_staff,
    assigned_case,
):
    inactive = make_user(service, "staff", "inactive")
    inactive.is_active = False
    inactive.save()
    return {
        "case": assigned_case,
        "users": {
            "anonymous": None,
            "inactive": inactive,
            "staff": staff,
            "coordinator": coordinator,
            "volunteer": volunteer,
            "volunteer_unassigned": volunteer_unassigned,
            "admin": admin_user,
            "other_service_staff": other_service_staff,
        },
    }


def outcome_of(response) -> str:
    if response.status_code == 200:
        return "ok"
    if response.status_code in (301, 302):
        return "login" if "/login/" in response["Location"] else "redirect"
    return {204: "no content", 403: "denied", 404: "hidden", 405: "wrong method"}.get(
        response.status_code, str(response.status_code)
    )


def rows():
    for name, (method, kwargs, expected) in MATRIX.items():
        yield name, method, kwargs, expected
    for _, (method, name, expected) in NAMESPACE_ROWS.items():
        yield name, method, None, expected


@pytest.mark.parametrize(
    ("name", "method", "kwargs", "expected"),
    list(rows()),
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_acc1_acc2_acc6_matrix(world, client_for, name, method, kwargs, expected):
    assert set(expected) == set(PERSONAS), f"row {name} must name every persona"
    url = reverse(name, kwargs=kwargs(world) if kwargs else None)
    actual = {}
    for persona in PERSONAS:
        client = client_for(world["users"][persona])
        actual[persona] = outcome_of(getattr(client, method)(url))
    assert actual == expected


@pytest.mark.parametrize(
    "name", [n for n, row in MATRIX.items() if row[0] == "get" and n != "login"]
)
def test_sec4_read_only_pages_refuse_post(world, client_for, name):
    _, kwargs, _ = MATRIX[name]
    url = reverse(name, kwargs=kwargs(world) if kwargs else None)
    assert client_for(world["users"]["staff"]).post(url).status_code == 405
