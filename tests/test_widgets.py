"""helpers.widgets: explorers run their callback on update and show a static default."""

import json
import re

import pytest

from helpers.widgets import Explorer, display_result


def test_update_runs_callback_with_all_current_values():
    calls = []
    explorer = Explorer(
        {"side": ["Iran", "Pakistan"], "years": (2019, 2025)},
        lambda side, years: calls.append((side, years)) or len(calls),
    )
    assert explorer.values == {"side": "Iran", "years": (2019, 2025)}
    assert explorer.update(side="Pakistan") == 1
    assert explorer.update(years=(2020, 2021)) == 2
    assert calls == [("Pakistan", (2019, 2025)), ("Pakistan", (2020, 2021))]


def test_unknown_control_is_a_clear_error():
    explorer = Explorer({"name": "Raisi"}, lambda name: name)
    with pytest.raises(TypeError, match="no control named nmae; this explorer has name"):
        explorer.update(nmae="x")


def test_show_displays_the_widget_with_a_static_view_of_every_choice(monkeypatch):
    shown = []
    monkeypatch.setattr("IPython.display.display", lambda *a, **k: shown.append((a, k)))
    explorer = Explorer({"n": [2, 3]}, lambda n: f"**{n * 10}**", description="Times ten")
    explorer.show()
    assert explorer.last == "**20**"
    (bundle,), options = shown[-1]
    assert options == {"raw": True}
    assert "application/vnd.jupyter.widget-view+json" in bundle
    static = bundle["text/html"]
    # the same control, as a dropdown, and both results, the default one shown
    assert '<option value="0" selected>2</option><option value="1">3</option>' in static
    payload = json.loads(re.search(r'class="course-explorer-data">(.*?)</script>', static).group(1))
    assert payload["sizes"] == [2]
    assert [payload["outputs"][k] for k in payload["keys"]] == [
        "<p><strong>20</strong></p>\n",
        "<p><strong>30</strong></p>\n",
    ]
    # moving the widget drives the same callback
    explorer._widgets["n"].value = 3
    assert explorer.last == "**30**"


