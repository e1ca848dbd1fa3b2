"""helpers.publish: pages, decks, notebooks and zips; offline, repeatable, safe on failure.

Most tests build two small synthetic notebooks in temporary folders (a few
seconds each). One test builds the real course (cached in .cache/build, so it
is quick after `make course`) and scans every file it made.
"""

from __future__ import annotations

import atexit
import functools
import hashlib
import io
import json
import re
import shutil
import subprocess
import sys
import tempfile
import uuid
import zipfile
from pathlib import Path

import nbformat
import pytest
from conftest import shared
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from helpers import notebooks, publish
from helpers.publish import cache, editions, site, slides, views

ALT = "Bar chart of two made-up numbers: a is 1 and b is 2."


def _cell(kind: str, source: str, slide: str = "-", tags: tuple[str, ...] = ()) -> dict:
    cell = new_markdown_cell(source) if kind == "md" else new_code_cell(source)
    cell.metadata["slideshow"] = {"slide_type": slide}
    if tags:
        cell.metadata["tags"] = list(tags)
    if "solution" in tags:
        cell.metadata["jupyter"] = {"source_hidden": True}
    return cell


def _notebook(cells: list[dict]) -> nbformat.NotebookNode:
    nb = new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{i:03d}"
    return nb


def _template(title: str, body: list[dict]) -> list[dict]:
    return [
        _cell("md", f"# {title}", "slide"),
        _cell("md", "## Overview\n\n- list one\n- name two\n- explain three", "slide"),
        _cell("md", "## Prerequisites\n\n**Time needed:** 10 minutes"),
        *body,
        _cell("md", "## Key points\n\n- one", "slide"),
        _cell("md", "## Sources\n\n- [Dawn, 16 Jul 2023](https://www.dawn.com/)"),
    ]


def alpha() -> nbformat.NotebookNode:
    """A notebook with every feature an export handles: notes, hidden code, a
    figure, a table, a widget, and a solution that starts a subslide."""
    return _notebook(
        _template(
            "Alpha: a test notebook",
            [
                _cell("md", "Speaker note: ALPHA-NOTE.", "notes", ("instructor-note",)),
                _cell("md", "We load the helpers."),
                _cell(
                    "code",
                    "# HIDDEN-PLUMBING\nimport ipywidgets as w\nimport pandas as pd\n"
                    "from helpers import plotting",
                    tags=("hide-input",),
                ),
                _cell("md", "## A figure shows the numbers", "slide"),
                _cell("md", "The figure:"),
                _cell(
                    "code",
                    "fig, ax = plotting.figure()\nax.bar(['a', 'b'], [1, 2])\n"
                    f"plotting.show(fig, title='Two bars', alt={ALT!r}, source='Made up, 2024',"
                    " xlabel='letter', ylabel='count')",
                ),
                _cell("md", "## A table and a control", "slide"),
                _cell("md", "A table:"),
                _cell("code", "pd.DataFrame({'x': [1, 2], 'y': ['ALPHA-TABLE', 'b']})"),
                _cell("md", "A styled table:"),
                _cell("code", "pd.DataFrame({'z': [3]}).style.set_uuid('fixed')"),
                _cell("md", "A control:"),
                _cell("code", "w.VBox([w.IntSlider(value=3, description='n'), w.Label('hi')])"),
                _cell("md", "## Exercises", "slide"),
                _cell("md", "Add two numbers."),
                _cell("code", "SOLUTION_CODE = 40 + 2", "subslide", ("solution",)),
                _cell("md", "AFTER-SOLUTION: this starts the subslide instead."),
            ],
        )
    )


def beta(broken: bool = False) -> nbformat.NotebookNode:
    """A plain notebook; ``broken`` makes its second code cell (cell 6) raise."""
    return _notebook(
        _template(
            "Beta: another test notebook",
            [
                _cell("md", "We add."),
                _cell("code", "total = 1 + 1\ntotal"),
                _cell("md", "We print."),
                _cell("code", "1 / 0" if broken else "print('BETA-OK', total)"),
                _cell("md", "## Exercises", "slide"),
                _cell("code", "answer = 3", tags=("solution",)),
            ],
        )
    )


def write_course(folder: Path, broken: bool = False, alpha_extra: str = "") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    nb = alpha()
    if alpha_extra:
        nb.cells.insert(3, _cell("md", alpha_extra))
    nbformat.write(nb, folder / "01-alpha.ipynb")
    nbformat.write(beta(broken), folder / "02-beta.ipynb")
    (folder / "notes.txt").write_text("not a notebook")
    return folder


