"""The course's editorial checks: what a learner reads, checked the way code is.

One command runs them all and prints each hit with its notebook, cell and a fix:

    python -m helpers.checks                 # every check (output checks read build/)
    python -m helpers.checks --only now      # one check: template, citations, markdown,
                                             # acronyms, visible-code, now, weekdays,
                                             # outputs, sources, links, spelling, source-mix
    make checks                              # build first, then every check (make test runs it)

The rules live in these modules, the tests exercise each of them on bad examples:

- :mod:`helpers.checks.rules`: outputs, citations, Markdown, acronyms, visible code,
  weekdays beside dates (in notebooks and data rows), the notebook template;
- :mod:`helpers.checks.sections`: each notebook's Sources section lists the page of every row
  it cites, with outlet, date and a readable title, and only addresses ``data/`` gives;
- :mod:`helpers.checks.surface`: the URL rules on every link in notebooks and outputs,
  acronyms in outputs and on the home page (``build/index.html``), one spelling per name;
- :mod:`helpers.checks.horizon`: "now", "currently", "still", "today" need an "as of";
- :mod:`helpers.checks.sources`: every party to a topic is heard through its own outlets,
  and ``data/README.md`` shows the current source mix;
- :mod:`helpers.checks.currency`: a report, not a pass/fail rule: every current office
  holder and actor's "later" with its last-confirmed date (``make currency``).

The output checks read the executed notebooks the build wrote
(``build/notebooks/instructor/``); ``make course`` makes them.

>>> Hit("now", "01-x.ipynb", 3, "'still' with no date", "say 'as of ...'").line()
"01-x.ipynb, cell 3: [now] 'still' with no date\\n    fix: say 'as of ...'"
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# What to do about a hit of each check: the rule's own message says what is wrong.
HINTS = {
    "template": "follow the template in README.md ('Adding a notebook'); "
    "`python -m helpers.publish.scaffold` writes one",
    "citations": "label the link with the outlet and the date data/ gives its page "
    "(data.cite() writes it for you)",
    "markdown": "escape a dollar sign as \\$ so the page does not read it as maths",
    "acronyms": "add the term to data/glossary.csv with a source, or spell it out at first use",
    "visible-code": "show the cell that defines the name, or compute it in the visible cell",
    "now": "say 'as of <date>' or read the value from the data "
    "(data.facts_run_to(), offices.holders())",
    "weekdays": "check the date against its source and the calendar; fix the weekday or the date",
    "outputs": "format the value in a helper (helpers/tables.py, markup.text) or hide the cell's "
    "input; never print a Python repr",
    "sources": "list every cited row's page with its outlet, date and title: "
    "`python -m helpers.checks.sections --write` updates the section",
    "links": "cite the page's own clean address (no tracking parameters, no leftover host, "
    "not a site in data/not_sources.csv)",
    "spelling": "write the canonical name (data/actors.csv or data/places.csv); keep a variant "
    "only inside a quotation or an outlet's name",
    "source-mix": "add the party's own outlets' pages to data/facts.csv, or admit the gap in "
    "data/topic_parties.csv; then run tools/source_mix.py --write",
}
CHECKS = tuple(HINTS)
_CELL = re.compile(r"^cell (\d+): (.*)$", re.S)


@dataclass(frozen=True)
class Hit:
    """One problem one check found: where it is, what is wrong, and how to fix it."""

    check: str
    notebook: str
    cell: int | None
    problem: str
    hint: str

    def line(self) -> str:
        """The hit as the command prints it: place and problem, then the fix."""
        where = self.notebook if self.cell is None else f"{self.notebook}, cell {self.cell}"
        return f"{where}: [{self.check}] {self.problem}\n    fix: {self.hint}"


def _hits(check: str, notebook: str, problems: Iterable[str]) -> list[Hit]:
    """Turn a rule's messages (``"cell 4: ..."`` or whole-notebook ones) into hits."""
    found = []
    for problem in problems:
        match = _CELL.match(problem)
        cell, text = (int(match.group(1)), match.group(2)) if match else (None, problem)
        found.append(Hit(check, notebook, cell, text, HINTS[check]))
    return found


