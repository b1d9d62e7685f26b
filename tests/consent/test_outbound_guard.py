"""Nothing leaves the service without the sharing check (CON-6).

It holds every outbound path, today's and any added later. It fails when:

1. a view (any URL in the resolver) produces a document or records a share, by
   any chain of project calls, without being marked ``@outbound_path`` (it sends
   case data out, so it must call the sharing check) or ``@internal_document``
   (it produces a document for the parent or the service's own file);
2. an outbound view has no exercise below, or its exercise, run against a case
   whose parent has refused consent, produces a document or records a share;
3. a service function records a share without being listed and exercised here;
4. anything but ``consent.sharing.sharing_record`` writes a ``SharingEvent``.

Adding an outbound path (a new kind of release, letter or export) therefore
means marking the view and adding its refused-consent exercise here.
"""

import inspect
import re
import sys
import types
from pathlib import Path

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from cases import services as case_services
from consent.forms import ShareForm
from consent.models import SharingEvent
from consent.sharing import (
    INTERNAL_DOCUMENTS,
    OUTBOUND_PATHS,
    SharingRefused,
    sharing_record,
    sharing_require,
)
from disclosure.services import disclosure_release
from pps import pdf, uploads
from tests.consent.helpers import record, refuse
from tests.two_factor import with_sudo

ROOT = Path(__file__).resolve().parents[2]
PROJECT_PACKAGES = {"pps", "cases", "consent", "disclosure", "retention"}
# Reaching any of these means "produces a document" or "records a share".
SINKS = {
    pdf.render_pdf: "renders a PDF",
    pdf.pdf_response: "serves a PDF",
    uploads.document_response: "serves a stored document",
    sharing_record: "records a share",
}


def _is_project(obj) -> bool:
    module = getattr(obj, "__module__", None) or ""
    return module.split(".")[0] in PROJECT_PACKAGES


def _code_objects(code: types.CodeType):
    yield code
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            yield from _code_objects(const)


def _references(function):
    """Objects a function's code can reach by name: globals, module attributes, closures."""
    names = {name for code in _code_objects(function.__code__) for name in code.co_names}
    scope = function.__globals__
    for name in names:
        # A global, or a module imported inside the function ("from x import y").
        target = scope.get(name, sys.modules.get(name))
        if target is None:
            continue
        yield target
        if isinstance(target, types.ModuleType):
            yield from (getattr(target, attr) for attr in names if hasattr(target, attr))
    for cell in function.__closure__ or ():
        try:
            yield cell.cell_contents
        except ValueError:  # an empty cell
            continue


def reached(start, targets: dict) -> set[str]:
    """Which ``targets`` ``start`` can reach through project code (a static call graph)."""
    found, seen, todo = set(), set(), [start]
    while todo:
        item = todo.pop()
        if id(item) in seen:
            continue
        seen.add(id(item))
        hit = [label for target, label in targets.items() if item is target]
        if hit:
            found.update(hit)
        elif isinstance(item, type) and _is_project(item):
            todo.extend(v for v in vars(item).values() if inspect.isfunction(v))
        elif inspect.isfunction(item) and _is_project(item):
            todo.append(inspect.unwrap(item))
            todo.extend(_references(item))
    return found


def sinks_reached(start) -> set[str]:
    return reached(start, SINKS)


