"""helpers.publish.scaffold: a new notebook starts out passing the template lint and running."""

import pytest

from helpers import notebooks
from helpers.checks import rules
from helpers.publish import execute, scaffold


def test_scaffold_passes_lint_and_executes(tmp_path):
    path = scaffold.scaffold("09-trade-routes", "Trade routes", folder=tmp_path)
    nb = notebooks.read(path)
    assert rules.template_problems(nb) == []
    assert notebooks.outline(nb).title == "Trade routes"
    execute.execute(nb, path.name, timeout=60)


def test_scaffold_refuses_bad_names_and_overwrites(tmp_path):
    with pytest.raises(ValueError, match="NN-lowercase-words"):
        scaffold.scaffold("Trade Routes", "x", folder=tmp_path)
    scaffold.scaffold("09-x", "x", folder=tmp_path)
    with pytest.raises(FileExistsError):
        scaffold.scaffold("09-x", "x", folder=tmp_path)
    assert scaffold.main(["bad name", "x"]) == 2
