"""Build the course into ``build/``: ``python -m helpers.build [-j N]`` (or ``make course``).

Each notebook is executed once, in its own kernel, in parallel, with the
network blocked; every export (the page, the slide deck, the student and
instructor notebooks) reuses that execution. Results are cached by a hash of
everything that can change them, so a rebuild with no change only checks
hashes (and copies files if ``build/`` was touched). The build is written to
a temporary folder and swapped in at the end: a failed or interrupted build
never destroys the last good one, and a notebook that fails keeps its
previous pages (marked stale on the home page) while the others are rebuilt.
Source notebooks are only read.

What ``build/`` holds::

    index.html                          the course home page
    html/NN-name.html                   the executed page (solutions folded)
    slides/NN-name.slides.html          the reveal.js deck (speaker notes: press S)
    slides/reveal.js/...                reveal.js itself, copied from node_modules
    notebooks/student/NN-name.ipynb     solutions removed, no outputs
    notebooks/instructor/NN-name.ipynb  complete and executed
    notebooks/course-notebooks-student.zip, ...-instructor.zip

Everything works offline: nothing is loaded from the network at view time.
"""

from __future__ import annotations

import argparse
import concurrent.futures as cf
import contextlib
import copy
import hashlib
import html
import io
import json
import logging
import os
import re
import shutil
import sys
import time
import uuid
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from helpers import datapages, editions, notebooks
from helpers.data import REPO_DIR, display_path

notebooks.skip_iri_grammars()  # before anything imports nbformat: saves ~4 s per build

BUILD_DIR = REPO_DIR / "build"
CACHE_DIR = REPO_DIR / ".cache" / "build"
TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"
# reveal.js is installed by `npm ci` (package.json pins the version) and copied
# into every build, so a deck needs no network.
REVEAL_DIR = REPO_DIR / "node_modules" / "reveal.js"
REVEAL_FILES = (
    "LICENSE",
    "package.json",
    "dist/reveal.js",
    "dist/reveal.css",
    "dist/theme/white.css",
    "dist/theme/fonts/source-sans-pro",
    "plugin/notes/notes.js",
)
REVEAL_PREFIX = "reveal.js"  # where the decks find reveal.js, relative to slides/
# Bump when the build's own output format changes, to invalidate the cache.
BUILD_FORMAT = "3"
# Inputs that can change a notebook's outputs besides the notebook itself.
SHARED_INPUTS = (
    "helpers",
    "data",
    "seeds",
    "requirements.lock",
    # what the editions carry besides the notebooks (the version is in pyproject.toml)
    "pyproject.toml",
    "LICENSE",
    "LICENSE-CONTENT.md",
    "CITATION.cff",
)
MANIFEST = ".build-manifest.json"
STUDENT_PROMPT = "# Your answer here: the solution is in the instructor edition.\n"
STUDENT_MARKDOWN = "*Write your answer here; the solution is in the instructor edition.*"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
ZIP_DATE = (1980, 1, 1, 0, 0, 0)  # the earliest date a zip can hold: fixed, so zips repeat
EDITIONS = {
    "student": "Student edition: exercise solutions removed, no outputs; run every cell yourself.",
    "instructor": "Instructor edition: complete, with solutions, speaker notes and outputs.",
}


@dataclass
class Result:
    """How one notebook fared in a build."""

    name: str
    status: str  # "built", "cached" or "failed"
    seconds: float
    title: str = ""
    minutes: int | None = None
    objectives: tuple[str, ...] = ()
    error: str = ""


# ---------------------------------------------------------------- hashing


def _files(path: Path) -> list[Path]:
    files = sorted(path.rglob("*")) if path.is_dir() else [path]
    return [f for f in files if f.is_file() and "__pycache__" not in f.parts]


def shared_hash(repo: Path = REPO_DIR) -> str:
    """A hash of the build format and every input the notebooks share (helpers, data...)."""
    digest = hashlib.sha256(BUILD_FORMAT.encode())
    for name in SHARED_INPUTS:
        for file in _files(repo / name):
            digest.update(file.relative_to(repo).as_posix().encode())
            digest.update(file.read_bytes())
    return digest.hexdigest()


def input_hash(notebook: Path, shared: str) -> str:
    """A hash of the notebook and ``shared_hash()``: equal hashes, equal outputs."""
    digest = hashlib.sha256(shared.encode())
    digest.update(notebook.read_bytes())
    return digest.hexdigest()[:20]


# ---------------------------------------------------------------- notebook views


def student_copy(nb: Any) -> Any:
    """A copy for students: solution cells replaced by a prompt, outputs cleared."""
    student = notebooks.strip_outputs(copy.deepcopy(nb))
    for cell in student.cells:
        if "solution" in _tags(cell):
            cell.source = STUDENT_PROMPT if cell.cell_type == "code" else STUDENT_MARKDOWN
            cell.metadata.get("jupyter", {}).pop("source_hidden", None)
    return student


def stable_widget_ids(nb: Any, salt: str) -> Any:
    """Replace the random ids of ipywidgets models by ids derived from ``salt``.

    The kernel gives every widget model a random uuid; the executed notebook
    stores them in its widget state and in each widget's output. They are
    renumbered in the order the kernel created the models (the order of the
    stored state, then of the outputs), so two builds write the same bytes.
    """
    import nbformat

    state = nb.metadata.get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})
    ids = list(state)
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            model = output.get("data", {}).get(WIDGET_VIEW, {}).get("model_id")
            if model and model not in ids:
                ids.append(model)
    if not ids:
        return nb
    mapping = {old: uuid.uuid5(uuid.NAMESPACE_URL, f"{salt}/{i}").hex for i, old in enumerate(ids)}
    pattern = re.compile("|".join(re.escape(old) for old in mapping))
    text = pattern.sub(lambda m: mapping[m.group(0)], json.dumps(nb))
    return nbformat.from_dict(json.loads(text))


_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+>")


def stable_reprs(nb: Any) -> Any:
    """Drop memory addresses from plain-text reprs (``<Styler at 0x7f...>`` -> ``<Styler>``).

    Python's default repr of an object names where it sits in memory, which
    changes every run; a DataFrame styler's plain-text fallback is one. The
    address means nothing to a reader, and without it two builds match. The
    outputs an explorer showed, kept in the notebook's widget state, count too.
    """
    outputs = [output for cell in nb.cells for output in cell.get("outputs", [])]
    state = nb.metadata.get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})
    for model in state.values():
        outputs += model.get("state", {}).get("outputs", [])
    for output in outputs:
        data = output.get("data", {})
        text = data.get("text/plain")
        if isinstance(text, str) and _ADDRESS.search(text):
            data["text/plain"] = _ADDRESS.sub(">", text)
    return nb


def _tags(cell: Any) -> list[str]:
    return cell.metadata.get("tags", [])


def _slide_type(cell: Any) -> str:
    return cell.metadata.get("slideshow", {}).get("slide_type", "-") or "-"


WIDGET_NOTE = (
    '<div class="course-widget-note">Interactive control: it needs a running Python kernel. '
    "Open this notebook in JupyterLab to use it; the result shown next to it is its "
    "default view.</div>"
)


