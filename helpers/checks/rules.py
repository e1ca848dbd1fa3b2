"""Checks on what a learner reads: outputs, citations, Markdown, acronyms, visible code
and the notebook template.

Each check takes a notebook (as read by :func:`helpers.notebooks.read`, executed
for :func:`output_problems`) and returns a list of problems, each naming the
cell; an empty list means the notebook passes. The tests run every check over
the course, so a rough edge shows up as a failing test, not as a puzzled student.

>>> import nbformat
>>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("The FOO said so.")])
>>> acronym_problems(nb, glossary={})
["cell 0: 'FOO' is not in data/glossary.csv; add it there, or spell it out"]
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
import sys
from collections.abc import Iterable, Mapping
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from helpers import data, notebooks

# -- 1. outputs: no Python internals, no missing values, no raw codes --------

INTERNALS = {
    "a pandas Series footer ('dtype: ...')": re.compile(r"^(?:Name: .*, )?dtype: \w+", re.M),
    "a NumPy scalar repr ('np.int64(...)')": re.compile(r"\bnp\.(?:int|float|bool|str_)\w*\("),
    "a figure repr ('<Figure ...>')": re.compile(r"<Figure size [^>]*>"),
    "a memory address ('object at 0x...')": re.compile(r"\b(?:object )?at 0x[0-9a-f]{6,}"),
}
MISSING = {"nan", "NaN", "None", "NaT", "<NA>"}
LONG_FLOAT = re.compile(r"(?<![\w.])-?\d+\.\d{4,}(?![\w.])")
SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)+")
COORDINATE_HEADERS = {"lat", "lon", "latitude", "longitude"}
URL = re.compile(r"https?://\S+")
COORDINATES = re.compile(r"\(-?\d{1,3}\.\d+, -?\d{1,3}\.\d+\)")  # (lat, lon): not a count
RICH = ("text/html", "text/markdown", "image/png", "application/vnd.jupyter.widget-view+json")


class _Tables(HTMLParser):
    """Collect the cells of every <table> in an HTML output: (tag, classes, text)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[list[list[tuple[str, str, str]]]] = []
        self._cell: list[str] | None = None
        self._tag = self._class = ""
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("style", "script"):
            self._skip += 1
        elif tag == "table":
            self.tables.append([])
        elif tag == "tr" and self.tables:
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self._cell, self._tag = [], tag
            self._class = dict(attrs).get("class") or ""

    def handle_endtag(self, tag: str) -> None:
        if tag in ("style", "script"):
            self._skip -= 1
        elif tag in ("td", "th") and self._cell is not None and self.tables:
            if not self.tables[-1]:
                self.tables[-1].append([])
            text = " ".join("".join(self._cell).split())
            self.tables[-1][-1].append((self._tag, self._class, text))
            self._cell = None

    def handle_data(self, text: str) -> None:
        if self._cell is not None and not self._skip:
            self._cell.append(text)


def _text_problems(text: str) -> list[str]:
    problems = [f"shows {what}" for what, pattern in INTERNALS.items() if pattern.search(text)]
    floats = LONG_FLOAT.findall(COORDINATES.sub(" ", URL.sub(" ", text)))
    if floats:
        problems.append(f"prints {floats[0]} (round it and give its unit)")
    return problems


