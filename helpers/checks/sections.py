"""A notebook's Sources section, made from the rows it cites so it cannot drift from data/.

A notebook cites a row by its id (``F015``, ``E042``, ``R025``, ``X003``, ``O012``) in its
prose or code. Its ``## Sources`` cell lists, for every cited row, the row's page: the
outlet and date the data gives it, a readable title, and the ids it sources::

    - Dawn, 16 Jul 2023: [Pakistani, Iranian militaries vow ...](https://...) (F015)

:func:`sources_list` writes those lines; ``python -m helpers.checks.sections --write`` brings a
notebook's section up to date (``tools``-style, run by a maintainer, never by the build);
:func:`section_problems` is the check (``python -m helpers.checks --only sources``): a cited
row whose page the section does not list, a link that is not an address in ``data/``, ids
beside a link that the page does not source, and link text that is a cut-off claim.

>>> title_from_url("https://www.dawn.com/news/1765076/pakistani-iranian-militaries-vow")
'Pakistani iranian militaries vow'
>>> title_from_url("https://amu.tv/80181/")
''
"""

from __future__ import annotations

import functools
import re
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from helpers import data
from helpers.checks import rules

ROW_ID = re.compile(r"\b([FERXO]\d{3})\b")
SOURCES_HEADING = re.compile(r"^##\s+(?:Sources|Resources and references)\s*$", re.M)
LINK = re.compile(r"\[((?:[^\[\]]|\[[^\]]*\])*)\]\((https?://(?:[^\s()]|\([^\s()]*\))+)\)")
IDS_AFTER = re.compile(r"^\s*\(((?:[FERXO]\d{3})(?:,\s*[FERXO]\d{3})*)\)")
CUT_OFF = re.compile(r"(?:…|\.\.\.)\s*$")
_TABLES = {"F": "facts", "E": "events", "R": "outlet_reports", "X": "estimates", "O": "offices"}
_WORDS = re.compile(r"[a-z][a-z']+")


@functools.cache
def _rows(folder: str) -> dict[str, dict[str, str]]:
    """``{id: row}`` for every row with an id and a page, from ``folder``'s CSVs."""
    import csv

    rows: dict[str, dict[str, str]] = {}
    for name in _TABLES.values():
        dataset = data.DATASETS[name]
        with (Path(folder) / dataset.filename).open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                rows[row[dataset.key]] = row
    return rows


def rows() -> dict[str, dict[str, str]]:
    """Every row a notebook can cite by id: ``{"F015": {...}, ...}``."""
    return _rows(str(data.data_dir()))


@functools.cache
def _data_urls(folder: str) -> frozenset[str]:
    import csv

    found: set[str] = set()
    base = Path(folder)
    for path in base.glob("*.csv"):
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.reader(handle):
                for cell in row:
                    found |= set(re.findall(r"https?://[^\s;]+", cell))
    for path in [*base.glob("**/README.md"), base.parent / "seeds/README.md"]:
        if path.is_file():
            text = path.read_text(encoding="utf-8")
            found |= {m.group(2) for m in LINK.finditer(text)}
            found |= {u.rstrip(".,;)") for u in re.findall(r"https?://[^\s\"'<>`()]+", text)}
    return frozenset(found)


def data_urls() -> frozenset[str]:
    """Every web address ``data/`` (and ``seeds/README.md``) gives: the links a Sources
    section may carry."""
    return _data_urls(str(data.data_dir()))


def sources_cell(nb: Any) -> int | None:
    """The index of the notebook's ``## Sources`` cell (the last one), or None."""
    found = [
        i
        for i, cell in enumerate(nb.cells)
        if cell.cell_type == "markdown" and SOURCES_HEADING.search(cell.source)
    ]
    return found[-1] if found else None


def cited_ids(nb: Any) -> list[str]:
    """The row ids a notebook names in its cells before the Sources section, in order."""
    end = sources_cell(nb)
    cells = nb.cells if end is None else nb.cells[:end]
    known = rows()
    ids = (i for cell in cells for i in ROW_ID.findall(cell.source))
    return [i for i in dict.fromkeys(ids) if i in known]


