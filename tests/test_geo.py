"""helpers.geo: distances, boundaries, the base map and the distance explorer."""

import csv
import math

import pytest

from helpers import geo
from helpers.data import DATA_DIR

R = geo.EARTH_RADIUS_KM


def chord_distance_km(lat1, lon1, lat2, lon2):
    """Great-circle distance computed another way: from the straight chord between 3-D points."""

    def xyz(lat, lon):
        phi, lam = math.radians(lat), math.radians(lon)
        return (math.cos(phi) * math.cos(lam), math.cos(phi) * math.sin(lam), math.sin(phi))

    chord = math.dist(xyz(lat1, lon1), xyz(lat2, lon2))
    return 2 * R * math.asin(chord / 2)


def places_from_csv():
    with (DATA_DIR / "places.csv").open(encoding="utf-8") as handle:
        return {row["name"]: row for row in csv.DictReader(handle)}


# ------------------------------------------------------------------ distances


def test_one_degree_along_the_equator_is_a_360th_of_the_circumference():
    assert geo.haversine_km(0, 0, 0, 1) == pytest.approx(2 * math.pi * R / 360)


@pytest.mark.parametrize(
    "a, b",
    [
        ((25.12163, 62.32541), (25.2919, 60.643)),
        ((30.18, 67.0), (-33.9, 18.4)),
        ((10, 170), (-10, -170)),
    ],
)
def test_haversine_matches_an_independent_formula(a, b):
    assert geo.haversine_km(*a, *b) == pytest.approx(chord_distance_km(*a, *b), rel=1e-9)


def test_distance_is_symmetric_and_zero_to_itself():
    assert geo.distance_km("Quetta", "Zahedan") == pytest.approx(
        geo.distance_km("Zahedan", "Quetta")
    )
    assert geo.distance_km("Gwadar", "Gwadar") == 0


def test_distance_between_places_uses_the_coordinates_in_places_csv():
    rows = places_from_csv()
    gwadar, chabahar = rows["Gwadar"], rows["Chabahar"]
    expected = chord_distance_km(
        float(gwadar["lat"]), float(gwadar["lon"]), float(chabahar["lat"]), float(chabahar["lon"])
    )
    assert geo.distance_km("Gwadar", "Chabahar") == pytest.approx(expected)
    # the Times of Islamabad's "about 170 km by air" (fact F093) is right to the kilometre
    assert round(expected) == 170


def test_haversine_rejects_an_impossible_latitude():
    with pytest.raises(ValueError, match="lat1=95 is outside -90..90"):
        geo.haversine_km(95, 0, 0, 0)


def test_line_length_adds_up_its_segments():
    line = [(60.0, 25.0), (61.0, 25.0), (61.0, 26.0)]
    expected = chord_distance_km(25, 60, 25, 61) + chord_distance_km(25, 61, 26, 61)
    assert geo.line_length_km(line) == pytest.approx(expected)
    assert geo.line_length_km(line[:1]) == 0


def test_border_length_is_measured_from_the_shipped_line_and_shrinks_when_coarser():
    full = geo.border_length_km()
    assert 600 < full < 1100
    assert geo.border_length_km(every=5) < full
    with pytest.raises(ValueError, match="every must be a whole number"):
        geo.border_length_km(every=0)


def test_triangulate_recovers_a_known_place():
    target = geo.coordinates("Zahedan")
    found = geo.triangulate(
        "Quetta",
        geo.distance_km("Quetta", "Zahedan"),
        "Gwadar",
        geo.distance_km("Gwadar", "Zahedan"),
    )
    assert len(found) == 2
    assert min(chord_distance_km(*target, *p) for p in found) < 0.01
    assert found[0][0] >= found[1][0]  # northern first


def test_triangulate_says_when_distances_cannot_both_hold():
    with pytest.raises(ValueError, match=r"the two places are 170 km apart"):
        geo.triangulate("Gwadar", 10, "Chabahar", 10)
    with pytest.raises(ValueError, match="must be positive"):
        geo.triangulate("Gwadar", -5, "Chabahar", 10)


# ------------------------------------------------------------------ places


def test_unknown_place_suggests_close_names():
    with pytest.raises(KeyError) as info:
        geo.place("Gwadr")
    assert str(info.value).startswith("no place 'Gwadr'; did you mean 'Gwadar'")
    with pytest.raises(geo.UnknownPlaceError, match="did you mean 'Zahedan'"):
        geo.distance_km("Zahidan", "Quetta")


def test_place_ignores_case_and_a_missing_bracketed_country():
    assert geo.place("QUETTA")["name"] == "Quetta"
    assert geo.place("pishin")["name"] == "Pishin (Iran)"


