"""helpers.publish.datapages: the data as pages, and row ids in pages linked to their rows."""

from __future__ import annotations

import re

from helpers import data, markup
from helpers.publish import datapages


def test_ids_in_text_become_links_and_nothing_else_changes():
    page = (
        '<p>ISPR said so (F015; see also E030 and F999).</p><a href="x">F015</a>'
        '<img alt="F015 in an attribute"><script>var id = "F015";</script><code>F015</code>'
    )
    linked = markup.link_ids(page, {"F015", "E030"})
    assert linked.count('<a href="../data/facts.html#F015">F015</a>') == 1
    assert '<a href="../data/events.html#E030">E030</a>' in linked
    assert "F999" in linked and "#F999" not in linked  # not a row: left as text
    assert 'alt="F015 in an attribute"' in linked and 'var id = "F015"' in linked
    assert "<code>F015</code>" in linked and '<a href="x">F015</a>' in linked


def test_a_data_page_has_an_anchor_per_row_and_escapes_every_value(tmp_path):
    header = (
        "id,topic,claim,value,date,source_url,source_outlet,source_date,confidence,note,claimed_by"
    )
    (tmp_path / "facts.csv").write_text(
        header + "\nF001,visit,<b>bold</b> & more,,2023-07-16,https://www.dawn.com/x?a=1&b=2,"
        "Dawn,,high,,\n",
        encoding="utf-8",
    )
    page = datapages.data_page("facts", tmp_path)
    assert '<tr id="F001">' in page
    assert "&lt;b&gt;bold&lt;/b&gt; &amp; more" in page and "<b>bold" not in page
    assert 'href="https://www.dawn.com/x?a=1&amp;b=2"' in page


def test_every_cited_kind_of_id_has_a_page_with_its_rows():
    pages = datapages.data_pages()
    ids = data.row_ids()
    facts = data.load_facts()
    assert set(facts["id"]) <= ids
    anchors = set(re.findall(r'<tr id="([^"]+)"', pages["data/facts.html"]))
    assert set(facts["id"]) == anchors
    assert {f"data/{n}.html" for n in markup.ID_PAGES.values()} <= set(pages)


def test_every_data_page_heads_its_columns_for_people_and_names_the_file_column():
    from helpers.tables import raw_headers

    pages = datapages.data_pages()
    assert {n: raw_headers(page) for n, page in pages.items() if raw_headers(page)} == {}
    facts = pages["data/facts.html"]
    assert '>Claimed by<br><code class="course-column">claimed_by</code></th>' in facts
    assert '>Source<br><code class="course-column">source_outlet</code></th>' in facts
    # the heading row is the columns of the file, every one, in order
    heads = re.findall(r'<code class="course-column">([^<]+)</code>', facts)
    assert heads == [c.name for c in data.DATASETS["facts"].columns]
