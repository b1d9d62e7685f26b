"""The shape of the code, as docs/architecture.md describes it.

Read from the source (every import statement, at the top of a module or inside
a function), so a new module is covered the moment it exists:
- no import cycle between the project's modules;
- no module imports another app's underscore names (what is shared is public);
- the floors: ``pps`` is the platform every area stands on and imports none of
  them; no production app imports the demo data or the benchmark (production
  settings do not install them: tests/pps/test_settings_and_sessions.py);
- one way to run a submission through a service: views leave a refused rule
  to ``pps.submission`` (``submit`` for a form, ``run_action`` for a button)
  instead of catching the rule error themselves.
"""

import ast
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
AREAS = ("cases", "consent", "disclosure", "retention")
DEVELOPER_TOOLS = ("demo", "benchmarks")
PACKAGES = ("pps", *AREAS, *DEVELOPER_TOOLS)


def project_modules() -> dict[str, Path]:
    modules = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            parts = path.relative_to(ROOT).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            modules[name] = path
    return modules


def imports_of(path: Path, modules: dict[str, Path]):
    """(imported module, imported name or None) for every import in the file."""
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                full = f"{node.module}.{alias.name}"
                yield (full, None) if full in modules else (node.module, alias.name)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, None


def import_graph() -> tuple[dict[str, set[str]], list[str]]:
    modules = project_modules()
    graph = {name: set() for name in modules}
    private = []
    for name, path in modules.items():
        for target, imported_name in imports_of(path, modules):
            if target in modules:
                graph[name].add(target)
            if (
                imported_name
                and imported_name.startswith("_")
                and target.split(".")[0] in PACKAGES
                and target.split(".")[0] != name.split(".")[0]
            ):
                private.append(f"{name} imports {target}.{imported_name}")
    return graph, private


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    index, low, on_stack, stack, found = {}, {}, set(), [], []
    counter = 0
    for root in graph:
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_the_modules_import_each_other_without_a_cycle():
    graph, _ = import_graph()
    assert cycles(graph) == []


def test_the_cycle_finder_finds_a_cycle():
    """The check above can fail: two modules importing each other are one cycle."""
    graph = {"a.x": {"a.y"}, "a.y": {"a.z"}, "a.z": {"a.x"}, "a.w": {"a.x"}}
    assert cycles(graph) == [["a.x", "a.y", "a.z"]]


def test_no_module_imports_another_apps_underscore_names():
    _, private = import_graph()
    assert private == []


def test_the_platform_imports_no_area_and_production_imports_no_developer_tool():
    graph, _ = import_graph()
    upward = sorted(
        f"{module} imports {target}"
        for module, targets in graph.items()
        for target in targets
        if module.split(".")[0] == "pps" and target.split(".")[0] in AREAS + DEVELOPER_TOOLS
    )
    into_tools = sorted(
        f"{module} imports {target}"
        for module, targets in graph.items()
        for target in targets
        if module.split(".")[0] in ("pps", *AREAS) and target.split(".")[0] in DEVELOPER_TOOLS
    )
    assert upward == []
    assert into_tools == []


def rule_errors_caught_in(path: Path) -> list[int]:
    """Lines of the file's ``except`` clauses that name the rule error."""
    lines = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.ExceptHandler) and node.type is not None:
            names = {n.id for n in ast.walk(node.type) if isinstance(n, ast.Name)}
            names |= {n.attr for n in ast.walk(node.type) if isinstance(n, ast.Attribute)}
            if "RuleError" in names:
                lines.append(node.lineno)
    return lines


def test_views_leave_a_refused_rule_to_the_shared_submission_helpers():
    caught = sorted(
        f"{name}:{line}"
        for name, path in project_modules().items()
        if name.split(".")[-1] == "views" or name.endswith("_views")
        for line in rule_errors_caught_in(path)
    )
    assert caught == []


def test_the_rule_error_finder_finds_a_catch(tmp_path):
    """The check above can fail: an ``except RuleError`` in a view is found."""
    view = tmp_path / "views.py"
    view.write_text(
        "def save(request):\n"
        "    try:\n"
        "        pass\n"
        "    except (ValueError, rules.RuleError) as error:\n"
        "        pass\n"
    )
    assert rule_errors_caught_in(view) == [4]
