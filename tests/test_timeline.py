"""helpers.timeline: filters return only matching rows, counts agree with the raw CSV."""

from __future__ import annotations

import csv
import re
import subprocess
import sys

import pytest

from helpers import actors, data, timeline
from helpers.widgets import Explorer

EVENTS_CSV = data.DATA_DIR / "events.csv"
ACTORS_CSV = data.DATA_DIR / "actors.csv"


def raw_events() -> list[dict[str, str]]:
    """The timeline read with the csv module alone, to count independently of pandas."""
    with EVENTS_CSV.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def raw_spellings(canonical: str) -> list[str]:
    """Every spelling actors.csv records for one actor, read with the csv module."""
    with ACTORS_CSV.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["name"] == canonical:
                return [row["name"], *[a.strip() for a in row["aliases"].split(";") if a.strip()]]
    raise AssertionError(f"{canonical} not in actors.csv")


def names_actor(row: dict[str, str], spellings: list[str]) -> bool:
    """Does a raw row name the actor in its actors cell (any case) or its text (exact word)?"""
    cell = {part.strip().casefold() for part in row["actors"].split(";")}
    if any(s.casefold() in cell for s in spellings):
        return True
    return any(re.search(rf"(?<!\w){re.escape(s)}(?!\w)", row["event"]) for s in spellings)


# --- the data and the group table agree ---------------------------------------------------


def test_every_armed_group_in_actors_csv_has_a_side():
    with ACTORS_CSV.open(encoding="utf-8", newline="") as handle:
        groups = {r["name"] for r in csv.DictReader(handle) if r["kind"] == "armed group"}
    assert groups == set(timeline.GROUP_SIDES), "update timeline.GROUP_SIDES"
    assert set(timeline.GROUP_SIDES.values()) == set(timeline.SIDES)


def test_key_categories_fit_the_palette_and_exist():
    from helpers.plotting import PALETTE

    assert len(timeline.KEY_CATEGORIES) <= len(PALETTE)
    assert set(timeline.KEY_CATEGORIES) <= set(timeline.categories())


# --- category ------------------------------------------------------------------------------


@pytest.mark.parametrize("category", ["militancy", "jan-2024-crisis", "visit", "history"])
def test_category_filter_matches_the_raw_count(category):
    rows = timeline.filter_events(category=category)
    assert set(rows["category"]) == {category}
    expected = sorted(r["id"] for r in raw_events() if r["category"] == category)
    assert sorted(rows["id"]) == expected


def test_several_categories_at_once():
    wanted = ("militancy", "jan-2024-crisis")
    rows = timeline.filter_events(category=wanted)
    assert len(rows) == sum(r["category"] in wanted for r in raw_events())


@pytest.mark.parametrize(
    "bad, suggestion", [("militancey", "'militancy'"), ("crisis", "'jan-2024-crisis'")]
)
def test_bad_category_suggests_close_ones(bad, suggestion):
    with pytest.raises(ValueError) as info:
        timeline.filter_events(category=bad)
    message = str(info.value)
    assert message.startswith(f"no category {bad!r}; did you mean")
    assert suggestion in message and "categories:" in message


def test_category_without_close_match_lists_the_categories():
    with pytest.raises(ValueError, match=r"no category 'zzz' \(categories: .*militancy"):
        timeline.check_category("zzz")


# --- actor ---------------------------------------------------------------------------------


@pytest.mark.parametrize("spelling", ["Raeisi", "Ebrahim Raisi", "president raisi"])
def test_actor_in_any_spelling_matches_the_raw_count(spelling):
    rows = timeline.filter_events(actor=spelling)
    spellings = raw_spellings("Ebrahim Raisi")
    expected = sorted(r["id"] for r in raw_events() if names_actor(r, spellings))
    assert expected, "the timeline should name Raisi somewhere"
    assert sorted(rows["id"]) == expected