def title_from_url(url: str) -> str:
    """A readable title from the words of a page's address, or "" if it has none."""
    path = unquote(urlsplit(url).path)
    best = ""
    for part in path.split("/"):
        part = re.sub(r"\.(?:html?|php|aspx?)$", "", part)
        words = [w for w in re.split(r"[-_+]", part) if w]
        wordy = sum(bool(_WORDS.fullmatch(w.lower())) for w in words) >= 3
        if wordy and len(words) > max(len(best.split()), 2):
            best = " ".join(w.lower() for w in words)
    if not best:
        return ""
    words = [w for w in best.split() if not re.fullmatch(r"\d{6,}|[0-9a-f]{8,}", w)]
    while len(words) > 3 and re.search(r"\d", words[-1]):  # "...-relations-0021", "-ep-15845"
        words.pop()
    text = " ".join(words)
    return text[:1].upper() + text[1:]


def _cased(title: str, texts: Iterable[str]) -> str:
    """``title`` with each word capitalised as the rows' own text capitalises it."""
    forms: dict[str, str] = {}
    for text in texts:
        for word in re.findall(r"[A-Za-z][\w'-]*", text):
            if word[:1].isupper() and word.lower() not in forms:
                forms[word.lower()] = word
            if word.endswith("'s"):  # "irans" in an address is "Iran's"
                forms.setdefault(word[:-2].lower() + "s", word)
    words = title.split()
    return (
        " ".join([words[0]] + [forms.get(w, w) if w not in _SMALL else w for w in words[1:]])
        if words
        else title
    )


@functools.cache
def _names() -> tuple[str, ...]:
    """Proper names as the course writes them (actors, places, glossary terms)."""
    return (
        *data.load_actors()["name"],
        *data.load_places()["name"],
        *data.load_glossary()["term"],
        "Iran Pakistan Saudi Arabia Afghanistan India China Israel United States Balochistan",
    )


_SMALL = {"a", "an", "and", "as", "at", "by", "for", "in", "of", "on", "or", "the", "to", "with"}


def entry(url: str, ids: list[str], title: str = "") -> str:
    """One Sources line: ``- Outlet, date: [title](url) (ids)``, outlet and date from data/."""
    page = data.source_pages().get(url)
    cited = [rows()[i] for i in ids]
    if page is not None:
        named = [r.get("source_outlet") or r.get("outlet") for r in cited]
        outlet = next((o for o in named if o in page["outlets"]), sorted(page["outlets"])[0])
        when = rules.expected_label(page)
    else:  # an event's or an office's page: the data gives the outlet only on facts
        outlet = next((r.get("source_outlet", "") for r in cited if r.get("source_outlet")), "")
        outlet = outlet or data.host_of(url)
        when = ""
    if not title:
        texts = [r.get("claim") or r.get("event") or r.get("holder") or "" for r in cited]
        texts += _names()
        title = _cased(title_from_url(url), texts) or f"page on {data.host_of(url)}"
    label = f"{outlet}, {when}" if when else outlet
    return f"- {label}: [{title}]({url}) ({', '.join(ids)})"


def sources_list(ids: Iterable[str], titles: Mapping[str, str] | None = None) -> list[str]:
    """The Sources lines for ``ids``: one per page, in the order the ids are first cited.

    ``titles`` gives a page's title by address (a notebook's existing readable link text);
    a page without one is titled from its address.
    """
    pages: dict[str, list[str]] = {}
    for i in ids:
        pages.setdefault(rows()[i]["source_url"], []).append(i)
    titles = titles or {}
    return [entry(url, found, titles.get(url, "")) for url, found in pages.items()]


def section_links(source: str) -> list[tuple[str, str, list[str]]]:
    """``(text, url, ids)`` for each link in a Sources section; ``ids`` are those in
    parentheses right after the link or at the end of its line."""
    found = []
    for line in source.splitlines():
        matches = list(LINK.finditer(line))
        for n, match in enumerate(matches):
            after = line[match.end() : matches[n + 1].start() if n + 1 < len(matches) else None]
            ids = IDS_AFTER.match(after)
            found.append(
                (
                    match.group(1),
                    match.group(2),
                    ids.group(1).replace(" ", "").split(",") if ids else [],
                )
            )
    return found


