"""helpers.tables: full text, chosen columns, stable HTML."""

import pandas as pd
import pytest

from helpers import tables
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


def test_label_writes_a_column_name_for_people():
    assert tables.label("source_outlet") == "Source"
    assert tables.label("role_july_2023") == "Role in July 2023"
    assert tables.label("banned_by") == "Banned by"
    assert tables.label("Fights") == "Fights" and tables.label("2023") == "2023"


def test_human_headers_relabels_and_folds_the_index_name_row_and_the_lint_sees_it():
    frame = pd.DataFrame(
        {"date": ["2023"], "source_outlet": ["Dawn"]}, index=pd.Index(["F1"], name="id")
    )
    for markup in (frame.to_html(), tables.table(frame, index=True).to_html()):
        found = tables.raw_headers(markup)
        assert "the raw column name 'source_outlet' as a heading" in found
        assert "a header row naming only the index ('id')" in found
        fixed = tables.human_headers(markup)
        assert tables.raw_headers(fixed) == []
        assert ">Source</th>" in fixed and ">Row id</th>" in fixed
        assert fixed.count("<tr") == markup.count("<tr") - 1  # the index row is folded in
        assert ">F1</th>" in fixed and ">Dawn</td>" in fixed  # the body is untouched


def test_a_heading_may_document_its_file_column_in_code_but_not_be_only_that():
    documented = "<table><thead><tr><th>Claimed by<br><code>claimed_by</code></th></tr></thead>"
    assert tables.raw_headers(documented + "</table>") == []
    for bare in ("<th><code>claimed_by</code></th>", "<th>claimed_by</th>"):
        found = tables.raw_headers(f"<table><thead><tr>{bare}</tr></thead></table>")
        assert found == ["the raw column name 'claimed_by' as a heading"], bare
