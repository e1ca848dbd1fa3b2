"""helpers.people: meetings, fates, actor cards, the two explorers, and who reported what."""

import pytest

from helpers import actors, data, people, plotting
from helpers.widgets import Explorer


@pytest.fixture(scope="module")
def reports():
    return data.load_outlet_reports()


# ---- meetings and fates ------------------------------------------------------------------


def test_each_meeting_row_comes_from_a_fact_that_names_the_host():
    table = people.meetings()
    facts = data.load_facts().set_index("id")
    assert len(table) == len(people.MEETINGS)
    for row in table.itertuples():
        fact = facts.loc[row.fact]
        surname = row.person.split()[-1].split("-")[-1]
        assert surname.lower() in fact["claim"].lower()
        assert row.date == fact["date"]
        assert row.reported_by == fact["source_outlet"]
        assert row.source_url == fact["source_url"]


def test_meetings_fall_within_the_visit_and_are_in_date_order():
    table = people.meetings()
    arrived = people.arrival()["date"]
    assert list(table["date"]) == sorted(table["date"])
    assert (table["date"] >= arrived).all()
    assert table["day"].str.match(r"(Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d+ \w{3} \d{4}").all()


def test_meeting_posts_are_the_first_part_of_the_july_2023_role():
    for row in people.meetings().itertuples():
        role = actors.lookup(row.person)["role_july_2023"]
        assert role.startswith(row.post)
        assert ";" not in row.post


def test_fates_mark_deaths_from_the_claim_text():
    table = people.fates()
    facts = data.load_facts().set_index("id")
    for row in table.itertuples():
        claim = facts.loc[row.fact, "claim"].lower()
        said_died = "killed" in claim or "died" in claim
        assert (row.outcome == "died") == said_died
        assert row.date == facts.loc[row.fact, "date"]
    died = set(table.loc[table["outcome"] == "died", "person"])
    hosts = {person for person, _ in people.MEETINGS}
    assert died <= hosts and "Asim Munir" not in died


def test_later_meetings_pair_munir_with_a_host():
    table = people.later_meetings()
    assert len(table) > 0
    assert (table["date"] > "2023-07-16").all()
    hosts = [name.split()[-1] for name, _ in people.MEETINGS]
    events = data.load_events().set_index("date")
    for date in table["date"]:
        cast = " ".join(events.loc[[date], "actors"])
        assert "Asim Munir" in cast and any(h in cast for h in hosts)


def test_missing_fact_id_is_a_clear_data_error(monkeypatch):
    monkeypatch.setattr(people, "MEETINGS", (("Ebrahim Raisi", "F999"),))
    with pytest.raises(data.DataError, match="no row F999"):
        people.meetings()


# ---- actor cards and the explorer --------------------------------------------------------


def test_actor_card_shows_the_data_row_for_any_spelling():
    row = actors.lookup("Ebrahim Raisi")
    card = people.actor_card("Raeisi")
    assert card.startswith("### Ebrahim Raisi")
    assert row["role_july_2023"] in card
    assert row["later"] in card
    assert f"as of {data.format_date(row['later_as_of'])}" in card
    assert "Sun 16 Jul 2023" in card  # the meeting, from fact F011


def test_actor_card_for_a_group_without_meetings():
    card = people.actor_card("BLA")
    assert card.startswith("### Balochistan Liberation Army")
    assert "Met Munir" not in card
    # who bans the group, and since when, comes from the data row
    banned = data.load_actors().set_index("name").loc["Balochistan Liberation Army", "banned_by"]
    assert f"| **Banned by** | {banned} |" in card
    assert "Banned by" not in people.actor_card("Raisi")


def test_actor_card_rejects_an_unknown_name_with_suggestions():
    with pytest.raises(actors.UnknownActorError, match="did you mean .*Ebrahim Raisi"):
        people.actor_card("Raesi")


@pytest.fixture
def actor_explorer():
    return Explorer({"name": "Raeisi"}, people.explore_actor, description="Look up an actor")


def test_explorer_updates_the_card(actor_explorer):
    card = actor_explorer.update(name="Amir Abdollahain")
    assert card.startswith("### Hossein Amir-Abdollahian")
    assert actor_explorer.last == card


def test_explorer_shows_a_suggestion_not_a_traceback(actor_explorer):
    message = actor_explorer.update(name="Salamy")
    assert "no actor 'Salamy'" in message and "Hossein Salami" in message
    assert not message.startswith("###")


def test_explorer_prompts_for_an_empty_name(actor_explorer):
    assert "Type a name" in actor_explorer.update(name="   ")


# ---- outlets and claims ------------------------------------------------------------------


def test_outlet_reports_load_and_every_kind_has_a_label_and_colour(reports):
    kinds = set(reports["attribution_kind"])
    assert kinds <= set(people.ATTRIBUTION_LABELS)
    assert set(people.ATTRIBUTION_LABELS) == set(people.attribution_colours())
    assert reports["id"].is_unique


