"""Synthetic archives for benchmarks: realistic sizes, every type, deterministic.

Written into a temporary folder at run time; nothing synthetic is ever committed outside tests/.
By default the text is drawn from a few dozen words (``WORDS``, ``FR``, ``AR``), each on nearly every page: the
worst case for a search index. ``make_archive(..., words_from=REPO)`` draws it instead from the words of
REPO's own entries with their observed frequencies (``real_vocabularies``): a word distribution, not facts.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
import shutil
from collections import Counter
from pathlib import Path
from typing import NamedTuple

import yaml

WORDS = ("regulator operator calls internet licence block users campaign petition court decree "
         "network mobile data wifi boycott statement minister report cost lifting association "
         "subscribers application voice video free service market revenue week month official "
         "appeal hearing lawyer rights freedom communication access telephony platform").split()
FR = "le la les des appels opérateurs régulateur blocage gratuit internet téléphonie décision".split()
AR = "حجب المكالمات الإنترنت المغرب الوكالة الاتصالات قرار المستخدمين".split()
TYPES = ("article", "statement", "social-post", "petition", "report", "legal", "video")
PAGES = {
    "index.md": "# Synthetic archive\n\n--8<-- \"languages.md\"\n\n--8<-- \"home.md\"\n",
    "ban-in-brief.md": "# The ban in brief\n\nSynthetic.\n",
    "methodology.md": "# Methodology\n\n## Corrections\n\nSynthetic.\n",
    "contributing.md": "# Contribute\n\nSynthetic.\n",
    "data.md": "# Data\n\nSynthetic.\n\n--8<-- \"dataset.md\"\n",
    "start-your-own.md": "# Start your own archive\n\nSynthetic.\n",
}


SYNTHETIC = {"en": WORDS, "fr": FR, "ar": AR}
WORD = re.compile(r"[^\W_]+")  # letters and digits: "l'Internet" is two words, as a search index sees it


class Vocabulary(NamedTuple):
    """Words and their cumulative counts, for ``random.choices``: each word drawn as often as it was seen."""
    words: tuple[str, ...]
    cum: tuple[int, ...]


def real_vocabularies(repo: Path) -> dict[str, Vocabulary]:
    """The words of ``repo``'s entries (evidence/entries/**/*.yaml) per language, with their frequencies.

    English: title, summary, notes and an English original title; French and Arabic: the entry's translations
    into them and an original title in them. Words are lower-cased (the generated text capitalises its own).
    """
    counts: dict[str, Counter] = {lang: Counter() for lang in SYNTHETIC}
    for path in sorted((repo / "evidence" / "entries").rglob("*.yaml")):
        entry = yaml.safe_load(path.read_text("utf-8")) or {}
        texts = [("en", entry.get(k)) for k in ("title", "summary", "notes")]
        texts.append((entry.get("language"), entry.get("title_original")))
        for lang, fields in (entry.get("translations") or {}).items():
            texts += [(lang, fields.get(k)) for k in ("title", "summary", "notes") if isinstance(fields, dict)]
        for lang, text in texts:
            if lang in counts and isinstance(text, str):
                counts[lang].update(WORD.findall(text.lower()))
    return {lang: _vocabulary(c) for lang, c in counts.items()}


def _vocabulary(counts: Counter) -> Vocabulary:
    words = sorted(counts, key=lambda w: (-counts[w], w))  # a fixed order: the same archive for the same seed
    total, cum = 0, []
    for w in words:
        total += counts[w]
        cum.append(total)
    return Vocabulary(tuple(words), tuple(cum))


def _words(rng: random.Random, n: int, vocab=WORDS) -> str:
    if isinstance(vocab, Vocabulary):
        return " ".join(rng.choices(vocab.words, cum_weights=vocab.cum, k=n))
    return " ".join(rng.choice(vocab) for _ in range(n))


def _q(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def entry_yaml(rng: random.Random, i: int, media: list[tuple[str, str]] | None = None, vocab=None) -> str:
    """One realistic entry (about 1.6 KB of YAML); ``vocab``: the words per language (``SYNTHETIC`` by default).

    Lengths follow the real archive's means (November 2026, 97 entries): title 87 characters,
    summary 357 in 1.25 paragraphs, notes on 92% of entries at 795 characters, an original
    title on 57%.
    """
    words = vocab or SYNTHETIC
    en, fr, ar = words["en"], words["fr"], words["ar"]
    year = 2016 if i % 5 else 2017
    month, day = rng.randint(1, 12), rng.randint(1, 28)
    etype = "screenshot" if media else TYPES[i % len(TYPES)]
    lines = [f"type: {etype}", f"title: {_q(_words(rng, 11, en).capitalize())}",
             f'date: "{year}-{month:02d}-{day:02d}"' if i % 7 else f'date: "{year}-{month:02d}"',
             f'added: "2026-{1 + i % 11:02d}-{1 + i % 27:02d}"', f'language: "{("en", "fr", "ar")[i % 3]}"',
             "summary: |"] + [f"  {_words(rng, 43 if i % 4 else 26, en).capitalize()}.\n" for _ in range(1 if i % 4 else 2)]
    if i % 7 in (1, 3):
        lines.append(f"title_original: {_q(_words(rng, 8, fr))}")
    if i % 14 == 1:
        lines.append(f"quote: {{text: {_q(_words(rng, 6, fr))}, lang: fr, translation: {_q(_words(rng, 6, en))}}}")
    if i % 7 in (2, 4):
        lines.append(f"title_original: {_q(_words(rng, 6, ar))}")
    lines.append(f"source: {{url: \"https://example.org/{i}\", publisher: {_q(_words(rng, 2, en).title())}}}")
    if etype == "statement":
        lines.append(f"speaker: actor-{i % 20}")
    if etype == "petition":
        lines.append(f"signatures: {{count: {rng.randint(100, 50000)}, as_of: \"{year}\"}}")
    lines.append(f"actors: [actor-{(i + 1) % 20}, actor-{(i + 7) % 20}]")
    lines.append(f"tags: [tag-{i % 20}, tag-{(i + 3) % 20}]")
    if i > 10 and i % 4 == 0:
        lines.append(f"related: [e{i - 5:05d}]")
    if i % 12:
        lines += ["notes: |", f"  {_words(rng, 55, en).capitalize()}.\n", f"  {_words(rng, 50, en).capitalize()}."]
    if media:
        lines.append("media:")
        for file, sha in media:
            lines += [f'  - file: "{file}"', f'    sha256: "{sha}"', f"    alt: {_q(_words(rng, 8, en))}"]
    return "\n".join(lines) + "\n"


def make_archive(root: Path, entries: int, images: int = 0, image_maker=None, seed: int = 0,
                 site_files_from: Path | None = None, words_from: Path | None = None) -> Path:
    """Write a synthetic repository at ``root``; ``image_maker(path, index)`` writes image files;
    ``words_from``: a repository whose entries' words (``real_vocabularies``) make the text."""
    rng = random.Random(seed)
    vocab = real_vocabularies(words_from) if words_from else SYNTHETIC
    en, fr = vocab["en"], vocab["fr"]
    ev = root / "evidence"
    (ev / "entries").mkdir(parents=True, exist_ok=True)
    (ev / "media").mkdir(exist_ok=True)
    (ev / "actors.yaml").write_text("".join(
        f"actor-{k}: {{name: {_q(_words(rng, 3, en).title())}, kind: operator, translations: {{fr: {{name: {_q(_words(rng, 2, fr))}}}}}}}\n"
        for k in range(20)), "utf-8")
    (ev / "tags.yaml").write_text("".join(f"tag-{k}: {{label: {_q(_words(rng, 2, en).title())}}}\n" for k in range(20)), "utf-8")
    every = entries // images if images else 0
    made = 0
    for i in range(entries):
        media = None
        if every and i % every == 0 and made < images:
            name = f"img/{made:05d}.jpg"
            path = ev / "media" / name
            path.parent.mkdir(parents=True, exist_ok=True)
            image_maker(path, made)
            media = [(name, hashlib.sha256(path.read_bytes()).hexdigest())]
            made += 1
        folder = ev / "entries" / f"{2016 + i % 2}"
        folder.mkdir(exist_ok=True)
        (folder / f"e{i:05d}.yaml").write_text(entry_yaml(rng, i, media, vocab), "utf-8")
    if site_files_from:
        copy_site_files(site_files_from, root)
        for lang in ("", "fr/", "ar/"):  # every language of mkdocs.yml needs the hand-written pages
            (root / "content" / lang).mkdir(parents=True, exist_ok=True)
            for name, text in PAGES.items():
                (root / "content" / lang / name).write_text(text, "utf-8")
    return root


# mkdocs.yml's archive content (the timeline's period, the home summary) names this archive's entries
STORY_START = "    # Archive content, checked by the build"
STORY_END = "    # (end of the archive content"


def without_story(config: str) -> str:
    """mkdocs.yml's text without the archive content between its two marker comments (the end marker is kept)."""
    start, end = config.find(STORY_START), config.find(STORY_END)
    return config if start < 0 or end < start else config[:start] + config[end:]


def copy_site_files(repo: Path, root: Path) -> None:
    """Copy what MkDocs needs besides pages from ``repo`` to ``root``: config (without this archive's story),
    hook, theme overrides, CSS."""
    (root / "mkdocs.yml").write_text(without_story((repo / "mkdocs.yml").read_text("utf-8")), "utf-8")
    (root / "scripts" / "publish").mkdir(parents=True, exist_ok=True)
    shutil.copy(repo / "scripts" / "publish" / "hooks.py", root / "scripts" / "publish" / "hooks.py")
    shutil.copytree(repo / "overrides", root / "overrides", dirs_exist_ok=True)
    shutil.copytree(repo / "content" / "assets", root / "content" / "assets", dirs_exist_ok=True)