def test_place_without_coordinate_says_so():
    with pytest.raises(geo.MissingCoordinateError, match="'Mand' has no coordinate"):
        geo.coordinates("Mand")
    assert not geo.has_coordinate("Gabd")
    assert "Mand" not in geo.located_places()


def test_every_located_place_lies_in_the_country_and_province_the_data_gives():
    checked = 0
    for name, row in places_from_csv().items():
        if not row["lat"] or row["country"] not in ("Pakistan", "Iran", "Afghanistan"):
            continue
        lat, lon = float(row["lat"]), float(row["lon"])
        assert geo.which_country(lat, lon) == row["country"], name
        for province in geo.names("provinces"):
            assert geo.contains(province, lat, lon) == row["province"].startswith(province), name
        checked += 1
    assert checked >= 15


# ------------------------------------------------------------------ boundaries


@pytest.mark.parametrize(
    "name, box",
    [
        ("Pakistan", (60.5, 78.0, 23.5, 37.5)),
        ("Iran", (44.0, 63.5, 25.0, 40.0)),
        ("Afghanistan", (60.4, 75.0, 29.3, 38.6)),
        ("Balochistan", (60.8, 70.4, 24.8, 32.2)),
        ("Sistan and Baluchestan", (58.7, 63.4, 25.0, 31.5)),
    ],
)
def test_polygons_lie_in_the_expected_box(name, box):
    lon_min, lon_max, lat_min, lat_max = geo.bounds(name)
    assert box[0] <= lon_min < lon_max <= box[1]
    assert box[2] <= lat_min < lat_max <= box[3]


def test_provinces_lie_inside_their_countries():
    for feature in geo.load_boundaries("provinces")["features"]:
        inner = geo.bounds(feature["properties"]["name"])
        outer = geo.bounds(feature["properties"]["country"])
        assert outer[0] - 0.05 <= inner[0] and inner[1] <= outer[1] + 0.05
        assert outer[2] - 0.05 <= inner[2] and inner[3] <= outer[3] + 0.05


def test_border_runs_from_the_afghan_tripoint_to_the_sea():
    (line,) = geo.load_boundaries("border")["features"][0]["geometry"]["coordinates"]
    ends = sorted([line[0], line[-1]], key=lambda p: p[1])  # south end first
    south, north = ends
    afghanistan = [p for poly in geo.polygons("Afghanistan") for ring in poly for p in ring]
    assert min(chord_distance_km(north[1], north[0], lat, lon) for lon, lat in afghanistan) < 1
    assert south[1] < 25.5  # reaches the Gulf of Oman coast


def test_load_boundaries_returns_a_fresh_copy():
    first = geo.load_boundaries("provinces")
    first["features"].clear()
    assert len(geo.load_boundaries("provinces")["features"]) == 2


def test_unknown_layer_and_boundary_are_clear_errors():
    with pytest.raises(ValueError, match="no boundary layer 'province'; did you mean 'provinces'"):
        geo.load_boundaries("province")
    with pytest.raises(KeyError, match="did you mean 'Pakistan'"):
        geo.bounds("Pakistn")


def test_boundary_folder_is_small_and_says_where_it_came_from():
    folder = DATA_DIR / "boundaries"
    assert sum(p.stat().st_size for p in folder.iterdir()) < 1_000_000
    for layer in geo.LAYERS:
        assert "Natural Earth" in geo.load_boundaries(layer)["metadata"]["source"]
    assert "public domain" in (folder / "README.md").read_text(encoding="utf-8")


def test_crossings_use_the_sides_that_have_coordinates():
    table = geo.crossings().set_index("crossing")
    taftan, mirjaveh = geo.coordinates("Taftan"), geo.coordinates("Mirjaveh")
    assert table.loc["Taftan–Mirjaveh", "lat"] == pytest.approx((taftan[0] + mirjaveh[0]) / 2)
    assert table.loc["Mand–Pishin", "located_by"] == "Pishin (Iran)"
    assert math.isnan(table.loc["Gabd–Rimdan", "lat"])


def test_area_labels_sit_inside_their_areas():
    for labels in geo.AREA_LABELS.values():
        for name, (lon, lat) in labels.items():
            assert geo.contains(name, lat, lon), name


def test_tint_and_shade_mix_with_white_and_black():
    assert geo.tint("#000000", 0.25) == "#bfbfbf"
    assert geo.tint("#0072B2", 1) == "#0072b2"
    assert geo.shade("#ffffff", 0.5) == "#808080"
    with pytest.raises(ValueError, match="amount must be between 0 and 1"):
        geo.tint("#000000", 2)