def test_a_text_box_offers_its_known_values_and_a_range_every_span():
    explorer = Explorer(
        {"name": "Raeisi", "years": (2020, 2022)},
        lambda name, years: f"{name} {years[0]}-{years[1]}",
        known={"name": ["Raisi", "Munir"]},
    )
    combos = explorer.combinations()
    assert [c["name"] for c in combos[:: len(combos) // 3]] == ["Raeisi", "Raisi", "Munir"]
    assert sorted({c["years"] for c in combos}) == [
        (2020, 2020),
        (2020, 2021),
        (2020, 2022),
        (2021, 2021),
        (2021, 2022),
        (2022, 2022),
    ]


def test_past_the_cap_a_page_keeps_the_default_and_says_why():
    explorer = Explorer({"a": list(range(30)), "b": list(range(30))}, lambda a, b: a + b)
    explorer.last = 0
    static = explorer.static_html()
    assert "900 combinations" in static and "course-explorer-data" not in static
    assert "default view" not in static and "PageView" in static
    assert "<select" not in static


def test_static_data_cannot_close_its_script_element():
    explorer = Explorer({"x": ["</script><script>alert(1)</script>"]}, lambda x: x)
    explorer.last = explorer.callback(x=explorer.values["x"])
    static = explorer.static_html()
    data = re.search(r'class="course-explorer-data">(.*?)</script>', static, re.S).group(1)
    assert "<" not in data and json.loads(data)["sizes"] == [1]


def test_display_result_png_carries_alt():
    shown = []
    display_result((b"\x89PNG fake", "alt words"), lambda *a, **k: shown.append((a, k)))
    (bundle,), options = shown[0]
    assert options["metadata"] == {"image/png": {"alt": "alt words"}}
    assert bundle["text/plain"] == "[Figure] alt words"


def test_display_result_shows_a_table_with_its_text_in_full():
    import pandas as pd

    long_text = "An event described in more than fifty characters, to the very last word"
    shown = []
    display_result(pd.DataFrame({"Event": [long_text]}), lambda *a, **k: shown.append(a))
    (styler,) = shown[0]
    assert long_text in styler.to_html()


# ---------------------------------------------------------------- page views

ROWS = {"a": ("x", 2020), "b": ("y", 2021), "c": ("x", 2022), "d": ("y", 2022)}


def _filter(kind="any", years=(2020, 2022)):
    return [i for i, (k, y) in ROWS.items() if kind in ("any", k) and years[0] <= y <= years[1]]


def _filter_explorer(**page):
    from helpers.widgets import PageView

    view = PageView(
        kind="table",
        items=list(ROWS),
        match={"kind": lambda k: _filter(kind=k), "years": lambda y: _filter(years=y)},
        describe=lambda ids: {"count": f"{len(ids)} rows"},
        templates={"empty": "nothing of {kind} in {years}"},
        **page,
    )
    return Explorer(
        {"kind": ["any", "x", "y"], "years": (2020, 2022)},
        _filter,
        defaults={"kind": "x"},
        page=view,
    )


def test_a_page_view_ships_each_choice_s_items_and_the_texts_of_each_selection():
    from helpers.widgets import page_payload

    explorer = _filter_explorer()
    payload = page_payload(explorer, explorer.page)
    kind, years = payload["controls"]
    assert kind["options"] == ["any", "x", "y"] and kind["default"] == 1
    assert years["range"] and years["options"] == ["2020", "2021", "2022"]
    assert years["default"] == [0, 2]
    # "any" keeps everything (null), "x" rows 0 and 2; each row's year as an option index
    assert payload["filters"] == [{"options": [None, [0, 2], [1, 3]]}, {"keys": [0, 1, 2, 2]}]
    # one text per distinct selection that some choice gives, keyed by the rows kept
    assert payload["texts"]["0,2"] == {"count": "2 rows"}
    assert payload["texts"][""] == {"count": "0 rows"}  # x in 2021
    assert "1,2" not in payload["texts"]  # no choice keeps b and c alone
    every_choice = {
        ",".join(str(list(ROWS).index(i)) for i in _filter(k, (a, b)))
        for k in ("any", "x", "y")
        for a in range(2020, 2023)
        for b in range(a, 2023)
    }
    assert set(payload["texts"]) == every_choice


def test_a_page_view_is_labelled_and_its_data_cannot_close_its_script():
    from helpers.widgets import PageView

    explorer = Explorer(
        {"who": ["</script><b>x</b>", "y"]},
        lambda who: who,
        page=PageView(kind="table", items=["</script>"], match={"who": lambda w: ["</script>"]}),
    )
    static = explorer.static_html()
    data = re.search(r'class="course-explorer-page">(.*?)</script>', static, re.S).group(1)
    assert "<" not in data and json.loads(data)["items"] == ["</script>"]
    assert "<label>who <select" in static and "<b>x" not in static.replace(data, "")
    ranged = _filter_explorer().static_html()
    assert '<label>years from <select data-control="1" data-end="0">' in ranged
    assert '<label>years to <select data-control="1" data-end="1">' in ranged


def test_a_page_view_refuses_items_it_does_not_know_and_a_range_that_is_no_filter():
    from helpers.widgets import PageView, page_payload

    explorer = _filter_explorer()
    bad = PageView(kind="table", items=["a"], match={"kind": lambda k: ["zz"], "years": _filter})
    with pytest.raises(ValueError, match="kind='any' keeps 'zz', which is not among the items"):
        page_payload(explorer, bad)
    twice = PageView(
        kind="table", items=list(ROWS), match={"kind": _filter, "years": lambda y: ["a"]}
    )
    with pytest.raises(ValueError, match="'a' is kept by two years of years"):
        page_payload(explorer, twice)


def test_mark_rows_numbers_each_body_row_once():
    from helpers.widgets import mark_rows

    table = (
        "<table><thead><tr><th>h</th></tr></thead>"
        "<tbody><tr><td>1</td></tr>\n<tr ><td>2</td></tr></tbody></table>"
    )
    marked = mark_rows(table, ["a", "b"])
    assert marked.count("data-item") == 2 and '<tr data-item="1" >' in marked
    assert "<thead><tr><th>" in marked
    with pytest.raises(ValueError, match="one body row for each of the 3 items"):
        mark_rows(table, ["a", "b", "c"])
