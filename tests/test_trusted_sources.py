"""Sources a teacher can trust: listed non-sources are rejected, outlets say what kind they are,
and what the sources leave open is written down (issue 21)."""

from __future__ import annotations

import csv

import pytest

from helpers import data
from helpers.data import DATA_DIR, DataError

FACTS_HEADER = (
    "id,topic,claim,value,date,source_url,source_outlet,source_date,confidence,note,claimed_by\n"
)


def _fact(row_id: str, url: str) -> str:
    return f"{row_id},2026-war,A claim,,2026-03-01,{url},Somebody,2026-03-01,high,,\n"


def _folder(tmp_path, facts: str):
    (tmp_path / "not_sources.csv").write_text(
        "domain,reason\nhanna-ai.com,machine-written digest\n", encoding="utf-8"
    )
    path = tmp_path / "facts.csv"
    path.write_text(FACTS_HEADER + facts, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "url",
    [
        "https://hanna-ai.com/a",
        "https://news.hanna-ai.com/en/article/x",
        "http://www.hanna-ai.com/",
    ],
)
def test_a_row_citing_a_listed_site_is_rejected_naming_file_line_and_reason(tmp_path, url):
    path = _folder(tmp_path, _fact("F001", "https://www.dawn.com/news/1") + _fact("F002", url))
    with pytest.raises(DataError) as caught:
        data.load_facts(path)
    message = str(caught.value)
    assert "facts.csv, line 3: column 'source_url' cites hanna-ai.com" in message
    assert "machine-written digest" in message and "original outlet" in message


def test_a_site_whose_name_merely_ends_alike_is_not_caught(tmp_path):
    path = _folder(tmp_path, _fact("F001", "https://notthanna-ai.com/a"))
    assert len(data.load_facts(path)) == 1


def test_every_column_holding_an_address_is_checked_not_only_source_url(tmp_path):
    (tmp_path / "not_sources.csv").write_text("domain,reason\nspam.example,spam\n", "utf-8")
    with (DATA_DIR / "offices.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    current = next(r for r in rows if r["confirmed_url"])
    current["confirmed_url"] = "https://spam.example/copy"
    path = tmp_path / "offices.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    with pytest.raises(DataError, match=r"column 'confirmed_url' cites spam.example"):
        data.load_offices(path)


def test_no_shipped_row_cites_a_listed_site():
    listed = data.not_sources()
    assert "news.hanna-ai.com" in listed and "themonexus.com" in listed
    cited = 0
    for name, dataset in data.DATASETS.items():
        columns = [c.name for c in dataset.columns if c.check == "url"]
        for row in data.read_rows(dataset, DATA_DIR / dataset.filename):
            for column in columns:
                if row[column]:
                    cited += 1
                    assert data.listed_site(row[column], listed) is None, (name, row[column])
    assert cited > 500


def test_a_bad_domain_in_the_list_is_an_error_naming_file_and_line(tmp_csv):
    path = tmp_csv("not_sources.csv", "domain,reason\nhttps://spam.example/,spam\n")
    with pytest.raises(DataError, match=r"not_sources.csv, line 2: column 'domain'"):
        data.load("not_sources", path)


def test_every_outlet_says_what_kind_it_is():
    outlets = data.load("outlets").set_index("match")
    assert set(outlets["kind"]) <= set(data.OUTLET_KINDS)
    expected = {
        "AFP": "wire",
        "IRNA": "state media",
        "Tasnim": "semi-official agency",
        "dawn.com": "national paper",
        "geo.tv": "broadcaster",
        "menafn.com": "aggregator",
    }
    for match, kind in expected.items():
        assert outlets.at[match, "kind"] == kind, match


def test_every_site_a_2026_row_cites_is_classified():
    from helpers.timeline import source_site

    sites = set(data.load("outlets").query("match_by == 'site'")["match"])
    facts = data.load_facts()
    # from the actors' re-check block (F575-F599) on: every row added since is classified
    later = facts[facts["id"] >= "F575"]
    unlisted = sorted({source_site(u) for u in later["source_url"]} - sites)
    assert unlisted == [], (
        f"add these sites to data/outlets.csv with their origin and kind: {unlisted}"
    )


def test_an_unknown_outlet_kind_is_an_error_naming_file_and_line(tmp_csv):
    path = tmp_csv(
        "outlets.csv", "match,match_by,origin,kind,note\ndawn.com,site,pakistani,tabloid,\n"
    )
    with pytest.raises(DataError, match=r"outlets.csv, line 2: column 'kind' has 'tabloid'"):
        data.load("outlets", path)


def test_open_questions_hang_on_real_facts_and_stop_at_the_horizon():
    unknowns = data.load_unknowns()
    facts = set(data.load_facts()["id"])
    assert set(unknowns["fact_id"]) <= facts
    assert (unknowns["checked_to"] == data.facts_run_to()).all()
    statuses = set(unknowns["status"])
    assert statuses == {"no-report-found", "unresolved", "after-horizon"}
    # absence is written as "no report found", never as "nothing happened"
    assert not unknowns["note"].str.contains("nothing happened", case=False).any()


def test_the_home_page_and_the_editions_say_what_is_unknown_after_the_horizon():
    from helpers.publish import editions, site

    questions = data.after_horizon()
    assert any("60-day roadmap" in q for q in questions)
    horizon = data.format_date(data.facts_run_to())
    home = site.index_page([], facts_as_of=horizon)
    assert horizon in home and "60-day roadmap" in home
    assert "60-day roadmap" in editions.readme("student", "00-start-here.ipynb", [])


def test_the_horizon_is_the_last_dated_row_and_every_question_is_checked_to_it():
    events = data.load_events()
    last = events.loc[events["when"].idxmax()]
    assert data.facts_run_to() == last["when"].date().isoformat()
    assert "horizon" in last["note"]  # the row says it is the last one, and what is unknown after
