"""The pages show who makes each claim: every table row of a party's claim names the party."""

import html
import re

import pytest
from conftest import NOTEBOOK_IDS, executed_notebook

from helpers import data

pytestmark = pytest.mark.notebook

ROW = re.compile(r"<tr>\s*<th[^>]*>([FE]\d{3})</th>(.*?)</tr>", re.S)


def _shown_rows(nb):
    """(id, the row's cells as text) for every table row indexed by a fact or event id."""
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            page = "".join(output.get("data", {}).get("text/html", ""))
            for row_id, cells in ROW.findall(page):
                yield row_id, html.unescape(re.sub(r"<[^>]+>", " ", cells))


@pytest.mark.parametrize("stem", [s for s in NOTEBOOK_IDS if s.startswith(("04", "05"))])
def test_every_claim_shown_in_a_table_names_its_claimant(stem):
    facts = data.load_facts().set_index("id")
    events = data.load_events().set_index("id")
    nb, _ = executed_notebook(stem)
    checked = 0
    for row_id, text in _shown_rows(nb):
        table = facts if row_id.startswith("F") else events
        column = "claim" if row_id.startswith("F") else "event"
        if row_id not in table.index or not table.loc[row_id, "claimed_by"]:
            continue
        shown = data.attributed(table.loc[row_id, column], table.loc[row_id, "claimed_by"])
        if table.loc[row_id, column] in text or shown in text:
            assert shown in text, f"{stem}: row {row_id} is shown without its claimant"
            checked += 1
    assert checked > 0
