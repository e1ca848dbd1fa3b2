"""Filter the course timeline (``data/events.csv``) and draw it.

Each event row names its actors as a ``; ``-separated list, some of them in
``data/actors.csv`` (and so known under every spelling) and some not ("Pakistan
Army", "unknown gunmen"). The filters here accept any spelling a learner
types, resolve it with :func:`helpers.actors.resolve`, and fall back to the
names exactly as the timeline writes them.

An event's **side** says whose militancy problem it belongs to: the state an
armed group it names fights (Jaish al-Adl fights Iran; the BLA, BLF and BRAS
fight Pakistan), or, when it names no group, the country where it happened.

>>> rows = filter_events(category="jan-2024-crisis", years=(2024, 2024))
>>> sorted(set(rows["category"]))
['jan-2024-crisis']
"""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from helpers import actors as actor_names
from helpers.data import (
    DATA_DIR,
    attributed,
    format_date,
    load_events,
    load_places,
    parse_date,
)
from helpers.plotting import COUNTRY_COLOURS

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

# The day of the pledge the article reports: Sunday 16 July 2023, when ISPR announced it (fact
# F014). The London Post page itself shows no date (seeds/README.md), so this is not its date.
ARTICLE_DATE = "2023-07-16"
SIDES = ("Iran", "Pakistan")
ANY_GROUP = "any group"
BOTH_SIDES = "both sides"
ALL_CATEGORIES = "all categories"
# The state each armed group in data/actors.csv fights (its role_july_2023 column).
# tests/test_timeline.py fails if actors.csv gains an armed group missing here.
GROUP_SIDES: dict[str, str] = {
    "Jaish al-Adl": "Iran",
    "Jundallah": "Iran",
    "Balochistan Liberation Army": "Pakistan",
    "Balochistan Liberation Front": "Pakistan",
    "Baloch Raaji Aajoi Sangar": "Pakistan",
    "Tehreek-e-Taliban Pakistan": "Pakistan",
}
# The categories notebook 04 treats as "militancy on the border".
MILITANCY_CATEGORIES = ("militancy", "jan-2024-crisis")
OTHER_COLOUR = COUNTRY_COLOURS["other"]
# The categories that keep their own colour in timeline figures (at most 8).
KEY_CATEGORIES = (
    "2025-events",
    "border",
    "diplomacy",
    "jan-2024-crisis",
    "militancy",
    "people",
    "security",
    "visit",
)


# --- checking what a learner asks for ---------------------------------------------------


def categories(events: pd.DataFrame | None = None) -> list[str]:
    """The timeline's categories, sorted (``events`` defaults to ``data/events.csv``)."""
    frame = load_events() if events is None else events
    return sorted(frame["category"].unique())


def category_label(category: str) -> str:
    """A category code as words for a heading: ``jan-2024-crisis`` -> ``Jan 2024 crisis``.

    >>> [category_label(c) for c in ("jan-2024-crisis", "2025-events", "militancy")]
    ['Jan 2024 crisis', '2025 events', 'Militancy']
    """
    words = category.split("-")
    return " ".join([words[0].capitalize(), *words[1:]])


def check_category(category: str, events: pd.DataFrame | None = None) -> str:
    """Return ``category`` if the timeline uses it; otherwise raise a ValueError that suggests one.

    >>> check_category("militancy")
    'militancy'
    """
    known = categories(events)
    if category in known:
        return category
    text = str(category).strip().lower()
    close = difflib.get_close_matches(text, known, n=3, cutoff=0.5)
    close += [k for k in known if text and (text in k or k in text) and k not in close]
    hint = f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
    raise ValueError(f"no category {category!r}{hint} (categories: {', '.join(known)})")


def check_years(years: tuple[int, int]) -> tuple[int, int]:
    """Return ``(start, end)`` as ints for a valid inclusive year range, else raise ValueError."""
    try:
        start, end = (int(y) for y in years)
    except (TypeError, ValueError):
        raise ValueError(
            f"years must be a pair (start, end) such as (2019, 2025); got {years!r}"
        ) from None
    if start > end:
        raise ValueError(f"years must run forwards: got start {start} after end {end}")
    return start, end


