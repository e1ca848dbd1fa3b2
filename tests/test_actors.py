"""helpers.actors: every spelling resolves to one actor; unknown names suggest."""

import re

import pytest

from helpers import actors, data
from helpers.data import load_actors


@pytest.mark.parametrize(
    "spelling, canonical",
    [
        ("Raeisi", "Ebrahim Raisi"),
        ("Raïssi", "Ebrahim Raisi"),
        ("ebrahim raisi", "Ebrahim Raisi"),
        ("President Raisi", "Ebrahim Raisi"),
        ("Amir Abdollahain", "Hossein Amir-Abdollahian"),
        ("Amirabdollahian", "Hossein Amir-Abdollahian"),
        ("Gen. Asim Munir", "Asim Munir"),
        ("Field Marshal Asim Munir", "Asim Munir"),
        ("BLA", "Balochistan Liberation Army"),
    ],
)
def test_resolve_known_spellings(spelling, canonical):
    assert actors.resolve(spelling) == canonical


def test_every_alias_in_the_data_resolves_to_its_row():
    for row in load_actors().itertuples():
        for alias in [row.name, *row.aliases.split(";")]:
            if alias.strip():
                assert actors.resolve(alias) == row.name


def test_known_gives_the_canonical_name_or_none_without_raising():
    assert actors.known("Gen. Asim Munir") == "Asim Munir"
    assert actors.known("BLA") == "Balochistan Liberation Army"
    assert actors.known("Zubaida Jalal") is None


def test_unknown_name_suggests_close_matches():
    with pytest.raises(KeyError) as info:
        actors.resolve("Raesi")
    message = str(info.value)
    assert message.startswith("no actor 'Raesi'; did you mean")
    assert "(Ebrahim Raisi)" in message


def test_unknown_name_without_close_match_points_to_names():
    with pytest.raises(actors.UnknownActorError, match=r"actors.names\(\)"):
        actors.resolve("Zzyzx Qwerty")


@pytest.mark.parametrize("bad", ["", "   ", None, 42])
def test_empty_or_non_text_name_is_rejected(bad):
    with pytest.raises(KeyError, match="non-empty text"):
        actors.resolve(bad)


def test_aliases_start_with_canonical_name_and_have_no_duplicates():
    spellings = actors.aliases("Raeisi")
    assert spellings[0] == "Ebrahim Raisi"
    assert "Raeisi" in spellings and len(spellings) == len(set(spellings))


def test_names_filters_by_kind_and_rejects_unknown_kind():
    people = actors.names("person")
    assert "Asim Munir" in people and "Iran" not in people
    with pytest.raises(ValueError, match="choose one of"):
        actors.names("robot")


def test_mentions_prefers_longest_spelling():
    assert actors.mentions("Ebrahim Raisi met Raeisi's guests; Iranians too.") == {
        "Ebrahim Raisi": 2
    }


def test_normalise_folds_accents_case_and_hyphens():
    assert actors.normalise("Amir-Abdollahian") == actors.normalise("amir abdollahian")
    assert actors.normalise("Raïssi") == "raissi"


def test_duplicate_alias_across_actors_is_reported(tmp_path, monkeypatch):
    import shutil

    from helpers import data

    copy = shutil.copytree(data.DATA_DIR, tmp_path / "data")
    text = (copy / "actors.csv").read_text(encoding="utf-8")
    (copy / "actors.csv").write_text(
        text.replace("Shahbaz Sharif;", "Shahbaz Sharif; Raeisi;"), encoding="utf-8"
    )
    monkeypatch.setattr(data, "DATA_DIR", copy)
    actors._index.cache_clear()
    try:
        with pytest.raises(ValueError, match="alias 'Raeisi' names both"):
            actors.resolve("Raisi")
    finally:
        actors._index.cache_clear()


def test_every_armed_group_says_who_bans_it_citing_rows_that_exist():
    frame = data.load_actors()
    groups = frame[frame["kind"] == "armed group"]
    assert (groups["banned_by"] != "").all()
    cited = set(re.findall(r"\bF\d{3}\b", " ".join(frame["banned_by"])))
    assert cited and cited <= set(data.load_facts()["id"])
    # the groups are described, not labelled: no group is called "terrorist" in the course's voice
    assert not groups["role_july_2023"].str.contains("terrorist", case=False).any()


def test_baloch_voices_beyond_the_armed_groups_are_listed():
    frame = data.load_actors().set_index("name")
    assert frame.loc["Baloch Yakjehti Committee", "kind"] == "civil-society group"
    parties = set(frame.index[frame["kind"] == "political party"])
    assert {"National Party", "Balochistan National Party (Mengal)"} <= parties
    assert actors.resolve("BNP-M") == "Balochistan National Party (Mengal)"
