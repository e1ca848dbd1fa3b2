"""Load and validate the course's datasets (the CSV files in ``data/``).

Every loader checks its file before handing it over: required columns, ISO
dates, coordinates in range, allowed confidence values and URL form. A bad
row raises :class:`DataError` naming the file and line, so a maintainer who
mistypes a date sees ``data/events.csv, line 12: ...`` instead of a pandas
traceback. Loads are cached; each call returns a fresh copy.

>>> facts = load_facts()
>>> sorted(facts["confidence"].unique())
['high', 'low', 'medium']
"""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import functools
import os
import re
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from helpers import markup

if TYPE_CHECKING:
    import pandas as pd

REPO_DIR = Path(__file__).resolve().parent.parent
COURSE_CSVS = ("events.csv", "facts.csv")  # what tells the course's data/ from any other


def data_dir() -> Path:
    """Where the course's data is, the first of:

    1. ``$COURSE_DATA_DIR``: another copy (a test's, a maintainer's draft);
    2. ``data/`` beside the ``helpers`` package: a checkout, or an unpacked zip
       installed in place (``pip install -e .``) or not installed at all;
    3. the nearest ``data/`` holding the course's CSV files in the working
       folder or above it: a zip installed with ``pip install .`` (its helpers
       are in site-packages) run from the unpacked folder.

    If there is none, ``data/`` beside the package (``require_data_dir`` says how to fix it).
    """
    if os.environ.get("COURSE_DATA_DIR"):
        return Path(os.environ["COURSE_DATA_DIR"])
    return course_folder("data", COURSE_CSVS) or REPO_DIR / "data"


def course_folder(name: str, holding: Sequence[str]) -> Path | None:
    """The folder ``name`` beside the ``helpers`` package, else the nearest one in the
    working folder or above it, that holds every file in ``holding``; None if none does."""
    try:
        here = Path.cwd()
    except OSError:  # the working folder was deleted
        here = REPO_DIR
    for parent in (REPO_DIR, here, *here.parents):
        if all((parent / name / file).is_file() for file in holding):
            return parent / name
    return None


def require_data_dir(folder: Path | None = None) -> Path:
    """``folder`` (default ``data_dir()``) if it is a folder, else DataError saying how to fix it.

    A course unpacked without its ``data/`` folder (a zip opened one file at a
    time, a copy of ``notebooks/`` alone) fails on its first import with this
    message, not later with a pandas traceback about one missing file.
    """
    folder = data_dir() if folder is None else folder
    if folder.is_dir():
        return folder
    where = (
        f"COURSE_DATA_DIR points at {folder}"
        if os.environ.get("COURSE_DATA_DIR")
        else f"expected {folder}, or a data/ folder with {' and '.join(COURSE_CSVS)} in "
        "the working folder or above it"
    )
    raise DataError(
        f"the course's data folder is missing ({where}). Unpack the whole zip, so "
        "that data/ sits beside helpers/ and notebooks/, or set COURSE_DATA_DIR to the folder "
        "that holds the course's CSV files."
    )


DATA_DIR = data_dir()

CONFIDENCE_LEVELS = ("high", "medium", "low")
ACTOR_KINDS = (
    "person",
    "institution",
    "state",
    "armed group",
    "political party",
    "civil-society group",
)


# what kind of outlet a source is (outlets.csv, column kind); data/README.md explains each
OUTLET_KINDS = (
    "wire",
    "semi-official agency",
    "state media",
    "national paper",
    "regional paper",
    "business paper",
    "broadcaster",
    "magazine",
    "news website",
    "aggregator",
    "think tank",
    "rights group",
    "institution",
)


class DataError(ValueError):
    """A data file is missing, malformed, or has a bad row (the message says where)."""


# One stat, not a read: a course unpacked without data/ stops at a notebook's first
# cell (its imports) with the fix, instead of at whichever cell first loads a file.
require_data_dir(DATA_DIR)


class MarkupWarning(UserWarning):
    """A text value looks like markup (a tag, a Markdown link): it will show as plain text."""


@dataclass(frozen=True)
class Column:
    """One column of a dataset: its name, how to check a value, and whether it may be blank."""

    name: str
    check: str = "text"
    required: bool = True
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class Dataset:
    """A CSV file in ``data/`` with its columns and the column that must be unique."""

    filename: str
    columns: tuple[Column, ...]
    key: str | None = None
    key_pattern: str | None = None
    # a check across columns of one row: returns a problem to report, or None
    row_check: Callable[[dict[str, str]], str | None] | None = None


