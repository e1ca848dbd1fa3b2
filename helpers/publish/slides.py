"""Stage 3b, slides: the deck view of an executed notebook, sized for a room.

A deck is SLIDE_WIDTH_PX x SLIDE_HEIGHT_PX; reveal.js scales it to the
screen, so the sizes hold on any projector. Code is hidden unless a cell is
tagged ``slides-show-code``; long tables and Markdown continue on titled
"(continued)" subslides; every slide has a heading. Heights are estimates
calibrated against Chromium (``tests/test_browser.py`` measures the result).
"""

from __future__ import annotations

import copy
import html
import re
from typing import Any

from helpers.publish.views import human_headers, static_widgets
from helpers.publish.views import slide_type as _slide_type
from helpers.publish.views import tags as _tags

# A deck is SLIDE_WIDTH_PX x SLIDE_HEIGHT_PX; reveal.js scales it to the screen, so
# these sizes hold on any projector. The slide template caps images at FIGURE_MAX_PX.
# Text on a slide is 28 px (24 px in tables and code), headings 36-52 px, so that after
# reveal.js scales the deck to a 1280 x 720 projector every letter is at least 20 px.
SLIDE_WIDTH_PX, SLIDE_HEIGHT_PX, FIGURE_MAX_PX = 1280, 800, 460
_TEXT_LINE_PX, _CODE_LINE_PX, _HEADING_PX, _CHARS_PER_LINE = 38, 34, 112, 90
_HEADING_LINE_PX, _HEADING_CHARS = 52, 50  # a heading line at 36-44 px, and how much it holds
_NOTE_PX = 44
_RANK = {"slide": 2, "subslide": 1}
SHOW_CODE_TAG = "slides-show-code"  # a cell whose code a slide should show (a slide about code)
# A Markdown cell whose words the presenter says: on the deck its heading stays on the slide
# and the rest goes to the speaker notes (the page shows it all).
NOTES_TAG = "slides-notes"
# A lead-in whose first sentence is the title of the slide it starts (the rest is said).
HEADING_TAG = "slides-heading"
# A long table shows on its slide as its first rows (at most MAX_SLIDE_ROWS, at least
# MIN_SLIDE_ROWS, or the number a ``slides-rows-N`` tag asks for) and links the page's table.
MAX_SLIDE_ROWS, MIN_SLIDE_ROWS = 6, 2
# A figure on a slide: the box plotting.SLIDE_FIGURE_BOX_PX, under the slide's heading.
FIGURE_SLIDE_PX = 540


def slide_view(
    nb: Any,
    title: str,
    minutes: int | None = None,
    facts_as_of: str = "",
    page: str = "",
) -> Any:
    """The notebook as its deck shows it: a lesson, not the notebook cut in pieces.

    Solutions, skipped and removed cells are left out (a slide or subslide
    that one of them started is started by the next cell shown instead);
    cells tagged ``instructor-note`` become speaker notes. Code is hidden
    (the page keeps it for self-study) unless a cell is tagged
    ``slides-show-code``; outputs stay, and a table shows its first
    MAX_SLIDE_ROWS rows. The title slide gives the minutes needed and the date
    the facts run to, and a slide continued from the last one says so.
    """
    deck = human_headers(static_widgets(copy.deepcopy(nb)))
    deck.metadata["title"] = title
    cells, carry = [], "-"
    for cell in deck.cells:
        kind = _slide_type(cell)
        if {"solution", "remove-cell"} & set(_tags(cell)) or kind == "skip":
            carry = max(carry, kind, key=lambda k: _RANK.get(k, 0))
            continue
        if "instructor-note" in _tags(cell) or kind == "notes":
            cell.metadata.setdefault("slideshow", {})["slide_type"] = "notes"
        elif {NOTES_TAG, HEADING_TAG} & set(_tags(cell)) and cell.cell_type == "markdown":
            parts = _said(cell)
            shown = [p for p in parts if _slide_type(p) != "notes"]
            if not shown:  # all of it is said: a slide it started starts with what follows
                carry = max(carry, kind, key=lambda k: _RANK.get(k, 0))
            elif _RANK.get(carry, 0) > _RANK.get(_slide_type(shown[0]), 0):
                shown[0].metadata["slideshow"]["slide_type"] = carry
                carry = "-"
            else:
                carry = "-"
            cells += parts
            continue
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
    budget = SLIDE_HEIGHT_PX - 80 - 60  # room for the heading a continuation repeats
    cells = _slide_outputs(cells, budget - 100, page or "#")  # room for a lead-in line
    deck.cells = headed(paginate(_split_markdown(cells, budget)))
    return deck


