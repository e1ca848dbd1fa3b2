"""helpers.visits: Munir's three trips side by side, and what became of his hosts."""

import re

import pytest

from helpers import data, offices, people, visits


def test_every_trip_names_rows_that_exist_and_its_event_is_a_visit_to_tehran():
    events = data.load_events().set_index("id")
    facts = set(data.load_facts()["id"])
    for trip in visits.VISITS:
        assert "Tehran" in events.at[trip.event, "place"]
        assert events.at[trip.event, "date"].startswith(str(pd_year(trip.key)))
        ids = {*trip.why, *trip.announced, *(fact for _, fact in trip.met)}
        assert ids <= facts, f"{trip.key}: {ids - facts}"


def pd_year(key: str) -> int:
    return int(key.split()[-1])


def test_the_2023_hosts_are_the_meetings_of_notebook_02():
    trip = visits.visit("Jul 2023")
    assert {p for p, _ in trip.met} == set(people.meetings()["person"])


def test_an_unknown_trip_is_a_clear_error():
    with pytest.raises(KeyError, match="the visits are Jul 2023, May 2025, May 2026"):
        visits.visit("Dec 2024")


def test_each_death_comes_from_a_dated_fact_that_names_the_person_and_says_so():
    facts = data.load_facts().set_index("id")
    table = visits.deaths()
    assert table["person"].is_unique
    for row in table.itertuples():
        claim = facts.at[row.fact, "claim"]
        assert row.person.split()[-1].split("-")[-1] in claim
        assert re.search(r"\b(killed|died)\b", claim)
        assert row.how in claim
        assert row.date == facts.at[row.fact, "date"]


def test_a_death_fact_that_does_not_say_so_is_refused(monkeypatch):
    monkeypatch.setattr(visits, "DEATHS", (("Ali Khamenei", "F015"),))
    with pytest.raises(data.DataError, match="F015 does not say that Ali Khamenei died"):
        visits.deaths()


def test_host_fates_count_only_deaths_on_or_before_the_day():
    deaths = visits.deaths().set_index("person")["date"]
    hosts = [p for p, _ in visits.visit("Jul 2023").met]
    for day in ["2023-07-16", "2024-05-19", "2025-06-12", data.facts_run_to()]:
        fates = visits.host_fates("Jul 2023", on=day).set_index("person")
        assert list(fates.index) == hosts
        for person in hosts:
            died = person in deaths.index and deaths[person] <= day
            assert (fates.at[person, "status"] == "died") == died, (day, person)


def test_a_living_host_is_placed_in_the_office_the_data_give_on_that_day():
    day = data.facts_run_to()
    held = offices.holders(day)
    fates = visits.host_fates("May 2026")
    for row in fates[fates["status"] == "in office"].itertuples():
        post = held[held["holder"] == row.person].iloc[0]
        assert f"({post['id']})" in row.what
        assert f"last confirmed {post['last_confirmed']}" in row.what
    # on another day, the day itself is given
    earlier = visits.host_fates("May 2026", on="2026-06-01")
    assert all(
        "as of 1 Jun 2026" in w for w in earlier.loc[earlier["status"] == "in office", "what"]
    )
    # a host with no office row and no death is said to be unknown, not alive or dead
    unknown = fates[fates["status"] == "no later row"]
    assert all("no later row" in what for what in unknown["what"])


def test_side_by_side_answers_every_question_for_every_trip_with_row_ids():
    table = visits.side_by_side()
    assert list(table.index) == list(visits.ASPECTS)
    assert list(table.columns) == [v.key for v in visits.VISITS]
    known = set(data.load_facts()["id"]) | set(data.load_events()["id"])
    known |= set(data.load_offices()["id"])
    for key in table.columns:
        trip = visits.visit(key)
        for question in ["why he went", "whom he met", "what was announced, and by whom"]:
            cited = set(re.findall(r"\b[FEO]\d{3}\b", table.at[question, key]))
            assert cited and cited <= known
        for fact_id in trip.announced:
            who = data.fact(fact_id)["claimed_by"]
            if who:  # a party's announcement names the party
                assert who.split(";")[0].strip() in table.at["what was announced, and by whom", key]


def test_the_fates_cell_counts_the_dead_from_the_table():
    table = visits.side_by_side()
    for trip in visits.VISITS:
        fates = visits.host_fates(trip.key)
        dead = int((fates["status"] == "died").sum())
        assert table.at["what became of the hosts", trip.key].startswith(f"{dead} of {len(fates)}")


def test_hosts_table_has_every_host_of_every_trip():
    table = visits.hosts_table()
    for trip in visits.VISITS:
        names = set(table.loc[table["visit"] == trip.key, "person"])
        assert len(names) == len({p for p, _ in trip.met})
