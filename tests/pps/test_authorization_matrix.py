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

CASE_WORKERS_ONLY = {
    "staff": "ok",
    "coordinator": "ok",
    "volunteer": "denied",
    "volunteer_unassigned": "denied",
    "admin": "denied",
}
CASE_WORKERS_ONLY_HIDDEN = {**SIGNED_OUT, **CASE_WORKERS_ONLY, "other_service_staff": "hidden"}
COORDINATOR_ONLY = {
    **SIGNED_OUT,
    **{p: "denied" for p in PERSONAS[2:]},
    "coordinator": "ok",
}


def _parent_kwargs(world):
    return {"case_id": world["case"].pk, "parent_id": world["case"].parents.first().pk}


def _letter_kwargs(world):
    from cases.letters import letter_send

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
    from cases.letters import privacy_statement_send

    case = world["case"]
    sent = privacy_statement_send(
        parent=case.parents.first(), method="post", by=world["users"]["staff"]
    )
    return {"case_id": case.pk, "statement_id": sent.pk}


def _study_kwargs(world, signed_off=False):
    from cases.case_study import case_study_prepare, case_study_sign_off

    coordinator = world["users"]["coordinator"]
    study = case_study_prepare(case=world["case"], by=coordinator)
    if signed_off:
        case_study_sign_off(study=study, by=coordinator)
    return {"case_id": world["case"].pk, "study_id": study.pk}


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
    # Aggregate, suppressed statistics: staff and coordinators read them; only
    # coordinators export them (STA-2); volunteers and admins neither.
    "statistics:page": (
        "get",
        None,
        {
            **SIGNED_OUT,
            "staff": "ok",
            "coordinator": "ok",
            "volunteer": "denied",
            "volunteer_unassigned": "denied",
            "admin": "denied",
            "other_service_staff": "ok",
        },
    ),
    "statistics:export": (
        "post",
        None,
        {
            **SIGNED_OUT,
            "staff": "denied",
            "coordinator": "redirect",
            "volunteer": "denied",
            "volunteer_unassigned": "denied",
            "admin": "denied",
            "other_service_staff": "denied",
        },
    ),
    # Letters and privacy statements (COM-1, COM-4): staff and coordinators only,
    # never volunteers (ACC-5) or admins (ACC-1); another service sees nothing.
    "cases:statements_due": (
        "get",
        None,
        {**SIGNED_OUT, **CASE_WORKERS_ONLY, "other_service_staff": "ok"},
    ),
    "cases:letter_new": ("get", lambda w: {"case_id": w["case"].pk}, CASE_WORKERS_ONLY_HIDDEN),
    "cases:letter_create": (
        "post",
        lambda w: {"case_id": w["case"].pk},
        {**CASE_WORKERS_ONLY_HIDDEN, "staff": "400", "coordinator": "400"},
    ),
    "cases:letter_download": ("get", lambda w: _letter_kwargs(w), CASE_WORKERS_ONLY_HIDDEN),
    "cases:statement_new": ("get", lambda w: _parent_kwargs(w), CASE_WORKERS_ONLY_HIDDEN),
    "cases:statement_send": (
        "post",
        lambda w: _parent_kwargs(w),
        {**CASE_WORKERS_ONLY_HIDDEN, "staff": "400", "coordinator": "400"},
    ),
    "cases:statement_download": ("get", lambda w: _statement_kwargs(w), CASE_WORKERS_ONLY_HIDDEN),
    # Training case studies (COM-6): coordinators only.
    "cases:case_study_new": (
        "post",
        lambda w: {"case_id": w["case"].pk},
        {**COORDINATOR_ONLY, "coordinator": "redirect"},
    ),
    "cases:case_study": ("get", lambda w: _study_kwargs(w), COORDINATOR_ONLY),
    "cases:case_study_edit": (
        "post",
        lambda w: _study_kwargs(w),
        {**COORDINATOR_ONLY, "coordinator": "400"},
    ),
    "cases:case_study_sign_off": (
        "post",
        lambda w: _study_kwargs(w),
        {**COORDINATOR_ONLY, "coordinator": "400"},
    ),
    "cases:case_study_download": (
        "get",
        lambda w: _study_kwargs(w, signed_off=True),
        COORDINATOR_ONLY,
    ),
}
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
