"""Hostile rows cannot run script or break a page, in any export.

A small synthetic course reads a copy of ``data/`` whose rows carry payloads
in their text columns (tags with handlers, a ``javascript:`` link, Markdown
tricks, stray ``<`` and ``&``, a 10,000-character claim, right-to-left and
zero-width characters). It goes through the helpers a notebook uses (tables,
citations, actor cards, word diffs, quiz feedback, an explorer, a figure
titled from data), is built like the course, and every page and deck is
opened in Chromium with the network off: no dialog opens, no handler runs
(the sentinel the payloads would set stays unset), the payloads are there as
literal text, and the figures still render.
"""

from __future__ import annotations

import csv
import functools
import shutil
from pathlib import Path

import nbformat
import pytest
from test_browser import OfflinePage, browser  # noqa: F401 (the fixture)
from test_build import _cell, _notebook, _tempdir, _template

from helpers import data, publish

SENTINEL = "__pwned"
# Each payload would set the sentinel (or open a dialog) if it ran as markup.
PAYLOADS = [
    f"<script>window.{SENTINEL} = 1; alert(1)</script>",
    f'<img src=x onerror="window.{SENTINEL} = 2">',
    f'"><svg onload="window.{SENTINEL} = 3">',
    f"[read more](javascript:window.{SENTINEL}=4)",
    f'<a href="javascript:window.{SENTINEL}=5">link</a> ![x](javascript:alert(5))',
    "a stray < and a stray & and $36m or $2bn",
    "\u202eright-to-left\u202c and zero\u200bwidth",
]
LONG_CLAIM = "A very long claim. " * 526  # about 10,000 characters
# Text columns that only show (the helpers parse or look up by the others).
HOSTILE_COLUMNS = {
    "facts.csv": ("claim", "value", "source_outlet", "note"),
    "events.csv": ("event", "place", "note"),
    "actors.csv": ("role_july_2023", "later"),
    "outlet_reports.csv": ("wording", "note"),
}
FACT_IDS = ("F001", "F002", "F003", "F004", "F005", "F006", "F007")
EVENT_IDS = ("E001", "E002", "E003", "E004")


def _poison(path: Path, columns: tuple[str, ...], rows: int) -> None:
    """Append a payload to ``columns`` of the first ``rows`` rows of a CSV file."""
    with path.open(encoding="utf-8", newline="") as handle:
        table = list(csv.DictReader(handle))
    header = list(table[0])
    for index, row in enumerate(table[:rows]):
        payload = PAYLOADS[index % len(PAYLOADS)]
        for column in columns:
            row[column] = f"{row[column]} {payload}".strip()
    if path.name == "facts.csv":
        table[rows]["claim"] = LONG_CLAIM.strip()
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=header)
        writer.writeheader()
        writer.writerows(table)


def hostile_data(folder: Path) -> Path:
    shutil.copytree(data.DATA_DIR, folder)
    for name, columns in HOSTILE_COLUMNS.items():
        _poison(folder / name, columns, rows=len(PAYLOADS))
    return folder


HOSTILE_CODE = [
    (
        "We load the helpers and the poisoned rows.",
        "import pandas as pd\nfrom IPython.display import Markdown\n"
        "from helpers import data, people, plotting, quiz, widgets\n"
        "from helpers.tables import table\n"
        f"facts = data.rows_by_id(data.load_facts().set_index('id'), {list(FACT_IDS)!r}, 'fact')",
    ),
    ("A table of facts:", "table(facts.reset_index(), ['id', 'claim', 'value', 'note'])"),
    ("A long claim, in full:", "table(data.load_facts().iloc[[7]], ['id', 'claim'])"),
    ("Citations:", "Markdown(' · '.join(data.cite(i) for i in facts.index))"),
    ("An actor card:", "Markdown(people.actor_card(data.load_actors().iloc[1]['name']))"),
    (
        "A word diff of two wordings:",
        "reports = data.load_outlet_reports()\n"
        "Markdown(people.word_diff(reports['wording'].iloc[0], reports['wording'].iloc[1]))",
    ),
    (
        "Quiz feedback, in Markdown and in the widget:",
        f"q = quiz.date_question('E001', 'When?', {list(EVENT_IDS[1:])!r})\n"
        "Markdown(quiz.check(q, q.choices[0]) + ' / ' + quiz.check(q, q.answer))",
    ),
    ("The quiz:", "quiz.Quiz([q]).show()"),
    (
        "An explorer that shows rows:",
        "widgets.Explorer({'id': list(facts.index)}, "
        "lambda id: facts.loc[[id], ['claim', 'note']]).show()",
    ),
    (
        "The timeline explorer, whose page draws each event from embedded data:",
        "from helpers import timeline\n"
        "widgets.Explorer(timeline.timeline_controls(), timeline.explore_timeline,"
        " page=timeline.timeline_page()).show()",
    ),
    (
        "A figure titled from data:",
        "fig, ax = plotting.figure()\nax.bar([facts['value'].iloc[1][:30]], [1])\n"
        "plotting.show(fig, title=facts['claim'].iloc[0][:80], alt=facts['claim'].iloc[1],"
        " source=facts['source_outlet'].iloc[2], xlabel=facts['note'].iloc[3][:40],"
        " ylabel='count')",
    ),
]


