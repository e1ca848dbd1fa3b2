"""The explorers on pages and decks give, for every choice, what the helpers give in Python.

An explorer with a page view (``widgets.PageView``: 03's distance map, 04's militancy
table, 06's timeline) answers each choice in the browser from embedded data. Here
Chromium opens the built page and deck offline, makes at least 50 choices per
explorer (the extremes, then random ones from a fixed seed) through its dropdowns,
and each answer it shows is compared with what the helper returns for the same
choice in Python: the rows of the table, the events on the timeline with their alt
text and title, the two places with the distance.
"""

from __future__ import annotations

import random

import pytest
from test_browser import OfflinePage, browser  # noqa: F401 (a fixture)
from test_build import real_course

from helpers import geo, timeline

pytestmark = pytest.mark.notebook

CHOICES = 50
EXPLORERS = {
    "03-the-border": "pair",
    "04-militancy-on-the-border": "table",
    "06-what-happened-next": "timeline",
}

# Set the dropdowns for each choice, as a learner would, and read back what is shown.
DRIVE = """([kind, choices]) => {
    const root = document.querySelector(`[data-course-explorer][data-kind="${kind}"]`);
    const output = root.querySelector('.course-explorer-output');
    const text = node => node ? node.textContent.trim() : null;
    return choices.map(choice => {
        choice.forEach((value, c) => {
            const ends = root.querySelectorAll(`select[data-control="${c}"]`);
            const values = Array.isArray(value) ? value : [value];
            // the far end first, so a range never runs backwards on the way
            const late = values.length === 2 && values[0] > Number(ends[1].value);
            const order = late ? [1, 0] : [0, 1];
            order.slice(0, values.length).forEach(e => {
                ends[e].value = String(values[e]);
                ends[e].dispatchEvent(new Event('change', {bubbles: true}));
            });
        });
        const empty = output.querySelector('.course-explorer-empty:not([hidden])');
        const figure = output.querySelector('svg[role=img]');
        return {
            empty: text(empty),
            rows: [...output.querySelectorAll('tr[data-item]:not([hidden])')].map(
                tr => [...tr.children].map(cell => cell.textContent.trim())),
            items: [...output.querySelectorAll('svg circle[data-item]')].map(
                c => Number(c.getAttribute('data-item'))),
            alt: figure ? figure.getAttribute('aria-label') : null,
            title: text(output.querySelector('.course-figure-title')),
            lanes: [...output.querySelectorAll('svg text[text-anchor=end]')].map(
                t => t.textContent),
            map: figure ? figure.getAttribute('data-map') : null,
        };
    });
}"""

PAYLOAD = """kind => JSON.parse(document.querySelector(
    `[data-course-explorer][data-kind="${kind}"] script.course-explorer-page`).textContent)"""