def table_problems(markup: str) -> list[str]:
    """What is wrong with the tables in one HTML output (missing values, codes, raw index)."""
    parser = _Tables()
    parser.feed(markup)
    problems: list[str] = []
    for rows in parser.tables:
        header = next((r for r in rows if r and all(tag == "th" for tag, _, _ in r)), [])
        names = [text.lower() for _, _, text in header]
        index_cells: list[str] = []
        heads = [r for r in rows if r and all(tag == "th" for tag, _, _ in r)]
        named_index = any("index_name" in css and text for r in rows for _, css, text in r) or any(
            r[0][2] for r in heads[1:]
        )
        for row in rows:
            if row is header:
                continue
            body = [cell for cell in row if cell[0] == "td"]
            heads = [cell for cell in row if cell[0] == "th"]
            if heads and body:
                index_cells.append(heads[0][2])
            offset = len(row) - len(body)
            for position, (_, _, text) in enumerate(body, start=offset):
                column = names[position] if position < len(names) else ""
                if text in MISSING:
                    problems.append(f"a table cell reads {text!r} (say what is missing)")
                floats = LONG_FLOAT.findall(URL.sub(" ", text))
                if floats and column not in COORDINATE_HEADERS:
                    problems.append(f"a table cell reads {floats[0]} (round it and give its unit)")
        for text in [text for r in rows for tag, _, text in r if tag == "th"]:
            if SLUG.fullmatch(text):
                problems.append(f"a table heading is the raw code {text!r} (write it out in words)")
        numeric = all(re.fullmatch(r"\d+", text) for text in index_cells)
        if index_cells and numeric and not named_index:
            problems.append("a table shows its numeric index (use helpers.tables.table)")
    return problems


def output_problems(nb: Any) -> list[str]:
    """Problems in the outputs of an executed notebook, each as ``cell N: ...``.

    Catches Python internals (``dtype:``, ``np.int64(...)``, ``<Figure ...>``,
    ``object at 0x...``), floats printed with four or more decimals, table
    cells reading ``nan``/``None``/``NaT``, raw hyphenated codes as table
    headings and a numeric index shown as a column.
    """
    problems: list[str] = []
    for index, cell in enumerate(nb.cells):
        for output in cell.get("outputs", []):
            found: list[str] = []
            if output.get("output_type") == "stream":
                found = _text_problems(output.get("text", ""))
            bundle = output.get("data", {})
            if "text/html" in bundle:
                found += table_problems(_joined(bundle["text/html"]))
            if "text/markdown" in bundle:
                found += _text_problems(_joined(bundle["text/markdown"]))
                found += [p for p in [dollar_problem(_joined(bundle["text/markdown"]))] if p]
            elif "text/plain" in bundle and not any(kind in bundle for kind in RICH):
                found += _text_problems(_joined(bundle["text/plain"]))
            problems += [f"cell {index}: {problem}" for problem in dict.fromkeys(found)]
    return problems


def _joined(value: str | list[str]) -> str:
    return value if isinstance(value, str) else "".join(value)


# -- 2. citations: the label agrees with the data row for that page ----------

LINK = re.compile(r"\[((?:[^\[\]]|\[[^\]]*\])*)\]\((https?://[^\s)]+(?:\([^\s)]*\)[^\s)]*)*)\)")


def _outlet_names(outlet: str) -> set[str]:
    """Ways a label may name an outlet: ``TRT World (AP)`` -> itself, TRT World, AP."""
    names = {outlet}
    match = re.fullmatch(r"(.+?)\s*\((.+)\)", outlet)
    if match:
        names |= {match.group(1), match.group(2)}
        names |= {part.strip() for part in re.split(r",|\bciting\b|\bvia\b", match.group(2))}
    return {name.strip().lower() for name in names if len(name.strip()) > 1}


def expected_label(page: Mapping[str, Any]) -> str:
    """How a citation of ``page`` (a row of :func:`helpers.data.source_pages`) states its date."""
    if not page["date"]:
        return "undated page"
    when = data.format_date(page["date"])
    return f"{when}, date inferred" if page["inferred"] else when


def _list_outlet(line: str) -> str:
    """The outlet a sources-list line starts with (``- Dawn, 16 Jul 2023: ...`` -> ``dawn``)."""
    match = re.match(r"\s*[-*]\s+([^:\[]+?)[,:]", line)
    return match.group(1).lower() if match else ""