# Words that carry one side's verdict ("hideouts", "terrorists"), and quotations: a row that
# uses them reports somebody's claim, so it must say whose (``claimed_by``).
LOADED_WORDS = re.compile(
    r"\b(hideouts?|terrorists?|militant camps?|safe havens?|sanctuar(?:y|ies))\b", re.I
)
# inside single quotes an apostrophe between letters ("doesn't") does not end the quotation
_SINGLE = r"(?:[^']|(?<=\w)'(?=\w))"
_QUOTATION = re.compile(
    rf"""(?:^|[\s(\[])(?:'({_SINGLE}*\s{_SINGLE}*)'|"([^"]*\s[^"]*)")(?=[\s,.;:)\]]|$)"""
)
# Reported speech: somebody said, claimed, accused, blamed or denied something.
SPEECH = re.compile(
    r"\b(?:said|says|claim(?:ed|s)|accus(?:ed|es)|alleg(?:ed|es)|blam(?:ed|es)|"
    r"denie[sd]|according to)\b",
    re.I,
)
_NOBODY = re.compile(r"\bno (?:group|one|party|side)\b[^;.]*$", re.I)  # "no group had claimed it"


def needs_claimant(text: str) -> str | None:
    """Why ``text`` reports a party's claim (a loaded word, a quotation, reported speech),
    or None.

    >>> needs_claimant("strikes BLA/BLF hideouts near Saravan")
    "it uses the word 'hideouts'"
    >>> needs_claimant("wrote that it 'doesn't seem to be the case'")
    "it quotes 'doesn't seem to be the case'"
    >>> needs_claimant("Iran's foreign ministry said the border was calm")
    "it reports what somebody 'said'"
    >>> needs_claimant("Pakistan's and Iran's ambassadors resumed their posts") is None
    True
    >>> needs_claimant("Nine soldiers were killed, and no group had claimed the attack") is None
    True
    """
    word = LOADED_WORDS.search(text)
    if word:
        return f"it uses the word {word.group(0)!r}"
    quote = _QUOTATION.search(text)
    if quote:
        return f"it quotes '{quote.group(1) or quote.group(2)}'"
    for speech in SPEECH.finditer(text):
        if not _NOBODY.search(text[: speech.start()]):
            return f"it reports what somebody {speech.group(0)!r}"
    return None


def _claimant_named(text_column: str) -> Callable[[dict[str, str]], str | None]:
    def check(row: dict[str, str]) -> str | None:
        reason = needs_claimant(row[text_column])
        if reason and not row.get("claimed_by"):
            return (
                f"column '{text_column}' reports a claim ({reason}) but 'claimed_by' is blank; "
                "name who makes the claim (ISPR, IRNA, Pakistan's foreign office, ...)"
            )
        return None

    return check


def _low_not_above_high(row: dict[str, str]) -> str | None:
    if row["high"] and float(row["high"]) < float(row["low"]):
        return f"low {float(row['low']):g} is above high {float(row['high']):g}"
    return None


def _later_dated(row: dict[str, str]) -> str | None:
    """An actor's ``later`` says as of when: ``later_as_of``, the date of its latest item."""
    if row["later"] and not row["later_as_of"]:
        return (
            "column 'later' is filled but 'later_as_of' is blank; give the date of the "
            "latest source the text rests on"
        )
    return None


def _tenure_in_order(row: dict[str, str]) -> str | None:
    """A tenure may not end before it starts, and a row may not dispute itself.

    An open tenure (blank ``end``) in the chain says when a source last confirmed the
    holder: ``last_confirmed`` with ``confirmed_url`` and ``confirmed_outlet``, on or
    after the start, so the course never claims more than its latest page shows.
    """
    if row["end"] and parse_date(row["end"])[0] < parse_date(row["start"])[0]:
        return f"end {row['end']} is before start {row['start']}"
    if row["alternative_to"] == row["id"]:
        return f"alternative_to names the row itself ({row['id']})"
    if not row["end"] and not row["alternative_to"]:
        missing = [c for c in ("last_confirmed", "confirmed_url", "confirmed_outlet") if not row[c]]
        if missing:
            return (
                f"{row['holder']} is in office (blank end) but {', '.join(missing)} "
                "is blank; give the date and page of the latest source that confirms the holder"
            )
    if row["last_confirmed"] and parse_date(row["last_confirmed"])[0] < parse_date(row["start"])[0]:
        return f"last_confirmed {row['last_confirmed']} is before start {row['start']}"
    return None


