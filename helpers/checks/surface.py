"""Checks on everything a learner sees, not only the prose: links, abbreviations, names.

- :func:`link_problems`: every web address in a notebook's Markdown (and, with
  ``outputs=True``, in its executed outputs) passes the rules ``data/`` addresses pass
  (:func:`helpers.data.url_problem`: well-formed, no tracking parameters, no leftover host)
  and is not on a site ``data/not_sources.csv`` lists;
- :func:`output_acronym_problems` and :func:`page_acronym_problems`: an abbreviation in an
  output (a table, a printed line, a Sources list) or on the home page is in the glossary
  and explained (spelt out, or linked to the glossary) where a reader first meets it;
- :func:`spelling_problems`: a person or group is written one way in the course's own
  voice; a spelling variant from ``data/actors.csv`` (or ``places.csv``, if it has an
  ``aliases`` column) is allowed only in a quotation, a link's text (a page's own title)
  or an outlet's name.

>>> url_hits("see https://x.com/a?cmp=rss and https://dawn.com/news/1", {})
["https://x.com/a?cmp=rss has a tracking parameter ('cmp='); cite the page without it"]
"""

from __future__ import annotations

import difflib
import functools
import html
import re
from collections.abc import Iterable, Mapping
from typing import Any

from helpers import data
from helpers.checks import rules, sections

BARE_URL = re.compile(r"https?://[^\s\"'<>\]`\\]+")
HREF = re.compile(r"""href=["'](https?://[^"']+)["']""", re.I)


def urls_in(text: str, markup: str = "markdown") -> list[str]:
    """The web addresses in a Markdown or HTML text, as a reader's browser would open them."""
    if markup == "html":
        text = re.sub(r"<(script|style)\b.*?</\1>", " ", text, flags=re.S | re.I)
        found = [html.unescape(u) for u in HREF.findall(text)]
        text = HREF.sub(" ", text)
    else:
        found = [m.group(2) for m in sections.LINK.finditer(text)]
        text = sections.LINK.sub(" ", text)
    for url in BARE_URL.findall(html.unescape(re.sub(r"<[^>]+>", " ", text))):
        url = url.rstrip(".,;:!?")
        while url.endswith(")") and url.count(")") > url.count("("):
            url = url[:-1]
        found.append(url)
    return list(dict.fromkeys(found))


def url_hits(text: str, listed: Mapping[str, str] | None = None, markup: str = "markdown"):
    """Each address in ``text`` that breaks a rule, with what is wrong."""
    listed = data.not_sources() if listed is None else listed
    problems = []
    for url in urls_in(text, markup):
        problem = data.url_problem(url)
        site = data.listed_site(url, listed)
        if problem:
            problems.append(f"{url} {problem}")
        elif site:
            problems.append(f"{url} is on {site}, which data/not_sources.csv lists: {listed[site]}")
    return problems


def _outputs(cell: Any) -> Iterable[tuple[str, str]]:
    """``(markup, text)`` of each output a reader sees: html, markdown or plain text."""
    for output in cell.get("outputs", []):
        if output.get("output_type") == "stream":
            yield "text", output.get("text", "")
            continue
        bundle = output.get("data", {})
        for kind, markup in (("text/html", "html"), ("text/markdown", "markdown")):
            if kind in bundle:
                yield markup, rules._joined(bundle[kind])
                break
        else:
            if "text/plain" in bundle and not any(k in bundle for k in rules.RICH):
                yield "text", rules._joined(bundle["text/plain"])
            for view in ("image/svg+xml",):
                if view in bundle:
                    yield "html", rules._joined(bundle[view])


def link_problems(nb: Any, outputs: bool = False) -> list[str]:
    """Addresses in Markdown cells (or, ``outputs=True``, in outputs) that break the URL rules."""
    listed = data.not_sources()
    problems = []
    for index, cell in enumerate(nb.cells):
        texts: list[tuple[str, str]] = []
        if outputs:
            texts = [(m if m != "text" else "markdown", t) for m, t in _outputs(cell)]
        elif cell.cell_type == "markdown":
            texts = [("markdown", cell.source)]
        for markup, text in texts:
            problems += [f"cell {index}: {p}" for p in url_hits(text, listed, markup)]
    return list(dict.fromkeys(problems))


# -- abbreviations in what the page shows ------------------------------------


def visible_text(markup: str, text: str) -> str:
    """The words a reader sees in an output: tags, scripts and addresses left out."""
    if markup == "html":
        text = re.sub(r"<(script|style)\b.*?</\1>", " ", text, flags=re.S | re.I)
        text = re.sub(r"<[^>]+>", " ", text)
        text = html.unescape(text)
    return BARE_URL.sub(" ", text)


def _glossary() -> dict[str, str]:
    terms = data.load_glossary()
    return dict(zip(terms["term"], terms["expansion"], strict=True))


def _explains(text: str, glossary: Mapping[str, str]) -> set[str]:
    flat = " ".join(text.split()).lower()
    found = {t for t, expansion in glossary.items() if expansion.lower() in flat}
    found |= set(re.findall(r"\[([A-Za-z]+)\]\([^)]*#glossary\)", text))
    found |= set(re.findall(r"""href=["'][^"']*#glossary["'][^>]*>\s*([A-Za-z]+)\s*<""", text))
    return found


def _terms(text: str, glossary: Iterable[str] = ()) -> list[str]:
    text = re.sub(r'"[^"\n]*"|“[^”]*”', " ", text)
    return rules.abbreviations(rules.CAPS_RUN.sub(" ", text), glossary)