def tree_bytes(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def tree_hashes(root: Path) -> dict[str, str]:
    return {name: hashlib.sha256(data).hexdigest() for name, data in tree_bytes(root).items()}


def _tempdir() -> Path:
    path = Path(tempfile.mkdtemp(prefix="course-build-test-"))
    atexit.register(shutil.rmtree, path, True)
    return path


@functools.cache
def synthetic_course() -> tuple[Path, Path, Path, Path]:
    """The synthetic course's notebooks, two clean builds of it, and the second one's cache.

    Made once per test run, by the first test worker to ask (``conftest.shared``); the
    tests only read them.
    """

    def make(root: Path) -> None:
        sources = write_course(root / "notebooks")
        before = tree_hashes(sources)
        for out, use_cache in (("build1", False), ("build2", True)):
            results = publish.build(
                sources,
                root / out,
                jobs=2,
                use_cache=use_cache,
                cache_dir=root / "cache",
                log=noop,
                repo=INPUTS,
            )
            assert [r.status for r in results] == ["built", "built"], [r.error for r in results]
        assert tree_hashes(sources) == before, "the build changed a source notebook"

    root = shared("synthetic-course", make)
    return root / "notebooks", root / "build1", root / "build2", root / "cache"


# The synthetic builds hash no shared inputs (helpers/, data/...): those may be
# edited while the tests run, and the cache tests need inputs that hold still.
INPUTS = Path(tempfile.gettempdir()) / "course-build-test-no-inputs"


def noop(*args: object) -> None:
    """A log that prints nothing."""


@functools.cache
def real_course() -> tuple[Path, list[publish.Result]]:
    """The real course built into a temporary folder (executions cached in .cache/build).

    It builds a snapshot of notebooks/, so that a notebook being edited while
    the tests run cannot change under it, and checks the build left it unchanged.
    Test workers that call this at once take turns on the cache (the build
    locks it), so each notebook is executed once per test run.
    """
    root = _tempdir()
    sources = root / "notebooks"
    shutil.copytree(notebooks.NOTEBOOK_DIR, sources)
    before = tree_hashes(sources)
    results = publish.build(sources, root / "build", log=noop)
    assert tree_hashes(sources) == before, "the build changed a source notebook"
    return root / "build", results


# ------------------------------------------------------------- offline scan

REMOTE = r"""(?:https?:)?//[^\s"'<>)]"""
REMOTE_PATTERNS = {
    "script": re.compile(rf"""<script\b[^>]*\bsrc\s*=\s*["']?{REMOTE}""", re.I),
    "link": re.compile(rf"""<link\b[^>]*\bhref\s*=\s*["']?{REMOTE}""", re.I),
    "embedded": re.compile(
        rf"""<(?:img|iframe|source|video|audio|embed)\b[^>]*\bsrc\s*=\s*["']?{REMOTE}""", re.I
    ),
    "css url": re.compile(rf"""url\(\s*["']?{REMOTE}""", re.I),
    "css import": re.compile(rf"""@import\s+["']{REMOTE}""", re.I),
    "js import": re.compile(rf"""\bimport\s*(?:\(\s*|[\w*{{}}\s,]+\bfrom\s*)["']{REMOTE}""", re.I),
}
TEXT_SUFFIXES = {".html", ".css", ".js", ".svg"}


def remote_references(root: Path) -> list[str]:
    """Every place under ``root`` where a page, deck or style sheet loads from the network."""
    found = []
    for path in sorted(root.rglob("*")):
        if path.suffix not in TEXT_SUFFIXES or not path.is_file():
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        for kind, pattern in REMOTE_PATTERNS.items():
            for match in pattern.finditer(text):
                found.append(f"{path.relative_to(root)}: {kind}: {match.group(0)[:120]}")
    return found


def test_the_offline_scan_catches_remote_scripts_styles_and_fonts(tmp_path):
    (tmp_path / "a.html").write_text(
        '<script src="https://cdn.example/x.js"></script>\n'
        "<link rel=stylesheet href=//cdn.example/x.css>\n"
        '<img alt="x" src="http://example.org/a.png">\n'
        "<style>@font-face { src: url('https://fonts.example/f.woff'); }</style>\n"
        "<script type=module>import mermaid from 'https://cdn.example/m.mjs';</script>\n"
        '<a href="https://www.dawn.com/">a link to read is fine</a>\n'
        '<script src="reveal.js/dist/reveal.js"></script>\n'
    )
    (tmp_path / "b.css").write_text('@import "https://fonts.example/css";\nbody{}')
    kinds = [line.split(": ")[1] for line in remote_references(tmp_path)]
    assert kinds == ["script", "link", "embedded", "css url", "js import", "css import"]


@pytest.mark.notebook
def test_synthetic_build_loads_nothing_from_the_network():
    _, out, _, _ = synthetic_course()
    assert remote_references(out) == []
    assert (out / "slides/reveal.js/dist/reveal.js").is_file()
    assert (out / "slides/reveal.js/dist/theme/fonts/source-sans-pro/source-sans-pro.css").is_file()


@pytest.mark.notebook
def test_the_real_course_builds_every_notebook_and_loads_nothing_from_the_network():
    out, results = real_course()
    failed = {r.name: r.error for r in results if r.status == "failed"}
    assert failed == {}
    assert [r.name for r in results] == [p.stem for p in notebooks.discover()]
    assert remote_references(out) == []
    for name in (r.name for r in results):
        for rel in (f"html/{name}.html", f"slides/{name}.slides.html"):
            assert (out / rel).is_file(), rel


# ------------------------------------------------------------- what each export shows


@pytest.mark.notebook
def test_page_folds_solutions_and_hides_notes_and_plumbing():
    _, out, _, _ = synthetic_course()
    page = (out / "html/01-alpha.html").read_text()
    assert "<title>Alpha: a test notebook</title>" in page
    folded = page.index('<details class="course-solution">')
    assert folded < page.index("SOLUTION_CODE") < page.index("</details>", folded)
    assert "HIDDEN-PLUMBING" not in page
    assert "ALPHA-NOTE" not in page
    assert f'alt="{ALT}"' in page
    assert "ALPHA-TABLE" in page
    assert page.count("Interactive control: it needs a running Python kernel") == 1
    assert "VBox(children" not in page and "widget-state+json" not in page


@pytest.mark.notebook
def test_deck_skips_solutions_keeps_notes_and_alt_text():
    _, out, _, _ = synthetic_course()
    deck = (out / "slides/01-alpha.slides.html").read_text()
    assert "SOLUTION_CODE" not in deck
    assert "HIDDEN-PLUMBING" not in deck
    assert re.search(r'<aside class="notes">.*?ALPHA-NOTE.*?</aside>', deck, re.S)
    # the figure is the slide's SVG, named by its alt text, its letters kept as text
    assert re.search(rf'<svg aria-label="{re.escape(ALT)}"[^>]* role="img"', deck)
    assert "<text" in deck and "<img" not in deck
    assert 'src="reveal.js/dist/reveal.js"' in deck
    assert deck.count("Interactive control: it needs a running Python kernel") == 1
    assert "VBox(children" not in deck and "widget-state+json" not in deck
    # the removed solution started a subslide: the next cell starts it instead
    between = deck[deck.index("Add two numbers.") : deck.index("AFTER-SOLUTION")]
    assert "</section>" in between and "<section" in between
    sections = deck.count("<section")
    assert sections >= 6  # title, overview, figure, table, exercises (+ subslide), key points


@pytest.mark.notebook
def test_home_page_links_every_export_and_both_zips():
    _, out, _, _ = synthetic_course()
    home = (out / "index.html").read_text()
    for name in ("01-alpha", "02-beta"):
        for rel in (
            f"html/{name}.html",
            f"slides/{name}.slides.html",
            f"notebooks/student/{name}.ipynb",
            f"notebooks/instructor/{name}.ipynb",
        ):
            assert f'href="{rel}"' in home and (out / rel).is_file(), rel
    for edition in ("student", "instructor"):
        assert f'href="{editions.zip_name(edition)}"' in home
    assert "list one" in home and "10 minutes" in home


@pytest.mark.notebook
def test_zips_hold_each_edition_sorted_with_fixed_dates():
    _, out, _, _ = synthetic_course()
    for edition in ("student", "instructor"):
        with zipfile.ZipFile(out / editions.zip_name(edition)) as archive:
            names = archive.namelist()
            assert names == sorted(names)
            # the whole bundle (helpers, data, README...): tests/test_editions.py checks the rest
            assert [n for n in names if n.startswith(f"course-{edition}/notebooks/")] == [
                f"course-{edition}/notebooks/01-alpha.ipynb",
                f"course-{edition}/notebooks/02-beta.ipynb",
            ]
            assert {info.date_time for info in archive.infolist()} == {editions.ZIP_DATE}
            inside = archive.read(f"course-{edition}/notebooks/01-alpha.ipynb")
            assert inside == (out / f"notebooks/{edition}/01-alpha.ipynb").read_bytes()
            assert (b"SOLUTION_CODE" in inside) == (edition == "instructor")


@pytest.mark.notebook
def test_instructor_notebook_keeps_outputs_and_renumbered_widget_state():
    _, out, _, _ = synthetic_course()
    nb = nbformat.reads((out / "notebooks/instructor/01-alpha.ipynb").read_text(), 4)
    state = nb.metadata.widgets[views.WIDGET_STATE]["state"]
    assert len(state) >= 3  # the box, the slider, the label (and their layouts and styles)
    expected = {uuid.uuid5(uuid.NAMESPACE_URL, f"01-alpha/{i}").hex for i in range(99)}
    assert set(state) <= expected
    student = nbformat.reads((out / "notebooks/student/01-alpha.ipynb").read_text(), 4)
    assert "widgets" not in student.metadata
    assert all(not c.get("outputs") for c in student.cells if c.cell_type == "code")


# ------------------------------------------------------------- repeatable, safe, fast


@pytest.mark.notebook
def test_two_clean_builds_are_byte_identical():
    _, first, second, _ = synthetic_course()
    one, two = tree_bytes(first), tree_bytes(second)
    assert sorted(one) == sorted(two)
    # the synthetic builds hash no shared inputs (repo=INPUTS), so even the manifest matches
    assert [name for name in one if one[name] != two[name]] == []


@pytest.mark.notebook
def test_a_failing_notebook_keeps_its_last_good_files_and_fails_the_build(tmp_path, capsys):
    _, first, _, _ = synthetic_course()
    out = tmp_path / "build"
    shutil.copytree(first, out)
    previous = tree_bytes(out)
    broken = write_course(tmp_path / "broken", broken=True, alpha_extra="ALPHA-CHANGED")
    before = tree_hashes(broken)

    code = publish.main(
        ["--notebooks", str(broken), "--out", str(out), "--cache-dir", str(tmp_path / "cache")]
    )  # (the command line hashes the real shared inputs: no matter, nothing is cached here)

    printed = capsys.readouterr()
    assert code == 1
    assert "02-beta.ipynb, cell 6: ZeroDivisionError: division by zero" in printed.err
    assert "FAILED  02-beta" in printed.out
    # the broken notebook keeps every file of the last good build
    for rel, data in previous.items():
        if "02-beta" in rel and not rel.endswith(".zip"):
            assert (out / rel).read_bytes() == data, rel
    # the other notebook was rebuilt from its changed source
    assert "ALPHA-CHANGED" in (out / "html/01-alpha.html").read_text()
    assert "ALPHA-CHANGED" in (out / "slides/01-alpha.slides.html").read_text()
    assert "failed to build; the files are from the last good build" in (
        (out / "index.html").read_text()
    )
    assert tree_hashes(broken) == before
    assert not list(tmp_path.glob(".build-*")), "a staging folder was left behind"


@pytest.mark.notebook
def test_a_no_change_rebuild_skips_nbconvert_and_kernels(tmp_path):
    # why it is fast, checked here; how fast, measured by `make bench` (docs/performance.md)
    sources, _, second, second_cache = synthetic_course()
    out, cache = tmp_path / "build", tmp_path / "cache"
    shutil.copytree(second, out)
    shutil.copytree(second_cache, cache)
    made = tree_bytes(out)
    call = ", ".join(
        [f"Path({str(sources)!r})", f"Path({str(out)!r})"]
        + [f"{key}=Path({str(value)!r})" for key, value in (("cache_dir", cache), ("repo", INPUTS))]
    )
    script = (
        "import sys; from pathlib import Path; "
        f"from helpers import publish; results = publish.build({call}); "
        "print(publish.summary(results)); "
        "print([r.status for r in results] == ['cached', 'cached'], "
        "'nbconvert' in sys.modules, 'nbclient' in sys.modules)"
    )
    run = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=60
    )
    code, nbconvert_loaded, nbclient_loaded = run.stdout.split()[-3:]
    assert (code, nbconvert_loaded, nbclient_loaded) == ("True", "False", "False"), run.stdout
    assert "up to date" in run.stdout, run.stdout
    assert tree_bytes(out) == made
    # a damaged build/ is noticed and rebuilt from the cache, without executing
    (out / "html/02-beta.html").write_text("oops")
    lines: list[str] = []
    results = publish.build(sources, out, cache_dir=cache, log=lines.append, repo=INPUTS)
    assert [r.status for r in results] == ["cached", "cached"]
    assert not any("executing" in line for line in lines)
    assert tree_bytes(out) == made