DATASETS: dict[str, Dataset] = {
    "facts": Dataset(
        "facts.csv",
        (
            Column("id"),
            Column("topic", "slug"),
            Column("claim"),
            Column("value", required=False),
            Column("date", "date", required=False),
            Column("source_url", "url"),
            Column("source_outlet"),
            Column("source_date", "date", required=False),
            Column("confidence", "choice", choices=CONFIDENCE_LEVELS),
            Column("note", required=False),
            Column("claimed_by", required=False),
        ),
        key="id",
        key_pattern=r"F\d{3}",
        row_check=_claimant_named("claim"),
    ),
    "events": Dataset(
        "events.csv",
        (
            Column("id"),
            Column("date", "date"),
            Column("event"),
            Column("actors", required=False),
            Column("place", required=False),
            Column("category", "slug"),
            Column("source_url", "url"),
            Column("note", required=False),
            Column("claimed_by", required=False),
        ),
        key="id",
        key_pattern=r"E\d{3}",
        row_check=_claimant_named("event"),
    ),
    "actors": Dataset(
        "actors.csv",
        (
            Column("name"),
            Column("aliases", required=False),
            Column("kind", "choice", choices=ACTOR_KINDS),
            Column("country"),
            Column("role_july_2023"),
            Column("later", required=False),
            Column("later_as_of", "date", required=False),
            Column("source_url", "url"),
            Column("banned_by", required=False),
        ),
        key="name",
        row_check=_later_dated,
    ),
    "places": Dataset(
        "places.csv",
        (
            Column("name"),
            Column("kind"),
            Column("country"),
            Column("province", required=False),
            Column("lat", "lat", required=False),
            Column("lon", "lon", required=False),
            Column("geonames_id", "int", required=False),
            Column("coord_source"),
            Column("why_it_matters"),
            Column("source_url", "url"),
            # other spellings seen in sources ("; "-separated): the spelling lint allows
            # them only inside quotations and sources' titles
            Column("aliases", required=False),
        ),
        key="name",
    ),
    "article_sources": Dataset(
        "article_sources.csv",
        (
            Column("paragraph", "int"),
            Column("first_words"),
            Column("voice"),
            Column(
                "voice_kind",
                "choice",
                choices=(
                    "headline",
                    "pakistani-official",
                    "iranian-official",
                    "unattributed-analysis",
                ),
            ),
            Column("how_we_know"),
            Column("source_url", "url"),
        ),
        key="paragraph",
    ),
    "estimates": Dataset(
        "estimates.csv",
        (
            Column("id"),
            Column("topic", "slug"),
            Column("quantity"),
            Column("country"),
            Column("reporter"),
            Column("chart_label", required=False),
            Column("agency", required=False),
            Column("source_outlet"),
            Column("period"),
            Column("period_start", "date", required=False),
            Column("period_end", "date", required=False),
            Column("period_group", required=False),
            Column("low", "number"),
            Column("high", "number", required=False),
            Column("unit"),
            Column("fact_id", required=False),
            Column("source_url", "url"),
            Column("source_date", "date", required=False),
            Column("confidence", "choice", choices=CONFIDENCE_LEVELS),
            Column("note", required=False),
        ),
        key="id",
        key_pattern=r"X\d{3}",
        row_check=_low_not_above_high,
    ),
    "outlets": Dataset(
        "outlets.csv",
        (
            Column("match"),
            Column("match_by", "choice", choices=("site", "credit")),
            Column(
                "origin",
                "choice",
                choices=(
                    "pakistani",
                    "iranian",
                    "indian",
                    "afghan",
                    "baloch",
                    "international-wire",
                    "other",
                ),
            ),
            Column("kind", "choice", choices=OUTLET_KINDS),
            Column("note", required=False),
        ),
        key="match",
    ),
    "topic_parties": Dataset(
        "topic_parties.csv",
        (
            Column("topic", "slug"),
            Column("parties"),
            Column("gap", required=False),
        ),
        key="topic",
    ),
    "outlet_reports": Dataset(
        "outlet_reports.csv",
        (
            Column("id"),
            Column("outlet"),
            Column("outlet_country"),
            Column(
                "outlet_kind",
                "choice",
                choices=("news-agency", "newspaper", "broadcaster", "news-website"),
            ),
            Column("published_by"),
            Column("language", "choice", choices=("en", "fr", "ar", "es", "ur", "fa")),
            Column("report_date", "date"),
            Column("dateline", required=False),
            Column("claim"),
            Column("value", required=False),
            Column("wording"),
            Column("attribution"),
            Column(
                "attribution_kind",
                "choice",
                choices=(
                    "pakistan-official",
                    "iran-official",
                    "both-sides",
                    "other-media",
                    "unattributed",
                ),
            ),
            Column("source_url", "url"),
            Column("note", required=False),
        ),
        key="id",
        key_pattern=r"R\d{3}",
    ),
    "unknowns": Dataset(
        "unknowns.csv",
        (
            Column("id"),
            Column("question"),
            Column(
                "status",
                "choice",
                choices=("no-report-found", "unresolved", "after-horizon"),
            ),
            Column("checked_to", "date"),
            Column("fact_id", required=False),
            Column("note", required=False),
        ),
        key="id",
        key_pattern=r"U\d{3}",
    ),
    "not_sources": Dataset(
        "not_sources.csv",
        (Column("domain", "domain"), Column("reason")),
        key="domain",
    ),
    "glossary": Dataset(
        "glossary.csv",
        (
            Column("term"),
            Column("expansion"),
            Column("explanation"),
            Column("source_url", "url"),
        ),
        key="term",
        key_pattern=r"[A-Z][A-Za-z0-9]*[A-Z]",
    ),
    "offices": Dataset(
        "offices.csv",
        (
            Column("id"),
            Column("country", "choice", choices=("Pakistan", "Iran")),
            Column("office"),
            Column("holder"),
            Column("start", "date"),
            Column("end", "date", required=False),
            Column("how_started"),
            Column("how_ended", required=False),
            Column("confidence", "choice", choices=CONFIDENCE_LEVELS),
            Column("source_url", "url"),
            Column("source_outlet"),
            Column("source_date", "date", required=False),
            Column("fact_id", required=False),
            Column("alternative_to", required=False),
            Column("chain_note", required=False),
            Column("last_confirmed", "date", required=False),
            Column("confirmed_url", "url", required=False),
            Column("confirmed_outlet", required=False),
            Column("caveat", required=False),
        ),
        key="id",
        key_pattern=r"O\d{3}",
        row_check=_tenure_in_order,
    ),
}