def _upper_names() -> set[str]:
    """Names a dateline or headline writes in capitals ("TEHRAN"): not abbreviations."""
    names = [*data.load_places()["name"], *data.load_actors()["name"]]
    return {word.upper() for name in names for word in re.findall(r"[A-Za-z]+", name)}


def output_acronym_problems(
    nb: Any, glossary: Mapping[str, str] | None = None, names: Iterable[str] | None = None
) -> list[str]:
    """Abbreviations a notebook's outputs show (tables, printed lines, lists) that the
    glossary does not explain.

    The glossary on the start page is where a reader looks an output's abbreviation up, so
    each must be in ``data/glossary.csv`` (the prose rule, :func:`rules.acronym_problems`,
    also asks for it to be spelt out at first use). An outlet's name (AP, IANS) needs no entry.
    """
    glossary = _glossary() if glossary is None else glossary
    allowed = set(rules.outlet_words() if names is None else names) | _upper_names()
    seen: set[str] = set()
    problems = []
    for index, cell in enumerate(nb.cells):
        shown = " ".join(visible_text(m, t) for m, t in _outputs(cell))
        for term in _terms(shown, glossary):
            if term in seen or term in allowed or term in glossary:
                continue
            seen.add(term)
            problems.append(
                f"cell {index}: an output shows {term!r}, which is not in data/glossary.csv"
            )
    return problems


def page_acronym_problems(page: str, glossary: Mapping[str, str] | None = None) -> list[str]:
    """Abbreviations on a built page (the home page) not in the glossary or not explained on it."""
    glossary = _glossary() if glossary is None else glossary
    allowed = (set(rules.outlet_words()) | _upper_names()) - set(glossary)
    text = visible_text("html", page)
    explained = _explains(page, glossary) | _explains(text, glossary)
    problems = []
    for term in _terms(text, glossary):
        if term in allowed or term in explained:
            continue
        if term not in glossary:
            problems.append(f"{term!r} is not in data/glossary.csv")
        else:
            problems.append(f"{term!r} is not spelt out or linked to the glossary")
    return problems


# -- one spelling per name in the course's own voice -------------------------

TITLES = {
    "gen",
    "gen.",
    "general",
    "maj",
    "maj.",
    "major",
    "syed",
    "sayyed",
    "seyyed",
    "ayatollah",
    "born",
    "field",
    "marshal",
    "army",
    "chief",
    "mr",
    "dr",
}


@functools.cache
def _variants_cached(key: str) -> dict[str, str]:
    del key
    found: dict[str, str] = {}
    # an actor's aliases mix spellings with shortenings and titles ("COAS"): only the
    # spellings count; a place's aliases are other spellings by definition
    tables = [(data.load_actors(), is_variant), (data.load_places(), _another_spelling)]
    for table, counts in tables:
        if "aliases" not in table.columns:
            continue
        for name, aliases in zip(table["name"], table["aliases"], strict=True):
            for alias in (a.strip() for a in aliases.split(";")):
                if alias and counts(alias, name):
                    found[alias] = name
    return found


def _another_spelling(alias: str, name: str) -> bool:
    return alias.lower() not in name.lower()


def variants() -> dict[str, str]:
    """``{variant spelling: canonical name}`` from the aliases in ``data/``."""
    return _variants_cached(str(data.data_dir()))


def is_variant(alias: str, name: str) -> bool:
    """Whether ``alias`` spells ``name`` (or a part of it) differently, rather than shortening
    it or adding a title.

    >>> is_variant("Ebrahim Raeisi", "Ebrahim Raisi"), is_variant("Raisi", "Ebrahim Raisi")
    (True, False)
    >>> is_variant("COAS", "Asim Munir"), is_variant("Jaysh al-Adl", "Jaish al-Adl")
    (False, True)
    """
    if alias.lower() in name.lower():
        return False
    words = [w for w in re.split(r"[\s-]+", name.lower()) if w]
    close = False
    for word in (w for w in re.split(r"[\s-]+", alias.lower()) if w):
        if word in words or word in TITLES:
            continue
        if max(difflib.SequenceMatcher(None, word, w).ratio() for w in words) >= 0.7:
            close = True
        else:
            return False
    joined = re.sub(r"[\s-]", "", alias.lower()) == re.sub(r"[\s-]", "", name.lower())
    return close or joined


def spelling_problems(nb: Any, found: Mapping[str, str] | None = None) -> list[str]:
    """Spelling variants of a name in the course's own words (Markdown prose outside
    quotations, link texts and the Sources section)."""
    from helpers.checks.horizon import _QUOTED

    found = variants() if found is None else found
    if not found:
        return []
    pattern = re.compile(
        r"(?<![\w-])("
        + "|".join(re.escape(v) for v in sorted(found, key=len, reverse=True))
        + r")(?![\w-])"
    )
    end = sections.sources_cell(nb)
    problems = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "markdown" or index == end:
            continue
        text = re.sub(r"```.*?```|`[^`]*`", " ", cell.source, flags=re.S)
        text = sections.LINK.sub(" ", text)
        text = _QUOTED.sub(" ", re.sub(r'"[^"\n]*"|“[^”]*”', " ", text))
        for variant in dict.fromkeys(pattern.findall(text)):
            problems.append(f"cell {index}: {variant!r} for {found[variant]!r}")
    return problems