_SENTENCE = re.compile(r"^(.{24,}?[.:?])(?:\s|$)", re.S)


def _said(cell: Any) -> list[Any]:
    """A cell tagged ``slides-notes`` or ``slides-heading`` as the deck shows it.

    ``slides-notes``: its headings stay on the slide (a heading inside the cell
    starts a slide of its own) and its other words go to the speaker notes.
    ``slides-heading``: a lead-in whose first sentence titles the slide it starts;
    the rest of it goes to the notes.
    """
    from nbformat.v4 import new_markdown_cell

    text = cell.source.strip()
    kind = _slide_type(cell)
    if HEADING_TAG in _tags(cell) and not text.startswith("#"):
        match = _SENTENCE.match(text)
        first = (match.group(1) if match else text).rstrip(":").replace("\n", " ")
        text = f"### {first}\n\n{text[len(match.group(1)) if match else len(text) :].strip()}"
    parts: list[Any] = []
    prose: list[str] = []

    def said() -> None:
        if "".join(prose).strip():
            part = new_markdown_cell("\n".join(prose).strip())
            part.metadata["slideshow"] = {"slide_type": "notes"}
            parts.append(part)
        prose.clear()

    for line in text.splitlines():
        if line.startswith("#"):
            said()
            heading = new_markdown_cell(line)
            heading.metadata["slideshow"] = {"slide_type": kind if not parts else "subslide"}
            parts.append(heading)
        else:
            prose.append(line)
    said()
    for number, part in enumerate(parts):
        part["id"] = f"{cell.get('id', 'cell')}-said{number}"
    return parts


_BODY_ROW = re.compile(r"<tr\b.*?</tr>", re.S)
_CELL = re.compile(r"<t[dh]\b[^>]*>(.*?)</t[dh]>", re.S)
_TAG = re.compile(r"<[^>]+>")
_ROWS_TAG = re.compile(r"slides-rows-(\d+)$")


