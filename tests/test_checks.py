"""helpers.checks.rules: each rule catches a bad example, and the course passes every rule."""

from __future__ import annotations

import shutil

import nbformat
import pandas as pd
import pytest
from conftest import NOTEBOOK_IDS, NOTEBOOK_PATHS, executed_notebook

from helpers import data, notebooks
from helpers.checks import rules
from helpers.data import DATA_DIR, DataError
from helpers.tables import table

new_code_cell, new_markdown = nbformat.v4.new_code_cell, nbformat.v4.new_markdown_cell


def with_output(output: dict) -> nbformat.NotebookNode:
    cell = new_code_cell("x")
    cell.outputs = [nbformat.from_dict(output)]
    return nbformat.v4.new_notebook(cells=[new_markdown("lead-in"), cell])


def plain(text: str) -> dict:
    return {"output_type": "execute_result", "execution_count": 1, "metadata": {},
            "data": {"text/plain": text}}  # fmt: skip


def html(frame_or_styler) -> dict:
    markup = frame_or_styler.to_html()
    return {"output_type": "display_data", "metadata": {}, "data": {"text/html": markup}}


# -- outputs ----------------------------------------------------------------


@pytest.mark.parametrize(
    "output, complaint",
    [
        (plain("claim    five districts\nName: F088, dtype: object"), "pandas Series"),
        (plain("(34, np.int64(3))"), "NumPy scalar"),
        (plain("<Figure size 640x480 with 1 Axes>"), "figure repr"),
        (plain("<helpers.widgets.Explorer object at 0x7f3a2b1c9d00>"), "memory address"),
        (plain("909.000000"), "prints 909.000000"),
        (html(table(pd.DataFrame({"speaker": [None], "text": ["a"]}))), "reads 'None'"),
        (html(table(pd.DataFrame({"speaker": [float("nan")]}))), "reads 'nan'"),
        (html(table(pd.DataFrame({"km": [909.0]}))), "reads 909.000000"),
        (html(pd.DataFrame({"n": [1]}, index=["pakistan-official"])), "code 'pakistan-official'"),
        (html(pd.DataFrame({"claim": ["a", "b"]})), "numeric index"),
    ],
)
def test_output_lint_catches_python_internals_and_raw_values(output, complaint):
    problems = rules.output_problems(with_output(output))
    assert problems and problems[0].startswith("cell 1: ")
    assert any(complaint in p for p in problems), problems


@pytest.mark.parametrize(
    "output",
    [
        plain("'34 facts on the visit, 3 of them with low confidence'"),
        plain("[(25.540683, 61.805651)]"),  # coordinates are neither counts nor money
        html(table(pd.DataFrame({"km": [909], "source": ["https://www.cbc.ca/a-1.7086549"]}))),
        html(table(pd.DataFrame({"lat": [25.540683], "name": ["Gwadar"]}))),
        html(pd.Series({1: 817, 2: 805}, name="km").rename_axis("every n-th point").to_frame()),
    ],
)
def test_output_lint_passes_readable_outputs(output):
    assert rules.output_problems(with_output(output)) == []


def test_output_lint_ignores_the_text_copy_of_a_rich_output():
    bundle = {"text/plain": "<Figure size 640x480 with 1 Axes>", "image/png": "iVBOR"}
    output = {"output_type": "display_data", "metadata": {}, "data": bundle}
    assert rules.output_problems(with_output(output)) == []


# -- citations --------------------------------------------------------------

PAGES = {
    "https://dawn.example/1": {"outlets": {"Dawn"}, "date": "2023-07-16", "inferred": False},
    "https://trt.example/2": {
        "outlets": {"TRT World (AP)"},
        "date": "2023-07-17",
        "inferred": True,
    },
    "https://it.example/3": {"outlets": {"Il Giornale d'Italia"}, "date": "", "inferred": False},
}


def cited(text: str) -> list[str]:
    nb = nbformat.v4.new_notebook(cells=[new_markdown(text)])
    return rules.citation_problems(nb, PAGES)