# ------------------------------------------------------------- units (no kernel)


def test_slide_view_moves_a_removed_slide_start_to_the_next_cell():
    nb = _notebook(
        [
            _cell("md", "# T", "slide"),
            _cell("code", "x = 1", "slide", ("solution",)),
            _cell("md", "note", "-", ("instructor-note",)),
            _cell("md", "next", "fragment"),
            _cell("md", "skipped", "skip"),
            _cell("md", "kept", "-"),
        ]
    )
    deck = slides.slide_view(nb, "T")
    kinds = [(c.source, c.metadata.slideshow.slide_type) for c in deck.cells]
    # the slide "next" starts has no heading of its own: it repeats the last one
    assert kinds == [
        ("# T", "slide"),
        ("note", "notes"),
        ("### T (continued)", "slide"),
        ("next", "-"),
        ("kept", "-"),
    ]
    assert deck.metadata.title == "T" and len(nb.cells) == 6  # the original is untouched


def test_slide_view_hides_code_unless_tagged_but_the_page_keeps_it():
    nb = _notebook(
        [
            _cell("md", "# T", "slide"),
            _cell("code", "plot()"),
            _cell("code", "1 + 1"),
            _cell("code", "shown()", tags=(slides.SHOW_CODE_TAG,)),
        ]
    )
    nb.cells[1].outputs = [
        nbformat.from_dict(
            {"output_type": "display_data", "data": {"image/png": "AA=="}, "metadata": {}}
        )
    ]
    deck = slides.slide_view(nb, "T")
    assert "hide-input" in deck.cells[1].metadata.tags
    assert "hide-input" in deck.cells[2].metadata.tags
    assert "hide-input" not in deck.cells[3].metadata.tags
    page = views.page_view(nb, "T")
    assert "hide-input" not in page.cells[1].metadata.get("tags", [])