def url_views(resolver=None, namespace=""):
    """(url name, view function) for every URL pattern."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from url_views(pattern, inner)
        elif isinstance(pattern, URLPattern):
            callback = getattr(pattern.callback, "view_class", pattern.callback)
            yield f"{namespace}{pattern.name or pattern.pattern}", callback


def qualified(view) -> str:
    view = inspect.unwrap(view)
    return f"{view.__module__}.{view.__qualname__}"


def outbound_url_names() -> list[str]:
    return sorted(name for name, view in url_views() if qualified(view) in OUTBOUND_PATHS)


def test_con6_the_call_graph_walk_finds_sinks():
    """Guard the guard: known views are seen to reach what they do."""
    from consent import sharing_views, views

    assert sinks_reached(views.form_pdf) == {"renders a PDF", "serves a PDF"}
    assert sinks_reached(sharing_views.share_save) == {"records a share"}
    assert sinks_reached(case_services.volunteer_assign) == {"records a share"}
    assert sinks_reached(views.timeline) == set()


# Documents that hold no case data at all, so consent has nothing to say about them.
NOT_CASE_DATA = {
    "volunteers:agreement_download": "a volunteer's own signed agreement with the service",
    "statistics:export": "anonymised counts with small numbers suppressed (STA-1)",
    "statistics:job_download": "the same counts, prepared by the background worker (OPS-2)",
    "cases:case_study_download": "a case study with every identifying detail removed (COM-6)",
    "retention:certificate": "a destruction log with no personal data (RET-3)",
}


def test_con6_every_view_that_sends_or_produces_documents_is_marked():
    unmarked = {
        name: sorted(reached)
        for name, view in url_views()
        if _is_project(view)
        and name not in NOT_CASE_DATA
        and (reached := sinks_reached(view))
        and qualified(view) not in OUTBOUND_PATHS
        and qualified(view) not in INTERNAL_DOCUMENTS
    }
    assert unmarked == {}, (
        "These views produce documents or record shares: mark each with "
        "@outbound_path (and call the sharing check) or @internal_document(reason): "
        f"{unmarked}"
    )


def test_con6_marked_outbound_views_really_call_the_sharing_check():
    checks = {sharing_require: "check", sharing_record: "check"}
    for name, view in url_views():
        if qualified(view) in OUTBOUND_PATHS:
            assert reached(view, checks), f"{name} is marked outbound but never checks consent"


# --- every outbound path, exercised against a refused consent ----------------


@pytest.fixture
def refused_world(case, staff, coordinator, volunteer):
    """A letter written while the parent agreed; then the parent refused."""
    full = record(case, staff, "full")
    letter = sharing_record(
        case=case,
        kind="letter_to_third_party",
        recipient_role="school_senco",
        party="SENCO, Oakfield Primary",
        what="Dear SENCO,\n\nThe parent has asked us to write about the support plan.",
        by=staff,
    )
    from tests.disclosure.helpers import approved_request, release

    # A disclosure approved, and another released, while the parent agreed.
    disclosure_approved = approved_request(case, staff, coordinator, consent=False)
    disclosure_released = approved_request(case, staff, coordinator, consent=False)
    release(disclosure_released, coordinator)
    refuse(case, staff, review_of=full)
    return {
        "case": case,
        "letter": letter,
        "disclosure_approved": disclosure_approved,
        "disclosure_released": disclosure_released,
        "volunteer": volunteer,
        "users": {"staff": staff, "coordinator": coordinator},
    }


def _share_form(kind):
    return {
        "kind": kind,
        "recipient_role": "la_sen_officer",
        "party": "SEN team, County Hall",
        "what": "The parent's concerns about the draft plan.",
    }


def _disclosure_url(name, request):
    return reverse(f"disclosure:{name}", args=[request.case_id, request.pk])


# url name -> (who does it, how); each must be refused because the parent refused.
EXERCISES = {
    "consent:share_save": (
        "staff",
        lambda client, w: client.post(
            reverse("consent:share_save", args=[w["case"].pk]), _share_form("referral_to_agency")
        ),
    ),
    "consent:letter_save": (
        "staff",
        lambda client, w: client.post(
            reverse("consent:letter_save", args=[w["case"].pk]),
            {"recipient_role": "school_senco", "party": "SENCO", "what": "Dear SENCO"},
        ),
    ),
    "consent:letter_pdf": (
        "staff",
        lambda client, w: client.get(
            reverse("consent:letter_pdf", args=[w["case"].pk, w["letter"].pk]), follow=True
        ),
    ),
    "disclosure:release_save": (
        "coordinator",
        lambda client, w: client.post(
            _disclosure_url("release_save", w["disclosure_approved"]),
            {"version": w["disclosure_approved"].version, "items": ["summary:0"]},
        ),
    ),
    "disclosure:release_preview": (
        "coordinator",
        lambda client, w: client.post(
            _disclosure_url("release_preview", w["disclosure_approved"]),
            {"version": w["disclosure_approved"].version, "items": ["summary:0"]},
        ),
    ),
    "disclosure:pack_download": (
        "coordinator",
        lambda client, w: client.get(
            _disclosure_url("pack_download", w["disclosure_released"]), follow=True
        ),
    ),
    "cases:volunteer_assign": (
        "coordinator",
        lambda client, w: client.post(
            reverse("cases:volunteer_assign", args=[w["case"].pk]),
            {"volunteer": w["volunteer"].pk},
        ),
    ),
}


def test_con6_every_outbound_view_has_a_refused_consent_exercise():
    names = outbound_url_names()
    assert names, "no outbound views found: the registry is not being filled"
    assert set(names) == set(EXERCISES), (
        f"outbound views without an exercise: {set(names) - set(EXERCISES)}; "
        f"exercises for views no longer outbound: {set(EXERCISES) - set(names)}"
    )


@pytest.mark.parametrize("name", sorted(EXERCISES))
def test_con6_outbound_views_refuse_when_the_parent_refused(refused_world, client_for, name):
    before = SharingEvent.objects.count()
    persona, exercise = EXERCISES[name]
    client = with_sudo(client_for(refused_world["users"][persona]))
    response = exercise(client, refused_world)
    assert response.status_code in (200, 400)  # the form again, with the reason
    assert "attachment" not in response.get("Content-Disposition", "")
    assert response["Content-Type"].startswith("text/html")
    assert "The parent refused consent on" in response.content.decode()
    assert SharingEvent.objects.count() == before


@pytest.mark.parametrize("kind", [kind for kind, _ in ShareForm.KINDS])
def test_con6_every_kind_of_share_is_checked(refused_world, client_for, kind):
    response = client_for(refused_world["users"]["staff"]).post(
        reverse("consent:share_save", args=[refused_world["case"].pk]), _share_form(kind)
    )
    assert "The parent refused consent on" in response.content.decode()
    assert SharingEvent.objects.filter(kind=kind).count() == 0


# --- services ------------------------------------------------------------------

# Service functions that record a share, each with a refused-consent exercise.
SERVICE_EXERCISES = {
    "disclosure.services.disclosure_release": lambda w, volunteer: disclosure_release(
        disclosure=w["disclosure_approved"],
        by=w["users"]["coordinator"],
        expected_version=w["disclosure_approved"].version,
        items=["summary:0"],
    ),
    "cases.services.volunteer_assign": lambda w, volunteer: case_services.volunteer_assign(
        case=w["case"], volunteer=volunteer, by=w["users"]["coordinator"]
    ),
}


def _service_functions():
    import importlib

    for path in sorted(ROOT.glob("*/services.py")) + sorted(ROOT.glob("*/*/services.py")):
        module_name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
        if module_name.split(".")[0] not in PROJECT_PACKAGES:
            continue
        module = importlib.import_module(module_name)
        for name, function in vars(module).items():
            if inspect.isfunction(function) and function.__module__ == module_name:
                yield f"{module_name}.{name}", function


def test_con6_every_service_that_shares_is_listed():
    sharing = {name for name, fn in _service_functions() if "records a share" in sinks_reached(fn)}
    assert sharing == set(SERVICE_EXERCISES)


@pytest.mark.parametrize("name", sorted(SERVICE_EXERCISES))
def test_con8_sharing_services_refuse_when_the_parent_refused(refused_world, volunteer, name):
    before = SharingEvent.objects.count()
    with pytest.raises(SharingRefused, match="refused consent"):
        SERVICE_EXERCISES[name](refused_world, volunteer)
    assert SharingEvent.objects.count() == before
    assert not refused_world["case"].volunteer_assignments.exists()


WRITES = re.compile(
    r"(?<!class )\bSharingEvent\s*\(|SharingEvent\.objects\.(create|bulk_create|get_or_create|update_or_create)"
    r"|sharing_events\.(create|bulk_create|get_or_create|update_or_create)"
)


def test_con6_only_sharing_record_writes_sharing_events():
    writers = []
    for package in PROJECT_PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            for number, line in enumerate(path.read_text().splitlines(), start=1):
                if WRITES.search(line):
                    writers.append(f"{path.relative_to(ROOT)}:{number}")
    assert len(writers) == 1 and writers[0].startswith("consent/sharing.py"), writers
