"""Data is text, never markup: hostile values through every public helper that writes
Markdown or HTML come out escaped (no tag, no handler, no script link)."""

from __future__ import annotations

import html
import re
import warnings

import pandas as pd
import pytest

from helpers import data, markup, people, quiz
from helpers.tables import table

# What a careless paste or a hostile contributor might put in a row.
PAYLOADS = [
    "<script>window.__pwned = 1</script>",
    '<img src=x onerror="window.__pwned = 1">',
    '"><svg onload="window.__pwned = 1">',
    "[click me](javascript:window.__pwned=1)",
    "![x](https://example.org/x.png)",
    "a stray < and & and > sign",
    "$36m and $2bn",
    "**bold** _em_ `code` | pipe ~~del~~",
    "# heading\n- list",
    "\u202eright-to-left\u200b zero-width",
]


def _mistune(markdown: str) -> str:
    """Markdown rendered the way exported pages render it (nbconvert's mistune)."""
    from nbconvert.filters.markdown_mistune import markdown2html_mistune

    return markdown2html_mistune(markdown)


def _no_active_markup(rendered: str) -> None:
    assert not re.search(r"<(script|img|svg|iframe)\b", rendered, re.I), rendered
    tags = re.findall(r"<[a-zA-Z][^>]*>", rendered)
    assert not [t for t in tags if re.search(r"\son\w+\s*=", t, re.I)], rendered
    assert not re.search(r"href\s*=\s*[\"']?\s*javascript:", rendered, re.I), rendered


@pytest.mark.parametrize("payload", PAYLOADS)
def test_text_renders_literally_through_a_real_markdown_renderer(payload):
    rendered = _mistune(markup.text(payload))
    _no_active_markup(rendered)
    assert "<strong>" not in rendered and "<h1" not in rendered and "<li" not in rendered
    # a bare web address may become a link to itself, never anything else
    assert all(href.startswith("https://") for href in re.findall(r'href="([^"]*)"', rendered))
    # what a reader sees is the value itself, whitespace folded
    visible = re.sub(r"<[^>]+>", "", rendered)
    assert html.unescape(visible).strip() == " ".join(payload.split())


def test_text_keeps_ordinary_prose_readable():
    assert markup.text("Munir met Raisi on 16 Jul 2023.") == "Munir met Raisi on 16 Jul 2023."
    assert markup.text(None) == "" and markup.text(float("nan")) == ""


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "data:text/html,<script>", "ftp://x.org/a", 'https://a.org/"x']
)
def test_links_accept_only_plain_http_addresses(url):
    with pytest.raises(markup.UnsafeURLError, match="http"):
        markup.link("label", url)
    with pytest.raises(markup.UnsafeURLError):
        markup.html_link("label", url)


def test_a_link_label_cannot_close_the_link_or_the_attribute():
    md = markup.link("a](javascript:x) <b>", "https://example.org/a_(b)")
    rendered = _mistune(md)
    assert rendered.count("<a ") == 1
    assert 'href="https://example.org/a_%28b%29"' in rendered
    assert "&lt;b&gt;" in rendered
    tag = markup.html_link('"><img src=x onerror=alert(1)>', "https://example.org/?a=1&b=2")
    assert tag.startswith('<a href="https://example.org/?a=1&amp;b=2">')
    assert "<img" not in tag


def test_markdown_to_html_turns_helper_links_into_anchors_and_escapes_the_rest():
    md = f"Correct. {markup.text('<img src=x onerror=alert(1)>')} Source: " + markup.link(
        "Dawn & co", "https://www.dawn.com/news/1?x=1&y=2"
    )
    out = markup.markdown_to_html(md)
    assert "<img" not in out and "&lt;img src=x onerror=alert(1)&gt;" in out
    assert '<a href="https://www.dawn.com/news/1?x=1&amp;y=2" target="_blank"' in out
    assert ">Dawn &amp; co</a>" in out
    assert "<a" not in markup.markdown_to_html("[x](javascript:alert(1))")


@pytest.mark.parametrize("payload", PAYLOADS)
def test_tables_escape_cells_and_headings(payload):
    frame = pd.DataFrame({payload: [payload], "n": [1]})
    rendered = table(frame).to_html()
    _no_active_markup(rendered.replace("<style", "<STYLE-OK"))
    assert "<script>" not in rendered


def test_quiz_feedback_from_hostile_rows_is_escaped():
    bad = '<img src=x onerror="window.__pwned = 1">'
    feedback = {f"A {bad}": markup.text(bad), "B": "Yes."}
    q = quiz.Question(f"Who? {bad}", (f"A {bad}", "B"), "B", feedback, ("F015",))
    assert "<img" not in quiz.to_html(quiz.check(q, f"A {bad}"))
    assert "<img" not in _mistune(quiz.check(q, f"A {bad}"))


def test_word_diff_shows_markup_in_quotes_as_text():
    diff = people.word_diff("Iran said <b>yes</b>", "Iran said <i>no</i>")
    rendered = _mistune(diff)
    assert "<b>" not in rendered and "<i>" not in rendered
    assert "&lt;b&gt;yes&lt;/b&gt;" in rendered and "<del>" in rendered


def test_actor_cards_and_citations_render_one_link_each():
    facts = data.load_facts()
    row = facts.iloc[0].to_dict()
    assert _mistune(data.cite(row["id"])).count("<a ") == 1
    card = _mistune(people.actor_card("Raisi"))
    assert "<table>" in card and "<script" not in card


def _write(tmp_path, header: str, row: str):
    path = tmp_path / "facts.csv"
    path.write_text(header + "\n" + row + "\n", encoding="utf-8")
    return path


HEADER = "id,topic,claim,value,date,source_url,source_outlet,source_date,confidence,note,claimed_by"


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "data:text/html;base64,PHNjcmlwdD4=",
        "https://x.org/'onmouseover='alert(1)",
        "https://x.org/<script>",
    ],
)
def test_a_script_or_broken_address_in_a_row_is_an_error_naming_file_and_line(tmp_path, url):
    path = _write(tmp_path, HEADER, f'F001,visit,A claim,,2023-07-16,"{url}",Dawn,,high,,')
    with pytest.raises(data.DataError, match=r"facts\.csv, line 2: column 'source_url'"):
        data.load_facts(path)


def test_markup_in_a_text_field_is_a_warning_naming_file_line_and_column(tmp_path):
    path = _write(
        tmp_path,
        HEADER,
        'F001,visit,"A claim <img src=x onerror=alert(1)>",,2023-07-16,'
        "https://www.dawn.com/news/1,Dawn,,high,see [here](https://x.org),",
    )
    with pytest.warns(data.MarkupWarning) as caught:
        data.read_rows(data.DATASETS["facts"], path)
    messages = [str(w.message) for w in caught]
    assert any("line 2: column 'claim'" in m and "<img" in m for m in messages), messages
    assert any("line 2: column 'note'" in m for m in messages), messages


def test_the_course_data_has_no_markup_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error", data.MarkupWarning)
        for dataset in data.DATASETS.values():
            data.read_rows(dataset, data.DATA_DIR / dataset.filename)