def test_group_named_only_in_the_event_text_still_counts():
    rows = timeline.filter_events(actor="BLA")
    spellings = raw_spellings("Balochistan Liberation Army")
    expected = {r["id"] for r in raw_events() if names_actor(r, spellings)}
    assert set(rows["id"]) == expected
    text_only = [
        r["id"]
        for r in raw_events()
        if names_actor(r, spellings)
        and not any(s.casefold() in r["actors"].casefold() for s in spellings)
    ]
    assert set(text_only) <= set(rows["id"])


def test_a_longer_name_in_the_actors_cell_is_another_person(tmp_csv):
    header = "id,date,event,actors,place,category,source_url,note,claimed_by\n"
    rows = (
        "E001,2024-05-20,Ali Bagheri Kani becomes acting FM,Ali Bagheri Kani,Tehran,people,"
        "https://a.org/1,,\n"
        "E002,2025-05-27,Munir meets Bagheri,Asim Munir,Tehran,security,https://a.org/2,,\n"
    )
    events = data.load_events(tmp_csv("events.csv", header + rows))
    assert list(timeline.filter_events(events, actor="Mohammad Baqeri")["id"]) == ["E002"]
    assert list(timeline.filter_events(events, actor="Ali Bagheri Kani")["id"]) == ["E001"]
    # and in the shipped timeline (notebook 06, exercise 2)
    shipped = timeline.filter_events(actor="Bagheri")
    assert len(shipped) and not shipped["event"].str.contains("Bagheri Kani").any()


def test_actor_missing_from_actors_csv_is_matched_as_written():
    rows = timeline.filter_events(actor="pakistan army")
    expected = [
        r["id"]
        for r in raw_events()
        if "pakistan army" in {p.strip().casefold() for p in r["actors"].split(";")}
    ]
    assert expected and sorted(rows["id"]) == sorted(expected)


def test_unknown_actor_suggests_from_the_timeline_too():
    with pytest.raises(actors.UnknownActorError, match="did you mean 'Pakistan Army'"):
        timeline.filter_events(actor="Pakistan Armyy")


def test_unknown_actor_suggests_from_actors_csv():
    with pytest.raises(KeyError, match="Raisi"):
        timeline.filter_events(actor="Raesi")


def test_split_actors_resolves_known_names_and_keeps_the_rest():
    assert timeline.split_actors("BLA; Pakistan Army; ; BLA") == [
        "Balochistan Liberation Army",
        "Pakistan Army",
    ]


# --- years, side and group --------------------------------------------------------------------


@pytest.mark.parametrize("years", [(2019, 2025), (2024, 2024), (1947, 1960)])
def test_years_are_inclusive_and_match_the_raw_count(years):
    rows = timeline.filter_events(years=years)
    assert rows["when"].dt.year.between(*years).all()
    expected = sum(years[0] <= int(r["date"][:4]) <= years[1] for r in raw_events())
    assert len(rows) == expected


@pytest.mark.parametrize(
    "bad, message", [((2025, 2019), "run forwards"), ("2019", "pair"), ((2019,), "pair")]
)
def test_bad_years_say_what_is_wrong(bad, message):
    with pytest.raises(ValueError, match=message):
        timeline.filter_events(years=bad)


def test_side_follows_the_armed_groups():
    iran = timeline.filter_events(side="Iran")
    assert set(iran["side"]) <= {"Iran", "both"}
    jaish = {r["id"] for r in raw_events() if names_actor(r, raw_spellings("Jaish al-Adl"))}
    assert jaish <= set(iran["id"])
    pakistan = timeline.filter_events(side="Pakistan")
    bla = {
        r["id"]
        for r in raw_events()
        if names_actor(r, raw_spellings("Balochistan Liberation Army"))
    }
    assert bla <= set(pakistan["id"])


def test_events_on_both_sides_count_for_each():
    both = timeline.with_details().query("side == 'both'")["id"]
    for side in timeline.SIDES:
        assert set(both) <= set(timeline.filter_events(side=side)["id"])


def test_bad_side_names_itself():
    with pytest.raises(ValueError, match="no side 'Irn'; choose one of Iran, Pakistan"):
        timeline.filter_events(side="Irn")


