"""The seed article is stored byte for byte and its provenance is recorded."""

import hashlib
import re

from helpers import article
from helpers.data import REPO_DIR


def test_seed_matches_recorded_sha256():
    digest = hashlib.sha256(article.SEED_PATH.read_bytes()).hexdigest()
    readme = (REPO_DIR / "seeds" / "README.md").read_text(encoding="utf-8")
    recorded = re.search(r"SHA-256 \| `([0-9a-f]{64})`", readme).group(1)
    assert digest == recorded == article.SEED_SHA256 == article.sha256()


def test_seed_readme_names_its_sources():
    readme = (REPO_DIR / "seeds" / "README.md").read_text(encoding="utf-8")
    for needle in ("londonpost.news", "PTI", "ISPR", "16 July 2023", "publisher"):
        assert needle in readme