def source_checks(nb: Any, name: str) -> list[Hit]:
    """Every check that reads a notebook as committed (no outputs needed)."""
    from helpers.checks import horizon, rules, sections, surface

    found = _hits("template", name, rules.template_problems(nb))
    found += _hits("citations", name, rules.citation_problems(nb))
    found += _hits("markdown", name, rules.markdown_problems(nb))
    found += _hits("acronyms", name, rules.acronym_problems(nb, names=rules.outlet_words()))
    found += _hits("visible-code", name, rules.visible_code_problems(nb))
    found += _hits("weekdays", name, rules.weekday_problems(nb))
    found += _hits("sources", name, sections.section_problems(nb))
    found += _hits("links", name, surface.link_problems(nb))
    found += _hits("spelling", name, surface.spelling_problems(nb))
    found += [
        Hit("now", name, p.cell, str(p).split(": ", 1)[1], HINTS["now"])
        for p in horizon.lint(nb, name)
    ]
    return found


def output_checks(executed: Any, name: str) -> list[Hit]:
    """Every check that reads a notebook's outputs (the build's executed copy)."""
    from helpers.checks import rules, surface

    found = _hits("outputs", name, rules.output_problems(executed))
    found += _hits("links", name, surface.link_problems(executed, outputs=True))
    found += _hits("acronyms", name, surface.output_acronym_problems(executed))
    alt = [p for p in rules.template_problems(executed, executed=True) if "alt text" in p]
    return found + _hits("outputs", name, alt)


def source_mix_checks() -> list[Hit]:
    """The course-wide source checks (not tied to one notebook)."""
    from helpers import data
    from helpers.checks import sources

    readme = data.data_dir() / "README.md"
    found = [
        Hit(
            "source-mix",
            "data/topic_parties.csv",
            None,
            f"{topic}: no {state} outlet's page",
            HINTS["source-mix"],
        )
        for topic, state in sorted(
            set(sources.missing_own_sources()) - set(sources.declared_gaps())
        )
    ]
    text = readme.read_text(encoding="utf-8")
    if sources.readme_updated(text) != text:
        found.append(
            Hit(
                "source-mix",
                "data/README.md",
                None,
                "shows an outdated source mix table",
                HINTS["source-mix"],
            )
        )
    return found


def home_page_checks(page: Path) -> list[Hit]:
    """The acronym check on the built home page (``build/index.html``), if it is built."""
    from helpers.checks import surface

    if not page.is_file():
        return []
    problems = surface.page_acronym_problems(page.read_text(encoding="utf-8"))
    return [Hit("acronyms", "build/index.html", None, p, HINTS["acronyms"]) for p in problems]


def data_checks() -> list[Hit]:
    """The checks that read the data rows' text (a weekday beside a date)."""
    from helpers.checks import rules

    return [
        Hit("weekdays", f"{file}, line {line}", None, problem, HINTS["weekdays"])
        for file, line, problem in rules.weekday_row_problems()
    ]


def run(
    notebook_paths: Iterable[Path],
    executed_dir: Path | None,
    only: Iterable[str] = CHECKS,
    log: Callable[[str], Any] = print,
) -> list[Hit]:
    """Run the checks named in ``only`` over ``notebook_paths``; return every hit.

    ``executed_dir`` holds the executed copies (``<stem>.ipynb``) the output
    checks read; None, or a notebook missing there, skips the output checks
    for it with one logged line.
    """
    from helpers import notebooks

    wanted = set(only)
    unknown = wanted - set(CHECKS)
    if unknown:
        raise ValueError(f"no check {sorted(unknown)}; the checks are: {', '.join(CHECKS)}")
    found: list[Hit] = []
    for path in notebook_paths:
        nb = notebooks.read(path)
        found += [h for h in source_checks(nb, path.name) if h.check in wanted]
        if not {"outputs", "links", "acronyms"} & wanted:
            continue
        executed = executed_dir / path.name if executed_dir else None
        if executed is None or not executed.exists():
            log(f"{path.name}: outputs not checked (no executed copy; run `make course` first)")
            continue
        copy = notebooks.read(executed)
        if [c.source for c in copy.cells] != [c.source for c in nb.cells]:
            log(
                f"{path.name}: outputs not checked (the executed copy is of an older version; "
                "run `make course` first)"
            )
        else:
            found += [h for h in output_checks(copy, path.name) if h.check in wanted]
    if "acronyms" in wanted and executed_dir is not None:
        found += home_page_checks(executed_dir.parent.parent / "index.html")
    if "source-mix" in wanted:
        found += source_mix_checks()
    if "weekdays" in wanted:
        found += data_checks()
    return found


__all__ = [
    "data_checks",
    "home_page_checks",
    "CHECKS",
    "HINTS",
    "Hit",
    "output_checks",
    "run",
    "source_checks",
    "source_mix_checks",
]
