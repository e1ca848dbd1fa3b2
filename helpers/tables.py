"""Tables that read well on a page and a projector: full text, wrapped, no index.

pandas cuts long text at 50 characters by default, which hides exactly the
sources and explanations a learner should read. ``table`` shows every word.
"""

from __future__ import annotations

import hashlib
import html
import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd
    from pandas.io.formats.style import Styler


def table(
    frame: pd.DataFrame,
    columns: list[str] | None = None,
    rename: dict[str, str] | None = None,
    index: bool = False,
) -> Styler:
    """Show ``frame`` (or some ``columns``) with wrapped, left-aligned text.

    ``rename`` maps column names to headings a reader understands. The
    result renders the same HTML on every run (its id comes from the
    content, not a random number), and shows markup in the data as text.
    An unknown column is a clear error.
    """
    if columns is not None:
        missing = [c for c in columns if c not in frame.columns]
        if missing:
            raise KeyError(
                f"no column {', '.join(map(repr, missing))}; "
                f"the table has {', '.join(map(str, frame.columns))}"
            )
        frame = frame[columns]
    if rename:
        frame = frame.rename(columns=rename)
    digest = hashlib.sha1(frame.to_csv().encode("utf-8")).hexdigest()[:10]
    # A Styler writes cell text into HTML as it is unless told to escape it; data
    # is text, never markup, so cells and headings are escaped.
    styler = frame.style.format(escape="html").format_index(escape="html", axis="columns")
    styler = styler.format_index(escape="html", axis="index")
    styler = styler.set_uuid(digest).set_properties(
        **{"text-align": "left", "white-space": "normal", "vertical-align": "top"}
    )
    styler = styler.set_table_styles([{"selector": "th", "props": "text-align: left;"}])
    return styler if index else styler.hide(axis="index")


# Headings for the columns the course's data files share: a reader sees "Source", not
# ``source_outlet``. A column not listed is written out by ``label`` (``banned_by`` ->
# "Banned by"); list it here when that reads badly.
LABELS = {
    "id": "Row id",
    "km": "Distance (km)",
    "lat": "Latitude",
    "lon": "Longitude",
    "source_outlet": "Source",
    "source_url": "Source address",
    "source_date": "Source date",
    "role_july_2023": "Role in July 2023",
    "post_july_2023": "Post after July 2023",
    "also_reported": "Also reported by",
    "chain_note": "Note on the chain",
    "coord_source": "Coordinates from",
    "reported_km": "Reported length (km)",
    "straight_line_km": "Straight line (km)",
    "reported_longer_by_pct": "Reported longer by (%)",
    "outlet_country": "Outlet's country",
    "attribution_kind": "Kind of attribution",
    "how_started": "How it started",
    "now": "Now",
    "then": "Then",
    "geonames_id": "GeoNames id",
    "how_ended": "How it ended",
    "fact_id": "Fact row",
    "confirmed_url": "Confirmed at (address)",
    "confirmed_outlet": "Confirmed by (outlet)",
}
_RAW = re.compile(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)*|[a-z0-9]+(?:_[a-z0-9]+)+")


def label(name: str) -> str:
    """A column or index name as a heading: ``LABELS``, else the name written out.

    >>> label("source_outlet"), label("banned_by"), label("Fights"), label("2023")
    ('Source', 'Banned by', 'Fights', '2023')
    """
    if name in LABELS:
        return LABELS[name]
    if not _RAW.fullmatch(name):
        return name
    words = name.replace("_", " ")
    return words[0].upper() + words[1:]


_THEAD = re.compile(r"(<thead\b[^>]*>)(.*?)(</thead>)", re.S)
_HEAD_ROW = re.compile(r"<tr\b[^>]*>.*?</tr>", re.S)
_HEAD_CELL = re.compile(r"(<th\b[^>]*>)(.*?)(</th>)", re.S)
_BLANK = {"", "&nbsp;", "\xa0"}


def _cell_text(cell: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", cell)).strip()


def _index_name_row(row: str) -> str | None:
    """The index name, if ``row`` is pandas' extra header row naming only the index."""
    cells = [_cell_text(m.group(2)) for m in _HEAD_CELL.finditer(row)]
    if len(cells) > 1 and cells[0] and all(not c for c in cells[1:]):
        return cells[0]
    return None


def human_headers(markup: str) -> str:
    """The tables in an HTML output with headings for people (see :func:`label`).

    pandas' extra header row that names only the index (a bare ``id`` under the
    column headings) is folded into the corner cell above it ("Side / When" when the
    corner names the columns).
    """

    def head(match: re.Match[str]) -> str:
        rows = _HEAD_ROW.findall(match.group(2))
        if len(rows) == 2 and (name := _index_name_row(rows[1])) is not None:
            first = _HEAD_CELL.search(rows[0])
            if first:
                # a cross-table names its columns in the corner: "Side / When"
                columns = _cell_text(first.group(2))
                words = f"{label(name)} / {label(columns)}" if columns else name
                corner = f"{first.group(1)}{html.escape(words)}{first.group(3)}"
                rows = [rows[0][: first.start()] + corner + rows[0][first.end() :]]
        body = "".join(rows) if rows else match.group(2)
        body = _HEAD_CELL.sub(lambda c: c.group(1) + _relabel(c.group(2)) + c.group(3), body)
        return match.group(1) + body + match.group(3)

    return _THEAD.sub(head, markup)


def _relabel(cell: str) -> str:
    text = _cell_text(cell)
    if not text or "<" in cell:
        return cell
    new = label(text)
    return cell if new == text else html.escape(new)


def raw_headers(markup: str) -> list[str]:
    """Table headings in an HTML output that are raw column or index names
    (``source_outlet``, ``date``), or a header row that names only the index;
    an empty list means every heading is written for a reader."""
    found = []
    for match in _THEAD.finditer(markup):
        rows = _HEAD_ROW.findall(match.group(2))
        for number, row in enumerate(rows):
            if number and _index_name_row(row) is not None:
                found.append(f"a header row naming only the index ({_index_name_row(row)!r})")
            for cell in _HEAD_CELL.finditer(row):
                text = _heading_text(cell.group(2))
                if text and _RAW.fullmatch(text) and not text.isdigit():
                    found.append(f"the raw column name {text!r} as a heading")
    return found


_CODE = re.compile(r"<code\b[^>]*>.*?</code>", re.S)


def _heading_text(cell: str) -> str:
    """What a heading says to a reader: a column's file name in ``<code>`` under a
    written-out heading documents the file ("Claimed by" over ``claimed_by``); a heading
    that is only code, or only a raw name, is read as it is."""
    words = _cell_text(_CODE.sub(" ", cell))
    return words or _cell_text(cell)