# ------------------------------------------------------------------ drawing


def test_base_map_draws_countries_places_and_limits():
    from helpers import plotting

    fig, ax = plotting.figure()
    try:
        geo.draw_base_map(ax, extent="border", places=["Quetta"], highlight=["Gwadar"])
        assert ax.get_xlim() == geo.EXTENTS["border"][:2]
        assert len(ax.collections) >= len(geo.names("countries")) + 2
        labels = {t.get_text() for t in ax.texts}
        assert {"Quetta", "Gwadar", "AFGHANISTAN"} <= labels
    finally:
        import matplotlib.pyplot as plt

        plt.close(fig)


def test_base_map_rejects_an_unknown_extent():
    from helpers import plotting

    fig, ax = plotting.figure()
    with pytest.raises(ValueError, match="extent must be one of region, border"):
        geo.draw_base_map(ax, extent="world")


def test_distance_explorer_update_returns_a_map_stating_the_distance():
    explorer = geo.distance_explorer()
    assert explorer.values == {"start": "Gwadar", "end": "Chabahar"}
    assert "Mand" not in explorer.controls["start"]  # no coordinate, so not offered
    assert "Beijing" not in explorer.controls["start"]  # off the map
    svg, alt = explorer.update(start="Quetta", end="Zahedan")
    assert svg.startswith("<svg ") and "<image" not in svg  # drawn for a slide, text as text
    lat1, lon1 = (float(v) for v in (places_from_csv()["Quetta"][k] for k in ("lat", "lon")))
    lat2, lon2 = (float(v) for v in (places_from_csv()["Zahedan"][k] for k in ("lat", "lon")))
    assert f"{chord_distance_km(lat1, lon1, lat2, lon2):.0f} km" in alt
    assert "Quetta and Zahedan" in alt


def test_distance_to_border_matches_a_dense_sampling_of_the_line():
    (line,) = geo.load_boundaries("border")["features"][0]["geometry"]["coordinates"]
    samples = [
        (y1 + (y2 - y1) * k / 50, x1 + (x2 - x1) * k / 50)
        for (x1, y1), (x2, y2) in zip(line, line[1:], strict=False)
        for k in range(51)
    ]
    for name in ("Zahedan", "Saravan", "Gwadar"):
        lat, lon = geo.coordinates(name)
        sampled = min(chord_distance_km(lat, lon, *p) for p in samples)
        assert geo.distance_to_border_km(lat, lon) == pytest.approx(sampled, rel=0.01, abs=0.5)
    assert geo.distance_to_border_km(*geo.coordinates("Taftan")) < 10  # a border town
    assert geo.distance_to_border_km(*geo.coordinates("Quetta")) > 300


def test_compare_distances_reports_the_difference_in_percent():
    table = geo.compare_distances(
        [("F093", "Gwadar", "Chabahar", 170), ("F202", "Quetta", "Taftan", 600)]
    )
    straight = geo.distance_km("Quetta", "Taftan")
    row = table.set_index("to").loc["Taftan"]
    assert row["straight_line_km"] == round(straight)
    assert row["reported_longer_by_pct"] == round(100 * (600 - straight) / straight)
    assert list(table["fact"]) == ["F093", "F202"]
    with pytest.raises(KeyError, match="no fact 'F999'"):
        geo.compare_distances([("F999", "Gwadar", "Chabahar", 1)])


def test_draw_length_claims_draws_one_bar_per_source_and_the_measured_line():
    import matplotlib.pyplot as plt
    import pandas as pd

    from helpers import plotting

    claims = pd.DataFrame(
        {
            "km": [909, 800, 959],
            "source_outlet": ["A", "B", "C"],
            "confidence": ["high", "low", "medium"],
        }
    )
    fig, ax = plotting.figure()
    try:
        geo.draw_length_claims(ax, claims, measured_km=817)
        assert len(ax.patches) == 3
        assert [t.get_text() for t in ax.get_yticklabels()] == ["B", "A", "C"]  # shortest first
        assert "measured on the 1:10m map (817)" in [
            t.get_text() for t in ax.get_legend().get_texts()
        ]
    finally:
        plt.close(fig)


def test_mark_points_needs_one_label_per_point():
    import matplotlib.pyplot as plt

    from helpers import plotting

    fig, ax = plotting.figure()
    try:
        geo.mark_points(ax, [(25.5, 61.8)], ["estimate"])
        assert ax.texts[-1].get_text() == "estimate"
        with pytest.raises(ValueError):
            geo.mark_points(ax, [(25.5, 61.8)], [])
    finally:
        plt.close(fig)