# A web address with nothing that could close an HTML attribute or open a tag.
_URL = re.compile(r"https?://[^\s/?#\"'<>\\`]+\.[^\s/?#\"'<>\\`]+[^\s\"'<>\\`]*")
# What pasted markup looks like: a tag, a Markdown link or image, a script address.
_MARKUP = re.compile(
    r"<\s*/?\s*[a-zA-Z!][^>]*>"  # a tag or comment
    r"|!?\[[^\]]*\]\([^)]*\)"  # a Markdown link or image
    r"|\b(?:javascript|vbscript):|\bdata:[\w.+-]+/[\w.+-]+[;,]",  # a script or data address
    re.I,
)
# Left over from how a page was found or stored, not part of its address:
# tracking parameters, a spelled-out default port, a script host glued to the path.
_TRACKING = re.compile(r"[?&](utm_[a-z]+|cmp|fbclid|gclid)=", re.I)
_DEFAULT_PORT = re.compile(r"^https?://[^/?#]+:(443|80)(?=[/?#]|$)", re.I)
_HOST_IN_PATH = re.compile(
    r"^https?://[^/?#]+/(?:[^?#]*/)?[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:com|net|org|io)(?:\.[a-z]{2})?"
    r"/?(?=[?#]|$)",
    re.I,
)


def url_problem(url: str) -> str | None:
    """What is wrong with a source address, or None if it is clean.

    >>> url_problem("https://www.cbc.ca/news/world/x-1.7086549?cmp=rss")
    "has a tracking parameter ('cmp='); cite the page without it"
    """
    if not _URL.fullmatch(url):
        return (
            "is not a plain web address (http:// or https://, with no spaces, quotes "
            "or angle brackets)"
        )
    tracking = _TRACKING.search(url)
    if tracking:
        return f"has a tracking parameter ('{tracking.group(1)}='); cite the page without it"
    port = _DEFAULT_PORT.match(url)
    if port:
        return f"spells out the default port ':{port.group(1)}'; leave it out"
    if _HOST_IN_PATH.match(url):
        return (
            f"ends in a host name ('{url.rstrip('/').rsplit('/', 1)[-1]}'), a leftover "
            "of a stored copy; cite the article's own address"
        )
    return None


_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_DOMAIN = re.compile(r"[a-z0-9-]+(?:\.[a-z0-9-]+)+")
_DATE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")


def parse_date(text: str) -> tuple[dt.date, str]:
    """Parse an ISO date that may be partial: ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``.

    Returns ``(first day it can mean, precision)`` where precision is
    ``"year"``, ``"month"`` or ``"day"``. Raises ValueError otherwise.

    >>> parse_date("2023-07")
    (datetime.date(2023, 7, 1), 'month')
    """
    match = _DATE.fullmatch(text.strip())
    if not match:
        raise ValueError(f"{text!r} is not an ISO date (YYYY, YYYY-MM or YYYY-MM-DD)")
    year, month, day = match.groups()
    try:
        when = dt.date(int(year), int(month or 1), int(day or 1))
    except ValueError as err:
        raise ValueError(f"{text!r} is not a real date ({err})") from None
    precision = "day" if day else "month" if month else "year"
    return when, precision


def _check_value(column: Column, value: str) -> str | None:
    """Return what is wrong with one value, or None if it is fine."""
    if value == "":
        return None if not column.required else "is blank but required"
    if column.check == "date":
        try:
            parse_date(value)
        except ValueError as err:
            return str(err)
    elif column.check == "url" and url_problem(value):
        return f"has {value!r}, which {url_problem(value)}"
    elif column.check == "domain" and not _DOMAIN.fullmatch(value):
        return f"has {value!r}; write a bare lowercase host name (news.example.com)"
    elif column.check == "slug" and not _SLUG.fullmatch(value):
        return f"has {value!r}; use lowercase words joined by hyphens"
    elif column.check == "choice" and value not in column.choices:
        return f"has {value!r}; allowed: {', '.join(column.choices)}"
    elif column.check == "number":
        try:
            float(value)
        except ValueError:
            return f"has {value!r}, which is not a number"
    elif column.check in ("lat", "lon", "int"):
        try:
            number = int(value) if column.check == "int" else float(value)
        except ValueError:
            return f"has {value!r}, which is not a number"
        limit = 90 if column.check == "lat" else 180
        if column.check != "int" and not -limit <= number <= limit:
            return f"has {number}, outside -{limit}..{limit}"
    return None