def test_slide_view_of_a_figure_already_tagged_hide_input_stays_a_valid_notebook():
    nb = _notebook([_cell("md", "# T", "slide"), _cell("code", "plot()", tags=("hide-input",))])
    nb.cells[1].outputs = [
        nbformat.from_dict(
            {"output_type": "display_data", "data": {"image/png": "AA=="}, "metadata": {}}
        )
    ]
    deck = slides.slide_view(nb, "T")
    assert deck.cells[1].metadata.tags == ["hide-input"]
    nbformat.validate(deck)


def _png(width: int, height: int) -> str:
    """A base64 PNG header of the given size (enough for the size estimate)."""
    import base64
    import struct

    header = b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + b"IHDR"
    return base64.b64encode(
        header + struct.pack(">II", width, height) + b"\x08\x06\x00\x00\x00"
    ).decode()


def _figure_cell(width: int = 1100, height: int = 600) -> nbformat.NotebookNode:
    # as slide_view makes it: a slide shows the figure, not its code
    cell = nbformat.from_dict(_cell("code", "plot()", tags=("hide-input",)))
    cell.outputs = [
        nbformat.from_dict(
            {
                "output_type": "display_data",
                "data": {"image/png": _png(width, height)},
                "metadata": {},
            }
        )
    ]
    return cell