@pytest.mark.parametrize(
    "text, complaint",
    [
        ("([Dawn, 15 Jul 2023](https://dawn.example/1))", "dated '16 Jul 2023'"),
        ("([Reuters, 16 Jul 2023](https://dawn.example/1))", "does not name its outlet (Dawn)"),
        ("([TRT World, 17 Jul 2023](https://trt.example/2))", "'17 Jul 2023, date inferred'"),
        ("([Il Giornale d'Italia, Jun 2025](https://it.example/3))", "'undated page'"),
        ("- Dawn, 12 Jul 2023: [title](https://dawn.example/1)", "dated '16 Jul 2023'"),
    ],
)
def test_citation_lint_catches_a_label_that_disagrees_with_the_row(text, complaint):
    problems = cited(text)
    assert len(problems) == 1 and problems[0].startswith("cell 0: ")
    assert complaint in problems[0]


@pytest.mark.parametrize(
    "text",
    [
        "ISPR said so ([Dawn, 16 Jul 2023](https://dawn.example/1)).",
        "- AP via TRT World, 17 Jul 2023, date inferred: [title](https://trt.example/2)",
        "- Dawn, 15 Jul 2023: [a](https://x.example/); 16 Jul 2023: [b](https://dawn.example/1)",
        "[Il Giornale d'Italia, undated page](https://it.example/3)",
        "[a page the data does not cite](https://other.example/)",
    ],
)
def test_citation_lint_passes_labels_that_agree(text):
    assert cited(text) == []


def test_cite_and_the_lint_agree_on_an_inferred_date():
    facts = data.load_facts()
    inferred = facts[(facts["source_date"] != "") & facts["note"].str.contains("date inferred")]
    citation = data.cite(inferred["id"].iloc[0])
    assert citation.count(", date inferred]") == 1
    nb = nbformat.v4.new_notebook(cells=[new_markdown(citation)])
    assert rules.citation_problems(nb) == []


def test_one_page_has_one_date(tmp_path):
    for name in data.DATASETS.values():
        shutil.copy(DATA_DIR / name.filename, tmp_path / name.filename)
    assert data.source_pages(tmp_path) == data.source_pages()
    facts = (tmp_path / "facts.csv").read_text(encoding="utf-8")
    # F022 cites the AP story on TRT World, dated 17 Jul 2023 (inferred) by its other rows
    row = next(line for line in facts.splitlines() if line.startswith("F022,"))
    (tmp_path / "facts.csv").write_text(
        facts.replace(row, row.replace(",2023-07-17,medium,", ",,medium,")), encoding="utf-8"
    )
    with pytest.raises(DataError, match=r"F023 dates https://www\.trtworld\S+ .* F022 has blank"):
        data.source_pages(tmp_path)


# -- markdown that renders as written ----------------------------------------


def test_two_dollar_amounts_in_one_cell_are_caught_as_maths():
    text = "about $36m ([Daily Times](https://example.org/a)); about $700m"
    nb = nbformat.v4.new_notebook(cells=[new_markdown("fine"), new_markdown(text)])
    problems = rules.markdown_problems(nb)
    assert len(problems) == 1 and problems[0].startswith("cell 1: two '$' signs")
    nb.cells[1].source = text.replace("$", "\\$")
    assert rules.markdown_problems(nb) == []
    nb.cells[1].source = "one $36m figure and `code with $x and $y`"
    assert rules.markdown_problems(nb) == []
    output = {"output_type": "display_data", "metadata": {}, "data": {"text/markdown": text}}
    assert "pair up as maths" in rules.output_problems(with_output(output))[0]


# -- acronyms ---------------------------------------------------------------

GLOSSARY = {"ISPR": "Inter-Services Public Relations", "IRGC": "Islamic Revolutionary Guard Corps"}


def acronyms(*cells: str, names: tuple[str, ...] = ()) -> list[str]:
    nb = nbformat.v4.new_notebook(cells=[new_markdown(c) for c in cells])
    return rules.acronym_problems(nb, GLOSSARY, names)


def test_acronym_lint_names_notebook_cell_and_unknown_term():
    assert acronyms("Intro.", "The FBR said so.") == [
        "cell 1: 'FBR' is not in data/glossary.csv; add it there, or spell it out"
    ]


def test_acronym_lint_wants_an_explanation_at_first_use_only():
    problems = acronyms("The army's media wing, ISPR, said.", "ISPR again.")
    assert len(problems) == 1 and problems[0].startswith("cell 0: 'ISPR' is used before")
    assert acronyms("Inter-Services Public Relations (ISPR) said.", "ISPR again.") == []
    assert acronyms("[ISPR](00-start-here.ipynb#glossary) said.", "ISPR again.") == []


