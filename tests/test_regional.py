"""helpers.regional and data/estimates.csv: disputed numbers, side by side, with sources."""

import math

import pytest

from helpers import data, regional
from helpers.data import DataError

ESTIMATES_HEADER = (
    "id,topic,quantity,country,reporter,chart_label,agency,source_outlet,period,period_start,period_end,"
    "period_group,low,high,unit,fact_id,source_url,source_date,confidence,note\n"
)
GOOD_ROW = (
    "X001,trade,total trade,Pakistan-Iran,Iran,,,Outlet,2023,2023,2023,2023,{low},{high},"
    "USD million,,https://example.org/a,,medium,\n"
)


# --- the data file ----------------------------------------------------------------------------


def test_every_estimate_is_numeric_sourced_and_linked_to_real_facts():
    estimates = data.load_estimates()
    assert estimates["low"].notna().all()
    bounded = estimates.dropna(subset=["high"])
    assert (bounded["low"] <= bounded["high"]).all()
    fact_ids = set(data.load_facts()["id"])
    linked = [f for f in estimates["fact_id"] if f]
    assert linked and set(linked) <= fact_ids
    assert estimates["source_url"].str.match(r"https?://").all()


def test_both_countries_report_the_same_year_of_trade():
    trade = regional.trade_rows()
    same_year = trade[trade["period_group"] == regional.DEFAULT_COMPARISON]
    assert {"Iran", "Pakistan"} <= set(same_year["reporter"])


@pytest.mark.parametrize(
    "low, high, complaint",
    [
        ("about 5", "6", "line 2: column 'low' has 'about 5', which is not a number"),
        ("5", "n/a", "line 2: column 'high' has 'n/a', which is not a number"),
        ("9", "6", "line 2: low 9 is above high 6"),
    ],
)
def test_bad_numbers_name_the_file_and_line(tmp_csv, low, high, complaint):
    path = tmp_csv("estimates.csv", ESTIMATES_HEADER + GOOD_ROW.format(low=low, high=high))
    with pytest.raises(DataError, match=complaint):
        data.load_estimates(path)


def test_a_backwards_range_names_its_real_line_after_blank_lines(tmp_csv):
    good = GOOD_ROW.format(low="1", high="2")
    bad = GOOD_ROW.format(low="9", high="6").replace("X001", "X002", 1)
    path = tmp_csv("estimates.csv", ESTIMATES_HEADER + good + "\n" + bad)
    with pytest.raises(DataError, match=r"estimates\.csv, line 4: low 9 is above high 6"):
        data.load_estimates(path)


def test_a_blank_high_means_only_a_lower_bound(tmp_csv):
    path = tmp_csv("estimates.csv", ESTIMATES_HEADER + GOOD_ROW.format(low="2000", high=""))
    row = data.load_estimates(path).iloc[0]
    assert row["low"] == 2000 and math.isnan(row["high"])


# --- formatting -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value, at_least, text",
    [
        (880, False, "$880m"),
        (841.8, True, "over $841.8m"),
        (2420, False, "$2.42bn"),
        (1400, False, "$1.4bn"),
        (0.059, False, "$59,000"),
        (0, False, "$0"),
        (float("nan"), False, "no figure"),
    ],
)
def test_format_usd(value, at_least, text):
    assert regional.format_usd(value, at_least) == text


def test_short_period_uses_months_when_both_ends_are_days():
    row = {"period_start": "2022-03-21", "period_end": "2023-03-20", "period": "year 1401"}
    assert regional.short_period(row) == "Mar 2022-Mar 2023"
    row = {"period_start": "2018-03-21", "period_end": "2018-11-21", "period": "x"}
    assert regional.short_period(row) == "Mar-Nov 2018"
    assert regional.short_period({"period_start": "2023", "period_end": "2023", "period": "2023"})


def test_sources_line_shortens_long_lists():
    table = regional.shia_estimates()
    line = regional.sources_line(table, limit=60)
    assert len(line) <= 60 + len("; 9 more in data/estimates.csv")
    assert line.split(";")[0] in {o.split(" (")[0] for o in table["source_outlet"]}


# --- trade ------------------------------------------------------------------------------------


def test_comparisons_are_in_time_order():
    trade = regional.trade_rows()
    starts = [
        trade[trade["period_group"] == c]["period_start"].min() for c in regional.comparisons()
    ]
    assert starts == sorted(starts)
    assert regional.DEFAULT_COMPARISON in regional.comparisons()


@pytest.mark.parametrize("comparison", regional.comparisons())
def test_trade_table_holds_every_row_of_the_period(comparison):
    trade = regional.trade_rows()
    expected = trade[trade["period_group"] == comparison]
    table = regional.trade_table(comparison)
    assert sorted(table["id"]) == sorted(expected["id"])
    assert dict(zip(table["id"], table["value"], strict=True)) == dict(
        zip(expected["id"], expected["low"], strict=True)
    )


def test_statistics_filter_keeps_one_reporter():
    for choice, reporter in [("Iran's", "Iran"), ("Pakistan's", "Pakistan")]:
        table = regional.trade_table(regional.DEFAULT_COMPARISON, choice)
        assert set(table["reporter"]) == {reporter}


