"""helpers.tables: full text, chosen columns, stable HTML."""

import pandas as pd
import pytest

from helpers.tables import table

LONG = "a sentence that is much longer than fifty characters, so pandas would cut it"


def test_table_keeps_full_text_and_hides_index():
    frame = pd.DataFrame({"claim": [LONG], "id": ["F001"]}, index=[7])
    html = table(frame).to_html()
    assert LONG in html
    assert ">7<" not in html


def test_table_selects_and_renames_columns():
    frame = pd.DataFrame({"a": [1], "b": [2], "c": [3]})
    html = table(frame, columns=["c", "a"], rename={"c": "Third"}).to_html()
    assert "Third" in html and ">b<" not in html
    assert html.index("Third") < html.index(">a<")


def test_table_html_is_deterministic():
    frame = pd.DataFrame({"x": [1, 2]})
    assert table(frame).to_html() == table(frame.copy()).to_html()


def test_unknown_column_is_a_clear_error():
    with pytest.raises(KeyError, match="no column 'z'; the table has a"):
        table(pd.DataFrame({"a": [1]}), columns=["z"])