def test_estimated_height_reads_the_figure_size_and_caps_it():
    small, tall = _figure_cell(1100, 300), _figure_cell(1000, 800)
    assert 300 < slides.estimated_height(small) < slides.estimated_height(tall)
    assert slides.estimated_height(tall) <= slides.FIGURE_MAX_PX + 66 + 60  # margins, code
    small.metadata["tags"] = ["hide-input"]
    # shown at its own size (never enlarged), plus the figure's margins, and no code
    assert slides.estimated_height(small) == 300 + 66
    assert slides.estimated_height(_cell("md", "note", "notes")) == 0
    longer, shorter = _cell("md", "x" * 250), _cell("md", "x")
    assert slides.estimated_height(longer) > slides.estimated_height(shorter)


def test_a_paragraph_wrapped_in_the_source_is_estimated_as_the_slide_wraps_it():
    # four source lines of 60 characters are one paragraph of 240: three slide lines, not four;
    # list items and a new paragraph still start lines of their own
    line = "word " * 12
    wrapped = _cell("md", "\n".join([line.strip()] * 4))
    one_line = _cell("md", " ".join([line.strip()] * 4))
    assert slides.estimated_height(wrapped) == slides.estimated_height(one_line)
    items = _cell("md", "\n".join(f"- {line.strip()}" for _ in range(4)))
    assert slides.estimated_height(items) > slides.estimated_height(one_line)
    paragraphs = _cell("md", "\n\n".join([line.strip()] * 4))
    assert slides.estimated_height(paragraphs) > slides.estimated_height(one_line)


def test_paginate_moves_a_figure_and_its_lead_in_to_a_new_subslide():
    cells = [
        _cell("md", "## A point", "slide"),
        _cell("md", "A long paragraph. " * 40),
        _cell("md", "The figure below shows it:"),
        _figure_cell(),
        _cell("md", "What the figure means."),
    ]
    kinds = [_slide_type(c) for c in slides.paginate([nbformat.from_dict(c) for c in cells])]
    assert kinds == ["slide", "-", "subslide", "-", "-"]


def test_paginate_leaves_a_long_lead_in_where_moving_it_would_overflow():
    cells = [
        _cell("md", "## A point", "slide"),
        _cell("md", "A long paragraph. " * 55),
        _figure_cell(1000, 800),
    ]
    kinds = [_slide_type(c) for c in slides.paginate([nbformat.from_dict(c) for c in cells])]
    assert kinds == ["slide", "-", "subslide"]


def test_paginate_leaves_a_slide_that_fits_alone():
    cells = [_cell("md", "## A point", "slide"), _cell("md", "Look:"), _figure_cell(1100, 300)]
    kinds = [_slide_type(c) for c in slides.paginate([nbformat.from_dict(c) for c in cells])]
    assert kinds == ["slide", "-", "-"]


def test_paginate_never_leaves_an_empty_slide_for_a_cell_taller_than_the_screen():
    table = nbformat.from_dict(_cell("code", "table"))
    rows = "".join(f"<tr><td>{i}</td></tr>" for i in range(60))
    table.outputs = [
        nbformat.from_dict(
            {
                "output_type": "execute_result",
                "data": {"text/html": f"<table>{rows}</table>"},
                "metadata": {},
                "execution_count": 1,
            }
        )
    ]
    cells = [_cell("md", "## A point", "slide"), table, _cell("md", "after")]
    kinds = [_slide_type(c) for c in slides.paginate([nbformat.from_dict(c) for c in cells])]
    assert kinds == ["slide", "-", "subslide"]


def _slide_type(cell: dict) -> str:
    return cell["metadata"].get("slideshow", {}).get("slide_type", "-")


def _widget_notebook(ids: list[str]) -> nbformat.NotebookNode:
    box, slider = ids
    nb = _notebook([_cell("code", "box")])
    nb.cells[0].outputs = [
        nbformat.from_dict(
            {
                "output_type": "display_data",
                "data": {views.WIDGET_VIEW: {"model_id": box}, "text/plain": "VBox()"},
                "metadata": {},
            }
        )
    ]
    nb.metadata["widgets"] = {
        views.WIDGET_STATE: {
            "state": {
                slider: {"model_name": "IntSliderModel", "state": {"value": 3}},
                box: {"model_name": "VBoxModel", "state": {"children": [f"IPY_MODEL_{slider}"]}},
            },
            "version_major": 2,
            "version_minor": 0,
        }
    }
    return nb


def test_stable_widget_ids_replace_random_ids_consistently():
    runs = [[uuid.uuid4().hex, uuid.uuid4().hex] for _ in range(2)]
    renamed = [views.stable_widget_ids(_widget_notebook(ids), "01-x") for ids in runs]
    assert nbformat.writes(renamed[0]) == nbformat.writes(renamed[1])
    nb = renamed[0]
    state = nb.metadata.widgets[views.WIDGET_STATE]["state"]
    slider, box = list(state)  # in the order the kernel created them
    assert state[box]["state"]["children"] == [f"IPY_MODEL_{slider}"]
    assert nb.cells[0].outputs[0].data[views.WIDGET_VIEW]["model_id"] == box
    assert not any(old in nbformat.writes(nb) for old in runs[0])


def test_stable_reprs_drop_memory_addresses_from_plain_text():
    nb = _notebook([_cell("code", "x")])
    nb.cells[0].outputs = [
        nbformat.from_dict(
            {
                "output_type": "execute_result",
                "execution_count": 1,
                "data": {"text/plain": "<Styler at 0x7f85097d250>", "text/html": "<b>0x1></b>"},
                "metadata": {},
            }
        )
    ]
    data = views.stable_reprs(nb).cells[0].outputs[0].data
    assert data == {"text/plain": "<Styler>", "text/html": "<b>0x1></b>"}