def citation_problems(nb: Any, pages: Mapping[str, Mapping[str, Any]] | None = None) -> list[str]:
    """Markdown links to a page in ``data/`` whose "Outlet, date" label disagrees with its rows.

    The label is the link text, or in a sources list the text before the link
    on its line (``- Dawn, 16 Jul 2023: [title](url)``). It must name one of
    the page's outlets and give its date as the rows do: ``16 Jul 2023``,
    ``Jul 2023, date inferred`` or ``undated page``.
    """
    pages = data.source_pages() if pages is None else pages
    problems: list[str] = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "markdown":
            continue
        for line in cell.source.splitlines():
            start = 0
            for match in LINK.finditer(line):
                text, url = match.groups()
                page = pages.get(url)
                prefix, start = line[start : match.start()], match.end()
                if page is None:
                    continue
                label = f"{prefix.rsplit(';', 1)[-1]} {text}".lower()
                label = re.sub(r"\s+", " ", label.replace("*", ""))
                # in a sources list, "- Dawn, 15 Jul 2023: [a](..); 16 Jul 2023: [b](..)"
                # names the outlet once for every link on the line
                named = f"{_list_outlet(line)} {label}"
                want = expected_label(page)
                outlets = set().union(*(_outlet_names(o) for o in page["outlets"]))
                if not any(name in named for name in outlets):
                    problems.append(
                        f"cell {index}: the link to {url} does not name its outlet "
                        f"({' or '.join(sorted(page['outlets']))})"
                    )
                if want.lower() not in label:
                    problems.append(
                        f"cell {index}: the link to {url} ({text[:40]!r}) should be dated "
                        f"'{want}', as data/ has it"
                    )
    return problems


# -- markdown: two dollar signs make maths, not money -------------------------

DOLLAR = re.compile(r"(?<!\\)\$")


def dollar_problem(markdown: str) -> str | None:
    """Two unescaped ``$`` in one Markdown text pair up as maths: "$36m ... $700m" loses the
    text between them (links included). Returns the problem, or None."""
    text = re.sub(r"```.*?```|`[^`]*`", " ", markdown, flags=re.S)
    found = [m.start() for m in DOLLAR.finditer(text)]
    if len(found) < 2:
        return None
    shown = " ".join(text[found[0] : found[1] + 6].split())[:60]
    return f"two '$' signs pair up as maths ({shown!r}...); write '\\$' for a dollar"


def markdown_problems(nb: Any) -> list[str]:
    """Markdown cells that will not render as written (dollar amounts read as maths)."""
    problems = []
    for index, cell in enumerate(nb.cells):
        problem = dollar_problem(cell.source) if cell.cell_type == "markdown" else None
        if problem:
            problems.append(f"cell {index}: {problem}")
    return problems


# -- 3. acronyms: explained at first use, or linked to the glossary ----------

GLOSSARY_LINK = "00-start-here.ipynb#glossary"
CAPS = re.compile(r"(?<![\w/.-])[A-Z][A-Z0-9]*[A-Z](?![\w/-])")
CAPS_RUN = re.compile(r"\b[A-Z0-9][A-Z0-9'-]+(?:[\s:]+[A-Z0-9][A-Z0-9'-]+)+\b")


def _prose(markdown: str) -> str:
    """The course's own words in a Markdown cell.

    Left out: code, the titles of links to outside pages (a page's own words),
    quotations, HTML tags and runs of capitals (a quoted headline).
    """
    text = re.sub(r"```.*?```|`[^`]*`", " ", markdown, flags=re.S)
    text = LINK.sub(" ", text)
    text = re.sub(r"\]\([^)]*\)", "]", text)
    text = re.sub(r'"[^"\n]*"|“[^”]*”', " ", text)
    text = re.sub(r"<[^>]+>|https?://\S+", " ", text)
    return CAPS_RUN.sub(" ", html.unescape(text))


