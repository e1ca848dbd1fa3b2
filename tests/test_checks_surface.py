"""The checks on everything a learner sees: Sources sections made from the cited rows, URL
rules on every link, acronyms in outputs and on the home page, one spelling per name.

Each test plants a bad case the check must catch, beside a good case it must pass.
"""

from __future__ import annotations

import time

import nbformat
import pytest
from conftest import NOTEBOOK_PATHS

from helpers import notebooks
from helpers.checks import sections, surface

new_code_cell, new_markdown = nbformat.v4.new_code_cell, nbformat.v4.new_markdown_cell
F015 = sections.rows()["F015"]["source_url"]
F112 = sections.rows()["F112"]["source_url"]


def notebook(*cells: str, sources: str) -> nbformat.NotebookNode:
    return nbformat.v4.new_notebook(
        cells=[*(new_markdown(c) for c in cells), new_markdown("## Sources\n\n" + sources)]
    )


# -- Sources sections ---------------------------------------------------------


def test_a_sources_section_that_omits_a_cited_row_is_caught_and_the_writer_adds_it():
    nb = notebook("ISPR announced the pledge (F015).", sources="- Other rows: see data/.")
    [problem] = sections.section_problems(nb)
    assert problem.startswith("cell 1: does not list the page of F015")
    assert sections.rewrite(nb)
    line = nb.cells[1].source.splitlines()[2]
    assert line.startswith("- Dawn, 16 Jul 2023: [") and line.endswith(f"]({F015}) (F015)")
    assert sections.section_problems(nb) == []
    assert not sections.rewrite(nb), "a second run changes nothing"


def test_a_garbled_link_a_wrong_id_and_a_cut_off_claim_are_caught():
    garbled = F112.rstrip("/") + "/fonts.googleapis.com"
    nb = notebook(
        "Pakistan recalled its ambassador (F112).",
        sources=f"- The Express Tribune, 17 Jan 2024: [Pakistan recalled its ambassador…]({F112})"
        f" (F112)\n- The Express Tribune, 17 Jan 2024: [title]({garbled}) (F112)\n"
        f"- Dawn, 16 Jul 2023: [title]({F015}) (F112)",
    )
    problems = sections.section_problems(nb)
    assert any(f"links {garbled}, an address no row in data/ gives" in p for p in problems)
    assert any(f"F112 beside {F015} is not that page's row" in p for p in problems)
    assert any("'Pakistan recalled its ambassador…'... is cut off" in p for p in problems)
    sections.rewrite(nb)
    assert garbled not in nb.cells[1].source and "…]" not in nb.cells[1].source


def test_a_title_is_read_from_the_address_in_the_rows_own_capitals():
    assert sections.title_from_url(F015).startswith("Pakistani iranian militaries vow")
    assert sections.title_from_url("https://amu.tv/80181/") == ""
    line = sections.sources_list(["F301"])[0]
    assert "[Pakistan to work with Iran on border issues COAS](" in line


@pytest.mark.parametrize("path", NOTEBOOK_PATHS, ids=[p.stem for p in NOTEBOOK_PATHS])
def test_every_notebook_lists_the_pages_of_the_rows_it_cites(path):
    nb = notebooks.read(path)
    assert sections.cited_ids(nb) or path.stem.startswith("00")
    assert sections.section_problems(nb) == []


# -- links --------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, complaint",
    [
        ("[x](https://www.cbc.ca/news/a-1.70?cmp=rss)", "tracking parameter ('cmp=')"),
        ("see https://tribune.com.pk/story/2492414/i.tribune.com.pk.", "ends in a host name"),
        ("[x](https://news.hanna-ai.com/en/story)", "which data/not_sources.csv lists"),
        ("[x](https://dawn.com:443/news/1)", "default port"),
    ],
)
def test_the_url_rules_apply_to_notebook_markdown(text, complaint):
    nb = nbformat.v4.new_notebook(cells=[new_markdown(text)])
    [problem] = surface.link_problems(nb)
    assert problem.startswith("cell 0: ") and complaint in problem


def test_the_url_rules_apply_to_outputs_but_not_to_a_scripts_escaped_text():
    cell = new_code_cell("x")
    bad = '<a href="https://x.com/a?utm_source=feed">x</a>'
    script = '<script>{"u": "https:\\/\\/dawn.com\\/news\\/1\\/"}</script>'
    cell.outputs = [nbformat.v4.new_output("display_data", {"text/html": bad + script})]
    nb = nbformat.v4.new_notebook(cells=[new_markdown("lead-in"), cell])
    [problem] = surface.link_problems(nb, outputs=True)
    assert "cell 1: https://x.com/a?utm_source=feed has a tracking parameter" in problem
    assert surface.link_problems(nb) == [], "markdown-only by default"


# -- acronyms in outputs and on the home page ---------------------------------


def output_notebook(html: str) -> nbformat.NotebookNode:
    cell = new_code_cell("table(x)")
    cell.outputs = [nbformat.v4.new_output("display_data", {"text/html": html})]
    return nbformat.v4.new_notebook(cells=[new_markdown("lead-in"), cell])


