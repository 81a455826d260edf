"""Shared fixtures: a throwaway repository with synthetic registries, entries and media."""

from __future__ import annotations

import shutil
import textwrap
from datetime import date
from pathlib import Path

import pytest

from scripts.evidence import load_archive
from scripts.bench.synthetic import STORY_END, copy_site_files

FIXTURES = Path(__file__).parent / "fixtures"
REPO = Path(__file__).resolve().parent.parent
TODAY = date(2026, 11, 27)

GOOD = """\
type: article
title: "Operators block internet calls"
date: "2016-01-07"
added: "2026-11-20"
summary: |
  A test summary with *emphasis* and a [link](https://example.org/a).
language: "fr"
source:
  url: "https://example.org/article"
  publisher: "Example Publisher"
actors: [anrt]
tags: [boycott]
"""


def png_bytes(size=(8, 6), color=(200, 30, 30)) -> bytes:
    """A small real PNG, for tests that need a valid image file."""
    import io

    from PIL import Image
    buf = io.BytesIO()
    Image.new("RGB", size, color).save(buf, "PNG")
    return buf.getvalue()


class Repo:
    """A temporary repository root holding evidence/ and content/."""

    def __init__(self, root: Path):
        self.root = root
        (root / "evidence" / "entries").mkdir(parents=True)
        (root / "evidence" / "media").mkdir()
        shutil.copy(FIXTURES / "actors.yaml", root / "evidence" / "actors.yaml")
        shutil.copy(FIXTURES / "tags.yaml", root / "evidence" / "tags.yaml")

    def entry(self, id: str, text: str = GOOD, year: str = "2016") -> Path:
        path = self.root / "evidence" / "entries" / year / f"{id}.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), "utf-8")
        return path

    def raw(self, id: str, data: bytes, year: str = "2016") -> Path:
        path = self.root / "evidence" / "entries" / year / f"{id}.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        return path

    def check(self):
        return load_archive(self.root, today=lambda: TODAY)

    def messages(self) -> list[str]:
        return [str(p) for p in self.check().report.sorted()]


@pytest.fixture
def repo(tmp_path: Path) -> Repo:
    return Repo(tmp_path)


# The archive's own story settings in mkdocs.yml name its entries (copy_site_files drops them): the synthetic
# site gets its own.
SYNTHETIC_STORY = """\
    timeline:
      period:
        label: {en: "Synthetic block", fr: "Blocage synthétique", ar: "حظر تجريبي"}
        start: {from: "2015-12", to: "2016-01-07", entry: 2016-01-07-regulator-communique}
        end: {from: "2016-02-20", to: "2016-02-28", entry: 2016-02-28-synthetic-screenshot}
    home_summary:
      en: [{text: "A synthetic line of summary.", entries: [2016-01-07-regulator-communique]}]
      ar: [{text: "سطر تجريبي من الملخص.", entries: [2016-01-07-regulator-communique]}]
"""


def make_site_repo(root: Path, entries: dict[str, str] | None = None) -> Repo:
    """A repository with the real mkdocs.yml, overrides and CSS, and synthetic pages and entries."""
    repo = Repo(root)
    shutil.copytree(FIXTURES / "site" / "content", root / "content")
    copy_site_files(REPO, root)
    # The synthetic registries and entries are in English only: this archive's rule that French and
    # Arabic be complete (tests/test_translations.py covers it) would only add warnings here.
    config = root / "mkdocs.yml"
    text = config.read_text("utf-8").replace("    require_translations: [fr, ar]\n", "")
    config.write_text(text.replace(STORY_END, SYNTHETIC_STORY + STORY_END), "utf-8")
    shutil.copytree(FIXTURES / "site" / "media", root / "evidence" / "media", dirs_exist_ok=True)
    for src in sorted((FIXTURES / "site" / "entries").glob("*.yaml")):
        repo.entry(src.stem, src.read_text("utf-8"), year=src.stem[:4])
    for id, text in (entries or {}).items():
        repo.entry(id, text, year=id[:4])
    return repo


def settled(root: Path, timeout: float = 120.0) -> list[str]:
    """The temporary folders beside site/ once no process they name is still at work on them (polled)."""
    import time

    from scripts.publish.temporary import TEMP, running
    end = time.monotonic() + timeout
    while True:
        left = sorted(p.name for p in root.glob(".site-*"))
        busy = [name for name in left if (m := TEMP.fullmatch(name)) and running(int(m["pid"]))]
        if not busy or time.monotonic() > end:
            return left
        time.sleep(0.05)


def run_build(repo: Repo, *args: str) -> tuple[int, str]:
    """Run `python -m scripts build` in-process; return exit code and output."""
    import contextlib
    import io

    from scripts.cli import main
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        code = main(["--root", str(repo.root), "build", *args])
    return code, buf.getvalue()


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Repo:
    """The synthetic archive, built once for the whole session."""
    repo = make_site_repo(tmp_path_factory.mktemp("site"))
    code, out = run_build(repo)
    assert code == 0, out
    return repo


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright (see test_browser.browser_session)."""
    from test_browser import browser_session
    yield from browser_session()