def outlet_words() -> set[str]:
    """Capitalised words that are part of an outlet's name in ``data/`` (e.g. AP, TRT)."""
    words: set[str] = set()
    for outlets in (p["outlets"] for p in data.source_pages().values()):
        for outlet in outlets:
            words |= set(CAPS.findall(outlet))
    for site in data.load_outlet_reports()["published_by"]:  # the site that carried a report
        words |= set(CAPS.findall(site))
    return words


def acronym_problems(
    nb: Any, glossary: Mapping[str, str] | None = None, names: Iterable[str] = ()
) -> list[str]:
    """Capitalised abbreviations a notebook uses without explaining them.

    An abbreviation must be in the glossary (``{term: expansion}``, default
    ``data/glossary.csv``) and, at its first use in the notebook, be spelt out
    in the same cell ("Inter-Services Public Relations (ISPR)") or link to the
    glossary (``[ISPR](00-start-here.ipynb#glossary)``). ``names`` are
    capitalised names that need no expansion (outlets cited by their names).
    """
    if glossary is None:
        terms = data.load_glossary()
        glossary = dict(zip(terms["term"], terms["expansion"], strict=True))
    allowed = set(names) - set(glossary)
    seen: set[str] = set()
    problems: list[str] = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "markdown":
            continue
        text = _prose(cell.source)
        for term in abbreviations(text, glossary):
            if term in seen or term in allowed:
                continue
            seen.add(term)
            if term not in glossary:
                problems.append(
                    f"cell {index}: {term!r} is not in data/glossary.csv; add it there, "
                    "or spell it out"
                )
            elif not _explained(cell.source, term, glossary[term]):
                problems.append(
                    f"cell {index}: {term!r} is used before it is explained; write "
                    f"'{glossary[term]} ({term})' or link it: [{term}]({GLOSSARY_LINK})"
                )
    return problems


def abbreviations(text: str, glossary: Iterable[str] = ()) -> list[str]:
    """The abbreviations in ``text`` in order of first use: runs of capitals ("ISPR"), and
    the glossary's mixed-case terms ("MoU"), which the capitals pattern cannot see.

    >>> abbreviations("The MoU, signed by ISPR's chief, and the MoU text", {"MoU": "x"})
    ['MoU', 'ISPR']
    """
    found = [(m.start(), m.group(0)) for m in CAPS.finditer(text)]
    for term in glossary:
        if not term.isupper():
            found += [
                (m.start(), term) for m in re.finditer(rf"(?<![\w/.-]){term}(?![\w/-])", text)
            ]
    return list(dict.fromkeys(term for _, term in sorted(found)))


def _explained(source: str, term: str, expansion: str) -> bool:
    linked = re.search(rf"\[{re.escape(term)}\]\([^)]*#glossary\)", source)
    return bool(linked) or expansion.lower() in " ".join(source.split()).lower()


# -- 4. visible code runs on names the page shows ----------------------------

HIDDEN_TAGS = {"hide-input", "remove-cell", "remove-input"}


def visible_code(nb: Any) -> list[tuple[int, str]]:
    """``(cell index, source)`` of the code cells whose code a reader sees on the page.

    Cells tagged ``hide-input`` (or removed) show only their output; a
    solution is folded but visible.
    """
    cells = []
    for index, cell in enumerate(nb.cells):
        tags = set(cell.metadata.get("tags", []))
        if cell.cell_type != "code" or tags & HIDDEN_TAGS:
            continue
        if cell.metadata.get("jupyter", {}).get("source_hidden") and "solution" not in tags:
            continue
        cells.append((index, cell.source))
    return cells


def _ruff() -> str:
    local = Path(sys.executable).with_name("ruff")
    found = str(local) if local.exists() else shutil.which("ruff")
    if not found:
        raise RuntimeError("ruff is not installed; run `make setup`")
    return found