def choices_for(controls: list[dict], seed: int) -> list[list]:
    """The extremes of every control, then random choices, CHOICES or more in all."""

    def extreme(control: dict, end: int):
        last = len(control["options"]) - 1
        if control["range"]:
            return [[0, last], [0, 0], [last, last], [last, last], [0, last]][end]
        return [0, last, 0, last, last // 2][end]

    picked = [[extreme(c, end) for c in controls] for end in range(5)]
    rng = random.Random(seed)
    while len(picked) < CHOICES + 5:
        choice = []
        for control in controls:
            last = len(control["options"]) - 1
            if control["range"]:
                choice.append(sorted([rng.randint(0, last), rng.randint(0, last)]))
            else:
                choice.append(rng.randint(0, last))
        picked.append(choice)
    return picked


def values_of(controls: list[dict], choice: list) -> dict:
    """A page choice (option positions) as the Python values the callback takes."""
    values = {}
    for control, value in zip(controls, choice, strict=True):
        labels = control["options"]
        if control["range"]:
            values[control["name"]] = (int(labels[value[0]]), int(labels[value[1]]))
        else:
            values[control["name"]] = labels[value]
    return values


def expected(kind: str, values: dict, payload: dict) -> dict:
    """What the helpers give in Python for one choice, in the terms the page shows."""
    if kind == "table":
        result = timeline.explore_militancy(**values)
        if isinstance(result, str):
            return {"empty": result, "rows": []}
        cells = result.values.tolist()
        rows = [[str(i), *map(str, row)] for i, row in zip(result.index, cells, strict=True)]
        return {"empty": None, "rows": rows}
    if kind == "timeline":
        category, (start, end) = values["category"], values["years"]
        rows = timeline.filter_events(
            category=None if category == timeline.ALL_CATEGORIES else category, years=(start, end)
        )
        if rows.empty:
            return {"empty": timeline.explore_timeline(**values), "items": []}
        return {
            "empty": None,
            "items": sorted(rows["id"]),
            "alt": timeline.describe(rows),
            "title": timeline.TIMELINE_TITLE.format(years=f"{start}–{end}", category=category),
            "lanes": sorted(rows["category"].unique(), reverse=True),
        }
    start, end = values["start"], values["end"]
    texts = geo.distance_texts(start, end)
    extent = ("border", "region").index(geo.distance_extent(start, end))
    return {
        "items": [start, end],
        "alt": texts["alt"],
        "title": texts["title"],
        "map": payload["data"]["maps"][extent]["name"],
    }


def shown(kind: str, seen: dict, payload: dict) -> dict:
    """What the page showed, in the same terms as ``expected``."""
    if kind == "table":
        return {"empty": seen["empty"], "rows": seen["rows"]}
    items = [payload["items"][i] for i in seen["items"]]
    if kind == "timeline":
        if seen["empty"]:
            return {"empty": seen["empty"], "items": items}
        return {
            "empty": None,
            "items": sorted(items),
            "alt": seen["alt"],
            "title": seen["title"],
            "lanes": seen["lanes"],
        }
    return {"items": items, "alt": seen["alt"], "title": seen["title"], "map": seen["map"]}


@pytest.fixture(scope="module")
def built():
    out, results = real_course()
    assert [r.name for r in results if r.status == "failed"] == []
    return out


@pytest.mark.parametrize("where", ["html/{}.html", "slides/{}.slides.html"])
@pytest.mark.parametrize("name", sorted(EXPLORERS))
def test_every_choice_shows_what_the_helpers_return(browser, built, name, where):  # noqa: F811
    kind = EXPLORERS[name]
    page = OfflinePage(browser)
    try:
        opened = page.open(built / where.format(name))
        payload = opened.evaluate(PAYLOAD, kind)
        picked = choices_for(payload["controls"], seed=sum(map(ord, name)))
        seen = opened.evaluate(DRIVE, [kind, picked])
        assert page.errors == [] and page.remote == []
    finally:
        page.close()
    assert len(seen) >= CHOICES
    wrong = []
    for choice, answer in zip(picked, seen, strict=True):
        values = values_of(payload["controls"], choice)
        if shown(kind, answer, payload) != expected(kind, values, payload):
            wrong.append((values, shown(kind, answer, payload), expected(kind, values, payload)))
    assert wrong == [], wrong[:2]
    # the choices covered empty and full answers, not one answer fifty times
    assert len({repr(shown(kind, a, payload)) for a in seen}) > CHOICES // 3


def test_the_callbacks_say_what_the_page_compares_with():
    # the expectations above use the helpers the callbacks use, minus the drawing
    png, alt = timeline.explore_timeline("militancy", (2019, 2024))
    rows = timeline.filter_events(category="militancy", years=(2019, 2024))
    assert png.startswith(b"\x89PNG") and alt == timeline.describe(rows)
    assert timeline.explore_timeline("visit", (1950, 1960)).startswith("No recorded events")
    svg, alt = geo.distance_view("Quetta", "Zahedan")
    assert alt == geo.distance_texts("Quetta", "Zahedan")["alt"] and "km" in alt
    assert svg.startswith("<svg ") and geo.distance_texts("Quetta", "Zahedan")["title"] in svg


def test_no_page_or_deck_falls_back_to_a_default_view(built):
    pages = sorted(built.glob("html/*.html")) + sorted(built.glob("slides/*.slides.html"))
    assert len(pages) >= 18
    said = [p.name for p in pages if "default view" in p.read_text(encoding="utf-8")]
    assert said == []
    for name, kind in EXPLORERS.items():
        for path in (built / f"html/{name}.html", built / f"slides/{name}.slides.html"):
            assert f'data-kind="{kind}"' in path.read_text(encoding="utf-8"), path.name


LOAD_MS = """() => performance.getEntriesByType('navigation')[0].loadEventEnd"""


def test_every_page_and_deck_weighs_under_5_mb(built):
    pages = sorted(built.glob("html/*.html")) + sorted(built.glob("slides/*.slides.html"))
    assert len(pages) >= 18
    heavy = {p.name: p.stat().st_size for p in pages if p.stat().st_size >= 5_000_000}
    assert heavy == {}


def test_every_page_and_deck_opens_in_under_a_second(browser, built):  # noqa: F811
    import os

    busy = os.getloadavg()[0] / (os.cpu_count() or 1)
    if busy > 2:  # other work holds the cores: any page, however light, opens slowly
        pytest.skip(f"the machine is too busy to time a page (load {busy:.1f} per core)")
    pages = sorted(built.glob("html/*.html")) + sorted(built.glob("slides/*.slides.html"))
    slow = {}
    for path in pages:
        times = []
        while len(times) < 5 and min(times, default=1e9) >= 1000:  # the quickest of five
            page = OfflinePage(browser)
            try:
                times.append(page.open(path).evaluate(LOAD_MS))
            finally:
                page.close()
        if min(times) >= 1000:
            slow[path.name] = min(times)
    assert slow == {}