def check_side(side: str) -> str:
    """Return ``side`` if it is ``"Iran"`` or ``"Pakistan"``, else raise ValueError."""
    if side not in SIDES:
        raise ValueError(f"no side {side!r}; choose one of {', '.join(SIDES)}")
    return side


def check_group(group: str) -> str:
    """The canonical name of an armed group, from any spelling (``"BLA"``).

    Raises UnknownActorError for an unknown name and ValueError for an actor
    that is not an armed group.
    """
    name = actor_names.resolve(group)
    if name not in GROUP_SIDES:
        raise ValueError(
            f"{group!r} ({name}) is not an armed group; choose one of {', '.join(GROUP_SIDES)}"
        )
    return name


# --- who and where each event names ------------------------------------------------------


def _stamp(*filenames: str) -> tuple[int, ...]:
    """Modification times of data files, so caches notice when a file changes."""
    return tuple((DATA_DIR / f).stat().st_mtime_ns for f in filenames)


def split_actors(text: str) -> list[str]:
    """The names in an events.csv ``actors`` cell, canonical where actors.csv knows them.

    >>> split_actors("BLA; Pakistan Army")
    ['Balochistan Liberation Army', 'Pakistan Army']
    """
    names = []
    for part in str(text).split(";"):
        name = part.strip()
        if name:
            names.append(actor_names.known(name) or name)
    return list(dict.fromkeys(names))


def event_actors(row: Mapping[str, Any]) -> list[str]:
    """Everyone an event names: its ``actors`` cell plus known actors its text mentions.

    A name the cell writes out that actors.csv does not know is another person,
    so the text inside it is not searched: "Ali Bagheri Kani" does not also
    count as Mohammad Bagheri.
    """
    named = split_actors(row["actors"])
    text = str(row["event"])
    for name in sorted(named, key=len, reverse=True):
        if actor_names.known(name) is None:
            text = re.sub(rf"(?<!\w){re.escape(name)}(?!\w)", " ", text)
    mentioned = list(actor_names.mentions(text))
    return list(dict.fromkeys(named + mentioned))


@functools.lru_cache(maxsize=2)
def _place_index(stamp: tuple[int, ...]) -> dict[str, str]:
    """Map place words in places.csv (names, provinces, districts) to their country."""
    index: dict[str, str] = {country: country for country in SIDES}
    for row in load_places().itertuples():
        index[row.name] = row.country
        province = re.sub(r"\s*\(.*\)", "", row.province or "").strip()
        if province:
            index.setdefault(province, row.country)
        for text in (row.province or "", row.kind or ""):
            for district in re.findall(r"\((\w[\w\s-]*?) district\)", text):
                index.setdefault(district, row.country)
    return index


def place_country(place: str) -> str | None:
    """The country of the first place in ``place`` that places.csv knows, or None.

    >>> place_country("Khash-Zahedan road"), place_country("near Varzaqan")
    ('Iran', None)
    """
    best: tuple[int, int, str] | None = None
    for name, country in _place_index(_stamp("places.csv")).items():
        match = re.search(rf"(?<!\w){re.escape(name)}(?!\w)", str(place), re.IGNORECASE)
        if match:
            key = (match.start(), -len(name), country)
            best = key if best is None or key < best else best
    return best[2] if best else None


def place_countries(place: str) -> list[str]:
    """The country of each ``; ``-separated place in an events.csv ``place`` cell (known ones).

    >>> place_countries("Tehran; Islamabad; near Varzaqan")
    ['Iran', 'Pakistan']
    """
    found = [place_country(part) for part in str(place).split(";")]
    return [country for country in found if country]


