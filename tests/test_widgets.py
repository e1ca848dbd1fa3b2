"""helpers.widgets: explorers run their callback on update and show a static default."""

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


def test_show_displays_controls_and_default_result(monkeypatch):
    shown = []
    monkeypatch.setattr("IPython.display.display", lambda *a, **k: shown.append((a, k)))
    explorer = Explorer({"n": [2, 3]}, lambda n: n * 10, description="Times ten")
    explorer.show()
    assert explorer.last == 20
    assert shown[-1][0] == (20,)
    # moving the widget drives the same callback
    explorer._widgets["n"].value = 3
    assert explorer.last == 30


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