def test_stable_reprs_also_clean_what_an_explorer_showed():
    nb = _notebook([_cell("code", "explorer.show()")])
    shown = {"output_type": "display_data", "data": {"text/plain": "<Styler at 0x7f9>"}}
    nb.metadata["widgets"] = {
        views.WIDGET_STATE: {"state": {"m1": {"state": {"outputs": [shown]}}}}
    }
    state = views.stable_reprs(nb).metadata["widgets"][views.WIDGET_STATE]["state"]
    assert state["m1"]["state"]["outputs"][0]["data"]["text/plain"] == "<Styler>"


def test_zip_bytes_depend_only_on_names_and_contents():
    first = editions.zip_bytes({"b.txt": b"2", "a.txt": b"1"})
    assert first == editions.zip_bytes({"a.txt": b"1", "b.txt": b"2"})
    with zipfile.ZipFile(io.BytesIO(first)) as archive:
        assert archive.namelist() == ["a.txt", "b.txt"]
        assert archive.read("b.txt") == b"2"


def test_input_hash_follows_the_notebook(tmp_path):
    path = tmp_path / "01-x.ipynb"
    path.write_text("{}")
    shared = cache.shared_hash()
    first = cache.input_hash(path, shared=shared)
    assert first == cache.input_hash(path, shared=shared)
    path.write_text("{ }")
    assert cache.input_hash(path, shared=shared) != first
    assert cache.input_hash(path, shared="other") != cache.input_hash(path, shared=shared)


def test_up_to_date_needs_the_same_key_and_untouched_files(tmp_path):
    (tmp_path / "html").mkdir()
    (tmp_path / "html/01-x.html").write_text("page")
    result = publish.Result("01-x", "built", 1.5, "X", 5, ("a",))
    cache.write_manifest(tmp_path, "key1", [result])
    recorded = cache.up_to_date(tmp_path, "key1")
    assert recorded is not None and recorded[0].status == "cached"
    assert recorded[0].objectives == ("a",)
    assert cache.up_to_date(tmp_path, "key2") is None
    (tmp_path / "html/01-x.html").write_text("changed page")
    assert cache.up_to_date(tmp_path, "key1") is None
    cache.write_manifest(tmp_path, None, [result])  # a build with a failure
    assert cache.up_to_date(tmp_path, "key1") is None


def test_missing_reveal_js_is_a_clear_error(tmp_path):
    write_course(tmp_path / "nbs")
    with pytest.raises(SystemExit, match="npm ci"):
        publish.build(tmp_path / "nbs", tmp_path / "out", reveal_dir=tmp_path / "nothing")
    assert not (tmp_path / "out").exists()


def test_storing_a_cache_entry_keeps_entries_of_notebooks_with_longer_names(tmp_path):
    other = tmp_path / "01-a-b-0123abcd"
    other.mkdir()
    stale = tmp_path / "01-a-99999999"
    stale.mkdir()
    cache.put(tmp_path, "feedbeef", publish.Result("01-a", "built", 1.0), {"x.txt": b"x"})
    assert other.is_dir() and not stale.exists()
    assert (tmp_path / "01-a-feedbeef" / "files" / "x.txt").read_bytes() == b"x"


def test_a_failed_swap_puts_the_last_good_build_back(tmp_path):
    target = tmp_path / "build"
    target.mkdir()
    (target / "index.html").write_text("last good")
    with pytest.raises(OSError):
        site.replace_dir(tmp_path / "no-such-staging-folder", target)
    assert (target / "index.html").read_text() == "last good"


def test_index_page_lists_a_failed_notebook_without_files():
    results = [
        publish.Result("01-a", "built", 1.0, "A", 5, ("one",)),
        publish.Result("02-b", "failed", 0.0, "B", None, (), "02-b.ipynb, cell 3: boom"),
    ]
    home = site.index_page(results, available={"01-a"})
    assert 'href="html/01-a.html"' in home and 'href="html/02-b.html"' not in home
    assert "failed to build and has no earlier build" in home
    assert "about 5 minutes" in home


def test_index_page_says_how_recent_the_facts_are():
    results = [publish.Result("01-a", "built", 1.0, "A", 5, ("one",))]
    assert "facts run to <strong>5 Dec 2025</strong>" in site.index_page(
        results, facts_as_of="5 Dec 2025"
    )
    assert "facts run to" not in site.index_page(results)


@pytest.mark.notebook
def test_the_real_course_home_page_gives_the_date_the_data_runs_to():
    from helpers import data

    out, _ = real_course()
    home = (out / "index.html").read_text()
    assert f"<strong>{data.format_date(data.facts_run_to())}</strong>" in home
    # objectives are text on the home page, no raw Markdown; a glossary link stays a link
    # to the start page's glossary, so the abbreviation is explained where it is read
    assert "](" not in home
    assert '<a href="html/00-start-here.html#glossary">PTI</a> news agency' in home


def test_summary_table_has_a_row_per_notebook():
    results = [publish.Result("01-a", "built", 1.5), publish.Result("02-bb", "cached", 0.0)]
    lines = publish.summary(results).splitlines()
    assert [line.split() for line in lines] == [
        ["notebook", "status", "seconds"],
        ["01-a", "built", "1.5"],
        ["02-bb", "cached", "-"],
    ]