def event_side(groups: Iterable[str], place: str) -> str:
    """``"Iran"``, ``"Pakistan"``, ``"both"`` or ``"unclear"`` for an event.

    The side of the armed groups it names; with no group, the country where it
    happened (if that is Iran or Pakistan).
    """
    sides = {GROUP_SIDES[g] for g in groups if g in GROUP_SIDES}
    if not sides:
        sides = {c for c in place_countries(place) if c in SIDES}
    if len(sides) == 2:
        return "both"
    return sides.pop() if sides else "unclear"


def with_details(events: pd.DataFrame | None = None) -> pd.DataFrame:
    """The timeline with columns added: ``names`` (list), ``groups`` (list), ``side``, ``year``.

    ``events`` defaults to ``data/events.csv`` (worked out once per change of
    the data files, then copied).
    """
    if events is None:
        return _default_details(_stamp("events.csv", "actors.csv", "places.csv")).copy()
    return _add_details(events.copy())


@functools.lru_cache(maxsize=2)
def _default_details(stamp: tuple[int, ...]) -> pd.DataFrame:
    return _add_details(load_events())


def _add_details(frame: pd.DataFrame) -> pd.DataFrame:
    records = frame.to_dict("records")
    frame["names"] = [event_actors(r) for r in records]
    frame["groups"] = [[n for n in names if n in GROUP_SIDES] for names in frame["names"]]
    frame["side"] = [
        event_side(groups, place)
        for groups, place in zip(frame["groups"], frame["place"], strict=True)
    ]
    frame["year"] = frame["when"].dt.year
    return frame


# --- filtering ---------------------------------------------------------------------------


def _actor_key(actor: str, frame: pd.DataFrame) -> str:
    """Resolve a learner's spelling to a name used in ``frame['names']``."""
    try:
        return actor_names.resolve(actor)
    except KeyError as error:
        written = sorted({n for names in frame["names"] for n in names})
        by_key = {actor_names.normalise(n): n for n in written}
        key = actor_names.normalise(actor)
        if key in by_key:
            return by_key[key]
        close = difflib.get_close_matches(key, list(by_key), n=3, cutoff=0.6)
        if close:
            hint = " or ".join(repr(by_key[c]) for c in close)
            raise actor_names.UnknownActorError(
                f"no actor {actor!r} in actors.csv or the timeline; did you mean {hint}?"
            ) from None
        raise error


def filter_events(
    events: pd.DataFrame | None = None,
    *,
    category: str | Iterable[str] | None = None,
    actor: str | None = None,
    years: tuple[int, int] | None = None,
    side: str | None = None,
    group: str | None = None,
) -> pd.DataFrame:
    """Timeline rows matching every filter given, in date order, with :func:`with_details` columns.

    ``category``: one category or several; ``actor``: any spelling of anyone
    the event names; ``years``: inclusive ``(start, end)``; ``side``:
    ``"Iran"`` or ``"Pakistan"`` (events on both sides count for each);
    ``group``: any spelling of an armed group. Bad values raise errors that
    say what would work.
    """
    frame = with_details(events)
    keep = frame["id"].notna()
    if category is not None:
        wanted = [category] if isinstance(category, str) else list(category)
        wanted = [check_category(c, frame) for c in wanted]
        keep &= frame["category"].isin(wanted)
    if actor is not None:
        key = _actor_key(actor, frame)
        keep &= frame["names"].map(lambda names: key in names)
    if years is not None:
        start, end = check_years(years)
        keep &= frame["year"].between(start, end)
    if side is not None:
        check_side(side)
        keep &= frame["side"].isin([side, "both"])
    if group is not None:
        name = check_group(group)
        keep &= frame["groups"].map(lambda groups: name in groups)
    return frame[keep].sort_values(["when", "id"], kind="stable").reset_index(drop=True)


