"""Live presenting: JupyterLab has RISE, so a teacher presents any notebook as slides."""

from __future__ import annotations

import subprocess
import sys

# `jupyter labextension list`, without the ~2 s jsonschema spends at import compiling the
# grammars of the optional rfc3987_syntax package (notebooks.skip_iri_grammars; as
# tests/test_lab.py starts JupyterLab): the same listing, half the CPU.
LIST_EXTENSIONS = (
    "import sys; from helpers.notebooks import skip_iri_grammars; skip_iri_grammars();"
    " from jupyterlab.labextensions import main; sys.argv[1:] = ['list']; sys.exit(main())"
)


def test_jupyterlab_rise_is_installed_and_enabled():
    listing = subprocess.run(
        [sys.executable, "-c", LIST_EXTENSIONS], capture_output=True, text=True, timeout=60
    )
    text = listing.stdout + listing.stderr
    line = next((row for row in text.splitlines() if "jupyterlab-rise" in row), "")
    assert "enabled" in line and "OK" in line, text