def test_builds_in_two_threads_sharing_a_cache_take_turns(tmp_path):
    import threading

    entered = threading.Event()

    def second_build() -> None:
        with cache.lock(tmp_path, print):
            entered.set()

    with cache.lock(tmp_path, print):
        waiter = threading.Thread(target=second_build)
        waiter.start()
        assert not entered.wait(timeout=0.5), "a second build did not wait for the first"
    assert entered.wait(timeout=5)
    waiter.join()


def test_manifest_is_json_with_sorted_files(tmp_path):
    (tmp_path / "b").write_text("2")
    (tmp_path / "a").write_text("1")
    cache.write_manifest(tmp_path, "k", [])
    manifest = json.loads((tmp_path / cache.MANIFEST).read_text())
    assert list(manifest["files"]) == ["a", "b"]


# ------------------------------------------------------------- links

LINK = re.compile(r"""(?:href|src)\s*=\s*["']([^"']+)["']""", re.I)


def broken_links(root: Path) -> list[str]:
    """Every relative link or source in ``root``'s HTML files whose file is missing."""
    broken = []
    for page in sorted(root.rglob("*.html")):
        text = page.read_text(encoding="utf-8", errors="replace")
        for target in LINK.findall(text):
            if re.match(r"^(?:[a-z][a-z0-9+.-]*:|#|//)", target, re.I):
                continue  # another site, an anchor, or an inline data: image
            path = target.split("#")[0].split("?")[0]
            if path and not (page.parent / path).exists():
                broken.append(f"{page.relative_to(root)} -> {target}")
    return broken


def test_the_link_check_catches_a_missing_file(tmp_path):
    (tmp_path / "a.html").write_text(
        '<a href="b.html">b</a> <a href="c.html#x">c</a> <a href="https://x.org/">x</a> '
        '<img src="data:image/png;base64,AA"> <a href="#top">top</a>'
    )
    (tmp_path / "b.html").write_text("b")
    assert broken_links(tmp_path) == ["a.html -> c.html#x"]


@pytest.mark.notebook
def test_no_link_in_the_built_course_points_at_a_missing_file():
    out, _ = real_course()
    assert broken_links(out) == []
    # notebooks link each other as .ipynb; pages and decks as pages and decks
    page = (out / "html/01-reading-the-article.html").read_text()
    deck = (out / "slides/01-reading-the-article.slides.html").read_text()
    assert 'href="00-start-here.html' in page and ".ipynb" not in "".join(LINK.findall(page))
    assert 'href="00-start-here.slides.html"' in deck
    # a row id in a page's prose leads to its row on a data page
    anchors = {
        page.name: set(re.findall(r'<tr id="([^"]+)"', page.read_text()))
        for page in (out / "data").glob("*.html")
    }
    cited = [
        (target, row)
        for html_page in (out / "html").glob("*.html")
        for target, row in re.findall(
            r'href="\.\./data/([a-z_]+\.html)#([^"]+)"', html_page.read_text()
        )
    ]
    assert len(cited) > 50
    assert [c for c in cited if c[1] not in anchors.get(c[0], set())] == []


def test_link_pages_points_notebook_links_at_pages_or_decks_and_adds_navigation():
    titles = {"01-a": "A", "02-b": "B <b>", "03-c": "C"}
    text = '<!--course-nav-->x <a href="03-c.ipynb#part">c</a> <a href="99-z.ipynb">z</a>'
    page = site.link_pages(text, "page", "02-b", titles)
    assert 'href="03-c.html#part"' in page and 'href="99-z.ipynb"' in page
    assert 'href="01-a.html" rel="prev"' in page and 'href="03-c.html" rel="next"' in page
    deck = site.link_pages(text, "deck", "01-a", titles)
    assert 'href="03-c.slides.html"' in deck and 'rel="prev"' not in deck
    assert "Next: B &lt;b&gt;" in deck


def _table_cell(count: int, tags: tuple[str, ...] = ()) -> nbformat.NotebookNode:
    rows = "".join(f"<tr><td>{i}</td><td>{'a claim in words ' * 8}</td></tr>" for i in range(count))
    table = nbformat.from_dict(_cell("code", "table", tags=tags))
    table.outputs = [
        nbformat.from_dict(
            {
                "output_type": "display_data",
                "data": {
                    "text/html": f"<table><thead><tr><th>n</th><th>source_outlet</th></tr></thead>"
                    f"<tbody>{rows}</tbody></table>"
                },
                "metadata": {},
            }
        )
    ]
    return table


def test_slide_view_shows_a_long_table_as_its_first_rows_and_links_the_page_table():
    nb = _notebook([_cell("md", "# T", "slide"), _cell("md", "## Rows", "slide"), _table_cell(20)])
    deck = slides.slide_view(
        nb, "T", minutes=20, facts_as_of="5 Dec 2025", page="../html/01-t.html"
    )
    assert deck.cells[0].source.startswith(
        "# T\n\n*About 20 minutes · the course's facts run to 5 Dec 2025.*"
    )
    pieces = [c for c in deck.cells if c.cell_type == "code"]
    assert len(pieces) == 1  # one table, one slide: never split into continued slides
    markup = pieces[0].outputs[0]["data"]["text/html"]
    shown = [int(n) for n in re.findall(r"<td>(\d+)</td>", markup)]
    assert slides.MIN_SLIDE_ROWS <= len(shown) <= slides.MAX_SLIDE_ROWS
    assert shown == list(range(len(shown)))  # the first rows, in order
    assert f"The first {len(shown)} of 20 rows" in markup
    assert 'href="../html/01-t.html#cell-id=cell-002"' in markup  # the page's own table
    assert "<th>Source</th>" in markup and "source_outlet" not in markup
    assert not [c for c in deck.cells if c.source.endswith("(continued)")]