def likely_repeats(
    events: pd.DataFrame | None = None,
    days: int = 2,
    categories: Iterable[str] = MILITANCY_CATEGORIES,
) -> list[tuple[str, str]]:
    """Pairs of event ids that are probably one attack entered twice.

    Two rows of the same category among ``categories`` (those notebooks count),
    at the same place and dated to the day no more than ``days`` apart, are most
    likely two sources' accounts of one attack: kept as two rows they would be
    counted twice. Put the attack in one row and give the other source's date or
    toll in its ``note`` (or as a fact). Returns the pairs as (earlier, later).

    >>> likely_repeats()
    []
    """
    frame = with_details(events)
    keep = frame["category"].isin(list(categories)) & (frame["date_precision"] == "day")
    frame = frame[keep & (frame["place"] != "")]
    frame = frame.sort_values(["when", "id"], kind="stable")
    pairs: list[tuple[str, str]] = []
    for _, group in frame.groupby(["category", "place"], sort=False):
        rows = list(zip(group["id"], group["when"], strict=True))
        for i, (first, when) in enumerate(rows):
            near = [other for other, later in rows[i + 1 :] if (later - when).days <= days]
            pairs += [(first, other) for other in near]
    return sorted(pairs)


def last_day(date: str) -> str:
    """The last day an ISO date that may be partial can mean (ISO), for "as of" comparisons.

    >>> last_day("2023-07"), last_day("2024"), last_day("2024-02"), last_day("2023-07-16")
    ('2023-07-31', '2024-12-31', '2024-02-29', '2023-07-16')
    """
    import calendar

    when, precision = parse_date(date)
    if precision == "year":
        return f"{when.year}-12-31"
    if precision == "month":
        days = calendar.monthrange(when.year, when.month)[1]
        return f"{when.year}-{when.month:02d}-{days:02d}"
    return when.isoformat()


def as_of(date: str, events: pd.DataFrame | None = None) -> pd.DataFrame:
    """The events a reader could know on ``date``: those surely on or before it.

    An event dated only by month or year counts only if the whole month or
    year is over by ``date`` (``2023-07`` is not known "as of" 16 July 2023).
    """
    frame = with_details(events)
    cutoff = parse_date(date)[0].isoformat()
    known = [last_day(d) <= cutoff for d in frame["date"]]
    return frame[known].sort_values(["when", "id"], kind="stable").reset_index(drop=True)


def as_table(events: pd.DataFrame) -> pd.DataFrame:
    """Filtered events as a readable table: date, event, place, groups, side and source site.

    An event that reports a party's claim names the party ("ISPR said: ...").
    """
    import pandas as pd

    return pd.DataFrame(
        {
            "Date": [format_date(d) for d in events["date"]],
            "Event": [
                attributed(text, who)
                for text, who in zip(events["event"], events["claimed_by"], strict=True)
            ],
            "Place": list(events["place"]),
            "Armed groups": [", ".join(g) for g in events["groups"]],
            "Side": list(events["side"]),
            "Source": [source_site(u) for u in events["source_url"]],
        },
        index=pd.Index(events["id"], name="id"),
    )


def source_site(url: str) -> str:
    """The web site a source address points to, without ``www.``.

    >>> source_site("https://www.dawn.com/news/1765076/x")
    'dawn.com'
    """
    host = re.sub(r"^https?://", "", url).split("/")[0].split(":")[0]
    return host.removeprefix("www.")


# --- drawing -----------------------------------------------------------------------------


def category_colours(names: Iterable[str]) -> dict[str, str]:
    """A colour for each category in ``names``: the same colour in every figure of the course.

    The course's eight main categories (``KEY_CATEGORIES``) get the eight
    colour-blind-safe colours from ``plotting.colours_for``; any other
    category is grey.
    """
    from helpers.plotting import colours_for

    colours = colours_for(KEY_CATEGORIES)
    return {name: colours.get(name, OTHER_COLOUR) for name in dict.fromkeys(names)}