def test_side_by_side_puts_each_countrys_figure_in_its_column():
    trade = regional.trade_rows()
    year = trade[trade["period_group"] == regional.DEFAULT_COMPARISON]
    grid = regional.side_by_side()
    for _, row in year.iterrows():
        column = f"{row['reporter']}'s statistics"
        cell = grid.loc[regional.FLOWS[row["quantity"]], column]
        assert regional.format_usd(row["low"], math.isnan(row["high"])) in cell


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: regional.trade_table("2022"), "no trade comparison '2022'; did you mean"),
        (
            lambda: regional.trade_table("2018", "Irans"),
            "no choice of statistics 'Irans'; did you mean \"Iran's\"",
        ),
        (lambda: regional.shia_view("everything"), "no choice of sources 'everything'"),
        (lambda: regional.shia_estimates(confidence=("hgh",)), "did you mean 'high'"),
        (lambda: regional.shia_estimates(country="Pakistn"), "did you mean 'Pakistan'"),
    ],
)
def test_bad_choices_say_what_is_allowed(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_trade_explorer_shows_the_chosen_statistics():
    explorer = regional.trade_explorer()
    assert explorer.values["comparison"] == regional.DEFAULT_COMPARISON
    svg, alt = explorer.update(statistics="Pakistan's")
    # one SVG for JupyterLab, page and deck, its words kept as text
    assert svg.startswith("<svg") and "Pakistan-Iran trade" in svg
    pakistan = regional.trade_table(regional.DEFAULT_COMPARISON, "Pakistan's")
    for figure in pakistan["figure"]:
        assert figure in alt
    assert "Iran's figure" not in alt
    # a second control keeps the first one's value
    _, alt_2018 = explorer.update(comparison="2018")
    assert "Iran's figure" not in alt_2018
    assert (
        regional.format_usd(regional.trade_table("2018", "Pakistan's")["value"].min()) in alt_2018
    )


def test_trade_explorer_both_sides_covers_every_row():
    _, alt = regional.trade_explorer().update(statistics="both countries'")
    table = regional.trade_table(regional.DEFAULT_COMPARISON)
    assert alt.count("'s figure for") == len(table)


# --- Shia estimates ---------------------------------------------------------------------------


def test_shia_estimates_filter_by_confidence_and_sort_by_low():
    table = regional.shia_estimates(confidence=("high",))
    assert set(table["confidence"]) == {"high"}
    assert list(table["low"]) == sorted(table["low"])
    assert set(table["quantity"]) <= {"Shia share of population", "Shia share of Muslims"}


def test_overall_range_treats_open_ended_rows_as_their_low():
    table = regional.shia_population()
    low, high = regional.overall_range(table)
    assert low == table["low"].min()
    assert high == max(table["high"].max(), table["low"].max())


def test_shia_explorer_range_follows_the_trusted_sources():
    explorer = regional.shia_explorer()
    for choice, levels in regional.CONFIDENCE_FILTERS.items():
        svg, alt = explorer.update(sources=choice)
        estimates = data.load_estimates()
        kept = estimates[
            (estimates["country"] == "Pakistan")
            & estimates["quantity"].str.startswith("Shia share")
            & estimates["confidence"].isin(levels)
        ]
        low, high = kept["low"].min(), kept["high"].fillna(kept["low"]).max()
        assert svg.startswith("<svg ") and "<image" not in svg  # drawn for a slide
        assert f"{len(kept)} estimates spanning {low:g}% to {high:g}%" in alt


def test_pew_does_not_rank_pakistan_india_and_iraq():
    population = regional.shia_population()
    pew = population[population["reporter"].str.startswith("Pew")].set_index("country")
    assert pew.loc[["Pakistan", "India", "Iraq"], "low"].nunique() == 1
    assert pew.loc[["Pakistan", "India", "Iraq"], "high"].isna().all()
    assert list(population["country"].drop_duplicates()) == ["Iran", "Pakistan", "India", "Iraq"]


def test_draw_ranges_labels_one_tick_per_estimate():
    from helpers import plotting

    table = regional.shia_estimates()
    fig, ax = plotting.figure()
    regional.draw_ranges(ax, table)
    assert len(ax.get_yticks()) == len(table)
    low_labels = [t.get_text() for t in ax.get_yticklabels() if t.get_text().endswith(" *")]
    assert len(low_labels) == (table["confidence"] == "low").sum()
    import matplotlib.pyplot as plt

    plt.close(fig)


# --- lookups ----------------------------------------------------------------------------------


def test_fact_table_keeps_order_and_formats_sources():
    table = regional.fact_table(["F067", "F069"])
    assert list(table.index) == ["F067", "F069"]
    assert table.loc["F067", "date"] == data.format_date(data.fact("F067")["date"])
    assert table.loc["F067", "source"].startswith(data.fact("F067")["source_outlet"])
    with pytest.raises(KeyError, match="did you mean"):
        regional.fact_table(["F067", "F0699"])


def test_event_table_is_in_date_order():
    table = regional.event_table(["E043", "E011", "E009"])
    events = data.load_events().set_index("id")
    assert list(table.index) == sorted(["E043", "E011", "E009"], key=events["when"].get)
    with pytest.raises(KeyError, match="no event 'E999'"):
        regional.event_table(["E999"])


def test_every_chart_label_is_short_and_every_shia_row_has_one():
    # a range chart's rows are one line each, so a slide's figure box holds a dozen
    estimates = data.load_estimates()
    labelled = estimates[estimates["chart_label"] != ""]
    assert (labelled["chart_label"].str.len() <= 30).all()
    shia = estimates[estimates["topic"] == "shia-population"]
    assert (shia["chart_label"] != "").all()


def test_a_range_chart_labels_each_row_on_one_line_and_keys_low_confidence():
    from helpers import plotting

    table = regional.shia_estimates()
    fig, ax = plotting.figure()
    regional.draw_ranges(ax, table)
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == [
        label + (" *" if conf == "low" else "")
        for label, conf in zip(table["chart_label"], table["confidence"], strict=True)
    ]
    assert all("\n" not in label for label in labels)
    assert "* low confidence" in [t.get_text() for t in ax.get_legend().get_texts()]
    import matplotlib.pyplot as plt

    plt.close(fig)