def test_an_abbreviation_in_a_table_must_be_in_the_glossary():
    nb = output_notebook("<table><tr><td>the BLA was named an XQZT</td></tr></table>")
    glossary = {"BLA": "Balochistan Liberation Army"}
    assert surface.output_acronym_problems(nb, glossary=glossary, names=()) == [
        "cell 1: an output shows 'XQZT', which is not in data/glossary.csv"
    ]
    headline = output_notebook("<p>TEHRAN (AP) -- the BLA said</p>")
    assert surface.output_acronym_problems(headline, glossary=glossary, names={"AP"}) == []


def test_the_home_page_spells_out_or_links_each_abbreviation():
    glossary = {"PTI": "Press Trust of India", "AP": "Associated Press"}
    bad = "<li>compare how PTI and AP reported it</li>"
    assert surface.page_acronym_problems(bad, glossary=glossary) == [
        "'PTI' is not spelt out or linked to the glossary",
        "'AP' is not spelt out or linked to the glossary",
    ]
    link = '<a href="html/00-start-here.html#glossary">PTI</a>'
    good = f"<li>compare how {link} and the Associated Press reported it</li>"
    assert surface.page_acronym_problems(good, glossary=glossary) == []


def test_the_home_page_keeps_an_objectives_glossary_link():
    from helpers.publish.site import _objective

    html = _objective(
        "compare how [PTI](00-start-here.ipynb#glossary) & [Dawn](https://dawn.com) did"
    )
    assert html == ('compare how <a href="html/00-start-here.html#glossary">PTI</a> &amp; Dawn did')


# -- one spelling per name ----------------------------------------------------


def test_a_spelling_variant_in_the_course_voice_is_caught_but_not_in_a_quote_or_a_title():
    found = {"Jaysh al-Adl": "Jaish al-Adl", "Raeisi": "Ebrahim Raisi"}
    nb = nbformat.v4.new_notebook(
        cells=[
            new_markdown("Jaysh al-Adl claimed the attack."),
            new_markdown('Dawn wrote "Jaysh al-Adl"; see [Raeisi: a speech](https://x.com/a).'),
            new_markdown("## Sources\n\n- IRNA: [Raeisi meets Munir](https://x.com/b)"),
        ]
    )
    assert surface.spelling_problems(nb, found) == ["cell 0: 'Jaysh al-Adl' for 'Jaish al-Adl'"]


def test_variants_come_from_the_aliases_in_data_and_shortenings_are_not_variants():
    found = surface.variants()
    assert found.get("Jaysh al-Adl") == "Jaish al-Adl"
    assert found.get("Ebrahim Raeisi") == "Ebrahim Raisi"
    assert "Munir" not in found and "COAS" not in found and "Raisi" not in found
    # a place's other spellings (places.csv's aliases): Tasnim's "Kuh-e Sabz"
    assert found.get("Kuh-e Sabz") == "Koh-i-Sabz"


def test_a_place_spelt_another_way_in_the_course_voice_is_caught():
    nb = nbformat.v4.new_notebook(
        cells=[
            new_markdown("The missile hit a house in Kuh-e Sabz."),
            new_markdown('Tasnim named the area "Kuh-e Sabz".'),
        ]
    )
    assert surface.spelling_problems(nb) == ["cell 0: 'Kuh-e Sabz' for 'Koh-i-Sabz'"]


def test_the_new_checks_are_fast_over_the_whole_course():
    start = time.perf_counter()
    for path in NOTEBOOK_PATHS:
        nb = notebooks.read(path)
        sections.section_problems(nb)
        surface.link_problems(nb)
        surface.spelling_problems(nb)
    assert time.perf_counter() - start < 2.0


def test_a_mixed_case_abbreviation_like_mou_is_seen_by_the_prose_lint():
    from helpers.checks import rules

    glossary = {"MoU": "Memorandum of Understanding"}
    bad = nbformat.v4.new_notebook(cells=[new_markdown("The Islamabad MoU set 60 days.")])
    [problem] = rules.acronym_problems(bad, glossary=glossary)
    assert "'MoU' is used before it is explained" in problem
    good = nbformat.v4.new_notebook(
        cells=[new_markdown("The Islamabad Memorandum of Understanding (MoU) set 60 days.")]
    )
    assert rules.acronym_problems(good, glossary=glossary) == []


def test_the_writer_links_an_agency_in_an_outlet_label_to_the_glossary_once():
    section = (
        "## Sources\n\n- UrduPoint (APP), 1 Jan 2024: [APP story](https://x.com/a)\n"
        "- Sindh Post (APP), 2 Jan 2024: [t](https://x.com/b)"
    )
    lines = sections.link_terms(section).splitlines()
    assert lines[2].startswith("- UrduPoint ([APP](00-start-here.ipynb#glossary)), 1 Jan")
    assert lines[2].endswith("[APP story](https://x.com/a)"), "a title is left as it is"
    assert lines[3].startswith("- Sindh Post (APP),"), "only the first use is linked"
