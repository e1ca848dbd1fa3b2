"""The package's layout: notebooks see only ``helpers/``; the pipeline is ``helpers/publish/``.

The top of ``helpers/`` holds what notebooks import (directly, or through
another module they import); the build, its stages, lints and tools live in
``helpers.publish``, which no notebook and no notebook-side module imports, so
a student's kernel never loads the pipeline.
"""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

from helpers import notebooks
from helpers.data import REPO_DIR

HELPERS = REPO_DIR / "helpers"
STAGES = ("execute", "cache", "export", "site", "assets")


def helpers_imported(source: str) -> set[str]:
    """The ``helpers`` modules a piece of Python imports, as dotted names under helpers
    (``from helpers import data, publish`` -> {"data", "publish"}; ``import helpers.publish.cache``
    -> {"publish.cache"}), wherever the import statement sits (functions included)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "helpers":
                found |= {alias.name for alias in node.names}
            elif node.module.startswith("helpers."):
                found.add(node.module.removeprefix("helpers."))
        elif isinstance(node, ast.Import):
            found |= {
                a.name.removeprefix("helpers.") for a in node.names if a.name.startswith("helpers.")
            }
    return found


def notebook_imports() -> dict[str, set[str]]:
    """Each course notebook's helpers imports, from its code cells."""
    imports = {}
    for path in notebooks.discover():
        lines = [
            line
            for cell in notebooks.read(path).cells
            if cell.cell_type == "code"
            for line in cell.source.splitlines()
            if not line.lstrip().startswith(("%", "!"))  # IPython magics are not Python
        ]
        code = "\n".join(lines)
        imports[path.name] = helpers_imported(code)
    return imports


def top_level_modules() -> dict[str, set[str]]:
    """Each module at the top of helpers/ and the helpers modules it imports."""
    return {
        path.stem: helpers_imported(path.read_text(encoding="utf-8"))
        for path in sorted(HELPERS.glob("*.py"))
        if path.stem != "__init__"
    }


def _is_pipeline(name: str) -> bool:
    """The publishing pipeline or the editorial checks: for the build, tests and maintainers."""
    return name.split(".")[0] in ("publish", "checks")


def module_name(path: Path) -> str:
    """``helpers/publish/cache.py`` -> ``helpers.publish.cache``; a package is its folder."""
    parts = path.relative_to(REPO_DIR).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def import_graph(root: Path = HELPERS) -> dict[str, set[str]]:
    """Each module under ``root`` and the modules under it that it imports, wherever the
    import sits (inside functions too; ``TYPE_CHECKING`` blocks are not imports at run time).

    ``from helpers.x import y`` is an edge to ``helpers.x.y`` when that is a module, else to
    ``helpers.x``; relative imports are resolved.
    """
    modules = {module_name(p): p for p in sorted(root.rglob("*.py"))}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        skipped = {
            id(inner)
            for node in ast.walk(tree)
            if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)
            for stmt in node.body
            for inner in ast.walk(stmt)
        }
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        edges: set[str] = set()
        for node in ast.walk(tree):
            if id(node) in skipped:
                continue
            if isinstance(node, ast.Import):
                edges |= {a.name for a in node.names}
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join([*anchor, *([base] if base else [])])
                for alias in node.names:
                    full = f"{base}.{alias.name}"
                    edges.add(full if full in modules else base)
        graph[name] = {e for e in edges if e in modules and e != name}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every import loop in ``graph``, each as the list of modules round it (depth-first)."""
    found: list[list[str]] = []
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                found.append(path[path.index(nxt) :] + [nxt])
            elif nxt not in state:
                visit(nxt)
        path.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node)
    return found


def test_no_import_loop_in_helpers():
    loops = cycles(import_graph())
    assert not loops, "import loops: " + "; ".join(" -> ".join(loop) for loop in loops)


def test_the_loop_test_finds_a_loop_even_inside_a_function(tmp_path):
    package = tmp_path / "helpers"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "low.py").write_text("def f():\n    from helpers import high\n")
    (package / "high.py").write_text("from helpers import low\n")
    (package / "typed.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from helpers import high\n"
    )
    global REPO_DIR
    saved, REPO_DIR = REPO_DIR, tmp_path
    try:
        graph = import_graph(package)
    finally:
        REPO_DIR = saved
    assert graph["helpers.typed"] == set()
    assert cycles(graph) == [["helpers.high", "helpers.low", "helpers.high"]]


def test_helpers_imported_reads_every_form_of_import():
    source = (
        "from helpers import data, publish\n"
        "import helpers.publish.cache\n"
        "def f():\n    from helpers.widgets import Explorer\n"
        "from . import x\nimport os\n"
    )
    assert helpers_imported(source) == {"data", "publish", "publish.cache", "widgets"}


def test_no_notebook_imports_the_pipeline():
    imports = notebook_imports()
    assert imports, "no notebooks found"
    offenders = {nb: sorted(filter(_is_pipeline, found)) for nb, found in imports.items()}
    assert not {nb: found for nb, found in offenders.items() if found}


def test_no_notebook_side_module_imports_the_pipeline():
    offenders = {
        module: sorted(filter(_is_pipeline, found))
        for module, found in top_level_modules().items()
    }
    assert not {module: found for module, found in offenders.items() if found}


def test_the_top_of_helpers_holds_only_what_notebooks_use():
    modules = top_level_modules()
    used: set[str] = set()
    todo = [name for found in notebook_imports().values() for name in found]
    while todo:
        name = todo.pop().split(".")[0]
        if name in modules and name not in used:
            used.add(name)
            todo.extend(modules[name])
    unused = sorted(set(modules) - used)
    assert not unused, f"not used by any notebook; move to helpers/publish/: {unused}"


@pytest.mark.parametrize("stage", STAGES)
def test_each_stage_of_the_pipeline_is_a_module_of_its_own(stage):
    module = importlib.import_module(f"helpers.publish.{stage}")
    assert Path(module.__file__).parent == HELPERS / "publish"
    assert module.__doc__ and module.__doc__.strip(), f"helpers.publish.{stage} says what it does"
