"""Offices then and now: the chain of holders, the disputed successor, and "as of" dates."""

from __future__ import annotations

import pytest

from helpers import data, offices

HEADER = (
    "id,country,office,holder,start,end,how_started,how_ended,confidence,source_url,"
    "source_outlet,source_date,fact_id,alternative_to,chain_note\n"
)


def _row(row_id, holder, start, end="", alternative_to="", note="", confidence="high"):
    return (
        f"{row_id},Iran,Army commander,{holder},{start},{end},appointed,,{confidence},"
        f"https://example.org/{row_id},Example,,,{alternative_to},{note}\n"
    )


@pytest.fixture
def offices_csv(tmp_csv):
    def write(*rows):
        return offices.table(tmp_csv("offices.csv", HEADER + "".join(rows)))

    return write


def test_shipped_chains_have_no_unexplained_gap_or_overlap():
    assert offices.chain_problems() == []


def test_every_office_row_is_sourced_and_its_fact_exists():
    rows = offices.table()
    facts = data.load_facts().set_index("id")
    assert rows["source_url"].str.match(r"https?://").all()
    assert (rows["source_outlet"] != "").all()
    linked = rows[rows["fact_id"] != ""]
    assert len(linked) == len(rows), "every tenure should name the fact that dates it"
    # the fact a tenure cites is read from the same page, or dated when the tenure starts or ends
    for _, row in linked.iterrows():
        fact = facts.loc[row["fact_id"]]
        same_page = fact["source_url"] == row["source_url"]
        same_month = fact["date"][:7] in (row["start"][:7], row["end"][:7])
        assert same_page or same_month, row["id"]


def test_every_office_has_a_holder_then_and_as_of_the_data():
    names = offices.office_names()
    then = offices.holders(offices.VISIT_DATE)
    now = offices.holders()
    assert len(then) == len(now) == len(names)
    assert len(names) >= 10


def test_the_disputed_successor_stays_with_its_confidence():
    rows = offices.table().set_index("id")
    alts = offices.alternatives()
    assert not alts.empty
    for alt_id, alt in alts.set_index("id").iterrows():
        main = rows.loc[alt["alternative_to"]]
        assert (main["office"], main["start"]) == (alt["office"], alt["start"])
        assert alt["holder"] != main["holder"]
        # both holders are visible where a learner looks: the changes and the "now" table
        shown = offices.changes()
        assert {alt["holder"], main["holder"]} <= set(shown["holder"])
        now = offices.then_and_now().set_index("office")
        assert alt["holder"] in now.at[alt["office"], "also_reported"]
        assert alt["confidence"] in now.at[alt["office"], "also_reported"]
        assert alt_id in now.at[alt["office"], "also_reported"]


def test_a_gap_without_a_note_is_reported_and_a_note_explains_it(offices_csv):
    gap = offices_csv(
        _row("O001", "A", "2020-01-01", "2020-02-01"), _row("O002", "B", "2020-03-01")
    )
    problems = offices.chain_problems(gap)
    assert len(problems) == 1 and "gap of 29 days" in problems[0] and "O002" in problems[0]
    noted = offices_csv(
        _row("O001", "A", "2020-01-01", "2020-02-01"),
        _row("O002", "B", "2020-03-01", note="post left empty"),
    )
    assert offices.chain_problems(noted) == []


def test_overlaps_and_open_tenures_are_reported(offices_csv):
    overlap = offices_csv(
        _row("O001", "A", "2020-01-01", "2020-06-01"), _row("O002", "B", "2020-03-01")
    )
    assert "before O001 ends" in offices.chain_problems(overlap)[0]
    still_open = offices_csv(_row("O001", "A", "2020-01-01"), _row("O002", "B", "2020-03-01"))
    assert "has no end" in offices.chain_problems(still_open)[0]
    next_day = offices_csv(
        _row("O001", "A", "2020-01-01", "2020-02-01"), _row("O002", "B", "2020-02-02")
    )
    assert offices.chain_problems(next_day) == []


def test_a_broken_alternative_is_reported(offices_csv):
    rows = offices_csv(
        _row("O001", "A", "2020-01-01"),
        _row("O002", "B", "2020-05-01", alternative_to="O009", confidence="low"),
    )
    assert offices.chain_problems(rows) == ["O002: alternative_to 'O009' is not a row"]


def test_a_tenure_that_ends_before_it_starts_names_file_and_line(tmp_csv):
    path = tmp_csv("offices.csv", HEADER + _row("O001", "A", "2020-05-01", "2020-01-01"))
    with pytest.raises(data.DataError, match=r"offices.csv, line 2: end 2020-01-01 is before"):
        data.load_offices(path)


def test_on_a_handover_day_the_successor_holds_the_office():
    rows = offices.table()
    for country, office in offices.office_names(rows):
        held = offices.chain(office, country, rows)
        for _, after in held.iloc[1:].iterrows():
            on = offices.holders(after["start"]).set_index(["country", "office"])
            assert on.at[(country, office), "holder"] == after["holder"]


def test_then_and_now_counts_the_changes_from_the_data():
    table = offices.then_and_now()
    rows = offices.table()
    for _, line in table.iterrows():
        held = offices.chain(line["office"], line["country"], rows)
        after = held[held["start"] > offices.VISIT_DATE]
        assert line["changes"] == len(after)
        assert line["now"] == held.iloc[-1]["holder"]
        if line["changes"] == 0:
            assert line["then"] == line["now"]


def test_now_sentence_carries_its_as_of_date_and_source():
    sentence = offices.now_sentence("IRGC commander")
    assert sentence.startswith(f"As of {data.format_date(data.facts_run_to())}, ")
    assert offices.holders().set_index("office").at["IRGC commander", "holder"] in sentence
    assert "](http" in sentence
    then = offices.now_sentence("IRGC commander", on=offices.VISIT_DATE)
    assert (
        offices.holders(offices.VISIT_DATE).set_index("office").at["IRGC commander", "holder"]
        in then
    )


def test_an_unknown_or_ambiguous_office_is_explained():
    with pytest.raises(KeyError, match="did you mean 'IRGC commander'"):
        offices.chain("IRGC comander")
    with pytest.raises(KeyError, match="say which"):
        offices.chain("President")


def test_the_chart_draws_every_tenure_and_its_alt_text_names_every_holder():
    from helpers import plotting

    fig, ax = plotting.figure()
    offices.draw_chains(ax)
    rows = offices.table()
    in_window = rows[rows["end"].eq("") | (rows["end"] >= offices.VISIT_DATE)]
    assert len(ax.patches) == len(in_window)
    labels = " ".join(t.get_text() for t in ax.texts)
    assert "low confidence" in labels  # the disputed successor is on the chart
    alt = offices.chains_alt()
    assert all(holder in alt for holder in offices.chain("Foreign Minister", "Iran")["holder"])
    assert data.format_date(data.facts_run_to()) in alt
    plotting.render(fig, title="t", alt=alt, source="data/offices.csv", xlabel="x", ylabel="y")