def test_a_slides_rows_tag_chooses_how_many_rows_a_slide_shows_and_a_short_table_stays_whole():
    nb = _notebook(
        [_cell("md", "# T", "slide"), _table_cell(20, ("slides-rows-4",)), _table_cell(3)]
    )
    long, short = [c for c in slides.slide_view(nb, "T").cells if c.cell_type == "code"]
    assert len(re.findall(r"<td>\d+</td>", long.outputs[0]["data"]["text/html"])) == 4
    assert "The first 4 of 20 rows" in long.outputs[0]["data"]["text/html"]
    assert len(re.findall(r"<td>\d+</td>", short.outputs[0]["data"]["text/html"])) == 3
    assert "course-more" not in short.outputs[0]["data"]["text/html"]


def test_slides_notes_keeps_the_heading_on_the_slide_and_gives_the_words_to_the_presenter():
    nb = _notebook(
        [
            _cell("md", "# T", "slide"),
            _cell("md", "## The point\n\nA long explanation.", "slide", (slides.NOTES_TAG,)),
            _cell("md", "More words.\n\n### A subsection\n\nIts words.", "-", (slides.NOTES_TAG,)),
            _cell(
                "md",
                "Why the promotion? Its reason:\nwith more words.",
                "subslide",
                (slides.HEADING_TAG,),
            ),
        ]
    )
    deck = slides.slide_view(nb, "T")
    kinds = [(c.source, c.metadata.slideshow.slide_type) for c in deck.cells]
    assert kinds == [
        ("# T", "slide"),
        ("## The point", "slide"),
        ("A long explanation.", "notes"),
        ("More words.", "notes"),
        ("### A subsection", "subslide"),
        ("Its words.", "notes"),
        ("### Why the promotion? Its reason", "subslide"),
        ("with more words.", "notes"),
    ]
    page = views.page_view(nb, "T")
    assert [c.source for c in page.cells] == [c.source for c in nb.cells]  # the page keeps all


def test_a_figure_goes_on_its_slide_as_svg_named_by_its_alt_text():
    from helpers import plotting

    fig, ax = plotting.figure()
    ax.bar(["a", "b"], [1, 2])
    alt = "Bar chart with two bars, a at 1 and b at 2."
    png, svg = plotting._render(fig, "T", alt, "S", "x", "y", True, slide=True)
    cell = nbformat.from_dict(_cell("code", "plot()"))
    cell.outputs = [
        nbformat.from_dict(
            {
                "output_type": "display_data",
                "data": {"image/png": "AA==", plotting.SLIDE_FIGURE: svg, "text/plain": alt},
                "metadata": {"image/png": {"alt": alt}},
            }
        )
    ]
    deck = slides.slide_view(_notebook([_cell("md", "# T", "slide"), cell]), "T")
    markup = deck.cells[1].outputs[0]["data"]["text/html"]
    assert markup.startswith('<div class="course-slide-figure"><svg role="img" aria-label="Bar ')
    assert "<text" in markup and "<image" not in markup  # text kept as text, nothing raster
    assert slides.estimated_height(deck.cells[1]) >= slides.FIGURE_SLIDE_PX
    nbformat.validate(deck)
    # the page keeps the PNG: nbconvert leaves the slide figure's type out
    from helpers.publish.export import export_html

    page = export_html(_notebook([_cell("md", "# T", "slide"), cell]), "T")
    assert "data:image/png;base64,AA==" in page and "<svg role" not in page


def test_deck_outline_reads_each_slide_heading_and_counts_continuations():
    deck = (
        '<section><section><h1 id="a">T<a class="anchor-link">¶</a></h1></section>'
        "<section><h3>T (continued)</h3><p>x</p></section></section>"
        "<section><section><h2>Next</h2></section></section>"
    )
    assert slides.deck_outline(deck) == ["T", "T (continued)", "Next"]
    assert slides.continued(slides.deck_outline(deck)) == 1


@pytest.mark.notebook
def test_every_real_deck_fits_its_minutes_and_no_heading_is_a_raw_column_name():
    # a slide a minute at most, title and section slides included; one table, one slide;
    # a table heading on a page or slide is written for people ("Source", not source_outlet)
    from helpers.tables import raw_headers

    out, results = real_course()
    for result in results:
        deck = (out / f"slides/{result.name}.slides.html").read_text()
        outline = slides.deck_outline(deck)
        assert result.minutes and len(outline) <= result.minutes, (result.name, len(outline))
        assert "Rows 1-" not in deck and "Row 2 of" not in deck
        for rel in (f"html/{result.name}.html", f"slides/{result.name}.slides.html"):
            assert raw_headers((out / rel).read_text()) == [], rel
    # and on the data pages, which head each column for people over its file name
    data_pages = sorted((out / "data").glob("*.html"))
    assert len(data_pages) >= 8
    raw = {page.name: raw_headers(page.read_text()) for page in data_pages}
    assert {name: found for name, found in raw.items() if found} == {}
