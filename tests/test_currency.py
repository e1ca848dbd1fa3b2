"""make currency: every "now" in the data with its last-confirmed date, stale ones flagged."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from helpers import data, offices
from helpers.checks import currency

OFFICES_HEADER = (
    "id,country,office,holder,start,end,how_started,how_ended,confidence,source_url,"
    "source_outlet,source_date,fact_id,alternative_to,chain_note,last_confirmed,confirmed_url,"
    "confirmed_outlet,caveat\n"
)
ACTORS_HEADER = "name,aliases,kind,country,role_july_2023,later,later_as_of,source_url,banned_by\n"


def _office(row_id, office, holder, start, confirmed, end=""):
    page = f"https://example.org/c/{row_id}" if confirmed else ""
    outlet = "Checker" if confirmed else ""
    return (
        f"{row_id},Iran,{office},{holder},{start},{end},appointed,,high,"
        f"https://example.org/{row_id},Example,,,,,{confirmed},{page},{outlet},\n"
    )


def _actor(name, kind, later, as_of):
    return f"{name},,{kind},Iran,a post,{later},{as_of},https://example.org/{name[:3]},\n"


@pytest.fixture
def frames(tmp_csv):
    office_rows = offices.table(
        tmp_csv(
            "offices.csv",
            OFFICES_HEADER
            + _office("O001", "Foreign Minister", "Fresh", "2025-01-01", "2026-06-20")
            + _office("O002", "President", "Old", "2024-01-01", "2025-12-31")
            + _office("O003", "Army commander", "Edge", "2024-01-01", "2026-01-01"),
        )
    )
    actor_rows = data.load_actors(
        tmp_csv(
            "actors.csv",
            ACTORS_HEADER
            + _actor("Gone", "person", "killed in a strike 1 Jan 2020", "2020-01-01")
            + _actor("Quiet Group", "armed group", "claimed an attack Jan 2024", "2024-01")
            + _actor("Agency", "institution", "reported a commander killed", "2026-03-01"),
        )
    )
    return office_rows, actor_rows


def test_months_before_keeps_the_day_or_takes_the_months_last():
    assert currency.months_before(dt.date(2026, 7, 1), 6) == dt.date(2026, 1, 1)
    assert currency.months_before(dt.date(2026, 8, 31), 6) == dt.date(2026, 2, 28)
    assert currency.months_before(dt.date(2026, 3, 15), 6) == dt.date(2025, 9, 15)


def test_confirmations_older_than_six_months_are_flagged(frames):
    office_rows, actor_rows = frames
    items = {i.subject: i for i in currency.report(office_rows, actor_rows, "2026-07-01")}
    assert items["Iran's Foreign Minister"].flag == ""
    assert items["Iran's Foreign Minister"].confirmed == "2026-06-20"
    assert items["Iran's Foreign Minister"].source == "Checker"
    assert items["Iran's President"].flag == "stale"  # 31 Dec 2025 < 1 Jan 2026
    assert items["Iran's Army commander"].flag == ""  # exactly six months: not yet stale
    assert items["Quiet Group"].flag == "stale"
    assert items["Gone"].flag == "final"  # a person's death is final, never stale
    assert items["Agency"].flag == ""  # an institution recording others' deaths is not final


def test_the_window_is_a_parameter(frames):
    office_rows, actor_rows = frames
    items = {i.subject: i for i in currency.report(office_rows, actor_rows, "2026-07-01", 1)}
    assert items["Iran's Army commander"].flag == "stale"
    assert items["Iran's Foreign Minister"].flag == ""


def test_the_shipped_report_lists_every_current_holder_and_actor_later():
    items = currency.report()
    listed = {i.subject for i in items if i.kind == "office"}
    current = offices.holders()
    assert listed == {
        f"{c}'s {o}" for c, o in zip(current["country"], current["office"], strict=True)
    }
    with_later = data.load_actors().query("later != ''")
    assert {i.subject for i in items if i.kind == "actor"} == set(with_later["name"])
    for item in items:
        assert item.confirmed, item.subject
        assert data.parse_date(item.confirmed)[0] <= data.parse_date(data.facts_run_to())[0]


def test_the_command_prints_the_horizon_the_cutoff_and_each_line(capsys):
    assert currency.main([]) == 0
    out = capsys.readouterr().out
    horizon = data.format_date(data.facts_run_to())
    assert f"The facts run to {horizon}" in out
    now = offices.holders().set_index(["country", "office"])
    holder = now.at[("Pakistan", "Foreign Minister"), "holder"]
    assert f"Pakistan's Foreign Minister: {holder} (last confirmed" in out
    stale = sum(1 for i in currency.report() if i.flag == "stale")
    assert out.count("[STALE]") == stale
    assert currency.main(["--strict"]) == (1 if stale else 0)
    capsys.readouterr()


def test_the_maintainers_guide_names_real_tests_and_the_make_target():
    from helpers.data import REPO_DIR

    guide = (REPO_DIR / "docs" / "updating.md").read_text(encoding="utf-8")
    named = set(re.findall(r"tests/(test_\w+\.py)", guide))
    assert named and all((REPO_DIR / "tests" / name).is_file() for name in named)
    assert "make currency" in guide
    makefile = (REPO_DIR / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^currency:.*\n\t.*-m helpers\.checks\.currency", makefile, re.M)