def display_path(path: Path) -> str:
    """A path as a learner would type it: relative to the course folder when inside it."""
    try:
        return path.resolve().relative_to(REPO_DIR).as_posix()
    except ValueError:
        return str(path)


NOT_SOURCES = "not_sources.csv"


def host_of(url: str) -> str:
    """The host of a web address, lowercased, without ``www.``: ``"dawn.com"``."""
    from urllib.parse import urlsplit

    return (urlsplit(url).hostname or "").lower().removeprefix("www.")


def not_sources(folder: Path | None = None) -> dict[str, str]:
    """``{domain: reason}`` for the sites listed in ``not_sources.csv`` as not a source.

    Read from ``folder`` (a dataset's own folder) if it holds the file, else from the
    course's data folder, so a maintainer's draft copy is checked against the list too.
    """
    for where in (folder, DATA_DIR):
        if where is not None and (where / NOT_SOURCES).is_file():
            path = (where / NOT_SOURCES).resolve()
            return _not_sources_cached(path, path.stat().st_mtime_ns)
    return {}


@functools.lru_cache(maxsize=8)
def _not_sources_cached(path: Path, mtime_ns: int) -> dict[str, str]:
    rows = read_rows(DATASETS["not_sources"], path)
    return {row["domain"]: row["reason"] for row in rows}


def listed_site(url: str, listed: dict[str, str]) -> str | None:
    """The listed domain ``url`` belongs to (the domain or a subdomain of it), or None.

    >>> listed_site("https://news.hanna-ai.com/en/x", {"hanna-ai.com": "digest"})
    'hanna-ai.com'
    """
    host = host_of(url)
    for domain in listed:
        if host == domain or host.endswith("." + domain):
            return domain
    return None


def read_rows(dataset: Dataset, path: Path) -> list[dict[str, str]]:
    """Read and check every row of ``path`` against ``dataset``; return rows as dicts.

    Raises DataError naming the file and line of the first problem found, including a
    web address on a site that ``not_sources.csv`` lists as not a source.
    """
    where = display_path(path)
    url_columns = [c.name for c in dataset.columns if c.check == "url"]
    listed = not_sources(path.parent) if url_columns else {}
    if not path.is_file():
        raise DataError(f"{where}: file not found (expected the {dataset.filename} dataset)")
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        try:
            header = next(reader)
        except StopIteration:
            raise DataError(f"{where}: the file is empty; it needs a header row") from None
        except csv.Error as err:
            raise DataError(f"{where}, line 1: cannot read the header ({err})") from None
        expected = [column.name for column in dataset.columns]
        missing = [name for name in expected if name not in header]
        if missing:
            raise DataError(
                f"{where}, line 1: missing column(s) {', '.join(missing)}; "
                f"the header has {', '.join(header)}"
            )
        rows: list[dict[str, str]] = []
        seen: dict[str, int] = {}
        while True:
            line = reader.line_num + 1
            try:
                fields = next(reader)
            except StopIteration:
                break
            except csv.Error as err:
                raise DataError(f"{where}, line {line}: cannot parse the row ({err})") from None
            if not fields or all(not f.strip() for f in fields):
                continue
            if len(fields) != len(header):
                raise DataError(
                    f"{where}, line {line}: {len(fields)} fields but the header has "
                    f"{len(header)} (is a comma inside a value missing its quotes?)"
                )
            row = {name: value.strip() for name, value in zip(header, fields, strict=True)}
            for column in dataset.columns:
                problem = _check_value(column, row[column.name])
                if problem:
                    raise DataError(f"{where}, line {line}: column '{column.name}' {problem}")
            for name in url_columns:
                domain = listed_site(row[name], listed) if row[name] else None
                if domain:
                    raise DataError(
                        f"{where}, line {line}: column '{name}' cites {domain}, which "
                        f"{NOT_SOURCES} lists as not a source ({listed[domain]}); cite the "
                        "original outlet's own page instead"
                    )
            if dataset.key:
                key = row[dataset.key]
                if dataset.key_pattern and not re.fullmatch(dataset.key_pattern, key):
                    raise DataError(
                        f"{where}, line {line}: {dataset.key} {key!r} does not match "
                        f"the pattern {dataset.key_pattern}"
                    )
                if key in seen:
                    raise DataError(
                        f"{where}, line {line}: {dataset.key} {key!r} repeats line {seen[key]}"
                    )
                seen[key] = line
            if dataset.row_check:
                problem = dataset.row_check(row)
                if problem:
                    raise DataError(f"{where}, line {line}: {problem}")
            _warn_markup(dataset, row, f"{where}, line {line}")
            rows.append(row)
    if not rows:
        raise DataError(f"{where}: no data rows below the header")
    return rows


