"""The seed article: load it, clean off the web page's residue, and take it apart.

The seed in ``seeds/`` is kept byte-for-byte as captured. ``clean`` removes
only what the web page added (stray counters, blank-only lines, the missing
space after the dateline) and never changes a word of the reporting; a test
checks exactly that.

>>> paragraphs()[1][:30]
'TEHRAN: In a significant devel'
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from helpers.actors import mentions
from helpers.data import REPO_DIR, course_folder

if TYPE_CHECKING:
    import pandas as pd

SEED_NAME = "000_4ddd4b4e2e9e0105.txt"
# seeds/ is found as data/ is (helpers.data.data_dir): beside the package, else above the notebook
SEED_PATH = (course_folder("seeds", (SEED_NAME,)) or REPO_DIR / "seeds") / SEED_NAME
SEED_SHA256 = "5d675d4b08ea3f5ceccfc085bb4723f7022fb7f5f74190f1c613b04ef3777f12"

# Abbreviations after which a full stop does not end a sentence.
ABBREVIATIONS = ("Gen", "Maj", "Lt", "Col", "Brig", "Mr", "Mrs", "Dr", "St", "No", "U.S", "U.N")

_COUNTER = re.compile(r"\d+")
_DATELINE = re.compile(r"^([A-Z][A-Z .'-]+):(?=\S)")
_QUOTE = re.compile(r"“([^”]+)”|\"([^\"]+)\"")
_SAID_AFTER = re.compile(r"^[,.]?\s*(?:[,.]?”\s*)?(?P<who>[^,.“”]{2,60}?)\s+(?:said|says|added)\b")
_SAID_BEFORE = re.compile(r"(?P<who>[A-Z][^,“”]{1,60}?)\s+(?:said|says|added)[,:]?\s*$")


def load_raw(path: str | Path | None = None) -> str:
    """The seed article exactly as stored (UTF-8 text, page residue included)."""
    file = Path(path) if path is not None else SEED_PATH
    if not file.is_file():
        raise FileNotFoundError(f"no article at {file}; the seed lives in seeds/")
    return file.read_text(encoding="utf-8")


def sha256(path: str | Path | None = None) -> str:
    """The SHA-256 of the stored seed file, to compare with ``SEED_SHA256``."""
    file = Path(path) if path is not None else SEED_PATH
    return hashlib.sha256(file.read_bytes()).hexdigest()


def is_residue(line: str) -> bool:
    """True for a line the web page added: blank or non-breaking-space only, or a bare counter."""
    stripped = line.replace("\xa0", " ").strip()
    return stripped == "" or bool(_COUNTER.fullmatch(stripped))


def residue(raw: str | None = None) -> list[str]:
    """The non-blank lines ``clean`` drops (the page's stray counters), in order."""
    text = load_raw() if raw is None else raw
    return [line.strip() for line in text.splitlines() if is_residue(line) and line.strip()]


def clean(raw: str | None = None) -> str:
    """The article without page residue: one blank line between paragraphs.

    Drops blank-only lines (including a lone non-breaking space) and bare
    counters, and puts the missing space after the dateline ("TEHRAN:In").
    Every word of the reporting is kept as it is.
    """
    text = load_raw() if raw is None else raw
    kept = [line.rstrip() for line in text.replace("\r\n", "\n").split("\n")]
    kept = [_DATELINE.sub(r"\1: ", line) for line in kept if not is_residue(line)]
    return "\n\n".join(kept) + "\n"


def paragraphs(text: str | None = None) -> list[str]:
    """The cleaned article's paragraphs, headline first (numbered from 1 in tables)."""
    body = clean() if text is None else text
    return [p.strip() for p in re.split(r"\n\s*\n", body) if p.strip()]


def is_heading(paragraph: str) -> bool:
    """A heading is short and does not end like a sentence."""
    return len(paragraph.split()) <= 20 and not re.search(r"[.!?][”\"’)]?$", paragraph)


def sentences(paragraph: str) -> list[str]:
    """Split one paragraph into sentences, keeping quotation marks with their sentence.

    >>> sentences("Gen. Munir arrived. He met Raisi.")
    ['Gen. Munir arrived.', 'He met Raisi.']
    """
    out: list[str] = []
    start = 0
    for match in re.finditer(r"[.!?][”\"’]?\s+(?=[“\"‘A-Z])", paragraph):
        before = paragraph[start : match.start()]
        last_word = before.split()[-1] if before.split() else ""
        if last_word.rstrip(".") in ABBREVIATIONS or re.fullmatch(r"[A-Z]", last_word):
            continue
        out.append(paragraph[start : match.end()].strip())
        start = match.end()
    tail = paragraph[start:].strip()
    if tail:
        out.append(tail)
    return out


@dataclass(frozen=True)
class Quote:
    """A passage in quotation marks, where it stands, and who the text says spoke it."""

    paragraph: int
    text: str
    speaker: str | None


def _speaker(sentence: str, quote_start: int, quote_end: int) -> str | None:
    after = _SAID_AFTER.match(sentence[quote_end:])
    if after:
        return after.group("who").strip()
    before = _SAID_BEFORE.search(sentence[:quote_start])
    return before.group("who").strip() if before else None


def quotations(text: str | None = None) -> list[Quote]:
    """Every passage in double quotation marks, with the speaker the sentence names.

    ``speaker`` is the words the article uses ("the Iranian president") or
    None when the article names nobody, which is itself worth noticing.
    """
    found: list[Quote] = []
    for number, paragraph in enumerate(paragraphs(text), start=1):
        for sentence in sentences(paragraph):
            for match in _QUOTE.finditer(sentence):
                words = (match.group(1) or match.group(2)).strip()
                found.append(Quote(number, words, _speaker(sentence, match.start(), match.end())))
    return found


def structure(text: str | None = None) -> pd.DataFrame:
    """One row per paragraph: number, kind, words, sentences, first words, actors named."""
    import pandas as pd

    rows = []
    for number, paragraph in enumerate(paragraphs(text), start=1):
        heading = is_heading(paragraph)
        rows.append(
            {
                "paragraph": number,
                "kind": ("headline" if number == 1 else "subheadline") if heading else "body",
                "words": len(paragraph.split()),
                "sentences": 0 if heading else len(sentences(paragraph)),
                "first_words": " ".join(paragraph.split()[:4]),
                "actors": ", ".join(sorted(mentions(paragraph))),
            }
        )
    return pd.DataFrame(rows)


def actor_mentions(text: str | None = None) -> pd.DataFrame:
    """Mentions per paragraph and actor (long form: paragraph, actor, mentions)."""
    import pandas as pd

    rows = [
        {"paragraph": number, "actor": actor, "mentions": count}
        for number, paragraph in enumerate(paragraphs(text), start=1)
        for actor, count in sorted(mentions(paragraph).items())
    ]
    return pd.DataFrame(rows, columns=["paragraph", "actor", "mentions"])


def voices(text: str | None = None) -> pd.DataFrame:
    """``structure()`` joined with ``data/article_sources.csv``: who speaks in each paragraph.

    Raises DataError if the data file's ``first_words`` no longer match the
    article (for example after the seed or the cleaning changed).
    """
    from helpers.data import DataError, load_article_sources

    layout = structure(text)
    sources = load_article_sources()
    merged = layout.merge(sources, on="paragraph", how="left", suffixes=("", "_data"))
    for row in merged.itertuples():
        if not isinstance(row.voice, str):
            raise DataError(f"data/article_sources.csv: no row for paragraph {row.paragraph}")
        found = paragraphs(text)[row.paragraph - 1]
        if not found.startswith(row.first_words_data):
            raise DataError(
                f"data/article_sources.csv, paragraph {row.paragraph}: first words "
                f"{row.first_words_data!r} do not match the article's {found[:40]!r}"
            )
    return merged.drop(columns=["first_words_data"])


def word_counts(words: list[str], text: str | None = None) -> pd.DataFrame:
    """How often each of ``words`` appears (whole word, case-sensitive) in each paragraph.

    >>> word_counts(["Raisi", "Raeisi"]).sum().to_dict()["Raeisi"]
    4
    """
    import pandas as pd

    rows = []
    for number, paragraph in enumerate(paragraphs(text), start=1):
        counts = {w: len(re.findall(rf"(?<!\w){re.escape(w)}(?!\w)", paragraph)) for w in words}
        rows.append({"paragraph": number, **counts})
    return pd.DataFrame(rows).set_index("paragraph")
