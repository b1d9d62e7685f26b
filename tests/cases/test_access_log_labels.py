"""Each access-log entry says in plain words what was opened or refused (ACC-7).

The log stores a code name and an id; coordinators read words. Every code name
the source records has a label, and a refusal of a page about a case (its
access log) does not read as a refusal of the case.
"""

import ast
import re
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.urls import reverse

from cases.access_log.labels import OBJECT_LABELS
from pps.access_log import record_listing

ROOT = Path(settings.BASE_DIR)
SKIP = {"tests", "migrations", "node_modules", "benchmarks"}
# Functions that pass ``object_type`` through from their caller (checked there).
PASS_THROUGH = {"record_access", "logged_or_404", "record_listing", "_insert"}
# Functions whose records are logged under the model's name (read from their
# second argument, the queryset).
BY_MODEL = {"get_on_visible_case"}


def _source_files():
    for path in ROOT.rglob("*.py"):
        parts = set(path.relative_to(ROOT).parts)
        if not parts & SKIP and ".venv" not in parts:
            yield path


def _models_named(node, assignments) -> set[str]:
    """The model names a queryset expression starts from (``Letter.objects...``),
    following a local variable (``documents = ChildInformationDocument.objects...``)."""
    by_class = {model.__name__: model._meta.model_name for model in apps.get_models()}
    found = set()
    for name in (n.id for n in ast.walk(node) if isinstance(n, ast.Name)):
        if name in by_class:
            found.add(by_class[name])
        for value in assignments.get(name, ()):
            found |= _models_named(value, {})
    return found


def recorded_object_types() -> tuple[set[str], list[str]]:
    """Every object type the source records, and the call sites it cannot read."""
    types, unread = set(), []
    by_class = {model.__name__: model._meta.model_name for model in apps.get_models()}
    for path in _source_files():
        tree = ast.parse(path.read_text(), filename=str(path))
        assignments: dict[str, list[ast.AST]] = {}
        for node in ast.walk(tree):
            if isinstance(node, ast.Assign):
                for target in node.targets:
                    if isinstance(target, ast.Name):
                        assignments.setdefault(target.id, []).append(node.value)
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            func = getattr(node.func, "id", getattr(node.func, "attr", ""))
            if func in BY_MODEL and len(node.args) >= 2:
                models = _models_named(node.args[1], assignments)
                types |= models
                if not models:
                    unread.append(f"{path}:{node.lineno}")
            for keyword in node.keywords:
                if keyword.arg != "object_type":
                    continue
                value = keyword.value
                if isinstance(value, ast.Constant):
                    types.add(value.value)
                elif (
                    isinstance(value, ast.Attribute)
                    and value.attr == "model_name"
                    and isinstance(value.value, ast.Attribute)
                    and isinstance(value.value.value, ast.Name)
                    and value.value.value.id in by_class
                ):
                    types.add(by_class[value.value.value.id])
                elif isinstance(value, ast.Name) and value.id == "object_type":
                    # Passed through, or chosen just above from string constants.
                    types |= _assigned_object_types(tree)
                elif func not in PASS_THROUGH and not (
                    isinstance(value, ast.Attribute) and value.attr == "model_name"
                ):
                    unread.append(f"{path}:{node.lineno}")
    return types, unread


def _assigned_object_types(tree) -> set[str]:
    """String constants assigned to a local ``object_type`` (also in a tuple)."""
    types = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Assign):
            continue
        for target in node.targets:
            if isinstance(target, ast.Name) and target.id == "object_type":
                if isinstance(node.value, ast.Constant):
                    types.add(node.value.value)
            elif isinstance(target, ast.Tuple) and isinstance(node.value, ast.Tuple):
                for name, value in zip(target.elts, node.value.elts, strict=False):
                    if (
                        isinstance(name, ast.Name)
                        and name.id == "object_type"
                        and isinstance(value, ast.Constant)
                    ):
                        types.add(value.value)
    return types


def test_acc7_every_recorded_object_type_has_a_plain_label(db):
    types, unread = recorded_object_types()
    assert not unread, f"object_type the test cannot read (name it as a constant): {unread}"
    # The scan finds the known ones, so it is reading the source at all.
    assert {"case", "case_page", "page", "letter", "childprotectionoverride"} <= types
    missing = sorted(types - set(OBJECT_LABELS))
    assert not missing, f"object types without a label in cases/access_log/labels.py: {missing}"
    for label in OBJECT_LABELS.values():
        assert label == label.lower() and "_" not in label


def _rows(response) -> list[str]:
    text = re.sub(r"\s+", " ", response.content.decode())
    return text.split("<tbody")[1].split("</tbody>")[0].split("<tr")[1:]


def test_acc7_a_refused_access_log_page_says_it_was_the_access_log(
    staff, coordinator, case, client_for
):
    """Staff may open the case but not its access log: the refusal says the log."""
    assert client_for(staff).get(reverse("cases:detail", args=[case.pk])).status_code == 200
    url = reverse("cases:access_log", args=[case.pk])
    assert client_for(staff).get(url).status_code == 403

    rows = _rows(client_for(coordinator).get(url))
    refused = [row for row in rows if "Refused</strong>" in row]
    assert len(refused) == 1
    assert f"Refused: the access log of case {case.reference}" in refused[0]
    assert f"Viewed: case {case.reference}" not in refused[0]
    assert any(f"Viewed: case {case.reference}" in row for row in rows)


def test_acc7_a_listed_override_reads_in_words(staff, coordinator, case, client_for):
    """ "Listed in results: Childprotectionoverride 1" named the model and a case id."""
    record_listing(staff, object_type="childprotectionoverride", case_ids=[case.pk])

    rows = _rows(client_for(coordinator).get(reverse("cases:access_log", args=[case.pk])))
    listed = [row for row in rows if "Listed in results" in row]
    assert len(listed) == 1
    assert f"Listed in results: the child-protection override of case {case.reference}" in listed[0]
    assert "Childprotectionoverride" not in listed[0]
