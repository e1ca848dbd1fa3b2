"""Live presenting: JupyterLab has RISE, so a teacher presents any notebook as slides."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def test_jupyterlab_rise_is_installed_and_enabled():
    jupyter = Path(sys.executable).with_name("jupyter")
    listing = subprocess.run(
        [str(jupyter), "labextension", "list"], capture_output=True, text=True, timeout=60
    )
    text = listing.stdout + listing.stderr
    line = next((row for row in text.splitlines() if "jupyterlab-rise" in row), "")
    assert "enabled" in line and "OK" in line, text
