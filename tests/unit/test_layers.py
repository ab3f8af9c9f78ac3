"""The layers of docs/architecture.md, kept by reading every import (an ast walk, lazy imports included):
drivers (bantin/, dags/) -> crawlers/ and transforms/ (peers) -> the ground floor (sources/, warehouse/)."""
from __future__ import annotations

import ast

from helpers import REPO

PACKAGES = ("bantin", "dags", "crawlers", "transforms", "sources", "warehouse")
# What each layer may import from the project; anything else it imports must be a library.
ALLOWED = {
    "bantin": {"bantin", "crawlers", "transforms", "sources", "warehouse"},
    "dags": {"dags", "crawlers", "transforms", "sources", "warehouse"},
    "crawlers": {"crawlers", "sources", "warehouse"},
    "transforms": {"transforms", "sources", "warehouse"},
    "sources": {"sources"},
    "warehouse": {"warehouse"},
}
# A migration is history: it may use the migration runner's helper and nothing else of the project.
MIGRATION_ALLOWED = {"warehouse.migrate"}
# Libraries that belong to one layer: Airflow to the drivers, Scrapy and Twisted to the crawler.
FORBIDDEN_LIBRARIES = {
    "crawlers": {"airflow"},
    "transforms": {"airflow", "scrapy", "twisted"},
    "sources": {"airflow", "scrapy", "twisted"},
    "warehouse": {"airflow", "scrapy", "twisted"},
}


def _module_name(path) -> str:
    rel = path.relative_to(REPO).with_suffix("")
    parts = list(rel.parts)
    if parts[0] == "dags" and len(parts) > 1:
        # Airflow puts dags/ itself on sys.path: `from common import ...` is dags/common.
        parts = ["dags", *parts[1:]]
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _imports(path) -> set[str]:
    """Every module `path` imports, at any depth of the file, as dotted names of the project where they are."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            # Relative imports would hide a layer behind a dot; the code has none, and the walk refuses them.
            assert node.level == 0, f"{path.relative_to(REPO)}:{node.lineno}: a relative import"
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
    if path.relative_to(REPO).parts[0] == "dags":
        found = {f"dags.{name}" if name.split(".")[0] == "common" else name for name in found}
    return found


def _project_modules() -> dict[str, object]:
    modules = {}
    for package in PACKAGES:
        for path in (REPO / package).rglob("*.py"):
            modules[_module_name(path)] = path
    return modules


def _graph() -> dict[str, set[str]]:
    modules = _project_modules()
    return {name: {m for m in _imports(path) if m in modules and m != name} for name, path in modules.items()}


def test_every_import_points_down():
    wrong = []
    for module, targets in _graph().items():
        layer = module.split(".")[0]
        for target in targets:
            if target.split(".")[0] not in ALLOWED[layer]:
                wrong.append(f"{module} imports {target}")
    # Nor may the code lean on the benchmarks or the tests, which stand outside the layers, above them.
    for module, path in _project_modules().items():
        wrong += [f"{module} imports {name}" for name in _imports(path)
                  if name.split(".")[0] in {"bench", "tests", "helpers", "conftest"}]
    assert not wrong, "imports against the layers of docs/architecture.md:\n" + "\n".join(sorted(wrong))


def test_libraries_stay_in_their_layer():
    wrong = []
    for module, path in _project_modules().items():
        forbidden = FORBIDDEN_LIBRARIES.get(module.split(".")[0], set())
        wrong += [f"{module} imports {name}" for name in _imports(path) if name.split(".")[0] in forbidden]
    assert not wrong, "a library outside its layer:\n" + "\n".join(sorted(wrong))


def test_no_import_cycle():
    graph = _graph()
    # Depth-first search with colours: meeting a grey module again closes a cycle.
    colour, cycles = {}, []

    def visit(module, trail):
        colour[module] = "grey"
        for target in sorted(graph.get(module, ())):
            if colour.get(target) == "grey":
                cycles.append(" -> ".join([*trail[trail.index(target):], target]))
            elif target not in colour:
                visit(target, [*trail, target])
        colour[module] = "black"

    for module in sorted(graph):
        if module not in colour:
            visit(module, [module])
    assert not cycles, "import cycles:\n" + "\n".join(cycles)


def test_migrations_import_no_pipeline_code():
    modules = _project_modules()
    project = {name.split(".")[0] for name in modules}
    wrong = []
    for path in sorted((REPO / "sql" / "migrations").rglob("*.py")):
        for name in _imports(path):
            if name.split(".")[0] in project and name not in MIGRATION_ALLOWED and \
                    not any(name.startswith(a + ".") for a in MIGRATION_ALLOWED):
                wrong.append(f"{path.relative_to(REPO)} imports {name}")
    assert not wrong, "migrations must not import live code:\n" + "\n".join(wrong)


def test_the_walk_sees_lazy_imports():
    # The check is only as good as its reading: an import inside a function counts.
    assert "transforms.stories" in _graph()["transforms.stages"]