def test_group_filter_in_any_spelling():
    rows = timeline.filter_events(group="Jaysh al-Adl")
    assert len(rows) > 0
    assert all("Jaish al-Adl" in groups for groups in rows["groups"])
    expected = {r["id"] for r in raw_events() if names_actor(r, raw_spellings("Jaish al-Adl"))}
    assert set(rows["id"]) == expected


def test_group_must_be_an_armed_group():
    with pytest.raises(ValueError, match="'Raisi' .* is not an armed group"):
        timeline.filter_events(group="Raisi")


def test_filters_combine():
    rows = timeline.filter_events(category="militancy", years=(2023, 2025), side="Iran")
    assert set(rows["category"]) == {"militancy"}
    assert rows["year"].between(2023, 2025).all()
    assert set(rows["side"]) <= {"Iran", "both"}
    assert list(rows["when"]) == sorted(rows["when"])


# --- places and sides, on a small timeline of our own ---------------------------------------


def test_place_country_uses_places_csv():
    assert timeline.place_country("Kech") == "Pakistan"  # a district named in places.csv
    assert timeline.place_country("Sistan and Baluchestan (Khash-Taftan road)") == "Iran"
    assert timeline.place_country("Washington") is None
    assert timeline.place_countries("Tehran; Islamabad") == ["Iran", "Pakistan"]


def test_side_of_a_small_timeline(tmp_csv):
    header = "id,date,event,actors,place,category,source_url,note,claimed_by\n"
    rows = (
        "E001,2024-01-16,Strike on a base,IRGC; Jaish al-Adl,Panjgur,militancy,https://a.org/1,,\n"
        "E002,2024-01-18,Strike on hideouts,BLA,Saravan,militancy,https://a.org/2,,ISPR\n"
        "E003,2024-01-19,A phone call,Someone,,diplomacy,https://a.org/3,,\n"
        "E004,2024-01-27,Labourers killed,unknown gunmen,Saravan,militancy,https://a.org/4,,\n"
        "E005,2019-07,Designations of Jundallah and BLA,US,,militancy,https://a.org/5,,\n"
    )
    events = data.load_events(tmp_csv("events.csv", header + rows))
    detailed = timeline.with_details(events).set_index("id")
    # a group decides the side, even when the event happened on the other side's soil
    assert detailed.loc["E001", "side"] == "Iran"
    assert detailed.loc["E002", "side"] == "Pakistan"
    assert detailed.loc["E003", "side"] == "unclear"
    assert detailed.loc["E004", "side"] == "Iran"  # no group: where it happened
    assert detailed.loc["E005", "side"] == "both"
    only_pakistan = timeline.filter_events(events, side="Pakistan")
    assert list(only_pakistan["id"]) == ["E005", "E002"]


def test_one_attack_is_one_row_so_counts_take_it_once(tmp_csv):
    # notebooks 04 and 06 count the timeline's rows; the same attack entered from two sources
    # (a day apart, as a wire report and a next-day paper date it) would be counted twice
    assert timeline.likely_repeats() == []
    header = "id,date,event,actors,place,category,source_url,note,claimed_by\n"
    rows = (
        "E001,2023-07-08,Police station attacked,Jaish al-Adl,Zahedan,militancy,https://a.org/1,,\n"
        "E002,2023-07-09,Attack on a police station,police,Zahedan,militancy,https://b.org/2,,\n"
        "E003,2023-07-09,Talks on the attack,Iran,Zahedan,diplomacy,https://a.org/3,,\n"
        "E004,2023-07-12,Another attack,unknown gunmen,Zahedan,militancy,https://a.org/4,,\n"
        "E005,2023-07-08,Attack elsewhere,unknown gunmen,Saravan,militancy,https://a.org/5,,\n"
        "E006,2023-07,Attacks that month,unknown gunmen,Zahedan,militancy,https://a.org/6,,\n"
    )
    events = data.load_events(tmp_csv("events.csv", header + rows))
    assert timeline.likely_repeats(events) == [("E001", "E002")]
    wider = [("E001", "E002"), ("E001", "E004"), ("E002", "E004")]
    assert timeline.likely_repeats(events, days=4) == wider
    assert timeline.likely_repeats(events, categories=["diplomacy"]) == []