def visible_code_problems(nb: Any) -> list[str]:
    """Names that visible code uses but only hidden cells define (ruff's F821 on the page).

    The visible cells are joined in order into one script, as a reader
    would run them, and checked with ``ruff --select F821``.
    """
    cells = visible_code(nb)
    script, starts = "from IPython.display import display\n", []
    for index, source in cells:
        starts.append((script.count("\n") + 1, index))
        script += source + "\n\n"
    result = subprocess.run(
        [
            _ruff(),
            "check",
            "--select",
            "F821",
            "--output-format",
            "concise",
            "--no-cache",
            "--isolated",
            "--stdin-filename",
            "page.py",
            "-",
        ],
        input=script,
        capture_output=True,
        text=True,
        check=False,
    )
    problems = []
    for line in result.stdout.splitlines():
        match = re.match(r"page\.py:(\d+):\d+: F821 Undefined name `([^`]+)`", line)
        if match:
            row = int(match.group(1))
            cell = max(index for start, index in starts if start <= row)
            problems.append(
                f"cell {cell}: uses {match.group(2)!r}, which no cell shown on the page defines"
            )
    return problems


# -- 5. a weekday beside a date is the calendar's ----------------------------

_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTH_NAMES = (
    "January February March April May June July August September October November December"
)
_MONTHS = {
    form: number
    for number, name in enumerate(_MONTH_NAMES.lower().split(), start=1)
    for form in (name, name[:3], "sept" if number == 9 else name[:3])
}
_DAY = r"(?P<day>\d{1,2})\s+(?P<month>[A-Z][a-z]{2,8})\.?(?:,?\s+(?P<year>\d{4}))?"
_WEEKDAY = r"(?P<weekday>" + "|".join(_WEEKDAYS) + r")"
# "Friday 14 July 2023", "Friday, 14 Jul"; and "14 July 2023, a Friday", "19 Dec 2020 (a Saturday)"
WEEKDAY_DATE = (
    re.compile(rf"\b{_WEEKDAY},?\s+{_DAY}\b"),
    re.compile(rf"\b{_DAY},?\s+\(?(?:was\s+)?(?:a\s+)?{_WEEKDAY}\b"),
)


def weekday_problems_in(text: str, year: int | None = None) -> list[str]:
    """Every weekday written beside a date in ``text`` that the calendar contradicts.

    A date without a year takes ``year`` (the row's or the notebook's context); with
    neither, it is not checked.

    >>> weekday_problems_in("Munir arrived on Friday 14 July 2023.")
    []
    >>> weekday_problems_in("The crossing opened on 19 Dec 2020, a Monday.")
    ["'19 Dec 2020, a Monday': 19 Dec 2020 was a Saturday"]
    >>> weekday_problems_in("strikes on Thursday 9 October", year=2025)
    []
    """
    import datetime as dt

    problems = []
    matches = sorted(
        (m for pattern in WEEKDAY_DATE for m in pattern.finditer(text)), key=lambda m: m.start()
    )
    for match in matches:
        parts = {k: v for k, v in match.groupdict().items() if v}
        month = _MONTHS.get(parts.get("month", "").lower())
        found_year = int(parts["year"]) if "year" in parts else year
        if month is None or found_year is None:
            continue
        try:
            date = dt.date(found_year, month, int(parts["day"]))
        except ValueError:
            continue
        if _WEEKDAYS[date.weekday()] != parts["weekday"]:
            problems.append(
                f"{match.group(0)!r}: {date.day} {date:%b %Y} was a {_WEEKDAYS[date.weekday()]}"
            )
    return problems


def weekday_problems(nb: Any) -> list[str]:
    """Weekdays beside dates (with their year) in markdown cells that the calendar contradicts.

    Only what the course says in its own voice is read: quotations are a source's words.
    """
    from helpers.checks.horizon import _QUOTED

    problems = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type == "markdown":
            for problem in weekday_problems_in(_QUOTED.sub("", cell.source)):
                problems.append(f"cell {index}: {problem}; fix the weekday or the date")
    return problems