def section_problems(nb: Any) -> list[str]:
    """What is wrong with a notebook's Sources section, each as ``cell N: ...``."""
    index = sources_cell(nb)
    if index is None:
        return []
    source = nb.cells[index].source
    links = section_links(source)
    listed = {url for _, url, _ in links}
    known, allowed = rows(), data_urls()
    problems = []
    missing = [i for i in cited_ids(nb) if known[i]["source_url"] not in listed]
    if missing:
        problems.append(
            f"cell {index}: does not list the page of {', '.join(missing)}, which the notebook "
            "cites (python -m helpers.checks.sections --write adds it)"
        )
    for text, url, ids in links:
        if url not in allowed:
            problems.append(f"cell {index}: links {url}, an address no row in data/ gives")
        wrong = [i for i in ids if i in known and known[i]["source_url"] != url]
        wrong += [i for i in ids if i not in known]
        if wrong:
            problems.append(f"cell {index}: {', '.join(wrong)} beside {url} is not that page's row")
        if CUT_OFF.search(text):
            problems.append(
                f"cell {index}: the link text {text[:40]!r}... is cut off; give the page's title"
            )
    return problems


def rewrite(nb: Any) -> bool:
    """Bring ``nb``'s Sources section up to date: keep its lines, add a line for each cited
    row whose page it lacks, retitle cut-off link texts and drop links data/ does not give.
    Returns whether anything changed."""
    index = sources_cell(nb)
    if index is None:
        return False
    cell = nb.cells[index]
    known, allowed = rows(), data_urls()
    lines = cell.source.rstrip("\n").splitlines()
    kept: list[str] = []
    for line in lines:
        links = LINK.findall(line)
        if links and all(url not in allowed for _, url in links):
            continue
        for text, url in links:
            if CUT_OFF.search(text):
                ids = [i for i in ROW_ID.findall(line) if i in known]
                new = entry(url, ids or [i for i in known if known[i]["source_url"] == url][:1])
                line = line.replace(f"[{text}]({url})", new.split(": ", 1)[1].rsplit(" (", 1)[0])
        kept.append(line)
    listed = {url for line in kept for _, url in LINK.findall(line)}
    missing = [i for i in cited_ids(nb) if known[i]["source_url"] not in listed]
    added = sources_list(missing)
    # new pages go after the last listed page, before a closing "Every other row: ..." line
    last = max((n for n, line in enumerate(kept) if LINK.search(line)), default=1)
    kept[last + 1 : last + 1] = added
    text = link_terms("\n".join(kept))
    if text == cell.source.rstrip("\n"):
        return False
    cell.source = text
    return True


GLOSSARY_LINK = "00-start-here.ipynb#glossary"


def link_terms(section: str) -> str:
    """A Sources section with the first bare use of each glossary term in an outlet's label
    (``UrduPoint (APP)``) linked to the glossary, as the acronym check asks at first use."""
    terms = set(data.load_glossary()["term"])
    lines = section.splitlines()
    done = {t for t in terms if f"[{t}]({GLOSSARY_LINK})" in section}
    for n, line in enumerate(lines):
        head, bracket, rest = line.partition(": [")
        for term in sorted(terms - done):
            pattern = rf"(?<![\w\[]){re.escape(term)}(?![\w\]])"
            if re.search(pattern, head):
                head = re.sub(pattern, f"[{term}]({GLOSSARY_LINK})", head, count=1)
                done.add(term)
        lines[n] = head + bracket + rest
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """``python -m helpers.checks.sections [--write] [NOTEBOOK...]``: print or fix the problems."""
    import argparse

    import nbformat

    from helpers import notebooks

    parser = argparse.ArgumentParser(prog="python -m helpers.checks.sections", description=__doc__)
    parser.add_argument("--write", action="store_true", help="update the Sources sections")
    parser.add_argument("paths", nargs="*", type=Path)
    args = parser.parse_args(argv)
    status = 0
    for path in args.paths or notebooks.discover(notebooks.NOTEBOOK_DIR):
        nb = notebooks.read(path)
        if args.write and rewrite(nb):
            nbformat.write(nb, path)
            print(f"{path.name}: Sources section updated")
        for problem in section_problems(nb):
            print(f"{path.name}, {problem}")
            status = 1
    return status


if __name__ == "__main__":
    sys.exit(main())