def test_outlet_explorer_returns_that_outlets_rows(reports):
    explorer = Explorer({"outlet": people.outlets()}, people.explore_outlet)
    table = explorer.update(outlet="PTI")
    assert len(table) == (reports["outlet"] == "PTI").sum()
    assert "the outlet credits" in table.columns


def test_outlet_names_ignore_case_and_unknown_ones_suggest(reports):
    assert len(people.outlet_claims("dawn")) == (reports["outlet"] == "Dawn").sum()
    with pytest.raises(KeyError, match="no outlet 'Daw'.*did you mean 'Dawn'"):
        people.outlet_claims("Daw")


def test_outlets_are_grouped_by_country(reports):
    order = people.outlets()
    assert sorted(order) == sorted(set(reports["outlet"]))
    country = dict(zip(reports["outlet"], reports["outlet_country"], strict=True))
    seen = [country[o] for o in order]
    # each country's outlets are contiguous
    assert len(dict.fromkeys(seen)) == len({c for c in seen})
    blocks = [c for i, c in enumerate(seen) if i == 0 or seen[i - 1] != c]
    assert len(blocks) == len(set(seen))


def test_compare_claim_lists_every_version(reports):
    table = people.compare_claim("arrival day")
    assert len(table) == (reports["claim"] == "arrival day").sum()
    assert {"Friday", "Saturday"} <= set(table["value"])
    # reports with a full date come before month-only ones ("2023-07": day not shown)
    full = (table["report_date"].str.len() == 10).tolist()
    assert full == sorted(full, reverse=True)
    with pytest.raises(KeyError, match="did you mean 'arrival day'"):
        people.compare_claim("arival day")


def test_claims_matrix_agrees_with_the_rows(reports):
    matrix = people.claims_matrix(min_outlets=2)
    spread = reports.groupby("claim")["outlet"].nunique()
    assert set(matrix.columns) == set(spread[spread >= 2].index)
    for outlet in matrix.index:
        for claim in matrix.columns:
            kinds = set(
                reports.loc[
                    (reports["outlet"] == outlet) & (reports["claim"] == claim), "attribution_kind"
                ]
            )
            expected = "" if not kinds else kinds.pop() if len(kinds) == 1 else "mixed"
            assert matrix.loc[outlet, claim] == expected


def test_claims_matrix_rejects_an_unknown_claim():
    with pytest.raises(KeyError, match="no claim 'met Khamenei'"):
        people.claims_matrix(claims=["met Khamenei"])


# ---- attribution and wording -------------------------------------------------------------


@pytest.mark.parametrize(
    "text, found",
    [
        ("Both sides vowed to fight terrorism.", []),
        ("Terrorism is a threat, according to ISPR.", ["according to ISPR"]),
        ("“Trade will grow,” the Iranian president said.", ["the Iranian president said"]),
        (
            "The meeting was reported by IRNA and quoted by Dawn.",
            ["reported by IRNA and quoted by Dawn"],
        ),
    ],
)
def test_attribution_phrases(text, found):
    assert people.attribution_phrases(text) == found


def test_attribution_phrases_needs_text():
    with pytest.raises(TypeError, match="needs text, not int"):
        people.attribution_phrases(3)


def test_word_diff_marks_only_the_changed_words():
    original = "Raeisi says Iran and Pakistan are resolute on expanding relations"
    copy = "Raeisi says Iran and Pakistan are committed at expanding bilateral ties"
    diff = people.word_diff(original, copy)
    assert "<del>resolute on</del> <ins>committed at</ins>" in diff
    assert "<del>relations</del> <ins>bilateral ties</ins>" in diff
    # a plain line a screen reader reads sensibly, without relying on markup
    assert diff.endswith('Changes: "resolute on" → "committed at"; "relations" → "bilateral ties".')
    assert "~~" not in diff and "**" not in diff
    assert people.word_diff(original, original) == original
    assert people.word_diff("a b c", "a c").endswith('Changes: dropped "b".')


# ---- figures -----------------------------------------------------------------------------


def test_the_figures_render(reports):
    countries = dict(zip(reports["outlet"], reports["outlet_country"], strict=True))
    drawings = [
        lambda ax: people.draw_meetings(ax, people.meetings(), people.arrival()["date"]),
        lambda ax: people.draw_fates(ax, people.fates(), "2023-07-16", data.facts_run_to()),
        lambda ax: people.draw_claims_matrix(ax, people.claims_matrix(), countries),
    ]
    for draw in drawings:
        fig, ax = plotting.figure()
        draw(ax)
        png = plotting.render(
            fig, title="t", xlabel="x", ylabel="y", source="s", alt="a figure for the test suite"
        )
        assert png.startswith(b"\x89PNG")


def test_by_the_horizon_every_july_2023_host_has_a_dated_death():
    # Mousavi, promoted in June 2025, was killed on 28 Feb 2026 (F610): all five hosts are dead
    table = people.fates()
    died = table[table["outcome"] == "died"]
    hosts = {actors.resolve(person) for person, _ in people.MEETINGS}
    assert set(died["person"]) == hosts
    assert died["date"].max() <= data.facts_run_to()