def static_widgets(nb: Any) -> Any:
    """Show each widget the way a page can, and drop the widget state.

    A page or deck has no kernel to drive a widget, and loading the widget
    manager would need the network. The course's quizzes and explorers carry
    a static HTML view of their own beside the widget (``Quiz.show``,
    ``Explorer.show``), which the page keeps and ``course.js`` drives; any
    other widget becomes a note saying it needs a kernel.
    """
    nb.metadata.pop("widgets", None)
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if WIDGET_VIEW in data:
                static = data.get("text/html", "")
                output["data"] = {"text/html": static if static else WIDGET_NOTE}
    return nb


def page_view(nb: Any, title: str) -> Any:
    """The notebook as a page shows it: no speaker notes, widgets as notes."""
    page = static_widgets(copy.deepcopy(nb))
    page.metadata["title"] = title
    page.cells = [
        c
        for c in page.cells
        if _slide_type(c) != "notes" and not {"instructor-note", "remove-cell"} & set(_tags(c))
    ]
    return page


_RANK = {"slide": 2, "subslide": 1}


def _draws_figure(cell: Any) -> bool:
    return any(
        "image/png" in o.get("data", {}) or "image/jpeg" in o.get("data", {})
        for o in cell.get("outputs", [])
    )


SHOW_CODE_TAG = "slides-show-code"  # a cell whose code a slide should show (a slide about code)
MAX_SLIDE_ROWS = 8  # table rows a slide shows at a readable size; the page has the rest


def slide_view(nb: Any, title: str, minutes: int | None = None, facts_as_of: str = "") -> Any:
    """The notebook as its deck shows it: a lesson, not the notebook cut in pieces.

    Solutions, skipped and removed cells are left out (a slide or subslide
    that one of them started is started by the next cell shown instead);
    cells tagged ``instructor-note`` become speaker notes. Code is hidden
    (the page keeps it for self-study) unless a cell is tagged
    ``slides-show-code``; outputs stay, and a table shows its first
    MAX_SLIDE_ROWS rows. The title slide gives the minutes needed and the date
    the facts run to, and a slide continued from the last one says so.
    """
    deck = static_widgets(copy.deepcopy(nb))
    deck.metadata["title"] = title
    cells, carry = [], "-"
    for cell in deck.cells:
        kind = _slide_type(cell)
        if {"solution", "remove-cell"} & set(_tags(cell)) or kind == "skip":
            carry = max(carry, kind, key=lambda k: _RANK.get(k, 0))
            continue
        if "instructor-note" in _tags(cell) or kind == "notes":
            cell.metadata.setdefault("slideshow", {})["slide_type"] = "notes"
        else:
            if cell.cell_type == "code":
                hidden = {"hide-input", SHOW_CODE_TAG} & set(_tags(cell))
                if not hidden:  # nbformat rejects a repeated tag
                    cell.metadata["tags"] = [*_tags(cell), "hide-input"]
            if _RANK.get(carry, 0) > _RANK.get(kind, 0):
                cell.metadata.setdefault("slideshow", {})["slide_type"] = carry
            carry = "-"
        cells.append(cell)
    if cells and cells[0].cell_type == "markdown" and (minutes or facts_as_of):
        facts = f"the course's facts run to {facts_as_of}" if facts_as_of else ""
        time_needed = f"About {minutes} minutes" if minutes else ""
        line = " · ".join(part for part in (time_needed, facts) if part)
        # right under the title, in the title's own cell, so it is on the title slide
        title_line, _, rest = cells[0].source.partition("\n")
        cells[0].source = f"{title_line}\n\n*{line[0].upper()}{line[1:]}.*\n{rest}"
    budget = SLIDE_HEIGHT_PX - 60 - _HEADING_PX  # room for the heading a continuation repeats
    deck.cells = headed(paginate(_split_markdown(_split_tables(cells, budget), budget)))
    return deck


_BODY_ROW = re.compile(r"<tr\b.*?</tr>", re.S)
_CELL = re.compile(r"<t[dh]\b[^>]*>(.*?)</t[dh]>", re.S)
_TAG = re.compile(r"<[^>]+>")


