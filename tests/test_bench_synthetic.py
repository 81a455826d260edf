"""The synthetic archive's two texts (scripts/bench/synthetic.py): the default few words, unchanged, and the
opt-in realistic text drawn from this repository's own entries with their frequencies (issue 17)."""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from pathlib import Path

import yaml

from conftest import REPO
from scripts.bench import synthetic
from scripts.bench.synthetic import make_archive, real_vocabularies

FIELDS = ("title", "summary", "notes")


def _digest(root: Path) -> str:
    h = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        h.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes())
    return h.hexdigest()


def _entries(root: Path) -> list[dict]:
    return [yaml.safe_load(p.read_text("utf-8")) for p in sorted((root / "evidence" / "entries").rglob("*.yaml"))]


def _words(text: str) -> list[str]:
    return synthetic.WORD.findall(text.lower())


def test_the_default_text_is_byte_for_byte_what_it_was(tmp_path):
    """Other benches and tests build on the default archive: its bytes (digest taken before the option) stay."""
    assert _digest(make_archive(tmp_path / "a", 60)) == "5506aabb6d58d07554be3d682475c0e3052ca81d1ea19759c51b6f3ca848d1c4"


def test_the_real_vocabularies_are_the_entries_words_with_their_counts():
    vocab = real_vocabularies(REPO)
    counts = Counter()
    for entry in _entries(REPO):
        for key in FIELDS:
            counts.update(_words(entry.get(key) or ""))
        if entry.get("language") == "en":
            counts.update(_words(entry.get("title_original") or ""))
    en = vocab["en"]
    got = dict(zip(en.words, (b - a for a, b in zip((0,) + en.cum, en.cum))))
    assert got == dict(counts)  # every word, each with the number of times the entries hold it
    assert len(vocab["fr"].words) > 1000 and len(vocab["ar"].words) > 1000
    assert "opérateurs" in vocab["fr"].words and "المكالمات" in vocab["ar"].words
    assert "في" in vocab["ar"].words[:3] and "de" in vocab["fr"].words[:3]  # each language's most common words


def test_the_realistic_text_keeps_the_structure_and_lengths(tmp_path):
    plain = _entries(make_archive(tmp_path / "plain", 200))
    real = _entries(make_archive(tmp_path / "real", 200, words_from=REPO))
    assert [sorted(e) for e in plain] == [sorted(e) for e in real]  # the same fields on the same entries
    for a, b in zip(plain, real):
        for key in (*FIELDS, "title_original"):
            if key in a:
                assert len(a[key].split()) == len(b[key].split()), (key, a[key], b[key])
    assert _digest(tmp_path / "real") == _digest(make_archive(tmp_path / "again", 200, words_from=REPO))


def test_words_fall_on_pages_as_their_frequency_makes_them(tmp_path):
    """Each field draws from its language's words; a common word is on most entries, a rare one on few."""
    vocab = real_vocabularies(REPO)
    real = _entries(make_archive(tmp_path / "real", 400, words_from=REPO))
    english = set(vocab["en"].words)
    for e in real:
        assert set(_words(e["summary"] + e.get("notes", ""))) <= english
    arabic = [e["title_original"] for e in real if re.search("[\u0600-\u06ff]", e.get("title_original", ""))]
    assert arabic and all(set(_words(t)) <= set(vocab["ar"].words) for t in arabic)
    on = Counter(w for e in real for w in set(_words(e["summary"])))
    assert on["the"] > 0.9 * len(real)  # the most frequent English word of the entries
    assert 0 < on["regulator"] < 0.3 * len(real)
    assert len(on) > 1000  # against the default text's 40 words
