"""The package's shape: a folder per stage, no import cycle, no stage importing a later one, and no
module that could shadow the standard library or an installed package.

Imports are read from the source (``ast``), function-level ones included: a lazy import is still a
dependency. Imports under ``if TYPE_CHECKING:`` are annotations only and are not counted.
"""

from __future__ import annotations

import ast
import importlib.util
import sys
from pathlib import Path

FLOWS = Path(__file__).resolve().parent.parent / "flows"

# Stages in the order data travels; a stage may import earlier stages and the foundations only.
STAGES = ("sources", "language", "articles", "facts", "store", "checks", "serve")
FOUNDATIONS = {"flows", "flows.settings", "flows.reference", "flows.versions", "flows.interrupts"}
# Orchestration: the chunk's work, where chunks run, the run summary, the flow, its deployment, the CLI.
ORCHESTRATION = {"flows.chunks", "flows.runners", "flows.summary", "flows.flow", "flows.schedule", "flows.cli"}


def module_name(path: Path) -> str:
    parts = path.relative_to(FLOWS.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _type_checking_block(node: ast.AST) -> bool:
    return isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)


def imports_of(path: Path) -> set[str]:
    """The ``flows`` modules ``path`` imports (a ``from flows.x import y`` of a submodule counts as it)."""
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if _type_checking_block(node):
            return
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.split(".")[0] == "flows")
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "flows":
            for alias in node.names:
                sub = f"{node.module}.{alias.name}"
                found.add(sub if (FLOWS.parent / (sub.replace(".", "/") + ".py")).exists() else node.module)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(path.read_text(encoding="utf-8")))
    return found


def graph() -> dict[str, set[str]]:
    return {module_name(p): imports_of(p) for p in sorted(FLOWS.rglob("*.py"))}


def stage_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 2 and parts[1] in STAGES else None


def test_every_module_is_a_stage_a_foundation_or_orchestration():
    loose = [m for m in graph() if stage_of(m) is None and m not in FOUNDATIONS | ORCHESTRATION]
    loose = [m for m in loose if m.removeprefix("flows.") not in STAGES]  # the stage packages themselves
    assert loose == []


def test_no_import_cycle():
    edges = graph()
    cycles: list[list[str]] = []
    state: dict[str, int] = {}  # 1 visiting, 2 done

    def walk(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(edges.get(node, ())):
            if nxt == node or nxt not in edges:
                continue
            if state.get(nxt) == 1:
                cycles.append(path[path.index(nxt) :] + [nxt])
            elif nxt not in state:
                walk(nxt, path + [nxt])
        state[node] = 2

    for module in sorted(edges):
        if module not in state:
            walk(module, [module])
    assert cycles == []


def test_no_stage_imports_a_later_stage_or_the_orchestration():
    bad = []
    for module, deps in graph().items():
        stage = stage_of(module)
        if stage is None:
            continue
        for dep in deps:
            dep_stage = stage_of(dep) or dep.removeprefix("flows.")
            if dep in ORCHESTRATION or (dep_stage in STAGES and STAGES.index(dep_stage) > STAGES.index(stage)):
                bad.append(f"{module} -> {dep}")
    assert bad == []


def test_no_module_shadows_the_standard_library_or_an_installed_package():
    """Prefect loads a file-path entrypoint with the file's folder first on ``sys.path``; a project
    module named like ``html`` or ``profile`` then hides the real one from dbt and Prefect."""
    ours = {p.stem for p in FLOWS.rglob("*.py")} | {p.name for p in FLOWS.rglob("*") if p.is_dir()}
    ours -= {"__init__", "__pycache__", "sample_pages"}
    clashes = []
    for name in sorted(ours):
        spec = None if name in sys.stdlib_module_names else importlib.util.find_spec(name)
        if name in sys.stdlib_module_names or (spec is not None and spec.origin is not None):
            clashes.append(name)
    assert clashes == []


def test_the_layout_test_sees_real_edges():
    edges = graph()
    assert "flows.facts.countries" in edges["flows.chunks"]
    assert "flows.sources.scan" in edges["flows.articles.pages"]
