"""``python -m helpers.checks``: one command runs every editorial check and names each hit."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest
from conftest import NOTEBOOK_PATHS

from helpers import checks
from helpers.data import REPO_DIR


def _command(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "helpers.checks", *args],
        cwd=REPO_DIR,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_planted_problem_is_printed_with_notebook_cell_check_and_fix(tmp_path):
    bad = tmp_path / NOTEBOOK_PATHS[1].name
    nb = json.loads(NOTEBOOK_PATHS[1].read_text(encoding="utf-8"))
    index = next(i for i, c in enumerate(nb["cells"]) if i and c["cell_type"] == "markdown")
    nb["cells"][index]["source"] = "Raisi is still president."
    bad.write_text(json.dumps(nb), encoding="utf-8")
    result = _command("--notebooks", str(tmp_path), "--executed", str(tmp_path / "none"))
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"{bad.name}, cell {index}: [now] 'still'" in result.stdout
    assert "    fix: say 'as of <date>'" in result.stdout
    assert f"{bad.name}: outputs not checked (no executed copy" in result.stdout
    assert result.stdout.rstrip().endswith(f"({', '.join(checks.CHECKS)})")
    assert {"template", "now", "weekdays", "outputs", "source-mix"} <= set(checks.CHECKS)


def test_only_runs_the_named_check_and_an_unknown_one_is_refused(tmp_path):
    shutil.copy(NOTEBOOK_PATHS[1], tmp_path)
    result = _command("--notebooks", str(tmp_path), "--only", "now")
    assert result.returncode == 0 and "0 problem(s) in 1 notebook(s) (now)" in result.stdout
    refused = _command("--only", "grammar")
    assert refused.returncode == 2 and "invalid choice: 'grammar'" in refused.stderr
    with pytest.raises(ValueError, match="no check \\['grammar'\\]; the checks are: template"):
        checks.run([], None, only=["grammar"])


def test_every_rule_message_becomes_a_hit_with_its_cell():
    hits = checks._hits("outputs", "x.ipynb", ["cell 7: a NumPy repr", "no solution"])
    assert [(h.cell, h.problem) for h in hits] == [(7, "a NumPy repr"), (None, "no solution")]
    assert hits[1].line().startswith("x.ipynb: [outputs] no solution\n    fix: ")


@pytest.mark.notebook
def test_the_course_passes_every_editorial_check():
    from test_build import real_course

    out, _ = real_course()
    result = _command("--executed", str(out / "notebooks" / "instructor"))
    assert result.returncode == 0, result.stdout
    assert "not checked" not in result.stdout
