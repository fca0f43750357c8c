"""The apps depend one way only, from the lower to the higher, and no module imports itself back.

Read from the source, every import counts, including those inside functions:
a lazy import is still a dependency.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# Lower to higher: an app may import only the apps before it (and Django's, and libraries).
LAYERS = (
    "core",
    "provinces",
    "partnerships",
    "milestones",
    "progress",
    "dashboards",
    "notifications",
    "demo",
)


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _sources():
    for app in LAYERS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


def _imports(path: Path) -> set[str]:
    """The project modules `path` imports, resolved to absolute dotted names."""
    module = _module_name(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module
            found.add(target)
            # `from . import services` names a module, not an attribute.
            found.update(f"{target}.{alias.name}" for alias in node.names)
    return {name for name in found if name.split(".")[0] in LAYERS}


GRAPH = {_module_name(path): _imports(path) for path in _sources()}


def _existing(name: str) -> str | None:
    """The nearest module of the project that `name` is, or is an attribute of."""
    while name and name not in GRAPH:
        name = name.rpartition(".")[0]
    return name or None


def test_it_reads_the_imports_it_checks():
    # A check that reads nothing proves nothing.
    assert "provinces.access" in GRAPH["milestones.models"]
    assert "milestones.signals" in GRAPH["progress.apps"]


@pytest.mark.parametrize("app", LAYERS)
def test_it_imports_no_app_above_this_one(app):
    allowed = set(LAYERS[: LAYERS.index(app) + 1])
    upward = sorted(
        f"{module} imports {target}"
        for module, targets in GRAPH.items()
        if module.split(".")[0] == app
        for target in targets
        if target.split(".")[0] not in allowed
    )
    assert upward == []


def test_it_has_no_circle_of_imports_between_modules():
    edges = {
        module: {
            target
            for name in targets
            if (target := _existing(name))
            and target != module
            and not _is_package_of(target, module)
        }
        for module, targets in GRAPH.items()
    }
    circles = []
    state = {}

    def visit(module, path):
        state[module] = "open"
        for target in sorted(edges.get(module, ())):
            if state.get(target) == "open":
                circles.append(" → ".join([*path[path.index(target) :], target]))
            elif target not in state:
                visit(target, [*path, target])
        state[module] = "done"

    for module in sorted(edges):
        if module not in state:
            visit(module, [module])
    assert circles == []


def _is_package_of(package: str, module: str) -> bool:
    return module.startswith(package + ".")
