"""helpers.war: the 2026 rows in order, each party's claim, mediators, and "no report found"."""

import pandas as pd
import pytest

from helpers import data, offices, visits, war
from helpers.widgets import Explorer


def test_war_events_are_the_named_rows_in_date_order():
    rows = war.war_events()
    assert set(rows["id"]) == {event_id for event_id, _ in war.WAR_EVENTS}
    assert list(rows["when"]) == sorted(rows["when"])
    assert rows["date"].iloc[0] == war.START
    assert rows["date"].iloc[-1] == data.facts_run_to()


def test_a_missing_event_is_a_clear_data_error(monkeypatch):
    monkeypatch.setattr(war, "WAR_EVENTS", (("E999", "nothing"),))
    with pytest.raises(data.DataError, match="no row E999"):
        war.war_events()


def test_the_chart_labels_every_row_it_draws():
    fig, ax = war.draw(on="2026-04-30")
    texts = {t.get_text() for t in ax.texts}
    rows = war.war_events()
    early = rows[rows["when"] <= "2026-04-30"]
    assert {war.labels()[i] for i in early["id"]} <= texts
    assert war.labels()["E296"] not in texts


def test_each_account_is_its_partys_own_claim():
    table = war.accounts()
    facts = data.load_facts().set_index("id")
    assert {"United States", "Israel", "Iran", "Pakistan"} <= set(table["party"])
    for row in table.itertuples():
        who = facts.at[row.fact, "claimed_by"]
        assert who, row.fact
        assert row.account == data.attributed(facts.at[row.fact, "claim"], who)


def test_an_account_without_a_claimant_is_refused(monkeypatch):
    monkeypatch.setattr(war, "ACCOUNTS", (("Iran", "F604"),))  # a report, not Iran's claim
    with pytest.raises(data.DataError, match="F604 must name who claims it"):
        war.accounts()


def test_mediators_cite_rows_and_show_the_swap():
    table = war.mediators()
    facts = set(data.load_facts()["id"])
    for ids in table["facts"]:
        assert set(ids.split(", ")) <= facts
    assert war.swapped() == ["Iran", "Pakistan"]


def test_swapped_needs_both_roles(monkeypatch):
    only_2025 = tuple(m for m in war.MEDIATIONS if m[0] == "2025")
    monkeypatch.setattr(war, "MEDIATIONS", only_2025)
    assert war.swapped() == []


def test_searched_says_no_report_found_not_nothing_happened():
    empty = pd.DataFrame({"id": []})
    sentence = war.searched(empty, "a <b>border</b> attack")
    assert sentence.startswith("No report found in the course's data of a &lt;b&gt;border")
    assert data.format_date(data.facts_run_to()) in sentence
    found = war.searched(war.war_events().head(2), "strikes")
    assert found.startswith("2 report(s) of strikes") and "E265" in found


def test_as_of_view_follows_the_offices_and_the_deaths_day_by_day():
    alive = []
    for label in war.milestones():
        view = war.as_of_view(label)
        day = pd.Timestamp(label).date().isoformat()
        leader = offices.holders(day)
        leader = leader[(leader["country"] == "Iran") & (leader["office"] == "Supreme Leader")]
        if not leader.empty:
            assert f"Supreme Leader: {leader['holder'].iloc[0]}" in view
        fates = visits.host_fates("Jul 2023", on=day)
        alive.append(int((fates["status"] != "died").sum()))
        assert f"alive: {alive[-1]} of 5" in view
        known = war.war_events()
        assert view.count("\n- ") >= int((known["when"] <= day).sum())
    assert alive == sorted(alive, reverse=True) and alive[0] == 5 and alive[-1] == 0
    assert "No war yet" in war.as_of_view("16 Jul 2023")


def test_as_of_view_rejects_a_non_date():
    with pytest.raises(ValueError, match="is not a date"):
        war.as_of_view("yesterday-ish")


def test_the_explorer_holds_one_view_per_day_on_a_page():
    explorer = Explorer({"day": war.milestones()}, war.as_of_view)
    page = explorer.static_html()
    assert page.count("<option") == len(war.milestones())
    assert "course-widget-note" not in page  # every choice is precomputed