def _warn_markup(dataset: Dataset, row: dict[str, str], where: str) -> None:
    """Warn (not fail) when a text value looks like pasted markup.

    The pages show it as text, which is safe but rarely what a maintainer
    meant: a warning names the file, line and column before a reader sees it.
    """
    for column in dataset.columns:
        if column.check != "text":
            continue
        found = _MARKUP.search(row[column.name])
        if found:
            warnings.warn(
                f"{where}: column '{column.name}' contains what looks like markup "
                f"({found.group(0)[:40]!r}); pages show it as plain text",
                MarkupWarning,
                stacklevel=2,
            )


@functools.lru_cache(maxsize=32)
def _load_cached(name: str, path: Path, mtime_ns: int) -> pd.DataFrame:
    import pandas as pd

    dataset = DATASETS[name]
    rows = read_rows(dataset, path)
    frame = pd.DataFrame(rows, columns=[column.name for column in dataset.columns])
    for column in dataset.columns:
        if column.check in ("lat", "lon", "number"):
            frame[column.name] = pd.to_numeric(frame[column.name].replace("", None))
        elif column.check == "int" and column.required:
            frame[column.name] = frame[column.name].astype(int)
    if "date" in frame.columns:
        parsed = [parse_date(d) if d else (None, "") for d in frame["date"]]
        frame["when"] = pd.to_datetime([p[0] for p in parsed])
        frame["date_precision"] = [p[1] for p in parsed]
    return frame