def _row_px(row: str) -> int:
    """Roughly how tall a table row is on a slide: its text wrapped across the slide
    (columns share the width by how much they hold, as browsers lay tables out)."""
    cells = [html.unescape(_TAG.sub("", c)).strip() for c in _CELL.findall(row)] or [""]
    words = sum(len(c) for c in cells) + 6 * len(cells)
    # a long unbroken cell (a web address) wraps in its own column, however wide
    narrow = max(-(-len(c) // max(8, (SLIDE_WIDTH_PX - 40) // len(cells) // 12)) for c in cells)
    # in a table of many columns each cell wraps in its share of the width
    share = max(6, (SLIDE_WIDTH_PX - 40) // len(cells) // 12)
    tallest = max(-(-len(c) // share) for c in cells)
    return 16 + 30 * max(1, -(-words // 90), -(-narrow // 2), (tallest * 3) // 4)


def rows_shown(cell: Any, rows: list[str], header_px: int, budget: int) -> int:
    """How many of a table's ``rows`` its slide shows: the number a ``slides-rows-N``
    tag asks for, else as many as fit ``budget`` (at most MAX_SLIDE_ROWS, at least
    MIN_SLIDE_ROWS: a slide that shows a table shows enough of it to make a point)."""
    for tag in _tags(cell):
        match = _ROWS_TAG.match(tag)
        if match:
            return max(1, min(len(rows), int(match.group(1))))
    used, count = header_px, 0
    for row in rows[:MAX_SLIDE_ROWS]:
        used += _row_px(row)
        if count >= MIN_SLIDE_ROWS and used > budget:
            break
        count += 1
    return min(len(rows), max(count, MIN_SLIDE_ROWS))


def _shorten_table(markup: str, cell: Any, budget: int, page: str) -> str:
    """A table as its slide shows it: its first rows (``rows_shown``), and a line that
    says how many there are and links the full table on the page. Never split: one
    table, one slide."""
    if "<tbody" not in markup or "course-explorer" in markup or "course-quiz" in markup:
        return markup
    if markup.count("<tbody") > 1:
        return markup
    head, _, rest = markup.partition("<tbody")
    opening, _, body_and_tail = rest.partition(">")
    body, _, tail = body_and_tail.partition("</tbody>")
    rows = _BODY_ROW.findall(body)
    header = sum(_row_px(r) for r in _BODY_ROW.findall(head))
    keep = rows_shown(cell, rows, header, budget)
    if keep >= len(rows):
        return markup
    cell_id = cell.get("id")
    href = f"{page}#cell-id={cell_id}" if cell_id else page
    note = (
        f'<p class="course-more">The first {keep} of {len(rows)} rows: '
        f'<a href="{html.escape(href)}">the full table is on the page</a>.</p>'
    )
    return f"{head}<tbody{opening}>{''.join(rows[:keep])}</tbody>{tail}{note}"


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


def _slide_outputs(cells: list[Any], budget: int, page: str) -> list[Any]:
    """Outputs as a slide shows them: a figure as its slide SVG (``plotting.SLIDE_FIGURE``,
    text kept as text, alt text as its accessible name), a long table as its first rows
    with a link to the full table on the page, and a bare web address as its site."""
    from helpers.plotting import SLIDE_FIGURE

    for cell in cells:
        for output in cell.get("outputs", []) if cell.cell_type == "code" else []:
            data = output.get("data", {})
            if SLIDE_FIGURE in data:
                alt = output.get("metadata", {}).get("image/png", {}).get("alt", "")
                svg = "".join(data[SLIDE_FIGURE])
                svg = svg.replace("<svg ", f'<svg role="img" aria-label="{html.escape(alt)}" ', 1)
                output["data"] = {"text/html": f'<div class="course-slide-figure">{svg}</div>'}
                output["metadata"] = {}
            elif "text/html" in data:
                markup = _URL_CELL.sub(_short_url, "".join(data["text/html"]))
                data["text/html"] = _shorten_table(markup, cell, budget, page)
    return cells


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


def _heading_px(text: str) -> int:
    """A heading's height on a slide: its wrapped lines and its margin."""
    return 30 + _HEADING_LINE_PX * max(1, -(-len(text) // _HEADING_CHARS))


def _lines_px(text: str, line_px: int) -> int:
    lines = text.splitlines() or [""]
    return sum(line_px * max(1, -(-len(line) // _CHARS_PER_LINE)) for line in lines)


_MD_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
# a line that starts a new block in Markdown; any other line continues the one before
_MD_BLOCK_START = re.compile(r"\s*(?:[-*+]\s|\d+\.\s|\||#|>|```)|\s*$")


def _unwrapped(text: str) -> str:
    """Markdown's paragraphs and list items as one line each: a line break inside a
    paragraph is a space on the slide, so the text wraps at the slide's width, not the
    source's."""
    lines: list[str] = []
    for line in text.splitlines():
        if lines and lines[-1].strip() and not _MD_BLOCK_START.match(line):
            lines[-1] = f"{lines[-1].rstrip()} {line.strip()}"
        else:
            lines.append(line)
    return "\n".join(lines)


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
        headings = [line.lstrip("#").strip() for line in shown.splitlines() if line.startswith("#")]
        paragraphs = len([b for b in re.split(r"\n\s*\n", shown) if b.strip()])
        text = _lines_px(_unwrapped("\n".join(body)), _TEXT_LINE_PX) if body else 0
        return sum(_heading_px(h) for h in headings) + text + 20 * paragraphs
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
            if "course-slide-figure" in markup:
                height += FIGURE_SLIDE_PX + 20
            elif "course-quiz-question" in markup:
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


_SECTION = re.compile(r"<section\b[^>]*>(.*?)(?=<section\b|</section>)", re.S)
_FIRST_HEADING = re.compile(r"<h[1-3]\b[^>]*>(.*?)</h[1-3]>", re.S)


def deck_outline(markup: str) -> list[str]:
    """The heading of every slide of an exported deck, in order ("" for none)."""
    headings = []
    for match in _SECTION.finditer(markup):
        body = match.group(1)
        if not body.strip():
            continue  # a vertical stack's wrapper: its slides follow
        heading = _FIRST_HEADING.search(body)
        text = html.unescape(_TAG.sub("", heading.group(1))).replace("¶", "").strip()
        headings.append(text if heading else "")
    return headings


def continued(headings: list[str]) -> int:
    """How many slides of a deck continue the one before (their heading says so)."""
    return sum(h.endswith("(continued)") for h in headings)
