"""The "now" lint: no course notebook says now/currently/still/today without an "as of"."""

from __future__ import annotations

import nbformat
import pytest
from conftest import NOTEBOOK_PATHS

from helpers.checks import horizon

md, code = nbformat.v4.new_markdown_cell, nbformat.v4.new_code_cell


def _lint(*cells):
    return horizon.lint(nbformat.v4.new_notebook(cells=list(cells)), "bad.ipynb")


def test_no_course_notebook_says_now_without_a_date():
    problems = horizon.lint_paths(NOTEBOOK_PATHS)
    assert problems == [], "\n".join(map(str, problems))


def test_an_undated_now_is_caught_and_named_by_notebook_and_cell():
    problems = _lint(
        md("# Title"),
        md("Raisi met Munir in July 2023. Iran's foreign minister is currently Araghchi."),
    )
    assert len(problems) == 1
    problem = problems[0]
    assert (problem.notebook, problem.cell, problem.word) == ("bad.ipynb", 1, "currently")
    assert problem.sentence == "Iran's foreign minister is currently Araghchi."
    assert "bad.ipynb, cell 1: 'currently'" in str(problem)


@pytest.mark.parametrize(
    "text",
    [
        "Munir is still army chief.",
        "Today Pezeshkian is president.",
        "- Khamenei is now Supreme Leader",
        "Bagheri led the staff.\n\nSalami now leads nothing; Pakpour does.",
    ],
)
def test_each_word_is_flagged_in_prose(text):
    assert [p.word for p in _lint(md(text))] != []


@pytest.mark.parametrize(
    "cells",
    [
        [md("As of 5 Dec 2025, Munir is still army chief.")],
        [md("Who holds the post now? `offices.holders()` reads it from the data.")],
        [
            md("Who holds each post now? The table reads it from the data:"),
            code("offices.then_and_now()"),
        ],
        [md('ISPR said the border is "now a border of peace".')],
        [md("[Pakistan Today, 20 May 2025](https://example.org/today) reported the promotion.")],
        [md("Nothing about the present here."), code("print('still')")],
    ],
)
def test_dated_quoted_named_and_computed_uses_pass(cells):
    assert _lint(*cells) == []


def test_a_computing_cell_must_follow_directly():
    cells = [md("Who holds each post now?"), md("See below."), code("offices.then_and_now()")]
    assert [p.cell for p in _lint(*cells)] == [0]
