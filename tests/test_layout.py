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
    return name == "publish" or name.startswith("publish.")


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
