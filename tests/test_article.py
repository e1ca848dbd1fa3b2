"""helpers.article: cleaning keeps every word; structure, quotations, voices."""

import pytest

from helpers import article
from helpers.data import DataError

RAW = (
    "Headline here\n\n0\n234\n\n"
    "LONDON:It rained. Gen. Smith said “go home,” loudly.\n\n\xa0\n\nEnd.\n"
)


def test_clean_drops_counters_blank_lines_and_fixes_dateline():
    cleaned = article.clean(RAW)
    assert "\n0\n" not in cleaned and "234" not in cleaned and "\xa0" not in cleaned
    assert "LONDON: It rained." in cleaned
    assert article.paragraphs(cleaned) == [
        "Headline here",
        "LONDON: It rained. Gen. Smith said “go home,” loudly.",
        "End.",
    ]


def test_cleaning_the_seed_changes_no_word_of_reporting():
    raw = article.load_raw()
    residue = set(article.residue(raw))
    raw_words = [w for w in raw.replace("TEHRAN:In", "TEHRAN: In").split() if w not in residue]
    assert raw_words == article.clean(raw).split()
    assert article.residue(raw) == ["0", "234"]


def test_cleaned_seed_has_no_residue_lines():
    assert not any(article.is_residue(line) for line in article.clean().split("\n\n") if line)


def test_sentences_respect_abbreviations_and_quotes():
    text = "Gen. Munir arrived. “We agree,” he said. Then he left!"
    assert article.sentences(text) == [
        "Gen. Munir arrived.",
        "“We agree,” he said.",
        "Then he left!",
    ]


def test_quotations_find_speaker_or_none():
    quotes = article.quotations(article.clean(RAW))
    assert [(q.paragraph, q.text, q.speaker) for q in quotes] == [(2, "go home,", "Gen. Smith")]
    seed_quotes = article.quotations()
    assert any(q.speaker is None and "intelligence sharing" in q.text for q in seed_quotes)
    assert any(q.speaker == "the Iranian president" for q in seed_quotes)


def test_structure_marks_headlines_and_counts_words():
    table = article.structure()
    paragraphs = article.paragraphs()
    assert len(table) == len(paragraphs)
    assert table["words"].tolist() == [len(p.split()) for p in paragraphs]
    headings = table[table["kind"] != "body"]["paragraph"].tolist()
    assert headings == [
        n for n, p in enumerate(paragraphs, 1) if not p.rstrip().endswith((".", "”"))
    ]
    assert table.loc[0, "kind"] == "headline"


def test_actor_mentions_resolve_both_spellings_of_raisi():
    mentions = article.actor_mentions()
    raisi = mentions[mentions["actor"] == "Ebrahim Raisi"]
    counted = article.word_counts(["Raisi", "Raeisi"]).sum(axis=1)
    for row in raisi.itertuples():
        assert row.mentions >= counted[row.paragraph] > 0


def test_voices_cover_every_paragraph():
    voices = article.voices()
    assert voices["paragraph"].tolist() == list(range(1, len(article.paragraphs()) + 1))
    assert voices["voice"].notna().all()


def test_voices_detect_a_stale_data_file(tmp_path, monkeypatch):
    import shutil

    from helpers import data

    copy = shutil.copytree(data.DATA_DIR, tmp_path / "data")
    path = copy / "article_sources.csv"
    stale = path.read_text(encoding="utf-8").replace(
        "Both military commanders", "Both army commanders"
    )
    path.write_text(stale, encoding="utf-8")
    monkeypatch.setattr(data, "DATA_DIR", copy)
    with pytest.raises(DataError, match="paragraph 3: first words 'Both army commanders'"):
        article.voices()


def test_missing_seed_file_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="seeds/"):
        article.load_raw(tmp_path / "nope.txt")
