"""Views read family information only through the areas' ``access.py`` (ACC-6, ACC-7).

Every view module's source is parsed and any direct ORM read of a protected
model fails the test: ``get_object_or_404``/``get_list_or_404`` on one (or on a
related manager), ``<Model>.objects`` / ``_base_manager`` / ``_default_manager``,
and ``<related manager>.get/filter(pk=...)`` through a case's reverse accessor
(``case.letters.filter(pk=...)``). The permission-checked, logged fetch in the
area's ``access.py`` is the one way in.

The protected models are derived from the models, not kept by hand: the case,
every model with a foreign key (at any depth) to a protected model, and their
history tables.
"""

import ast
from pathlib import Path

from django.apps import apps
from django.conf import settings

from cases.models import Case

AREAS = ("pps", "cases", "consent", "disclosure", "retention")
SHORTCUTS = {"get_object_or_404", "get_list_or_404"}
MANAGERS = {"objects", "_base_manager", "_default_manager"}
SINGLE_READS = {"get", "filter", "exclude", "in_bulk", "get_or_create", "update_or_create"}
BY_ID = {"pk", "id", "pk__in", "id__in"}


def protected_models() -> set[type]:
    """Case, and every model pointing at a protected model, until nothing changes."""
    protected = {Case}
    while True:
        more = {
            model
            for model in apps.get_models()
            if model not in protected
            and any(
                field.concrete and field.is_relation and field.related_model in protected
                for field in model._meta.get_fields()
            )
        }
        if not more:
            break
        protected |= more
    # The history of a protected record is the record as it was.
    protected |= {model.history.model for model in list(protected) if hasattr(model, "history")}
    return protected


def protected_names() -> set[str]:
    return {model.__name__ for model in protected_models()}


def related_accessors() -> set[str]:
    """Names by which a protected model is reached from another record (``case.letters``)."""
    names = set()
    for model in protected_models():
        for field in model._meta.get_fields():
            if field.concrete and field.is_relation and field.remote_field is not None:
                accessor = field.remote_field.get_accessor_name()
                if accessor and not accessor.endswith("+"):
                    names.add(accessor)
    return names


def view_modules() -> list[Path]:
    root = Path(settings.BASE_DIR)
    found = []
    for area in AREAS:
        for path in sorted((root / area).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            if path.name == "views.py" or path.name.endswith("_views.py"):
                found.append(path)
    return found


def _terminal_name(node) -> str | None:
    """``Letter`` for ``Letter`` or ``models.Letter``."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def _root(node):
    """The innermost expression of ``a.b(...).c``: ``a``."""
    while True:
        if isinstance(node, ast.Attribute):
            node = node.value
        elif isinstance(node, ast.Call):
            node = node.func
        elif isinstance(node, ast.Subscript):
            node = node.value
        else:
            return node


def direct_reads(source: str, protected: set[str], accessors: set[str]) -> list[str]:
    """Each direct read of a protected model in ``source``, as ``line: what``."""
    found = []
    for node in ast.walk(ast.parse(source)):
        manager = isinstance(node, ast.Attribute) and node.attr in MANAGERS
        if manager and _terminal_name(node.value) in protected:
            found.append(f"{node.lineno}: {_terminal_name(node.value)}.{node.attr}")
        if not isinstance(node, ast.Call):
            continue
        if _terminal_name(node.func) in SHORTCUTS and node.args:
            # Allowed only on a model outside the protected set, named directly.
            target = node.args[0]
            root = _root(target)
            names = {_terminal_name(n) for n in ast.walk(target)} - {None}
            if (
                names & protected
                or not isinstance(root, ast.Name)
                or not root.id[:1].isupper()
                or root.id in protected
            ):
                found.append(f"{node.lineno}: {_terminal_name(node.func)}({ast.unparse(target)})")
        if (
            isinstance(node.func, ast.Attribute)
            and node.func.attr in SINGLE_READS
            and any(keyword.arg in BY_ID for keyword in node.keywords)
        ):
            chain = {_terminal_name(n) for n in ast.walk(node.func.value)}
            if chain & accessors:
                found.append(f"{node.lineno}: {ast.unparse(node.func)}(pk=...)")
    return found


def test_acc6_the_protected_models_are_derived_from_the_models():
    names = protected_names()
    expected = {
        "Case",
        "HistoricalCase",
        "Parent",
        "Child",
        "Letter",
        "PrivacyStatementSent",
        "CaseStudy",
        "ConsentDecision",
        "SignedConsentForm",
        "SharingEvent",
        "DisclosureRequest",
        "ChildCapacityDecision",
        "ParentCopy",
        "VolunteerAssignment",
        "LegalHold",
        "CaseRetention",
        "ChildProtectionOverride",
        "OverrideReview",
        "Voicemail",
    }
    assert expected <= names, expected - names
    # Service-level settings and people are not family information.
    assert not names & {"Service", "User", "Topic", "ConfidentialityPolicy", "StatisticsExport"}


def test_acc6_the_walker_finds_every_kind_of_direct_read():
    """The check can fail: each planted read below is reported."""
    planted = """
def view(request, case_id, letter_id):
    case = get_object_or_404(Case, pk=case_id)
    letter = get_object_or_404(Letter.objects.select_related("case"), pk=letter_id)
    assignment = get_object_or_404(case.volunteer_assignments, pk=1)
    decisions = list(ConsentDecision.objects.filter(case=case))
    request_ = models.DisclosureRequest._base_manager.get(pk=1)
    parent = case.parents.filter(pk=2).first()
    child = case.children.get(pk=3)
    policy = get_object_or_404(ConfidentialityPolicy, pk=4)
    users = User.objects.filter(service=request.user.service)
"""
    found = direct_reads(planted, protected_names(), related_accessors())
    lines = sorted(int(item.split(":")[0]) for item in found)
    assert lines == [3, 4, 4, 5, 6, 7, 8, 9], found


def test_acc6_no_view_reads_a_protected_model_directly():
    modules = view_modules()
    assert len(modules) >= 15, modules
    protected, accessors = protected_names(), related_accessors()
    root = Path(settings.BASE_DIR)
    offences = [
        f"{path.relative_to(root)}:{item}"
        for path in modules
        for item in direct_reads(path.read_text(), protected, accessors)
    ]
    assert not offences, (
        "Load family information through the area's access.py, not in the view:\n"
        + "\n".join(offences)
    )