def load(name: str, path: str | Path | None = None) -> pd.DataFrame:
    """Load dataset ``name`` (see ``DATASETS``), validated, as a new DataFrame.

    ``path`` overrides the file in ``data/`` (tests use this). Files with a
    ``date`` column gain ``when`` (first day the date can mean) and
    ``date_precision`` (``day``, ``month`` or ``year``).
    """
    if name not in DATASETS:
        close = difflib.get_close_matches(name, DATASETS, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        raise DataError(f"no dataset {name!r}{hint} (known: {', '.join(DATASETS)})")
    file = Path(path) if path is not None else require_data_dir(DATA_DIR) / DATASETS[name].filename
    mtime = file.stat().st_mtime_ns if file.is_file() else 0
    return _load_cached(name, file.resolve(), mtime).copy()


def data_version() -> tuple[str, tuple[int, ...]]:
    """What the course's data is right now: its folder and each dataset file's
    modification time (0 for a missing file). Cheap: one ``stat`` per file."""
    folder = DATA_DIR
    stamps = []
    for dataset in DATASETS.values():
        try:
            stamps.append((folder / dataset.filename).stat().st_mtime_ns)
        except OSError:
            stamps.append(0)
    return str(folder), tuple(stamps)


_Result = TypeVar("_Result")


def cached_on_data(func: Callable[..., _Result]) -> Callable[..., _Result]:
    """Remember ``func``'s result per arguments for as long as ``data/`` is unchanged.

    For the helpers a notebook calls many times with the same arguments (the quiz
    bank, who held each office on a day): a kernel computes each answer once,
    and an edit to any data file computes it again. Every call returns a copy of a
    DataFrame, list or dict, so a notebook that changes what it got cannot change
    what the next call returns. Arguments must be hashable.
    """
    memo = functools.lru_cache(maxsize=128)(
        lambda version, args, kwargs: func(*args, **dict(kwargs))
    )

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> _Result:
        return _copied(memo(data_version(), args, tuple(sorted(kwargs.items()))))

    wrapper.cache_clear = memo.cache_clear  # type: ignore[attr-defined]
    _MEMOS.append(memo)
    return wrapper


_MEMOS: list[Any] = []


def clear_caches() -> None:
    """Forget every answer :func:`cached_on_data` remembered (tests that patch a
    module's table of rows, such as ``visits.DEATHS``, start from a clean slate)."""
    for memo in _MEMOS:
        memo.cache_clear()


def _copied(value: Any) -> Any:
    """A copy of ``value`` a caller may change freely (tuples, strings, numbers as they are)."""
    if hasattr(value, "copy") and not isinstance(value, (str, bytes, tuple)):
        return value.copy()
    return value


def load_facts(path: str | Path | None = None) -> pd.DataFrame:
    """The fact base: one sourced claim per row (conflicting sources stay separate rows)."""
    return load("facts", path)


def load_events(path: str | Path | None = None) -> pd.DataFrame:
    """The timeline, 1947 onwards: one dated, sourced event per row."""
    return load("events", path)


def load_actors(path: str | Path | None = None) -> pd.DataFrame:
    """People, institutions, states and armed groups, with every spelling seen."""
    return load("actors", path)


def load_places(path: str | Path | None = None) -> pd.DataFrame:
    """Places a map needs, with GeoNames coordinates (blank where unknown)."""
    return load("places", path)


def load_article_sources(path: str | Path | None = None) -> pd.DataFrame:
    """Who speaks in each paragraph of the seed article, and how we know."""
    return load("article_sources", path)


def load_outlet_reports(path: str | Path | None = None) -> pd.DataFrame:
    """How outlets reported the July 2023 visit: one row per claim in one report."""
    return load("outlet_reports", path)


def load_offices(path: str | Path | None = None) -> pd.DataFrame:
    """Who held each office in the story, from before July 2023 to the date the facts run to.

    One row per holder and tenure; a blank ``end`` means "still in office as of
    ``facts_run_to()``". ``helpers.offices`` checks each office's chain.
    """
    return load("offices", path)


def load_estimates(path: str | Path | None = None) -> pd.DataFrame:
    """Numbers that sources disagree on (trade, Shia population), one row per source.

    ``low`` and ``high`` become numbers; a blank ``high`` means the source gave
    only a lower bound ("over $2 billion"). A value that is not a number, or a
    ``low`` above its ``high``, raises DataError naming the file and line.
    """
    return load("estimates", path)


def load_unknowns(path: str | Path | None = None) -> pd.DataFrame:
    """Questions the sources leave open up to the horizon: no report found, unresolved, or after it.

    ``status`` is ``no-report-found`` (absence in the sources, never "nothing happened"),
    ``unresolved`` (sources disagree and none settles it) or ``after-horizon`` (what the
    course cannot know because its facts stop).
    """
    return load("unknowns", path)


def load_glossary(path: str | Path | None = None) -> pd.DataFrame:
    """Abbreviations the course uses (ISPR, IRGC, ...): expansion, one-line explanation, source."""
    return load("glossary", path)


# the page date of a row was worked out from its content ("said on Monday"),
# not read off the page; its citation says so
DATE_INFERRED = re.compile(r"\b(?:date|day|month) inferred\b", re.I)
PAGE_COLUMNS = {
    "facts": ("source_outlet", "source_date"),
    "estimates": ("source_outlet", "source_date"),
    "outlet_reports": ("outlet", "report_date"),
}


def source_pages(data_dir: str | Path | None = None) -> dict[str, dict]:
    """Cited pages with outlet and date: ``{url: {"outlets", "date", "inferred", "rows"}}``.

    Rows citing one page must agree on its date, and on whether that date was
    inferred (``note`` says "date inferred"); otherwise DataError names the
    rows that disagree, since one page cannot carry two dates.
    """
    folder = Path(data_dir) if data_dir is not None else DATA_DIR
    pages: dict[str, dict] = {}
    for name, (outlet_column, date_column) in PAGE_COLUMNS.items():
        frame = load(name, folder / DATASETS[name].filename)
        for row in frame.itertuples(index=False):
            row = row._asdict()
            date = row[date_column]
            inferred = bool(date) and bool(DATE_INFERRED.search(row["note"]))
            page = pages.setdefault(
                row["source_url"],
                {"outlets": set(), "date": date, "inferred": inferred, "rows": []},
            )
            if (page["date"], page["inferred"]) != (date, inferred):
                first = page["rows"][0]
                raise DataError(
                    f"{DATASETS[name].filename}: {row['id']} dates {row['source_url']} "
                    f"{date or 'blank'}{' (inferred)' if inferred else ''} but {first} has "
                    f"{page['date'] or 'blank'}{' (inferred)' if page['inferred'] else ''}; "
                    "one page has one date"
                )
            page["outlets"].add(row[outlet_column])
            page["rows"].append(row["id"])
    return pages


def validate_all(data_dir: str | Path | None = None) -> dict[str, int]:
    """Check every dataset; return ``{name: number of rows}`` or raise DataError."""
    folder = Path(data_dir) if data_dir is not None else DATA_DIR
    return {name: len(read_rows(ds, folder / ds.filename)) for name, ds in DATASETS.items()}


def rows_by_id(table: pd.DataFrame, ids: Sequence[str], kind: str) -> pd.DataFrame:
    """The rows of ``table`` (indexed by id) for ``ids``, in that order.

    An unknown id raises KeyError naming the ``kind`` of row and suggesting
    close ids, so a typo in a notebook reads "no event 'E31'; did you mean E031?".
    """
    for row_id in ids:
        if row_id not in table.index:
            close = difflib.get_close_matches(row_id, table.index.tolist(), n=3)
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            raise KeyError(f"no {kind} {row_id!r}{hint}")
    return table.loc[list(ids)]


def fact(fact_id: str) -> pd.Series:
    """One row of the fact base by id (``"F015"``); a wrong id suggests close ones."""
    key = fact_id.strip().upper()
    return rows_by_id(_facts_by_id(data_version()), [key], "fact").iloc[0].copy()


@functools.lru_cache(maxsize=2)
def _facts_by_id(version: tuple[str, tuple[int, ...]]) -> pd.DataFrame:
    """The fact base indexed by id, once per ``data_version()`` (read only: never changed)."""
    return load_facts().set_index("id")


def format_date(text: str) -> str:
    """Write an ISO (possibly partial) date the way the course prints dates.

    >>> format_date("2023-07-16"), format_date("2023-07"), format_date("2023")
    ('16 Jul 2023', 'Jul 2023', '2023')
    """
    if not text:
        return "undated"
    when, precision = parse_date(text)
    formats: dict[str, Callable[[dt.date], str]] = {
        "day": lambda d: f"{d.day} {d:%b %Y}",
        "month": lambda d: f"{d:%b %Y}",
        "year": lambda d: f"{d:%Y}",
    }
    return formats[precision](when)


def _named(claimant: str, text: str) -> bool:
    """True if ``text`` already names ``claimant``: its name without a parenthesis
    ("Hossein Salami (Mehr)" -> "Hossein Salami"), or a person's surname ("Salami said")."""
    core = re.sub(r"\s*\([^)]*\)", "", claimant).strip()
    words = core.split()
    person = len(words) >= 2 and "'" not in core and all(w[:1].isupper() for w in words)
    lowered = text.lower()
    return core.lower() in lowered or (person and words[-1].lower() in lowered)


# A claim that opens with "Accounts" is the course's own summary of several parties' accounts.
_SUMMARY = re.compile(r"^Accounts\b")


def attributed(text: str, claimed_by: str) -> str:
    """``text`` as a claim of ``claimed_by``: ``"ISPR said: ..."`` (unchanged if nobody is named).

    Several claimants are separated by ``; `` (or "and"). A text that already names every
    claimant ("ISPR: ...", "what ISPR called ...; Iran says ...", "Salami said ..." for
    "Hossein Salami (Mehr)") is left as it is. A text that is the course's own summary of
    several accounts ("Accounts of ... differ: ...") names whose accounts it sums up, after it.

    >>> attributed("strikes BLA/BLF hideouts", "ISPR")
    'ISPR said: strikes BLA/BLF hideouts'
    >>> attributed("ISPR: sides vowed to eradicate terrorism", "ISPR")
    'ISPR: sides vowed to eradicate terrorism'
    >>> attributed("Accounts of the clash conflict", "Iran's government; rights groups")
    "Accounts of the clash conflict (the course's summary of accounts by Iran's government; \
rights groups)"
    """
    claimant = (claimed_by or "").strip()
    names = [name.strip() for name in re.split(r";| and ", claimant) if name.strip()]
    if not names:
        return text
    if _SUMMARY.match(text):
        return f"{text} (the course's summary of accounts by {claimant})"
    if all(_named(name, text) for name in names):
        return text
    return f"{claimant} said: {text}"


def with_claimants(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of facts or events whose ``claim`` / ``event`` text names its claimant.

    Tables built from the result show "ISPR said: ..." wherever ``claimed_by`` is filled,
    so a party's claim never reads as the course's own statement.
    """
    frame = frame.copy()
    column = "claim" if "claim" in frame.columns else "event"
    frame[column] = [
        attributed(text, who) for text, who in zip(frame[column], frame["claimed_by"], strict=True)
    ]
    return frame


def cite(fact_id: str) -> str:
    """A Markdown citation for a fact: ``[Dawn, 16 Jul 2023](url)``.

    The date is the page's own (``source_date``); a page that shows none is
    cited as "undated page", never with the date of the event it reports,
    and a date worked out from the page's content adds ", date inferred". A
    party's claim names the party first: ``claimed by ISPR, [Dawn, 1 Apr 2023](url)``.
    """
    row = fact(fact_id)
    when = format_date(row["source_date"]) if row["source_date"] else "undated page"
    if row["source_date"] and DATE_INFERRED.search(row["note"]):
        when += ", date inferred"
    link = markup.link(f"{row['source_outlet']}, {when}", row["source_url"])
    return f"claimed by {markup.text(row['claimed_by'])}, {link}" if row["claimed_by"] else link


def after_horizon() -> list[str]:
    """The questions the course cannot answer because its facts stop (``unknowns.csv``).

    Pages print them beside the date the facts run to, so a reader meets the limit in
    words: "whether the 60-day roadmap produced a final agreement" is not known to the course.
    """
    rows = load_unknowns()
    return list(rows.loc[rows["status"] == "after-horizon", "question"])


def row_ids(folder: Path | None = None) -> set[str]:
    """Every row id the data pages anchor (``F001``, ``E012``...), read from ``folder``'s CSVs.

    Those are the ids ``markup.link_ids`` turns into links on a page.
    """
    found = set()
    for name in markup.ID_PAGES.values():
        dataset = DATASETS[name]
        path = (folder or data_dir()) / dataset.filename
        with path.open(encoding="utf-8", newline="") as handle:
            found |= {row[dataset.key] for row in csv.DictReader(handle)}
    return found


def facts_run_to() -> str:
    """The latest date any event or fact in ``data/`` refers to (ISO), i.e. "facts as of"."""
    return _facts_run_to()


@cached_on_data
def _facts_run_to() -> str:
    # read as checked rows, without pandas: the build asks this before any notebook runs
    folder = require_data_dir(DATA_DIR)
    days = [
        parse_date(row["date"])[0]
        for name in ("events", "facts")
        for row in read_rows(DATASETS[name], folder / DATASETS[name].filename)
        if row["date"]
    ]
    return max(days).isoformat()