def _row_px(row: str) -> int:
    """Roughly how tall a table row is on a slide: its text wrapped across the slide
    (columns share the width by how much they hold, as browsers lay tables out)."""
    cells = [html.unescape(_TAG.sub("", c)).strip() for c in _CELL.findall(row)] or [""]
    words = sum(len(c) for c in cells) + 6 * len(cells)
    # a long unbroken cell (a web address) wraps in its own column, however wide
    narrow = max(-(-len(c) // max(8, (SLIDE_WIDTH_PX - 40) // len(cells) // 13)) for c in cells)
    return 18 + 36 * max(1, -(-words // 75), -(-narrow // 2))


def _split_table(markup: str, budget: int) -> list[str]:
    """A table as pieces that each fit ``budget`` pixels (at most MAX_SLIDE_ROWS rows),
    each with the header; one piece if it already fits or is not a plain table."""
    if "<tbody" not in markup or "course-explorer" in markup or "course-quiz" in markup:
        return [markup]
    head, _, rest = markup.partition("<tbody")
    opening, _, body_and_tail = rest.partition(">")
    body, _, tail = body_and_tail.partition("</tbody>")
    rows = _BODY_ROW.findall(body)
    header = sum(_row_px(r) for r in _BODY_ROW.findall(head))
    pieces, piece, used = [], [], header
    for row in rows:
        height = _row_px(row)
        if piece and (used + height > budget or len(piece) >= MAX_SLIDE_ROWS):
            pieces.append(piece)
            piece, used = [], header
        piece.append(row)
        used += height
    pieces.append(piece)
    if len(pieces) == 1:
        return [markup]
    total = len(rows)
    out, first = [], 1
    for part in pieces:
        last = first + len(part) - 1
        rows_shown = f"Row {first}" if first == last else f"Rows {first}-{last}"
        note = f'<p class="course-more">{rows_shown} of {total}.</p>'
        out.append(f"{head}<tbody{opening}>{''.join(part)}</tbody>{tail}{note}")
        first = last + 1
    return out


_BLOCK = re.compile(r"\n\s*\n|\n(?=\s*(?:[-*]|\d+\.)\s)")


def _split_markdown(cells: list[Any], budget: int) -> list[Any]:
    """Split a Markdown cell taller than a slide (a Sources list, long key points) at its
    paragraphs and list items, so each piece fits a slide of its own."""
    from nbformat.v4 import new_markdown_cell

    out: list[Any] = []
    for cell in cells:
        if cell.cell_type != "markdown" or estimated_height(cell) <= budget:
            out.append(cell)
            continue
        blocks = [b for b in _BLOCK.split(cell.source) if b.strip()]
        pieces: list[list[str]] = [[]]
        for block in blocks:
            trial = "\n\n".join([*pieces[-1], block])
            if pieces[-1] and estimated_height(new_markdown_cell(trial)) > budget:
                pieces.append([])
            pieces[-1].append(block)
        for number, piece in enumerate(pieces):
            part = copy.deepcopy(cell)
            part.source = "\n\n".join(piece)
            if number:
                part.metadata.setdefault("slideshow", {})["slide_type"] = "subslide"
                part["id"] = f"{cell.get('id', 'cell')}-part{number}"
            out.append(part)
    return out


_URL_CELL = re.compile(r"(<td\b[^>]*>)\s*(https?://[^<\s]+)\s*(</td>)")


def _short_url(match: re.Match[str]) -> str:
    """A table cell that is a bare web address shows its site on a slide (the page keeps
    the address in full): a 100-character address would fill a column on a projector."""
    from urllib.parse import urlsplit

    return f"{match.group(1)}{urlsplit(html.unescape(match.group(2))).hostname}{match.group(3)}"


def _split_tables(cells: list[Any], budget: int) -> list[Any]:
    """Give each piece of a long table its own copy of the cell, so it gets its own slide."""
    out: list[Any] = []
    for cell in cells:
        outputs = cell.get("outputs", []) if cell.cell_type == "code" else []
        html_outputs = [o for o in outputs if "text/html" in o.get("data", {})]
        if len(html_outputs) != 1:
            out.append(cell)
            continue
        markup = _URL_CELL.sub(_short_url, "".join(html_outputs[0]["data"]["text/html"]))
        html_outputs[0]["data"]["text/html"] = markup
        pieces = _split_table(markup, budget * 85 // 100)
        if len(pieces) == 1:
            out.append(cell)
            continue
        for number, piece in enumerate(pieces):
            part = copy.deepcopy(cell)
            part.outputs = [copy.deepcopy(html_outputs[0])]
            part.outputs[0]["data"] = {"text/html": piece}
            if number:
                part.metadata.setdefault("slideshow", {})["slide_type"] = "subslide"
                part["id"] = f"{cell.get('id', 'cell')}-part{number}"
            out.append(part)
    return out


def _heading_of(cell: Any) -> str | None:
    if cell.cell_type != "markdown":
        return None
    match = re.search(r"^#{1,3}\s+(.+)$", cell.source, re.M)
    return match.group(1).strip() if match else None


def headed(cells: list[Any]) -> list[Any]:
    """Give every slide a heading: a slide that starts without one (a continuation, or
    what follows a removed solution) repeats the last heading, marked as continued."""
    from nbformat.v4 import new_markdown_cell

    out: list[Any] = []
    last = ""
    for cell in cells:
        kind = _slide_type(cell)
        own = _heading_of(cell)
        if kind in _RANK and own is None and last:
            heading = new_markdown_cell(f"### {last.removesuffix(' (continued)')} (continued)")
            heading.metadata["slideshow"] = {"slide_type": kind}
            heading["id"] = f"{cell.get('id', 'cell')}-heading"  # fixed: builds repeat
            cell.metadata["slideshow"]["slide_type"] = "-"
            out.append(heading)
        if own:
            last = own.lstrip("#").strip()
        out.append(cell)
    return out


# A deck is SLIDE_WIDTH_PX x SLIDE_HEIGHT_PX; reveal.js scales it to the screen, so
# these sizes hold on any projector. The slide template caps images at FIGURE_MAX_PX.
# Text on a slide is 28 px (24 px in tables and code), headings 36-52 px, so that after
# reveal.js scales the deck to a 1280 x 720 projector every letter is at least 20 px.
SLIDE_WIDTH_PX, SLIDE_HEIGHT_PX, FIGURE_MAX_PX = 1280, 800, 460
_TEXT_LINE_PX, _CODE_LINE_PX, _HEADING_PX, _CHARS_PER_LINE = 44, 34, 112, 64
_NOTE_PX = 44


def _png_size(data: str) -> tuple[int, int] | None:
    """Width and height of a base64 PNG, read from its header (None if unreadable)."""
    import base64
    import binascii
    import struct

    try:
        head = base64.b64decode(data[:44])
    except (binascii.Error, ValueError):
        return None
    if len(head) < 24 or head[:8] != b"\x89PNG\r\n\x1a\n":
        return None
    return struct.unpack(">II", head[16:24])


def _lines_px(text: str, line_px: int) -> int:
    lines = text.splitlines() or [""]
    return sum(line_px * max(1, -(-len(line) // _CHARS_PER_LINE)) for line in lines)


_MD_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")


def estimated_height(cell: Any) -> int:
    """Roughly how many pixels of a 1280 x 800 slide ``cell`` fills (a guess, not a layout).

    Enough to decide where a long slide should continue on a new one: headings,
    wrapped text, code lines, table rows and figures at their capped size.
    """
    if _slide_type(cell) == "notes":
        return 0
    if cell.cell_type == "markdown":
        shown = _MD_LINK.sub(r"\1", cell.source)  # a link shows its label, not its address
        body = [line for line in shown.splitlines() if not line.startswith("#")]
        headings = len(shown.splitlines()) - len(body)
        paragraphs = len([b for b in re.split(r"\n\s*\n", shown) if b.strip()])
        text = _lines_px("\n".join(body), _TEXT_LINE_PX) if body else 0
        return headings * _HEADING_PX + text + 28 * paragraphs
    if cell.cell_type != "code":
        return 0
    height = 0 if "hide-input" in _tags(cell) else _lines_px(cell.source, _CODE_LINE_PX) + 20
    for output in cell.get("outputs", []):
        data = output.get("data", {})
        if "image/png" in data or "image/jpeg" in data:
            size = _png_size(data.get("image/png", ""))
            if size:
                width, tall = size
                height += min(FIGURE_MAX_PX, int(tall * min(1.0, (SLIDE_WIDTH_PX - 40) / width)))
            else:
                height += FIGURE_MAX_PX
            height += 66  # the figure's own margins
        elif "text/html" in data:
            markup = "".join(data["text/html"])
            note = _NOTE_PX * markup.count("course-widget-note") + _NOTE_PX * markup.count(
                "course-more"
            )
            if "course-quiz-question" in markup:
                height += 700  # a slide of its own: one question at a time, room for feedback
            elif "course-explorer" in markup:
                height += 700  # its result scrolls in a box of its own on a slide
            else:
                height += sum(_row_px(r) for r in _BODY_ROW.findall(markup)) + note + 10
        elif "text/markdown" in data:
            text = "".join(data["text/markdown"])
            body = [line for line in text.splitlines() if not line.startswith("#")]
            height += _HEADING_PX * (len(text.splitlines()) - len(body))
            height += _lines_px("\n".join(body), _TEXT_LINE_PX) + 20
        elif "text/plain" in data or output.get("output_type") == "stream":
            text = "".join(data.get("text/plain", output.get("text", "")))
            height += 20 + sum(
                _CODE_LINE_PX * max(1, -(-len(line) // 60)) for line in text.splitlines() or [""]
            )
    return height


def _only_heading(cell: Any) -> bool:
    return cell.cell_type == "markdown" and all(
        line.startswith("#") for line in cell.source.strip().splitlines()
    )


def paginate(cells: list[Any], budget: int = SLIDE_HEIGHT_PX - 80) -> list[Any]:
    """Continue a slide that would run past the bottom of the screen on a new subslide.

    Walking the deck's cells in order, a cell that would push the current slide
    past ``budget`` pixels (see ``estimated_height``) starts a subslide, and
    takes its lead-in sentence with it: a figure always shows together with the
    sentence that introduces it. A cell taller than a whole slide keeps its own
    slide, and the slide scrolls. ``cells`` are changed in place and returned.
    """
    used = 0
    shown: list[int] = []  # positions of the cells shown on the current (sub)slide
    for index, cell in enumerate(cells):
        kind = _slide_type(cell)
        if kind == "notes":
            continue
        height = estimated_height(cell)
        if kind in _RANK:
            used, shown = height, [index]
            continue
        # a cell taller than a whole slide still gets a slide of its own (so that only it
        # can run past the bottom), unless all the slide has so far is its heading
        if shown and used + height > budget and not all(_only_heading(cells[i]) for i in shown):
            start = index
            lead = cells[shown[-1]]
            if (
                len(shown) > 1
                and cell.cell_type == "code"  # a figure or table takes its lead-in along
                and lead.cell_type == "markdown"
                and _slide_type(lead) == "-"
                and not lead.source.lstrip().startswith("#")
                and estimated_height(lead) + height <= budget  # moving must not overflow
            ):
                start = shown[-1]  # the lead-in sentence moves with what it introduces
            cells[start].metadata.setdefault("slideshow", {})["slide_type"] = "subslide"
            used = sum(estimated_height(c) for c in cells[start : index + 1])
            shown = [i for i in range(start, index + 1) if _slide_type(cells[i]) != "notes"]
            continue
        used += height
        shown.append(index)
    return cells


# ---------------------------------------------------------------- exports


def _tag_remover() -> Any:
    from nbconvert.preprocessors import TagRemovePreprocessor

    return TagRemovePreprocessor(
        remove_cell_tags={"remove-cell"},
        remove_input_tags={"hide-input"},
        remove_all_outputs_tags={"remove-output"},
    )


def _counting_uuid4(salt: str) -> Callable[[], uuid.UUID]:
    """A stand-in for the templates' ``uuid4()``: element ids that repeat build to build."""
    counter = iter(range(1 << 30))
    return lambda: uuid.uuid5(uuid.NAMESPACE_URL, f"{salt}/element/{next(counter)}")


def _export(exporter: Any, nb: Any, salt: str) -> str:
    exporter.register_preprocessor(_tag_remover(), enabled=True)
    exporter.environment.globals["uuid4"] = _counting_uuid4(salt)
    body, _ = exporter.from_notebook_node(nb)
    return body


def export_html(nb: Any, title: str = "", name: str = "notebook") -> str:
    """The executed notebook as a self-contained HTML page (no network needed)."""
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(
        template_name="course_html",
        extra_template_basedirs=[str(TEMPLATE_DIR)],
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )
    return _export(exporter, page_view(nb, title or name), name)


def export_slides(
    nb: Any,
    title: str = "",
    name: str = "notebook",
    minutes: int | None = None,
    facts_as_of: str = "",
) -> str:
    """The executed notebook as a reveal.js deck that loads reveal.js from ``reveal.js/``."""
    from nbconvert import SlidesExporter

    exporter = SlidesExporter(
        template_name="course_slides",
        extra_template_basedirs=[str(TEMPLATE_DIR)],
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        reveal_url_prefix=REVEAL_PREFIX,
        reveal_theme="white",
        reveal_transition="none",
        reveal_number="c/t",
        reveal_width=str(SLIDE_WIDTH_PX),
        reveal_height=str(SLIDE_HEIGHT_PX),
    )
    exporter.environment.globals["figure_max_px"] = FIGURE_MAX_PX
    return _export(exporter, slide_view(nb, title or name, minutes, facts_as_of), name)


def course_assets() -> Iterator[tuple[str, Path]]:
    """The course's own script and style sheet for pages and decks (``assets/``)."""
    for file in _files(TEMPLATE_DIR / "assets"):
        yield f"assets/{file.name}", file


_NOTEBOOK_LINK = re.compile(r'href="(\d\d-[a-z0-9]+(?:-[a-z0-9]+)*)\.ipynb(#[^"]*)?"')
NAV_MARK = "<!--course-nav-->"


def link_pages(text: str, kind: str, name: str, titles: dict[str, str]) -> str:
    """Make a page (``kind="page"``) or deck (``"deck"``) link within the course.

    A link to another notebook (``02-the-actors.ipynb#anchor``) points at that
    notebook's page, or its deck (decks have no anchors); each navigation
    mark becomes previous · course home · next. ``titles`` maps every built
    notebook, in course order, to its title.
    """
    suffix = ".html" if kind == "page" else ".slides.html"

    def relink(match: re.Match[str]) -> str:
        target, anchor = match.group(1), match.group(2) or ""
        if target not in titles:
            return match.group(0)
        return f'href="{target}{suffix}{anchor if kind == "page" else ""}"'

    order = list(titles)
    where = order.index(name) if name in order else -1
    links = []
    if where > 0:
        before = order[where - 1]
        links.append(
            f'<a href="{before}{suffix}" rel="prev">← Previous: {html.escape(titles[before])}</a>'
        )
    links.append('<a href="../index.html">Course home</a>')
    if 0 <= where < len(order) - 1:
        after = order[where + 1]
        links.append(
            f'<a href="{after}{suffix}" rel="next">Next: {html.escape(titles[after])} →</a>'
        )
    marks = text.count(NAV_MARK)
    for number in range(marks):
        place = "" if marks == 1 else (" (top)" if number == 0 else " (bottom)")
        extra = " course-deck-nav" if kind == "deck" else ""
        nav = (
            f'<nav class="course-nav{extra}" aria-label="Course navigation{place}">'
            f"{''.join(links)}</nav>"
        )
        text = text.replace(NAV_MARK, nav, 1)
    return _NOTEBOOK_LINK.sub(relink, text)


def reveal_assets(reveal_dir: Path = REVEAL_DIR) -> Iterator[tuple[str, Path]]:
    """The reveal.js files a deck needs, as (path under ``slides/``, source file)."""
    if not (reveal_dir / "dist" / "reveal.js").is_file():
        raise SystemExit(
            f"reveal.js is missing from {display_path(reveal_dir)}: run `npm ci` "
            "(make course and make test run it for you)"
        )
    for name in REVEAL_FILES:
        for file in _files(reveal_dir / name):
            yield f"slides/{REVEAL_PREFIX}/{file.relative_to(reveal_dir).as_posix()}", file


def reveal_version(reveal_dir: Path = REVEAL_DIR) -> str:
    """The installed reveal.js version (from its package.json), or "" if it is missing."""
    try:
        return json.loads((reveal_dir / "package.json").read_text())["version"]
    except (OSError, ValueError, KeyError):
        return ""


def zip_bytes(files: dict[str, bytes]) -> bytes:
    """A zip of ``files`` (name -> content) that is the same bytes every time.

    Entries are sorted and carry a fixed date and permissions, so the zip
    depends only on the names and contents.
    """
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 3  # unix, whatever machine builds it
            archive.writestr(info, files[name])
    return buffer.getvalue()


def zip_name(edition: str) -> str:
    """Where the zip of one edition (student or instructor) goes, under ``build/``."""
    return f"notebooks/course-notebooks-{edition}.zip"


def _edition_zips(staging: Path) -> dict[str, bytes]:
    from helpers import editions  # the bundle: notebooks, helpers, data, pins, README

    zips = {}
    for edition in EDITIONS:
        folder = staging / "notebooks" / edition
        held = {p.name: p.read_bytes() for p in sorted(folder.glob("*.ipynb"))}
        if held:
            zips[zip_name(edition)] = zip_bytes(editions.edition_files(edition, held))
    return zips


# ---------------------------------------------------------------- one notebook


def build_one(notebook: Path, timeout: int = 60) -> tuple[Result, dict[str, bytes]]:
    """Execute one notebook and produce its files (paths relative to ``build/``).

    Never raises: any failure (a cell error, a timeout, an unreadable
    notebook, an export error) comes back as a Result with status "failed".
    """
    name = notebook.stem
    result = Result(name, "failed", 0.0, name)
    try:
        import nbformat

        nb = notebooks.read(notebook)
        info = notebooks.outline(nb, name)
        result.title, result.minutes, result.objectives = (
            info.title,
            info.minutes,
            tuple(info.objectives),
        )
        executed, seconds = notebooks.execute(
            nb, display_path(notebook), timeout=timeout, cwd=notebook.parent
        )
        executed = stable_reprs(stable_widget_ids(executed, name))
        _checkpoint("executed")
        files = {
            f"html/{name}.html": export_html(executed, info.title, name).encode(),
            f"slides/{name}.slides.html": export_slides(
                executed, info.title, name, info.minutes, _facts_as_of()
            ).encode(),
            f"notebooks/instructor/{name}.ipynb": nbformat.writes(executed).encode(),
            f"notebooks/student/{name}.ipynb": nbformat.writes(student_copy(executed)).encode(),
        }
    except notebooks.NotebookFailed as err:
        result.error = str(err)
        return result, {}
    except Exception as err:  # report, never crash the whole build
        result.error = f"{display_path(notebook)}: {type(err).__name__}: {err}"
        return result, {}
    result.status, result.seconds = "built", round(seconds, 2)
    return result, files


# ---------------------------------------------------------------- cache


class BuildError(RuntimeError):
    """The build cannot go on (the lock is held too long, build/ cannot be written...)."""


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _cache_get(
    cache_dir: Path, key: str, name: str, log: Any = print
) -> tuple[Result, dict[str, bytes]] | None:
    """A stored result, only if every file it holds still has its recorded hash.

    A damaged entry (a file truncated, altered or missing, unreadable JSON)
    is reported once, removed, and its notebook is executed again.
    """
    folder = cache_dir / f"{name}-{key}"
    meta = folder / "result.json"
    if not meta.is_file():
        return None
    try:
        recorded = json.loads(meta.read_text())
        hashes: dict[str, str] = recorded["files"]
        files = {rel: (folder / "files" / rel).read_bytes() for rel in hashes}
        damaged = sorted(rel for rel, data in files.items() if _sha256(data) != hashes[rel])
        result = _cached_result(recorded["result"])
    except (OSError, ValueError, KeyError, TypeError) as err:
        damaged = [f"{type(err).__name__}: {err}"]
    if damaged:
        log(f"  damaged cache entry for {name} ({', '.join(damaged)[:200]}): executing it again")
        shutil.rmtree(folder, ignore_errors=True)
        return None
    return result, files


def _cached_result(recorded: dict[str, Any]) -> Result:
    """A Result read back from JSON (a cache entry or the manifest), marked as cached."""
    result = Result(**recorded)
    result.objectives, result.status = tuple(result.objectives), "cached"
    return result


def _cache_put(cache_dir: Path, key: str, result: Result, files: dict[str, bytes]) -> None:
    """Store a result with the hash of every file; written aside and renamed, so a
    reader never sees half an entry."""
    folder = cache_dir / f"{result.name}-{key}"
    for old in cache_dir.glob(f"{result.name}-*"):
        # "01-a-<key>" matches the glob of "01-a-b" too: keep other notebooks' entries
        if old != folder and old.name.rsplit("-", 1)[0] == result.name:
            shutil.rmtree(old, ignore_errors=True)
    if folder.exists():
        return
    temp = cache_dir / f".tmp-{result.name}-{key}-{os.getpid()}"
    shutil.rmtree(temp, ignore_errors=True)
    for rel, data in files.items():
        target = temp / "files" / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    entry = {"result": asdict(result), "files": {rel: _sha256(d) for rel, d in files.items()}}
    (temp / "result.json").write_text(json.dumps(entry, indent=1, sort_keys=True))
    try:
        temp.rename(folder)
    except OSError:  # another build stored the same entry first
        shutil.rmtree(temp, ignore_errors=True)


def _pid_alive(pid: int) -> bool:
    import psutil  # comes with ipykernel

    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except (psutil.NoSuchProcess, psutil.AccessDenied):
        return pid == os.getpid()


def _pid_of(name: str) -> int | None:
    """The pid at the end of a temporary folder's name (``.build-tmp-1234``), if any."""
    tail = name.rsplit("-", 1)[-1]
    return int(tail) if tail.isdigit() else None


def _remove_leftovers(folder: Path, pattern: str, log: Any) -> None:
    """Remove temporary folders that builds killed before they finished left behind."""
    for leftover in sorted(folder.glob(pattern)):
        pid = _pid_of(leftover.name)
        if pid is not None and not _pid_alive(pid):
            log(f"removing {display_path(leftover)}, left by a build (pid {pid}) that was stopped")
            shutil.rmtree(leftover, ignore_errors=True)


_THREAD_LOCKS: dict[Path, Any] = {}


def _thread_lock(cache_dir: Path) -> Any:
    import threading

    return _THREAD_LOCKS.setdefault(cache_dir.resolve(), threading.Lock())


LOCK_TIMEOUT = 600  # seconds a build waits for another one on the same cache (a build takes ~20)


@contextlib.contextmanager
def _cache_lock(cache_dir: Path, log: Any, timeout: float = LOCK_TIMEOUT) -> Iterator[None]:
    """Let builds that share a cache take turns, so each notebook runs once.

    The lock is a POSIX record lock (``fcntl.lockf``) on ``.lock``, which the
    kernel releases the moment its process ends, however it ends, and which
    forked workers do not inherit: a killed build can never leave it held.
    The holder writes its pid into the file and blanks it when done, so a
    waiting build can say whom it waits for, and a build that finds a pid
    left behind knows the last one was stopped. A build waits at most
    ``timeout`` seconds, then raises BuildError. Without ``fcntl`` (Windows)
    builds do not wait for each other; the cache is still never half-written.
    """
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not on the course's platforms
        yield
        return
    cache_dir.mkdir(parents=True, exist_ok=True)
    where = display_path(cache_dir)
    # POSIX locks belong to a process: builds in two threads of one process take turns here
    with _thread_lock(cache_dir), open(cache_dir / ".lock", "a+") as handle:
        started, holder = time.monotonic(), ""
        while True:
            try:
                fcntl.lockf(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError:
                handle.seek(0)
                now = handle.read().strip() or "unknown"
                if now != holder:
                    holder = now
                    log(
                        f"waiting for another build (pid {holder}) that uses {where} "
                        f"(giving up after {timeout:g} s) ..."
                    )
                if time.monotonic() - started > timeout:
                    raise BuildError(
                        f"gave up after {timeout:g} s: another build (pid {holder}) still "
                        f"holds {where}/.lock; wait for it, stop it, or raise --lock-timeout"
                    ) from None
                time.sleep(0.1)
        handle.seek(0)
        left = handle.read().strip()
        if left:
            log(f"the last build (pid {left}) was stopped before it finished; going on")
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        try:
            yield
        finally:
            handle.seek(0)
            handle.truncate()
            handle.flush()
            fcntl.lockf(handle, fcntl.LOCK_UN)


# ---------------------------------------------------------------- build/ as a whole


def _previous_files(name: str, out_dir: Path) -> dict[str, bytes]:
    """The last good build's files for a notebook, kept when its new build fails."""
    if not out_dir.is_dir():
        return {}
    return {
        p.relative_to(out_dir).as_posix(): p.read_bytes()
        for p in sorted(out_dir.rglob(f"{name}.*"))
        if p.is_file() and not p.name.startswith(".")
    }


def index_page(
    results: list[Result],
    available: set[str] | None = None,
    facts_as_of: str = "",
    version: str = "",
    slides: bool = True,
) -> str:
    """The course home page: every notebook, its objectives and minutes, and its files.

    ``available`` names the notebooks that have files in this build (all of
    them if not given); a notebook without files is listed without links.
    ``facts_as_of`` (a date as readers see it) says how recent the course's facts are,
    ``version`` which release of the course this is; without ``slides`` (a build with
    no reveal.js) the page links no decks.
    """
    def deck_link(name: str) -> str:
        return f'<a href="slides/{name}.slides.html">Slides</a> ·' if slides else ""

    rows = []
    for r in results:
        objectives = "".join(f"<li>{html.escape(o)}</li>" for o in r.objectives)
        minutes = f"{r.minutes} minutes" if r.minutes else "time not stated"
        has_files = available is None or r.name in available
        note = ""
        if r.status == "failed":
            note = (
                "This notebook failed to build; the files are from the last good build."
                if has_files
                else "This notebook failed to build and has no earlier build."
            )
            note = f'<p class="stale"><strong>{note}</strong></p>'
        links = (
            f"""<p class="links"><a href="html/{r.name}.html">Read the page</a> ·
{deck_link(r.name)}
<a href="notebooks/student/{r.name}.ipynb" download>Student notebook</a> ·
<a href="notebooks/instructor/{r.name}.ipynb" download>Instructor notebook</a></p>"""
            if has_files
            else ""
        )
        rows.append(
            f"""<section class="notebook">
<h2>{html.escape(r.title)}</h2>
<p class="meta">{minutes} · <code>{r.name}.ipynb</code></p>{note}
<ul>{objectives}</ul>
{links}
</section>"""
        )
    total = sum(r.minutes or 0 for r in results)
    as_of = (
        f'<p class="as-of">The course\'s facts run to <strong>{html.escape(facts_as_of)}</strong>: '
        "anything later is not in it.</p>"
        if facts_as_of
        else ""
    )
    if version:
        as_of += f'<p class="version">Course version {html.escape(version)}.</p>'
    data_links = " · ".join(
        f'<a href="data/{name}.html">{name.replace("_", " ")}</a>'
        for name in (*datapages.ID_PAGES.values(), *datapages.OTHER_PAGES)
    )
    downloads = (
        f'<p class="data">The data behind every page, row by row: {data_links}.</p>'
        f'<p class="downloads">Download every notebook at once: '
        f'<a href="{zip_name("student")}" download>student edition (zip)</a> · '
        f'<a href="{zip_name("instructor")}" download>instructor edition (zip)</a></p>'
    )
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Pakistan, Iran and "intelligence sharing" (July 2023): the course</title>
<style>
body {{ font-family: system-ui, sans-serif; max-width: 60em; margin: 2em auto; padding: 0 1em;
       line-height: 1.5; color: #111; }}
.notebook {{ border-top: 1px solid #ccc; padding: 0.5em 0; }}
.meta {{ color: #444; }} .stale {{ color: #A0410D; }}
a {{ color: #0060A0; }}
</style></head>
<body>
<h1>Pakistan, Iran and "intelligence sharing" (July 2023)</h1>
<p>A course in {len(results)} notebooks (about {total} minutes) on the July 2023 visit of
Pakistan's army chief to Tehran: its context, its actors and the regional dynamics.
Each notebook has a page to read, a slide deck to project (press <kbd>S</kbd> for the
speaker notes), a student notebook (exercises open) and an instructor notebook
(solutions and outputs included). Everything here works offline.</p>
{as_of}
{downloads}
{"".join(rows)}
</body></html>
"""


def _row_ids() -> set[str]:
    """The ids the data pages anchor, or none if the data cannot be read."""
    from helpers import data

    try:
        return datapages.known_ids()
    except (OSError, data.DataError):
        return set()


def _data_pages() -> dict[str, str]:
    """The data pages (``data/*.html``), or none if the data cannot be read: a broken
    data file fails the notebooks that read it, with its file and line."""
    from helpers import data

    try:
        return datapages.data_pages()
    except (OSError, KeyError, data.DataError):
        return {}


def _course_version(repo: Path) -> str:
    """The course version from ``repo``'s pyproject.toml, or "" where there is none."""
    try:
        return editions.course_version(repo)
    except (OSError, ValueError):
        return ""


def _facts_as_of() -> str:
    """The date the course's data runs to, or "" if the data cannot be read.

    A broken data file fails the notebooks that read it, with its file and
    line; the home page should still be written for the others.
    """
    from helpers import data  # the module; "data" names file contents elsewhere here

    try:
        return data.format_date(data.facts_run_to())
    except data.DataError:
        return ""


def _exchange(a: Path, b: Path) -> bool:
    """Swap two folders in one step (Linux ``renameat2(RENAME_EXCHANGE)``); False if unsupported."""
    import ctypes

    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    done = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange)
    return done == 0


def _replace_dir(new: Path, target: Path) -> None:
    """Swap ``new`` in for ``target``, then remove the old folder.

    Where the system can, the two folders trade places in one atomic step, so
    ``target`` is always a whole build, the old one or the new one, even if the
    build is killed mid-swap; elsewhere the old folder is renamed aside first
    and put back if the swap fails.
    """
    if target.exists() and new.is_dir() and _exchange(new, target):
        _checkpoint("swapped")
        shutil.rmtree(new, ignore_errors=True)  # ``new`` holds the old build now
        return
    old = target.with_name(f".{target.name}-old-{os.getpid()}")
    if target.exists():
        target.rename(old)
    try:
        new.rename(target)
    except BaseException:
        if old.exists() and not target.exists():
            old.rename(target)  # put the last good build back
        raise
    shutil.rmtree(old, ignore_errors=True)


def _recover(out_dir: Path, log: Any) -> None:
    """Undo what a build killed mid-way left beside ``out_dir``.

    A half-swapped build (``build/`` renamed aside, the new one not yet in
    place) is put back; unfinished staging folders are removed.
    """
    for old in sorted(out_dir.parent.glob(f".{out_dir.name}-old-*")):
        pid = _pid_of(old.name)
        if pid is not None and not _pid_alive(pid) and not out_dir.exists():
            log(f"putting back {display_path(out_dir)}/, left aside by a stopped build (pid {pid})")
            old.rename(out_dir)
    _remove_leftovers(out_dir.parent, f".{out_dir.name}-old-*", log)
    _remove_leftovers(out_dir.parent, f".{out_dir.name}-tmp-*", log)


def _up_to_date(out_dir: Path, key: str) -> list[Result] | None:
    """The results recorded in ``out_dir`` if it was built from ``key`` and is intact
    (every file there with the hash the manifest recorded, and no file missing)."""
    try:
        manifest = json.loads((out_dir / MANIFEST).read_text())
    except (OSError, ValueError):
        return None
    if manifest.get("key") != key:
        return None
    for rel, digest in manifest["files"].items():
        try:
            if _sha256((out_dir / rel).read_bytes()) != digest:
                return None
        except OSError:
            return None
    return [_cached_result(r) for r in manifest["results"]]


def _write_manifest(staging: Path, key: str | None, results: list[Result]) -> None:
    files = {p.relative_to(staging).as_posix(): _sha256(p.read_bytes()) for p in _files(staging)}
    # Without the seconds, so two builds of the same sources write the same manifest.
    recorded = [asdict(r) | {"seconds": 0.0, "status": "cached"} for r in results]
    manifest = {"key": key, "files": files, "results": recorded}
    (staging / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True))


def _checkpoint(point: str) -> None:
    """A place where the fault-injection tests stop a build (``COURSE_BUILD_PAUSE``).

    With ``COURSE_BUILD_PAUSE=point:flagfile`` the build creates ``flagfile``
    on reaching ``point`` and waits there, so a test can kill it at exactly
    that moment. Without the variable this does nothing.
    """
    wanted = os.environ.get("COURSE_BUILD_PAUSE", "")
    if wanted.split(":", 1)[0] == point and ":" in wanted:
        Path(wanted.split(":", 1)[1]).touch()
        time.sleep(120)


def build(
    notebook_dir: Path = notebooks.NOTEBOOK_DIR,
    out_dir: Path = BUILD_DIR,
    jobs: int | None = None,
    use_cache: bool = True,
    timeout: int = 60,
    log: Any = print,
    cache_dir: Path = CACHE_DIR,
    reveal_dir: Path = REVEAL_DIR,
    repo: Path = REPO_DIR,
    lock_timeout: float = LOCK_TIMEOUT,
    slides: bool = True,
) -> list[Result]:
    """Build every notebook in ``notebook_dir`` into ``out_dir``; return one Result each.

    With ``slides=False`` (no npm, so no reveal.js) the decks and reveal.js are left out.

    With ``use_cache``, a notebook whose inputs (the notebook and ``repo``'s
    SHARED_INPUTS) are unchanged is not run again, and if nothing changed at
    all ``out_dir`` is left as it is. Raises BuildError if ``out_dir`` cannot
    be written or another build holds the cache longer than ``lock_timeout``.
    """
    _recover(out_dir, log)
    paths = notebooks.discover(notebook_dir)
    if not paths:
        raise SystemExit(f"no notebooks (NN-name.ipynb) in {display_path(notebook_dir)}")
    assets = [*(reveal_assets(reveal_dir) if slides else []), *course_assets()]
    shared = shared_hash(repo)
    keys = {p.stem: input_hash(p, shared=shared) for p in paths}
    build_key = hashlib.sha256(
        json.dumps([keys, reveal_version(reveal_dir) if slides else "-"], sort_keys=True).encode()
    ).hexdigest()
    if use_cache:
        recorded = _up_to_date(out_dir, build_key)
        if recorded is not None:
            for r in recorded:
                log(f"  cached  {r.name}")
            log(f"{display_path(out_dir)}/ is up to date")
            return recorded

    _report_data_warnings(log)
    outcomes: dict[str, tuple[Result, dict[str, bytes]]] = {}
    locked = _cache_lock(cache_dir, log, lock_timeout) if use_cache else contextlib.nullcontext()
    with locked:
        if use_cache:
            _remove_leftovers(cache_dir, ".tmp-*", log)
        _checkpoint("locked")
        todo = []
        for path in paths:
            cached = _cache_get(cache_dir, keys[path.stem], path.stem, log) if use_cache else None
            if cached:
                outcomes[path.stem] = cached
                log(f"  cached  {path.stem}")
            else:
                todo.append(path)
        if todo:
            _execute_all(todo, outcomes, out_dir, jobs, timeout, log)
            if use_cache:
                for name, (result, files) in outcomes.items():
                    if result.status == "built":
                        _cache_put(cache_dir, keys[name], result, files)

    results = [outcomes[p.stem][0] for p in paths]
    failed = any(r.status == "failed" for r in results)
    staging = out_dir.with_name(f".{out_dir.name}-tmp-{os.getpid()}")
    try:
        shutil.rmtree(staging, ignore_errors=True)
        titles = {p.stem: outcomes[p.stem][0].title for p in paths if outcomes[p.stem][1]}
        row_ids = _row_ids()
        for path in paths:
            for rel, data in outcomes[path.stem][1].items():
                if not slides and rel.startswith("slides/"):
                    continue  # a deck without reveal.js beside it would not open
                target = staging / rel
                target.parent.mkdir(parents=True, exist_ok=True)
                kind = {"html": "page", "slides": "deck"}.get(rel.split("/")[0])
                if kind and rel.endswith(".html"):
                    text = link_pages(data.decode("utf-8"), kind, path.stem, titles)
                    if kind == "page":  # ids in a page's prose and tables lead to their rows
                        text = datapages.link_ids(text, row_ids)
                    data = text.encode("utf-8")
                target.write_bytes(data)
        for rel, source in assets:
            target = staging / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
        for rel, page in _data_pages().items():
            (staging / rel).parent.mkdir(parents=True, exist_ok=True)
            (staging / rel).write_text(page, encoding="utf-8")
        for rel, data in _edition_zips(staging).items():
            (staging / rel).write_bytes(data)
        available = {p.stem for p in paths if outcomes[p.stem][1]}
        home = index_page(
            results, available, _facts_as_of(), _course_version(repo), slides
        )
        (staging / "index.html").write_text(home, encoding="utf-8")
        _write_manifest(staging, None if failed else build_key, results)
        _replace_dir(staging, out_dir)
    except OSError as err:
        raise BuildError(
            f"cannot write {display_path(out_dir)}/ ({err.strerror or err}: "
            f"{err.filename or ''}); the last good build there is unchanged"
        ) from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return results


def _report_data_warnings(log: Any) -> None:
    """Say in the build log which rows look like pasted markup (pages show it as text).

    A broken data file is not reported here: the notebooks that read it fail
    with its file and line, and the others still build.
    """
    import warnings

    from helpers import data  # the module; "data" names file contents elsewhere here

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", data.MarkupWarning)
        try:
            data.validate_all(data.data_dir())
        except data.DataError:
            return
    for warning in caught:
        log(f"warning: {warning.message}")


def _execute_all(
    todo: list[Path],
    outcomes: dict[str, tuple[Result, dict[str, bytes]]],
    out_dir: Path,
    jobs: int | None,
    timeout: int,
    log: Any,
) -> None:
    """Run ``build_one`` on every notebook in ``todo``, in parallel; fill ``outcomes``."""
    # Import the heavy modules once here, so forked workers start with them loaded.
    import nbclient  # noqa: F401
    import nbconvert  # noqa: F401

    workers = max(1, min(jobs or os.cpu_count() or 1, len(todo)))
    log(f"executing {len(todo)} notebook(s) with {workers} worker(s)")
    pool = cf.ProcessPoolExecutor(
        max_workers=workers, initializer=_die_with_parent, initargs=(os.getpid(),)
    )
    broken = False
    try:
        futures = {pool.submit(build_one, p, timeout): p for p in todo}
        for done, future in enumerate(cf.as_completed(futures), start=1):
            try:
                result, files = future.result()
            except cf.process.BrokenProcessPool:
                broken = True  # a worker died (killed, out of memory): the pool is unusable
                break
            progress = f"[{done}/{len(todo)}]"
            if result.status == "failed":
                log(f"  FAILED  {result.name} {progress}: {result.error}")
                outcomes[result.name] = (result, _previous_files(result.name, out_dir))
            else:
                log(f"  built   {result.name} {progress} ({result.seconds:.1f} s)")
                outcomes[result.name] = (result, files)
    except BaseException:
        # stopped (Ctrl-C, SIGTERM) or crashed: no worker and no kernel outlives the build
        pool.shutdown(wait=False, cancel_futures=True)
        _kill_descendants()
        raise
    if not broken:
        pool.shutdown(wait=True)
        return
    # Stop what is left of the pool at once (waiting on it can hang), then fail every
    # notebook that did not finish: each keeps its last good pages.
    pool.shutdown(wait=False, cancel_futures=True)
    _kill_descendants()
    for path in todo:
        if path.stem not in outcomes:
            result = Result(path.stem, "failed", 0.0, path.stem)
            result.error = (
                f"{path.stem}: a build worker stopped (killed?) before this notebook "
                "finished; build again"
            )
            log(f"  FAILED  {result.name}: {result.error}")
            outcomes[result.name] = (result, _previous_files(result.name, out_dir))


def _die_with_parent(parent: int) -> None:
    """Set up a worker so that it never outlives the build that started it.

    The kernel sends it SIGKILL when the build's process ends, however it ends
    (``PR_SET_PDEATHSIG``; Linux), and the worker's own kernel process then
    exits by itself (ipykernel stops when its parent goes). Ctrl-C reaches
    every process in the terminal's group: workers ignore it and let the build
    decide, so the build can clean up and stop them itself.
    """
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # a fork inherits the build's own handlers; a worker told to stop must simply stop
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGHUP, signal.SIG_DFL)
    # As a worker exits, a closed kernel connection's ZMQ stream may log "Socket
    # operation on non-socket" from tornado: harmless, and it would bury the build's
    # own one-line errors. Cell errors and dead kernels reach the build as results.
    logging.getLogger("tornado").setLevel(logging.CRITICAL)
    try:
        import ctypes

        pr_set_pdeathsig = 1
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, int(signal.SIGKILL))
    except (OSError, AttributeError):  # pragma: no cover - not Linux: the build's handler stays
        pass
    if os.getppid() != parent:  # the build died before the line above took effect
        os._exit(1)


def _kill_descendants() -> None:
    """Kill every process this one started (workers and their kernels), and reap them."""
    import psutil  # comes with ipykernel

    children = psutil.Process().children(recursive=True)
    for child in children:
        with contextlib.suppress(psutil.Error):
            child.kill()
    psutil.wait_procs(children, timeout=5)


def summary(results: list[Result]) -> str:
    """A table of notebook, status and seconds spent executing it in this build."""
    width = max(len(r.name) for r in results)
    lines = [f"{'notebook'.ljust(width)}  status  seconds"]
    for r in results:
        seconds = f"{r.seconds:7.1f}" if r.status == "built" else "      -"
        lines.append(f"{r.name.ljust(width)}  {r.status.ljust(6)}  {seconds}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Command line: build the course; exit 1 if any notebook failed."""
    parser = argparse.ArgumentParser(prog="python -m helpers.build", description=__doc__)
    parser.add_argument(
        "-j", "--jobs", type=int, default=None, help="parallel kernels (default: cores)"
    )
    parser.add_argument("--no-cache", action="store_true", help="execute every notebook again")
    parser.add_argument("--timeout", type=int, default=60, help="seconds allowed per cell")
    parser.add_argument(
        "--no-slides", action="store_true", help="leave out the decks (no reveal.js: no npm)"
    )
    parser.add_argument("--notebooks", type=Path, default=notebooks.NOTEBOOK_DIR)
    parser.add_argument("--out", type=Path, default=BUILD_DIR)
    parser.add_argument("--cache-dir", type=Path, default=CACHE_DIR)
    parser.add_argument(
        "--lock-timeout",
        type=float,
        default=LOCK_TIMEOUT,
        help=f"seconds to wait for another build using the same cache (default {LOCK_TIMEOUT})",
    )
    args = parser.parse_args(argv)
    started = time.perf_counter()
    _stop_cleanly_on_signals()
    try:
        results = build(
            args.notebooks,
            args.out,
            args.jobs,
            not args.no_cache,
            args.timeout,
            cache_dir=args.cache_dir,
            lock_timeout=args.lock_timeout,
            slides=not args.no_slides,
        )
    except BuildError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("stopped; the last good build is unchanged", file=sys.stderr)
        return 130
    print(summary(results))
    counts = {s: sum(r.status == s for r in results) for s in ("built", "cached", "failed")}
    print(
        f"{counts['built']} built, {counts['cached']} cached, {counts['failed']} failed in "
        f"{time.perf_counter() - started:.2f} s -> {display_path(args.out)}/index.html"
    )
    failed = [r for r in results if r.status == "failed"]
    for r in failed:
        print(f"error: {r.error}", file=sys.stderr)
    return 1 if failed else 0


def _stop_cleanly_on_signals() -> None:
    """Turn SIGTERM and SIGHUP (``kill``, ``timeout``, a closed terminal) into Ctrl-C.

    Python stops on them without running any cleanup; as KeyboardInterrupt the
    build stops its workers and kernels and removes its temporary folders.
    """
    import signal

    def stop(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, stop)


if __name__ == "__main__":
    sys.exit(main())
