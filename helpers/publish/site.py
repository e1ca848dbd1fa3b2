"""Stage 4, site: ``build/`` as a whole, and putting it in place safely.

Pages and decks link to each other (``link_pages``), the home page lists
every notebook (``index_page``), the data pages show every row, and the new
``build/`` is swapped in for the old in one step (``replace_dir``): a failed
or killed build never leaves half a site. ``recover`` undoes what a killed
build left beside ``build/``.
"""

from __future__ import annotations

import html
import os
import re
import shutil
from pathlib import Path
from typing import Any

from helpers import markup
from helpers.data import display_path
from helpers.publish import datapages, editions
from helpers.publish.common import Result, checkpoint, pid_alive, pid_of, remove_leftovers

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


def assemble(
    staging: Path,
    outcomes: dict[str, tuple[Result, dict[str, bytes]]],
    shipped: list[tuple[str, Path]],
    slides: bool = True,
    facts_as_of: str = "",
    version: str = "",
) -> None:
    """Write the whole site into the empty folder ``staging``.

    ``outcomes`` holds each notebook's result and files, in course order;
    ``shipped`` the assets as (path in the site, source file). Pages and decks
    get their links and navigation, and pages their row-id links; then come
    the assets, the data pages, the editions' zips and the home page. Without
    ``slides`` no deck is written.
    """
    titles = {name: result.title for name, (result, files) in outcomes.items() if files}
    row_ids = known_row_ids()
    for name, (_, files) in outcomes.items():
        for rel, data in files.items():
            if not slides and rel.startswith("slides/"):
                continue  # a deck without reveal.js beside it would not open
            kind = {"html": "page", "slides": "deck"}.get(rel.split("/")[0])
            if kind and rel.endswith(".html"):
                text = link_pages(data.decode("utf-8"), kind, name, titles)
                if kind == "page":  # ids in a page's prose and tables lead to their rows
                    text = markup.link_ids(text, row_ids)
                data = text.encode("utf-8")
            _write(staging / rel, data)
    for rel, source in shipped:
        _write(staging / rel, source.read_bytes())
    for rel, page in data_pages().items():
        _write(staging / rel, page.encode("utf-8"))
    for rel, data in editions.edition_zips(staging).items():
        _write(staging / rel, data)
    results = [result for result, _ in outcomes.values()]
    home = index_page(results, set(titles), facts_as_of, version, slides)
    _write(staging / "index.html", home.encode("utf-8"))


def _write(target: Path, data: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)


def previous_files(name: str, out_dir: Path) -> dict[str, bytes]:
    """The last good build's files for a notebook, kept when its new build fails."""
    if not out_dir.is_dir():
        return {}
    return {
        p.relative_to(out_dir).as_posix(): p.read_bytes()
        for p in sorted(out_dir.rglob(f"{name}.*"))
        if p.is_file() and not p.name.startswith(".")
    }


_GLOSSARY_LINK = re.compile(r"\[([A-Za-z]+)\]\(00-start-here\.ipynb#glossary\)")


def _objective(text: str) -> str:
    """An objective as HTML: plain text, with a glossary link kept as a link to the glossary
    on the start page (so an abbreviation on the home page is explained where it is read)."""
    parts, position = [], 0
    for match in _GLOSSARY_LINK.finditer(text):
        parts.append(html.escape(markup.link_labels(text[position : match.start()])))
        parts.append(
            f'<a href="html/00-start-here.html#glossary">{html.escape(match.group(1))}</a>'
        )
        position = match.end()
    parts.append(html.escape(markup.link_labels(text[position:])))
    return "".join(parts)


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
        objectives = "".join(f"<li>{_objective(o)}</li>" for o in r.objectives)
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
    open_after = " ".join(html.escape(q) for q in after_horizon())
    as_of = (
        f'<p class="as-of">The course\'s facts run to <strong>{html.escape(facts_as_of)}</strong>: '
        "anything later is not in it."
        + (f" Not known to it: {open_after}" if open_after else "")
        + "</p>"
        if facts_as_of
        else ""
    )
    if version:
        as_of += f'<p class="version">Course version {html.escape(version)}.</p>'
    data_links = " · ".join(
        f'<a href="data/{name}.html">{name.replace("_", " ")}</a>' for name in datapages.PAGES
    )
    downloads = (
        f'<p class="data">The data behind every page, row by row: {data_links}.</p>'
        f'<p class="downloads">Download every notebook at once: '
        f'<a href="{editions.zip_name("student")}" download>student edition (zip)</a> · '
        f'<a href="{editions.zip_name("instructor")}" download>instructor edition (zip)</a></p>'
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


def known_row_ids() -> set[str]:
    """The ids the data pages anchor, or none if the data cannot be read."""
    from helpers import data

    try:
        return data.row_ids()
    except (OSError, data.DataError):
        return set()


def data_pages() -> dict[str, str]:
    """The data pages (``data/*.html``), or none if the data cannot be read: a broken
    data file fails the notebooks that read it, with its file and line."""
    from helpers import data

    try:
        return datapages.data_pages()
    except (OSError, KeyError, data.DataError):
        return {}


def course_version(repo: Path) -> str:
    """The course version from ``repo``'s pyproject.toml, or "" where there is none."""
    try:
        return editions.course_version(repo)
    except (OSError, ValueError):
        return ""


def after_horizon() -> list[str]:
    """The questions the facts stop short of (``data.after_horizon()``), or [] if unreadable."""
    from helpers import data

    try:
        return data.after_horizon()
    except data.DataError:
        return []


def facts_as_of() -> str:
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


def replace_dir(new: Path, target: Path) -> None:
    """Swap ``new`` in for ``target``, then remove the old folder.

    Where the system can, the two folders trade places in one atomic step, so
    ``target`` is always a whole build, the old one or the new one, even if the
    build is killed mid-swap; elsewhere the old folder is renamed aside first
    and put back if the swap fails.
    """
    if target.exists() and new.is_dir() and _exchange(new, target):
        checkpoint("swapped")
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


def recover(out_dir: Path, log: Any) -> None:
    """Undo what a build killed mid-way left beside ``out_dir``.

    A half-swapped build (``build/`` renamed aside, the new one not yet in
    place) is put back; unfinished staging folders are removed.
    """
    for old in sorted(out_dir.parent.glob(f".{out_dir.name}-old-*")):
        pid = pid_of(old.name)
        if pid is not None and not pid_alive(pid) and not out_dir.exists():
            log(f"putting back {display_path(out_dir)}/, left aside by a stopped build (pid {pid})")
            old.rename(out_dir)
    remove_leftovers(out_dir.parent, f".{out_dir.name}-old-*", log)
    remove_leftovers(out_dir.parent, f".{out_dir.name}-tmp-*", log)