def test_acronym_lint_skips_quotes_code_link_titles_headlines_and_outlet_names():
    text = (
        'It was datelined "TEHRAN". Run `data.load_facts()` on a `CSV`. '
        "See [COAS meets Iranian FM](https://example.org/). He called it THE 12 DAY WAR. "
        "WION reported it."
    )
    assert acronyms(text, names=("WION",)) == []


def test_glossary_rows_are_sourced_and_every_course_term_is_there():
    glossary = data.load_glossary()
    assert glossary["term"].is_unique
    assert {"ISPR", "IRGC", "IRNA", "PTI", "COAS", "BLA", "TTP"} <= set(glossary["term"])
    assert glossary["source_url"].str.match(r"https?://").all()


# -- visible code -----------------------------------------------------------


def test_visible_code_check_catches_a_name_only_a_hidden_cell_defines():
    hidden = new_code_cell("died = 3")
    hidden.metadata["tags"] = ["hide-input"]
    nb = nbformat.v4.new_notebook(cells=[hidden, new_code_cell("print(died)")])
    assert rules.visible_code_problems(nb) == [
        "cell 1: uses 'died', which no cell shown on the page defines"
    ]
    nb.cells[0].metadata["tags"] = []
    assert rules.visible_code_problems(nb) == []


def test_a_folded_solution_counts_as_shown():
    solution = new_code_cell("answer = 42")
    solution.metadata.update(tags=["solution"], jupyter={"source_hidden": True})
    nb = nbformat.v4.new_notebook(cells=[solution, new_code_cell("display(answer)")])
    assert rules.visible_code_problems(nb) == []


# -- the course -------------------------------------------------------------


@pytest.mark.parametrize("path", NOTEBOOK_PATHS, ids=NOTEBOOK_IDS)
def test_course_citations_acronyms_and_visible_code_are_clean(path):
    nb = notebooks.read(path)
    names = rules.outlet_words()
    problems = (
        rules.citation_problems(nb)
        + rules.markdown_problems(nb)
        + rules.acronym_problems(nb, names=names)
        + rules.visible_code_problems(nb)
    )
    assert problems == [], f"{path.name}: " + "; ".join(problems)


@pytest.mark.notebook
@pytest.mark.parametrize("stem", NOTEBOOK_IDS)
def test_course_outputs_are_clean(stem):
    nb, _ = executed_notebook(stem)
    problems = rules.output_problems(nb)
    assert problems == [], f"{stem}: " + "; ".join(problems)


# -- weekdays ---------------------------------------------------------------


def test_a_weekday_the_calendar_contradicts_is_caught_in_prose_and_rows(tmp_path, monkeypatch):
    nb = nbformat.v4.new_notebook(
        cells=[
            new_markdown("Munir arrived on Friday 14 July 2023."),
            new_markdown("The crossing opened on 19 Dec 2020, a Monday."),
            new_markdown('A source wrote "Monday 14 July 2023" in error.'),  # its words
        ]
    )
    assert rules.weekday_problems(nb) == [
        "cell 1: '19 Dec 2020, a Monday': 19 Dec 2020 was a Saturday; fix the weekday or the date"
    ]
    # a row's date gives the year a weekday without one is checked against
    for name in ("facts.csv", "events.csv"):
        shutil.copy(DATA_DIR / name, tmp_path / name)
    facts = (tmp_path / "facts.csv").read_text(encoding="utf-8")
    bad = "F999,visit,Talks began on Tuesday 9 October,,2025-10-09,https://example.org/a,Dawn,,high,,\n"
    (tmp_path / "facts.csv").write_text(facts + bad, encoding="utf-8")
    monkeypatch.setenv("COURSE_DATA_DIR", str(tmp_path))
    lines = len(facts.splitlines()) + 1
    assert rules.weekday_row_problems() == [
        ("data/facts.csv", lines, "claim: 'Tuesday 9 October': 9 Oct 2025 was a Thursday")
    ]


def test_the_course_and_its_rows_have_no_wrong_weekday():
    assert rules.weekday_row_problems() == []
