"""Source mix: every party to a topic is heard through its own outlets, and the README says so."""

import importlib.util

import pytest

from helpers import data
from helpers.checks import sources
from helpers.data import REPO_DIR, DataError


def _tool():
    spec = importlib.util.spec_from_file_location("source_mix", REPO_DIR / "tools/source_mix.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_state_party_has_its_own_sources_or_a_written_down_gap():
    # a topic where a state is a party must include that state's own outlets; the only
    # exceptions are the gaps data/topic_parties.csv admits in words, and a closed gap
    # must be struck from the file
    missing = sources.missing_own_sources()
    assert sorted(missing) == sorted(sources.declared_gaps())


def test_the_january_2024_strikes_are_told_by_both_governments_own_outlets():
    facts = sources.with_origins()
    crisis = facts[facts["topic"] == "jan-2024-crisis"]
    assert (crisis["origin"] == "iranian").sum() >= 2
    assert (crisis["origin"] == "pakistani").sum() >= 2
    assert ("jan-2024-crisis", "Iran") not in sources.declared_gaps()


def test_a_topic_without_a_partys_own_sources_is_reported(tmp_csv):
    facts = data.load_facts().head(3).assign(topic="made-up")
    facts["source_url"] = "https://www.dawn.com/news/1"
    facts["source_outlet"] = "Dawn"
    parties = data.load(
        "topic_parties",
        tmp_csv("topic_parties.csv", "topic,parties,gap\nmade-up,Pakistan; Iran,\n"),
    )
    assert sources.missing_own_sources(facts, parties) == [("made-up", "Iran")]


def test_a_credited_wire_decides_before_the_site():
    assert sources.origin_of("Pakistan Today (Reuters)", "https://pakistantoday.com.pk/a") == (
        "international-wire"
    )
    assert sources.origin_of("Sindh Post (APP)", "https://sindhpost.com/a") == "pakistani"
    assert sources.origin_of("Tasnim News Agency", "https://tasnimnews.com/en/a") == "iranian"
    assert sources.origin_of("Somebody", "https://unknown.example.org/a") == "other"


def test_the_mix_counts_every_fact_once():
    mix = sources.source_mix()
    assert mix.loc["all topics", "all"] == len(data.load_facts())
    assert list(mix.columns) == [*sources.ORIGINS, "all"]


def test_the_readme_shows_the_table_the_script_computes():
    tool = _tool()
    text = tool.README.read_text(encoding="utf-8")
    assert sources.markdown(sources.source_mix()) in text
    assert sources.readme_updated(text) == text and tool.main(["--check"]) == 0


def test_a_bad_origin_is_an_error_naming_file_and_line(tmp_csv):
    path = tmp_csv("outlets.csv", "match,match_by,origin,note\ndawn.com,site,pakistan,\n")
    with pytest.raises(DataError, match=r"outlets.csv, line 2: column 'origin' has 'pakistan'"):
        data.load("outlets", path)