def weekday_row_problems() -> list[tuple[str, int, str]]:
    """``(file, line, problem)`` for each data row whose text gives a weekday the calendar
    contradicts; a date without a year takes the year of the row's own date."""
    import csv

    found = []
    for name, columns in (("facts", ("claim", "note")), ("events", ("event", "note"))):
        dataset = data.DATASETS[name]
        path = data.data_dir() / dataset.filename
        with path.open(encoding="utf-8", newline="") as handle:
            for line, row in enumerate(csv.DictReader(handle), start=2):
                year = int(row["date"][:4]) if row.get("date", "")[:4].isdigit() else None
                for column in columns:
                    for problem in weekday_problems_in(row.get(column, ""), year):
                        found.append((f"data/{dataset.filename}", line, f"{column}: {problem}"))
    return found


# -- the template: sections, time, objectives, lead-ins, hidden solutions -----

# The template every notebook follows (see README, "Adding a notebook").
REQUIRED_SECTIONS = {
    "overview": r"^##\s+(Overview|Learning objectives)",
    "prerequisites": r"^##\s+Prerequisites",
    "summary": r"^##\s+(Summary|Key points)",
    "sources": r"^##\s+(Sources|Resources and references)",
}


def template_problems(nb: Any, executed: bool = False) -> list[str]:
    """Problems with a notebook's structure; an empty list means it follows the template.

    Checks: one H1 at the top, the template's sections, the time needed,
    3-5 objectives, a lead-in markdown cell before every code cell, at least
    one exercise solution tagged ``solution`` and hidden in JupyterLab, and
    (``executed=False``) no committed outputs, or (``executed=True``) alt
    text on every image output.
    """
    problems: list[str] = []
    cells = nb.cells
    if not cells or cells[0].cell_type != "markdown" or not cells[0].source.startswith("# "):
        problems.append("the first cell must be markdown starting with a '# Title'")
    h1_count = sum(
        len(re.findall(r"^#\s", c.source, re.M)) for c in cells if c.cell_type == "markdown"
    )
    if h1_count != 1:
        problems.append(f"expected exactly one '# ' title, found {h1_count}")
    text = "\n\n".join([c.source for c in nb.cells if c.cell_type == "markdown"])
    for section, pattern in REQUIRED_SECTIONS.items():
        if not re.search(pattern, text, re.M):
            problems.append(f"missing the {section} section (a heading matching {pattern!r})")
    if not notebooks.MINUTES_PATTERN.search(text):
        problems.append("state the time needed as '**Time needed:** N minutes'")
    count = len(notebooks.outline(nb).objectives)
    if not 3 <= count <= 5:
        problems.append(f"the overview should list 3-5 learning objectives, found {count}")
    sources = re.search(r"^##\s+(?:Sources|Resources and references).*", text, re.M | re.S)
    if sources and "http" not in sources.group(0):
        problems.append("the sources section must link its sources (http...)")
    solutions = 0
    for index, cell in enumerate(cells):
        tags = cell.metadata.get("tags", [])
        if cell.cell_type == "code":
            previous = cells[index - 1] if index else None
            if previous is None or previous.cell_type != "markdown":
                problems.append(f"cell {index}: a code cell needs a markdown lead-in before it")
            if not executed and (cell.get("outputs") or cell.get("execution_count")):
                problems.append(
                    f"cell {index}: outputs are committed; clear them (the build makes them)"
                )
            if executed:
                for output in cell.get("outputs", []):
                    if "image/png" in output.get("data", {}):
                        alt = output.get("metadata", {}).get("image/png", {}).get("alt", "")
                        if not alt.strip():
                            problems.append(
                                f"cell {index}: an image without alt text (use plotting.show)"
                            )
        if "solution" in tags:
            solutions += 1
            if not cell.metadata.get("jupyter", {}).get("source_hidden"):
                problems.append(
                    f"cell {index}: a solution must be collapsed (jupyter.source_hidden)"
                )
    if solutions == 0:
        problems.append("no exercise solution: tag at least one cell 'solution'")
    return problems