# --- "as of" a date ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "date, last",
    [
        ("2023-07-16", "2023-07-16"),
        ("2023-07", "2023-07-31"),
        ("2024-02", "2024-02-29"),
        ("2023", "2023-12-31"),
    ],
)
def test_last_day_of_a_partial_date(date, last):
    assert timeline.last_day(date) == last


def test_as_of_keeps_only_what_was_surely_known(tmp_csv):
    header = "id,date,event,actors,place,category,source_url,note,claimed_by\n"
    rows = (
        "E001,2023-07-16,The pledge,ISPR,Tehran,visit,https://a.org/1,,\n"
        "E002,2023-07-17,Reported Monday,AP,,visit,https://a.org/2,,\n"
        "E003,2023-07,Sometime in July,Someone,,security,https://a.org/3,,\n"
        "E004,2023-06,Sometime in June,Someone,,security,https://a.org/4,,\n"
    )
    events = data.load_events(tmp_csv("events.csv", header + rows))
    assert list(timeline.as_of("2023-07-16", events)["id"]) == ["E004", "E001"]
    assert list(timeline.as_of("2023-07-31", events)["id"]) == ["E004", "E003", "E001", "E002"]


def test_as_of_the_article_matches_the_raw_count():
    known = timeline.as_of(timeline.ARTICLE_DATE)
    expected = sum(timeline.last_day(r["date"]) <= "2023-07-16" for r in raw_events())
    assert len(known) == expected and (known["when"] <= "2023-07-16").all()


def test_as_of_rejects_a_bad_date():
    with pytest.raises(ValueError, match="not an ISO date"):
        timeline.as_of("16 July 2023")


# --- tables, colours and figures -------------------------------------------------------------


def test_as_table_reads_well():
    rows = timeline.filter_events(category="jan-2024-crisis")
    table = timeline.as_table(rows)
    assert list(table.columns) == ["Date", "Event", "Place", "Armed groups", "Side", "Source"]
    assert len(table) == len(rows) and table.index.name == "id"
    assert list(table["Event"]) == list(data.with_claimants(rows)["event"])
    # a party's claim names the party; other events read as they are
    assert table.loc["E039", "Event"] == rows.set_index("id").loc["E039", "event"]
    ormara = timeline.as_table(timeline.filter_events(category="militancy")).loc["E015", "Event"]
    assert ormara.startswith("Pakistan's foreign office said: Gunmen kill 14")
    assert not any(s.startswith(("http", "www.")) for s in table["Source"])


def test_category_colours_are_the_same_in_every_figure():
    a = timeline.category_colours(["militancy", "history"])
    b = timeline.category_colours(timeline.categories())
    assert a["militancy"] == b["militancy"] != timeline.OTHER_COLOUR
    assert a["history"] == timeline.OTHER_COLOUR
    key = [b[c] for c in timeline.KEY_CATEGORIES]
    assert len(set(key)) == len(key)


def test_draw_timeline_draws_every_event_once():
    rows = timeline.filter_events(category=("militancy", "visit"), years=(2019, 2025))
    fig, ax = timeline.draw_timeline(rows, labels={"E033": "pledge"})
    try:
        drawn = sum(len(c.get_offsets()) for c in ax.collections)
        assert drawn == len(rows)
        assert [t.get_text() for t in ax.get_yticklabels()] == ["visit", "militancy"]
        texts = [t.get_text() for t in ax.texts]
        assert "pledge" in texts and "the pledge, 16 Jul 2023" in texts
    finally:
        import matplotlib.pyplot as plt

        plt.close(fig)


