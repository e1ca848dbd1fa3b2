"""Offices then and now: the chain of holders, the disputed successor, and "as of" dates."""

from __future__ import annotations

import pytest

from helpers import data, offices

HEADER = (
    "id,country,office,holder,start,end,how_started,how_ended,confidence,source_url,"
    "source_outlet,source_date,fact_id,alternative_to,chain_note,last_confirmed,confirmed_url,"
    "confirmed_outlet,caveat\n"
)


def _row(
    row_id,
    holder,
    start,
    end="",
    alternative_to="",
    note="",
    confidence="high",
    confirmed=None,
    caveat="",
):
    # an open tenure in the chain says when a page last confirmed the holder (default: its start)
    if confirmed is None:
        confirmed = start if not end and not alternative_to else ""
    page = f"https://example.org/c/{row_id}" if confirmed else ""
    outlet = "Example" if confirmed else ""
    return (
        f"{row_id},Iran,Army commander,{holder},{start},{end},appointed,,{confidence},"
        f"https://example.org/{row_id},Example,,,{alternative_to},{note},"
        f"{confirmed},{page},{outlet},{caveat}\n"
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
    # both kinds of dispute are in the data: who succeeded (Sayyari or Mousavi) and when
    # (Vahidi named within hours of Pakpour's death, or about five days later)
    kinds = set()
    for alt_id, alt in alts.set_index("id").iterrows():
        main = rows.loc[alt["alternative_to"]]
        assert main["office"] == alt["office"]
        if main["start"] == alt["start"]:
            assert alt["holder"] != main["holder"]
            kinds.add("who")
        else:
            assert alt["holder"] == main["holder"]
            kinds.add("when")
        # both reports are visible where a learner looks: the changes, and the holders
        # table on the day the disputed report dates the change
        shown = offices.changes()
        assert {alt_id, main.name} <= set(shown["id"])
        on = offices.holders(alt["start"]).set_index("office")
        assert alt["holder"] in on.at[alt["office"], "also_reported"]
        assert alt["confidence"] in on.at[alt["office"], "also_reported"]
        assert alt_id in on.at[alt["office"], "also_reported"]
    assert kinds == {"who", "when"}


def test_a_dispute_over_the_day_keeps_both_days_in_the_sentence():
    sentence = offices.now_sentence("IRGC commander")
    alt = offices.alternatives().set_index("id").loc["O029"]
    assert f"named on {data.format_date(alt['start'])}" in sentence
    assert "O029" in sentence and alt["confidence"] in sentence


def test_an_alternative_must_dispute_the_holder_or_the_day_not_both(offices_csv):
    same_holder = offices_csv(
        _row("O001", "A", "2020-01-01"),
        _row("O002", "A", "2020-01-06", alternative_to="O001", confidence="medium"),
    )
    assert offices.chain_problems(same_holder) == []
    both = offices_csv(
        _row("O001", "A", "2020-01-01"),
        _row("O002", "B", "2020-01-06", alternative_to="O001", confidence="low"),
    )
    assert "a different start and a different holder" in offices.chain_problems(both)[0]


def test_an_open_tenure_without_a_confirming_page_is_rejected_naming_the_line(tmp_csv):
    path = tmp_csv("offices.csv", HEADER + _row("O001", "A", "2020-05-01", confirmed=""))
    with pytest.raises(data.DataError, match=r"offices.csv, line 2: A is in office .*last_conf"):
        data.load_offices(path)
    early = tmp_csv("offices.csv", HEADER + _row("O001", "A", "2020-05-01", confirmed="2020-04-01"))
    with pytest.raises(data.DataError, match="last_confirmed 2020-04-01 is before start"):
        data.load_offices(early)


def test_every_current_holder_carries_the_date_of_its_latest_page():
    now = offices.holders()
    horizon = data.parse_date(data.facts_run_to())[0]
    assert (now["last_confirmed"] != "").all()
    assert now["confirmed_by"].str.contains(r"\]\(https?://").all()
    rows = offices.table().set_index("id")
    for _, line in now.iterrows():
        confirmed = data.parse_date(rows.at[line["id"], "last_confirmed"])[0]
        assert confirmed <= horizon
    # the sentence gives that date, not the date the facts run to, for a post confirmed earlier
    row = now.set_index(["country", "office"]).loc[("Iran", "Foreign Minister")]
    sentence = offices.now_sentence("Foreign Minister", country="Iran")
    assert f"last confirmed {row['last_confirmed']}" in sentence
    assert row["holder"] in sentence and row["confirmed_by"] in sentence


def test_a_post_without_a_named_holder_says_no_report_found():
    now = offices.holders().set_index("office")
    vacant = now[now["holder"] == offices.NOT_NAMED]
    assert {"Chief of General Staff", "SNSC secretary"} <= set(vacant.index)
    for office in vacant.index:
        sentence = offices.now_sentence(office)
        held = offices.chain(office)
        before = held[held["holder"] != offices.NOT_NAMED].iloc[-1]
        assert "no report found" in sentence and before["holder"] in sentence
        assert data.format_date(before["end"]) in sentence


def test_the_2026_successions_follow_each_other():
    leaders = offices.chain("Supreme Leader")
    assert list(leaders["holder"][-3:]) == [
        "Ali Khamenei",
        "Interim Leadership Council",
        "Mojtaba Khamenei",
    ]
    assert leaders.iloc[-3]["end"] == "2026-02-28"
    assert leaders.iloc[-1]["start"] == "2026-03-09"
    for post in ("Chief of General Staff", "IRGC commander"):
        assert offices.chain(post).iloc[-2]["end"] == "2026-02-28"
    snsc = offices.chain("SNSC secretary")
    assert list(snsc["holder"][-2:]) == ["Ali Larijani", offices.NOT_NAMED]
    assert snsc.iloc[-2]["end"] == "2026-03-17"
    # the army commander is still listed, with the unresolved report of his death beside him
    army = offices.holders().set_index("office").loc["Army commander"]
    assert army["holder"] == "Amir Hatami" and "IRNA" in army["caveat"]


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


def test_now_sentence_carries_its_dates_and_sources():
    sentence = offices.now_sentence("IRGC commander")
    now = offices.holders().set_index("office").loc["IRGC commander"]
    assert now["holder"] in sentence and f"last confirmed {now['last_confirmed']}" in sentence
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