def draw_timeline(
    events: pd.DataFrame,
    *,
    lanes: str = "category",
    labels: Mapping[str, str] | None = None,
    mark: str | None = ARTICLE_DATE,
    ax: Axes | None = None,
) -> tuple[Figure, Axes]:
    """Draw events as markers on a date axis, one row (lane) per ``lanes`` value.

    ``events`` comes from :func:`filter_events`. Markers are coloured by
    category; filled markers have an exact day, hollow ones only a month or
    year. ``labels`` maps event ids to short captions, each drawn where it is
    clear of the others and the markers (:func:`place_labels`); ``mark`` draws a
    line at a date (the pledge the article reports, by default). Returns
    ``(fig, ax)`` for ``plotting.show``.
    """
    import matplotlib.dates as mdates
    from matplotlib.lines import Line2D

    from helpers import plotting

    if lanes not in ("category", "side"):
        raise ValueError(f"lanes must be 'category' or 'side', not {lanes!r}")
    if ax is None:
        fig, ax = plotting.figure(figsize=(11, 6))
    else:
        fig = ax.figure
    order = sorted(events[lanes].unique(), reverse=True)
    lane_of = {name: i for i, name in enumerate(order)}
    colours = category_colours(events["category"])
    y = events[lanes].map(lane_of)
    exact = events["date_precision"] == "day"
    colour = events["category"].map(colours)
    ax.scatter(
        events["when"][exact],
        y[exact],
        s=150,
        c=list(colour[exact]),
        edgecolors="#333333",
        linewidths=0.8,
        zorder=3,
    )
    ax.scatter(
        events["when"][~exact],
        y[~exact],
        s=150,
        c="white",
        edgecolors=list(colour[~exact]),
        linewidths=2.5,
        zorder=3,
    )
    ax.set_yticks(range(len(order)), order)
    locator = mdates.AutoDateLocator(minticks=3, maxticks=8)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator, show_offset=False))
    ax.set_ylim(-0.7, len(order) - 0.3)
    ax.grid(axis="y", color="#dddddd", zorder=0)
    if mark:
        _mark_date(ax, mark)
    notes = []
    for event_id, text in (labels or {}).items():
        row = events[events["id"] == event_id]
        if row.empty:
            raise KeyError(f"label for {event_id!r}, which is not among the events drawn")
        notes.append(
            ax.annotate(
                text,
                (row["when"].iloc[0], lane_of[row[lanes].iloc[0]]),
                xytext=LABEL_PLACES[0][0],
                textcoords="offset points",
                ha="center",
                fontsize=12,
                bbox={"boxstyle": "round,pad=0.2", "fc": "white", "ec": "none", "alpha": 0.85},
                # a thin line from a label to its marker, for a label a line further out
                arrowprops={"arrowstyle": "-", "color": "#777777", "lw": 0.8, "shrinkB": 7},
                zorder=4,
            )
        )
    if notes:
        ax.add_artist(_label_placer()(notes))

    def key(colour: str, name: str) -> Line2D:
        return Line2D([], [], ls="", marker="o", ms=10, mfc=colour, mec=colour, label=name)

    handles = [key(c, name) for name, c in legend_entries(colours)]
    handles.append(key("white", HOLLOW_LABEL))
    handles[-1].set_markeredgecolor("#444444")
    ax.legend(handles=handles, frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    return fig, ax


HOLLOW_LABEL = "month or year only"

# Where a label may sit around its marker, in the order tried: (x, y) offset in points,
# horizontal and vertical alignment. Centred above or below, beside it on its lane, then
# above or below starting or ending at the marker; then those above or below a line further out.
_NEAR = (
    ((0, 10), "center", "bottom"),
    ((0, -10), "center", "top"),
    ((11, 0), "left", "center"),
    ((-11, 0), "right", "center"),
    ((-6, 10), "left", "bottom"),
    ((6, 10), "right", "bottom"),
    ((-6, -10), "left", "top"),
    ((6, -10), "right", "top"),
)
LABEL_PLACES = _NEAR + tuple(
    ((dx, dy + 20 if dy > 0 else dy - 20), ha, va) for (dx, dy), ha, va in _NEAR if dy
)


def place_labels(notes: list[Any], axes_box: Any, taken: list[Any], renderer: Any) -> None:
    """Move each annotation in ``notes`` (in date order) to the first of LABEL_PLACES where
    it stays inside ``axes_box`` and clear of every box in ``taken`` (markers, labels already
    placed), measured as ``renderer`` draws it: so a label finds its place on a page's PNG
    and in a slide's larger letters alike. A label with no clear place keeps the one that
    overlaps least (a test in the browser catches it)."""
    from matplotlib.text import Text

    def clash(box: Any) -> float:
        spill = max(
            axes_box.x0 - box.x0,
            box.x1 - axes_box.x1,
            axes_box.y0 - box.y0,
            box.y1 - axes_box.y1,
            0,
        )
        return spill * 1e6 + sum(
            max(0, min(box.x1, o.x1) - max(box.x0, o.x0))
            * max(0, min(box.y1, o.y1) - max(box.y0, o.y0))
            for o in taken
        )

    margin = renderer.points_to_pixels(2)
    for note in sorted(notes, key=lambda n: n.xy[0]):
        scored = []
        for n, (offset, ha, va) in enumerate(LABEL_PLACES):
            note.xyann = offset
            note.set_horizontalalignment(ha)
            note.set_verticalalignment(va)
            note.update_positions(renderer)
            box = Text.get_window_extent(note, renderer).padded(margin)  # the text, no line
            scored.append((clash(box), n, box))
            if scored[-1][0] == 0:
                break
        _, n, box = min(scored, key=lambda s: s[0])
        note.xyann, ha, va = LABEL_PLACES[n]
        note.set_horizontalalignment(ha)
        note.set_verticalalignment(va)
        if note.arrow_patch is not None:  # a line to the marker from a label further out
            note.arrow_patch.set_visible(n >= len(_NEAR))
        taken.append(box)


@functools.cache
def _label_placer() -> type:
    """An artist that draws nothing and, drawn before the labels, places them
    (:func:`place_labels`) around their markers, clear of the other markers."""
    from matplotlib.artist import Artist
    from matplotlib.transforms import Bbox

    class LabelPlacer(Artist):
        zorder = 0

        def __init__(self, notes: list[Any]) -> None:
            super().__init__()
            self.notes = notes
            for artist in (self, *notes):  # kept inside the axes by place_labels
                artist.set_in_layout(False)

        def draw(self, renderer: Any) -> None:
            ax = self.axes
            radius = renderer.points_to_pixels(7)  # a marker of size 150 is ~12 pt wide
            dots = [
                Bbox.from_extents(x - radius, y - radius, x + radius, y + radius)
                for c in ax.collections
                for x, y in ax.transData.transform(c.get_offsets())
            ]
            place_labels(self.notes, ax.get_window_extent(renderer), dots, renderer)

    return LabelPlacer


def legend_entries(colours: Mapping[str, str]) -> list[tuple[str, str]]:
    """A timeline legend's ``(name, colour)`` entries for ``category_colours(...)``:
    the main categories in their colours, then the grey ones together.

    >>> legend_entries({"trade": "#999999", "visit": "#0072B2"})
    [('visit', '#0072B2'), ('trade', '#999999')]
    """
    entries = [(name, c) for name, c in sorted(colours.items()) if c != OTHER_COLOUR]
    others = sorted(name for name, c in colours.items() if c == OTHER_COLOUR)
    if others:
        entries.append((", ".join(others) if len(others) <= 2 else "other", OTHER_COLOUR))
    return entries


def tick_step(span: int) -> int:
    """Years between ticks on an axis of ``span + 1`` whole years: at most 8 ticks.

    >>> tick_step(0), tick_step(6), tick_step(13), tick_step(78)
    (1, 1, 2, 10)
    """
    return next(step for step in (1, 2, 5, 10, 20, 25, 50, 100) if (span + 2) / step <= 8.5)


def year_ticks(start: int, end: int) -> list[int]:
    """The years an explorer's axis from 1 January ``start`` to 31 December ``end`` marks.

    >>> year_ticks(2019, 2025)
    [2019, 2020, 2021, 2022, 2023, 2024, 2025, 2026]
    """
    step = tick_step(end - start)
    return [year for year in range(start, end + 2) if year % step == 0]


def year_fraction(when: Any) -> float:
    """A date as a fractional year (1 July 2023 is about 2023.5), for drawing on a year axis."""
    import calendar

    days = 366 if calendar.isleap(when.year) else 365
    return round(when.year + (when.timetuple().tm_yday - 1) / days, 5)


def _mark_date(ax: Axes, date: str) -> None:
    import pandas as pd

    when = pd.Timestamp(date)
    ax.axvline(when, color="#000000", linestyle="--", linewidth=1.5, zorder=2)
    ax.annotate(
        f"the pledge, {format_date(date)}",
        (when, 1.0),
        xycoords=("data", "axes fraction"),
        xytext=(0, 4),
        textcoords="offset points",
        ha="center",
        va="bottom",
        fontsize=12,
        fontweight="bold",
    )


def describe(events: pd.DataFrame, lanes: str = "category") -> str:
    """Alt text for a timeline of ``events``: how many, when, and how many per lane."""
    if events.empty:
        return "An empty timeline: no events match these filters."
    counts = events[lanes].value_counts()
    parts = ", ".join(f"{n} {name}" for name, n in counts.items())
    first, last = events["when"].min().year, events["when"].max().year
    return (
        f"Timeline of {len(events)} events from {first} to {last}, one row per {lanes}: "
        f"{parts}. A dashed line marks the pledge the article reports, "
        f"{format_date(ARTICLE_DATE)}; "
        f"{int((events['when'] > ARTICLE_DATE).sum())} events come after it."
    )


# --- explorer callbacks --------------------------------------------------------------------


def militancy_controls() -> dict[str, Any]:
    """Controls for the militancy explorer: armed group, side and a year range."""
    rows = filter_events(category=MILITANCY_CATEGORIES)
    groups = [g for g in GROUP_SIDES if any(g in gs for gs in rows["groups"])]
    return {
        "group": [ANY_GROUP, *groups],
        "side": [BOTH_SIDES, *SIDES],
        "years": (int(rows["year"].min()), int(rows["year"].max())),
    }


def explore_militancy(
    group: str = ANY_GROUP, side: str = BOTH_SIDES, years: tuple[int, int] = (2019, 2025)
) -> pd.DataFrame | str:
    """Explorer callback: militancy and January 2024 events for a group, side and year range.

    Returns a table (see :func:`as_table`) or, when nothing matches, a
    sentence saying so.
    """
    rows = filter_events(
        category=MILITANCY_CATEGORIES,
        years=years,
        side=None if side == BOTH_SIDES else side,
        group=None if group == ANY_GROUP else group,
    )
    if rows.empty:
        start, end = check_years(years)
        return NO_MILITANCY_EVENTS.format(group=group, side=side, years=f"{start}–{end}")
    return as_table(rows)


def timeline_controls() -> dict[str, Any]:
    """Controls for the whole-timeline explorer: a category and a year range."""
    events = load_events()
    return {
        "category": [ALL_CATEGORIES, *categories(events)],
        "years": (int(events["when"].dt.year.min()), int(events["when"].dt.year.max())),
    }


TIMELINE_TITLE = "The timeline, {years}: {category}"
NO_TIMELINE_EVENTS = "No recorded events in {category}, {years}."
NO_MILITANCY_EVENTS = "No recorded events for {group} on {side}, {years}."


def explore_timeline(
    category: str = ALL_CATEGORIES, years: tuple[int, int] = (1947, 2025)
) -> tuple[bytes, str] | str:
    """Explorer callback: the timeline figure for one category (or all) and a year range.

    Returns ``(png bytes, alt text)``, which ``widgets.Explorer`` shows as an
    image, or a sentence when no event matches. The axis runs from 1 January
    of the first year to 31 December of the last (``year_ticks``).
    """
    import pandas as pd

    from helpers import plotting

    rows = filter_events(category=None if category == ALL_CATEGORIES else category, years=years)
    start, end = check_years(years)
    span = f"{start}–{end}"
    if rows.empty:
        return NO_TIMELINE_EVENTS.format(category=category, years=span)
    fig, ax = draw_timeline(rows, mark=ARTICLE_DATE if start <= 2023 <= end else None)
    ticks = year_ticks(start, end)
    ax.set_xlim(pd.Timestamp(f"{start}-01-01"), pd.Timestamp(f"{end + 1}-01-01"))
    ax.set_xticks([pd.Timestamp(f"{y}-01-01") for y in ticks], [str(y) for y in ticks])
    alt = describe(rows)
    png = plotting.render(
        fig,
        title=TIMELINE_TITLE.format(years=span, category=category),
        xlabel="Date",
        ylabel="Category",
        source="data/events.csv (each row cites its own source)",
        alt=alt,
    )
    return png, alt


# --- the explorers on a page without a kernel ----------------------------------------------


def militancy_page() -> Any:
    """How a page filters the militancy explorer (``widgets.PageView``): every row of
    the table, and for each group, side and year the rows it keeps, from ``filter_events``."""
    from helpers.widgets import PageView, mark_rows, result_html

    every = filter_events(category=MILITANCY_CATEGORIES)
    ids = list(every["id"])

    def kept(**filters: Any) -> list[str]:
        return list(filter_events(category=MILITANCY_CATEGORIES, **filters)["id"])

    def in_years(years: tuple[int, int]) -> list[str]:  # the column filter_events reads
        return list(every.loc[every["year"].between(*years), "id"])

    return PageView(
        kind="table",
        items=ids,
        match={
            "group": lambda group: ids if group == ANY_GROUP else kept(group=group),
            "side": lambda side: ids if side == BOTH_SIDES else kept(side=side),
            "years": in_years,
        },
        templates={"empty": NO_MILITANCY_EVENTS},
        base=mark_rows(result_html(as_table(every)), ids),
    )


def timeline_page() -> Any:
    """How a page draws the timeline explorer (``widgets.PageView``): each event's
    fractional year, category and colour, and for each selection its lanes, legend and
    alt text, all from the functions ``explore_timeline`` uses."""
    from helpers.widgets import PageView

    every = filter_events()
    ids = list(every["id"])
    colours = category_colours(every["category"])
    slim = every[["category", "when"]]  # what describe() reads: quicker to take rows from
    position = {event: i for i, event in enumerate(ids)}
    low, high = int(every["year"].min()), int(every["year"].max())

    def kept(**filters: Any) -> list[str]:
        return list(filter_events(**filters)["id"])

    def in_years(years: tuple[int, int]) -> list[str]:  # the column filter_events reads
        return list(every.loc[every["year"].between(*years), "id"])

    def selection(chosen: list[str]) -> dict[str, Any]:
        rows = slim.take([position[event] for event in chosen])
        return {
            "alt": describe(rows),
            "lanes": sorted(rows["category"].unique(), reverse=True),
            "legend": legend_entries(category_colours(rows["category"])),
        }

    items = [
        [
            year_fraction(row.when),
            row.category,
            colours[row.category],
            row.date_precision == "day",
            f"{format_date(row.date)}: {attributed(row.event, row.claimed_by)}",
        ]
        for row in every.itertuples()
    ]
    return PageView(
        kind="timeline",
        items=ids,
        match={
            "category": lambda c: ids if c == ALL_CATEGORIES else kept(category=c),
            "years": in_years,
        },
        describe=lambda chosen: selection(chosen) if chosen else {},
        templates={"title": TIMELINE_TITLE, "empty": NO_TIMELINE_EVENTS},
        data={
            "events": items,
            "steps": [tick_step(span) for span in range(high - low + 1)],
            "mark": [year_fraction(parse_date(ARTICLE_DATE)[0]), 2023],
            "mark_label": f"the pledge, {format_date(ARTICLE_DATE)}",
            "hollow": HOLLOW_LABEL,
            "xlabel": "Date",
            "ylabel": "Category",
            "source": "Source: data/events.csv (each row cites its own source)",
        },
    )