@pytest.mark.parametrize("slide", [False, True], ids=["page", "slide"])
def test_draw_timeline_places_labels_clear_of_each_other_inside_the_axes(slide):
    # the war's ten labels crowd into four months: as the page draws them and in the
    # slide's larger letters, none overlaps another or leaves the axes
    import matplotlib.pyplot as plt
    from matplotlib.text import Text

    from helpers import plotting, war

    rows = war.war_events()
    fig, ax = timeline.draw_timeline(rows, labels=war.labels(), mark=None)
    try:
        if slide:
            plotting._slide_style(fig)
        fig.canvas.draw()
        renderer = fig.canvas.get_renderer()
        notes = [t for t in ax.texts if t.get_text() in war.labels().values()]
        assert len(notes) == len(rows) == 10

        def boxes():
            for note in notes:
                note.update_positions(renderer)
            return [Text.get_window_extent(note, renderer) for note in notes]

        def overlapping(found):
            return [(a, b) for i, a in enumerate(found) for b in found[i + 1 :] if a.overlaps(b)]

        placed, frame = boxes(), ax.get_window_extent(renderer)
        assert overlapping(placed) == []
        assert all(frame.x0 <= b.x0 and b.x1 <= frame.x1 for b in placed)
        assert all(frame.y0 <= b.y0 and b.y1 <= frame.y1 for b in placed)
        # the same labels all above their markers collide: the placing did the work
        for note in notes:
            note.xyann = timeline.LABEL_PLACES[0][0]
            note.set_horizontalalignment("center")
            note.set_verticalalignment("bottom")
        assert overlapping(boxes())
    finally:
        plt.close(fig)


def test_draw_timeline_rejects_bad_lanes_and_labels():
    rows = timeline.filter_events(category="visit")
    with pytest.raises(ValueError, match="lanes must be 'category' or 'side'"):
        timeline.draw_timeline(rows, lanes="actor")
    with pytest.raises(KeyError, match="E999"):
        timeline.draw_timeline(rows, labels={"E999": "missing"})


def test_describe_counts_the_events():
    rows = timeline.filter_events(category="visit")
    text = timeline.describe(rows)
    assert text.startswith(f"Timeline of {len(rows)} events")
    assert f"{len(rows)} visit" in text


# --- the explorers ------------------------------------------------------------------------------


def test_militancy_explorer_filters_by_group_side_and_year():
    explorer = Explorer(timeline.militancy_controls(), timeline.explore_militancy)
    assert explorer.values["group"] == timeline.ANY_GROUP
    table = explorer.update(group="Jaish al-Adl", years=(2019, 2025))
    assert len(table) > 0 and all("Jaish al-Adl" in g for g in table["Armed groups"])
    expected = timeline.filter_events(
        category=timeline.MILITANCY_CATEGORIES, group="Jaish al-Adl", years=(2019, 2025)
    )
    assert list(table.index) == list(expected["id"])
    assert table.notna().all().all()
    nothing = explorer.update(group="Jundallah", years=(2024, 2025))
    assert isinstance(nothing, str) and nothing.startswith("No recorded events")


def test_militancy_controls_come_from_the_data():
    controls = timeline.militancy_controls()
    assert controls["side"] == [timeline.BOTH_SIDES, "Iran", "Pakistan"]
    assert set(controls["group"][1:]) <= set(timeline.GROUP_SIDES)
    start, end = controls["years"]
    years = [int(r["date"][:4]) for r in raw_events() if r["category"] in ("militancy",)]
    assert start <= min(years) and end >= max(years)


def test_timeline_explorer_returns_a_png_with_alt_text():
    explorer = Explorer(timeline.timeline_controls(), timeline.explore_timeline)
    png, alt = explorer.update(category="visit")
    assert png.startswith(b"\x89PNG")
    visits = sum(r["category"] == "visit" for r in raw_events())
    assert alt.startswith(f"Timeline of {visits} events")
    empty = explorer.update(category="visit", years=(1947, 1950))
    assert isinstance(empty, str) and "No recorded events" in empty


def test_importing_the_module_does_no_work():
    code = (
        "import sys, helpers.timeline; print('matplotlib' in sys.modules, 'pandas' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.split() == ["False", "False"]


def test_every_category_has_a_label_in_words():
    labels = {code: timeline.category_label(code) for code in timeline.categories()}
    assert all(" " in label or label.isalpha() for label in labels.values())
    assert labels["jan-2024-crisis"] == "Jan 2024 crisis"
    assert len(set(labels.values())) == len(labels)
