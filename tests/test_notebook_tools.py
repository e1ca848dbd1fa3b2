"""helpers.notebooks: the template lint, outlines, and execution that fails clearly."""

import os

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from helpers import notebooks
from helpers.checks import rules
from helpers.publish import execute, views

GOOD = [
    new_markdown_cell("# A title\n\nIntro."),
    new_markdown_cell("## Overview\n\n- list one\n- name two\n- explain three"),
    new_markdown_cell("## Prerequisites\n\n**Time needed:** 10 minutes"),
    new_markdown_cell("We add numbers."),
    new_code_cell("1 + 1"),
    new_markdown_cell("## Exercises\n\nDo it."),
    new_code_cell("2 + 2", metadata={"tags": ["solution"], "jupyter": {"source_hidden": True}}),
    new_markdown_cell("## Key points\n\n- one"),
    new_markdown_cell("## Sources\n\n- [Dawn](https://www.dawn.com/)"),
]


def make(cells):
    return new_notebook(cells=[nbformat.from_dict(c) for c in cells])


def test_template_notebook_passes_lint():
    assert rules.template_problems(make(GOOD)) == []


def test_lint_reports_each_broken_rule():
    cells = [dict(c) for c in GOOD]
    cells[3] = new_code_cell(
        "x = 1", execution_count=1, outputs=[]
    )  # code after code? no: no lead-in
    cells[6] = new_code_cell("2 + 2", metadata={"tags": ["solution"]})
    cells[8] = new_markdown_cell("## Sources\n\nNone.")
    problems = "\n".join(rules.template_problems(make(cells)))
    assert "cell 4: a code cell needs a markdown lead-in" in problems
    assert "cell 3: outputs are committed" in problems
    assert "cell 6: a solution must be collapsed" in problems
    assert "must link its sources" in problems


def test_lint_requires_sections_time_and_objectives():
    problems = "\n".join(rules.template_problems(make([new_markdown_cell("# Only a title")])))
    for needle in (
        "overview",
        "prerequisites",
        "summary",
        "sources",
        "Time needed",
        "3-5",
        "solution",
    ):
        assert needle in problems


def test_lint_after_execution_requires_alt_text():
    nb = make(GOOD)
    nb.cells[4].outputs = [
        nbformat.from_dict(
            {"output_type": "display_data", "data": {"image/png": "AA=="}, "metadata": {}}
        )
    ]
    assert any("without alt text" in p for p in rules.template_problems(nb, executed=True))


def test_outline_reads_title_minutes_objectives():
    info = notebooks.outline(make(GOOD), "99-x")
    assert (info.title, info.minutes, info.objectives) == (
        "A title",
        10,
        ["list one", "name two", "explain three"],
    )


def test_discover_ignores_files_not_named_nn_words(tmp_path):
    for name in ("01-a.ipynb", "00-b-c.ipynb", "Untitled.ipynb", "1-x.ipynb"):
        (tmp_path / name).write_text("{}")
    assert [p.name for p in notebooks.discover(tmp_path)] == ["00-b-c.ipynb", "01-a.ipynb"]


def test_read_damaged_notebook_is_a_clear_error(tmp_path):
    path = tmp_path / "01-bad.ipynb"
    path.write_text("{not json")
    with pytest.raises(ValueError, match="is not a readable notebook"):
        notebooks.read(path)


def test_execution_failure_names_cell_and_error():
    nb = make([new_markdown_cell("# T"), new_code_cell("x = 1"), new_code_cell("1 / 0")])
    with pytest.raises(execute.NotebookFailed) as info:
        execute.execute(nb, "demo.ipynb", timeout=30)
    assert info.value.cell == 2
    assert str(info.value) == "demo.ipynb, cell 2: ZeroDivisionError: division by zero"


def test_execution_stops_its_kernel_and_prints_no_transport_warning(capfd):
    nb = make([new_code_cell("import os\nos.getpid()")])
    executed, _ = execute.execute(nb, "pid.ipynb", timeout=30)
    pid = int(executed.cells[0].outputs[0]["data"]["text/plain"])
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)  # signal 0 only asks whether the process exists
    assert "without encryption" not in capfd.readouterr().err


def test_a_failing_notebook_stops_its_kernel_too():
    nb = make([new_code_cell("import os\nos.getpid()"), new_code_cell("1 / 0")])
    with pytest.raises(execute.NotebookFailed):
        execute.execute(nb, "fails.ipynb", timeout=30)
    pid = int(nb.cells[0].outputs[0]["data"]["text/plain"])
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)


def test_a_cell_that_runs_too_long_fails_naming_the_cell():
    nb = make([new_code_cell("x = 1"), new_code_cell("import time\ntime.sleep(30)")])
    with pytest.raises(execute.NotebookFailed, match="cell 1: a cell ran longer than 2 s"):
        execute.execute(nb, "slow.ipynb", timeout=2)


def test_a_kernel_that_dies_fails_clearly():
    nb = make([new_code_cell("x = 1"), new_code_cell("import os\nos._exit(1)")])
    with pytest.raises(execute.NotebookFailed, match="the kernel died"):
        execute.execute(nb, "dies.ipynb", timeout=20)


def test_kernel_cannot_reach_the_network():
    code = "import urllib.request\nurllib.request.urlopen('http://example.org', timeout=5)"
    nb = make([new_code_cell("import socket; s = socket.socket(); s.close()"), new_code_cell(code)])
    with pytest.raises(execute.NotebookFailed, match="network access blocked"):
        execute.execute(nb, "net.ipynb", timeout=30)


def test_strip_outputs_clears_everything():
    nb = make(GOOD)
    nb.cells[4].outputs = [
        nbformat.from_dict({"output_type": "stream", "name": "stdout", "text": "2"})
    ]
    nb.cells[4].execution_count = 3
    nb.metadata["widgets"] = {"state": {}}
    stripped = views.strip_outputs(nb)
    assert all(
        not c.get("outputs") and not c.get("execution_count")
        for c in stripped.cells
        if c.cell_type == "code"
    )
    assert "widgets" not in stripped.metadata
