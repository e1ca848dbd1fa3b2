"""Every notebook runs from a clean kernel, offline, and follows the course template."""

from __future__ import annotations

import functools
import hashlib
import re

import pytest
from conftest import NOTEBOOK_IDS, NOTEBOOK_PATHS, executed_notebook

from helpers import data, notebooks
from helpers.checks import rules
from helpers.publish import cache, execute, views

pytestmark = pytest.mark.notebook


def test_the_course_has_notebooks():
    assert len(NOTEBOOK_PATHS) >= 2
    assert NOTEBOOK_PATHS[0].name.startswith("00-")


@pytest.mark.parametrize("path", NOTEBOOK_PATHS, ids=NOTEBOOK_IDS)
def test_committed_notebook_follows_template(path):
    problems = rules.template_problems(notebooks.read(path))
    assert problems == [], f"{path.name}: " + "; ".join(problems)


ROW_ID = re.compile(r"\b[FERXO]\d{3}\b")  # facts, events, outlet reports, estimates, offices


@pytest.mark.parametrize("path", NOTEBOOK_PATHS, ids=NOTEBOOK_IDS)
def test_every_row_id_a_notebook_names_exists_in_data(path):
    # a citation like "(F214)" is only a citation if the row is there to follow
    loaders = (
        data.load_facts,
        data.load_events,
        data.load_outlet_reports,
        data.load_estimates,
        data.load_offices,
    )
    known = set().union(*(set(load()["id"]) for load in loaders))
    text = "\n".join(cell.source for cell in notebooks.read(path).cells)
    named = set(ROW_ID.findall(text))
    assert named - known == set(), f"{path.name} names ids that data/ lacks"


@pytest.mark.parametrize("stem", NOTEBOOK_IDS)
def test_notebook_executes_offline_with_alt_text(stem):
    nb, _ = executed_notebook(stem)
    errors = [
        o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"
    ]
    assert not errors
    assert rules.template_problems(nb, executed=True) == []
    # a notebook that shows nothing teaches nothing: every code cell must run,
    # and most of them must show a result
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(c.execution_count for c in code)
    assert sum(bool(c.outputs) for c in code) >= len(code) // 2
    # pandas cuts table cells to 50 characters ("...</td>"): a claim cut short misleads,
    # so tables go through helpers.tables.table, which shows the text in full
    cut = [
        index
        for index, cell in enumerate(nb.cells)
        for output in cell.get("outputs", [])
        if "...</td>" in "".join(output.get("data", {}).get("text/html", ""))
    ]
    assert cut == [], f"cells {cut} show tables with text cut short"


# A student copy that ran clean is not run again while it and every shared input
# (helpers, data, seeds, the lock file) stay the same, as the build's cache does.
STUDENT_RUNS = data.REPO_DIR / ".cache" / "student-runs"


@functools.cache
def _shared_inputs() -> str:
    return cache.shared_hash()


@pytest.mark.parametrize("stem", NOTEBOOK_IDS)
def test_student_copy_executes(stem):
    import nbformat

    original = notebooks.read(notebooks.NOTEBOOK_DIR / f"{stem}.ipynb")
    nb = views.student_copy(original)
    solutions = [c.source for c in original.cells if "solution" in c.metadata.get("tags", [])]
    assert solutions, "no solution to withhold"
    leaked = [s for s in solutions if any(s.strip() in c.source for c in nb.cells)]
    assert leaked == [], "a solution reached the student copy"
    key = hashlib.sha256((_shared_inputs() + nbformat.writes(nb)).encode()).hexdigest()[:20]
    passed = STUDENT_RUNS / f"{stem}-{key}"
    if passed.exists():
        return
    execute.execute(nb, f"student copy of {stem}", timeout=60, cwd=notebooks.NOTEBOOK_DIR)
    STUDENT_RUNS.mkdir(parents=True, exist_ok=True)
    for old in STUDENT_RUNS.glob(f"{stem}-*"):
        old.unlink(missing_ok=True)
    passed.touch()
