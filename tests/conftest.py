"""Shared fixtures: a throwaway repository with synthetic registries, entries and media."""

from __future__ import annotations

import shutil
import textwrap
from datetime import date
from pathlib import Path

import pytest

from scripts.evidence import load_archive

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