def hostile_notebook() -> nbformat.NotebookNode:
    body = [_cell("md", "## Hostile rows", "slide")]
    for lead, code in HOSTILE_CODE:
        body += [_cell("md", lead), _cell("code", code)]
    body += [_cell("md", "## Exercises", "slide"), _cell("code", "x = 1", tags=("solution",))]
    return _notebook(_template("Hostile: rows that try to be markup", body))


BUILD_LOG: list[str] = []


@functools.cache
def hostile_course() -> Path:
    """The hostile course built once per test session; returns its build folder."""
    root = _tempdir()
    repo = root / "repo"
    (repo / "notebooks").mkdir(parents=True)
    hostile_data(repo / "data")
    nbformat.write(hostile_notebook(), repo / "notebooks/01-hostile.ipynb")
    with pytest.MonkeyPatch.context() as patch:
        # the kernels read the poisoned copy, not the course's data
        patch.setenv("COURSE_DATA_DIR", str(repo / "data"))
        results = publish.build(
            repo / "notebooks",
            root / "build",
            jobs=1,
            use_cache=False,
            log=BUILD_LOG.append,
            repo=repo,
        )
    assert [r.status for r in results] == ["built"], [r.error for r in results]
    return root / "build"


pytestmark = pytest.mark.notebook


def test_hostile_data_is_really_hostile(tmp_path):
    folder = hostile_data(tmp_path / "data")
    claims = (folder / "facts.csv").read_text(encoding="utf-8")
    assert all(payload.split("\n")[0] in claims.replace('""', '"') for payload in PAYLOADS)
    with pytest.warns(data.MarkupWarning):
        data.read_rows(data.DATASETS["facts"], folder / "facts.csv")


def _inspect(offline: OfflinePage, path: Path) -> dict:
    dialogs: list[str] = []
    offline.page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page = offline.open(path)
    page.wait_for_timeout(300)  # an onerror handler fires after the image fails
    found = page.evaluate(
        f"""() => ({{
            sentinel: window.{SENTINEL} === undefined ? null : String(window.{SENTINEL}),
            title: document.title,
            text: document.body.textContent,
            scriptLinks: [...document.querySelectorAll('a[href]')]
                .map(a => a.getAttribute('href')).filter(h => !/^(https?:|#|[.\\w])/i.test(h)),
            // pages carry figures as PNG images, decks as inline SVG with text kept as text
            images: [...document.images].map(i => i.complete && i.naturalWidth > 0).concat(
                // (a deck shows one slide at a time: a figure's SVG is checked as parsed)
                [...document.querySelectorAll('.course-slide-figure svg')].map(
                    svg => !!svg.getAttribute('viewBox')
                        && svg.querySelectorAll('text').length > 2)),
        }})"""
    )
    found["dialogs"] = dialogs
    return found


@pytest.mark.parametrize("export", ["html/01-hostile.html", "slides/01-hostile.slides.html"])
def test_no_payload_runs_and_every_payload_shows_as_text(browser, export):  # noqa: F811
    out = hostile_course()
    offline = OfflinePage(browser)
    try:
        found = _inspect(offline, out / export)
        assert offline.remote == [], "a payload made the page reach the network"
    finally:
        offline.close()
    assert found["dialogs"] == [], "a payload opened a dialog"
    assert found["sentinel"] is None, f"a payload ran (sentinel = {found['sentinel']})"
    assert found["title"].startswith("Hostile: rows that try to be markup")
    assert found["scriptLinks"] == []
    text = found["text"]
    for payload in PAYLOADS[:5]:
        assert payload.split(" ![")[0] in text, f"not shown literally: {payload!r}"
    assert "a stray < and a stray & and $36m or $2bn" in text
    # the timeline explorer's events, drawn by the page's script from embedded data
    assert "recognize Pakistan " + PAYLOADS[0] in text
    assert "zero\u200bwidth" in text
    assert LONG_CLAIM.strip()[-200:] in text, "the long claim was cut"
    assert found["images"] and all(found["images"]), "a figure did not render"


def test_home_page_of_the_hostile_course_is_clean(browser):  # noqa: F811
    out = hostile_course()
    offline = OfflinePage(browser)
    try:
        found = _inspect(offline, out / "index.html")
    finally:
        offline.close()
    assert found["sentinel"] is None and found["dialogs"] == []


def test_the_build_log_names_each_row_that_looks_like_markup():
    hostile_course()
    warned = [line for line in BUILD_LOG if line.startswith("warning: ")]
    assert any("facts.csv, line 2: column 'claim'" in line for line in warned), BUILD_LOG
    assert any("events.csv" in line for line in warned) and any(
        "actors.csv" in line for line in warned
    )
