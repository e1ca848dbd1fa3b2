"""The course's data as pages, so every row id a page cites can be followed.

Prose cites rows by id (F057, E030, R036, X013, O007) so that a learner can
trace a claim; on a page read without the repository, ``data_pages`` renders
each dataset as one table with an anchor per row and its source as a link,
and ``helpers.markup.link_ids`` turns the ids in a page's text into links to those rows.
In JupyterLab the ids stay as they are. Every value is escaped
(``helpers.markup``): data is text, never markup.
"""

from __future__ import annotations

import csv
import html
import re
from pathlib import Path

from helpers import data, markup, tables

# the datasets whose row ids pages cite (markup.ID_PAGES), then the others, shown for
# reference (one anchor per row by its key): one page each
PAGES = (*markup.ID_PAGES.values(), "actors", "places", "glossary")


def _anchor(value: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]+", "-", value).strip("-") or "row"


def data_page(name: str, folder: Path | None = None) -> str:
    """One dataset as an HTML page: a table, an anchor per row, sources as links."""
    dataset = data.DATASETS[name]
    path = (folder or data.data_dir()) / dataset.filename
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    columns = [c.name for c in dataset.columns]
    # a heading for people ("Claimed by"), with the file's own column name under it in
    # code: the page documents the file, so a reader can find the column in the CSV
    head = "".join(
        f'<th scope="col">{html.escape(tables.label(c))}'
        f'<br><code class="course-column">{html.escape(c)}</code></th>'
        for c in columns
    )
    body = []
    for row in rows:
        cells = []
        for column in columns:
            value = row.get(column, "")
            if column.endswith("url") and value:
                try:
                    cells.append(f"<td>{markup.html_link(value, value)}</td>")
                    continue
                except markup.UnsafeURLError:
                    pass
            cells.append(f"<td>{markup.html_text(value)}</td>")
        key = _anchor(row.get(dataset.key or columns[0], ""))
        body.append(f'<tr id="{html.escape(key)}">{"".join(cells)}</tr>')
    title = f"Course data: {dataset.filename}"
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)}</title>
<link rel="stylesheet" href="../assets/course.css">
<style>
body {{ font-family: system-ui, sans-serif; margin: 1em; line-height: 1.4; color: #111; }}
table {{ border-collapse: collapse; font-size: 0.9em; }}
th, td {{ border: 1px solid #bbb; padding: 0.3em 0.5em; vertical-align: top; text-align: left; }}
tr:target {{ background: #fff3c4; }}
th code.course-column {{ font-weight: normal; font-size: 0.85em; color: #333; }}
a {{ color: #0050A0; overflow-wrap: anywhere; }}
</style></head>
<body>
<nav class="course-nav" aria-label="Course navigation"><a href="../index.html">Course home</a></nav>
<h1>{html.escape(title)}</h1>
<p>Every row of <code>data/{html.escape(dataset.filename)}</code>, as the notebooks read it.
Each heading names its column for a reader, with the column's name in the file under it
in code; <code>data/README.md</code> in the course describes each column.</p>
<table><thead><tr>{head}</tr></thead><tbody>
{chr(10).join(body)}
</tbody></table>
</body></html>
"""


def data_pages(folder: Path | None = None) -> dict[str, str]:
    """Every page of ``data/``: ``{"data/facts.html": html, ...}``."""
    return {f"data/{n}.html": data_page(n, folder) for n in PAGES}
