"""The bench's Hugo row builds exactly the pages we publish, at our URLs, ours as HTML (scripts/bench/sites.py)."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from scripts.bench import sites
from scripts.publish.bypass import MARKER

FRONT = '---\ntitle: "T"\n---\n'


def _page(path: Path, body: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(FRONT + body, "utf-8")


def _archive(root: Path) -> Path:
    (root / "mkdocs.yml").write_text("site_name: X\nextra:\n  archive:\n    languages: [en, fr, ar]\n", "utf-8")
    for lang in ("", "fr", "ar"):
        c = root / "content" / lang
        _page(c / "index.md", "# Home\n")
        _page(c / "methodology.md", "# Methodology\n")
        _page(c / "entries" / "e1.md", MARKER + "<h1>E1</h1>\n")
        _page(c / "browse" / "types" / "report" / "index.md", MARKER + "<h1>Reports</h1>\n")
        _page(c / "browse" / "types" / "report" / "2" / "index.md", MARKER + "<h1>Reports 2</h1>\n")
        _page(c / "_generated" / "home.md", "a snippet, no page\n")
    return root


def test_pages_keep_our_urls_and_ours_are_html(tmp_path):
    root = _archive(tmp_path)
    n = sites._hugo_pages(root / "content", tmp_path / "out", {"_generated", "en", "fr", "ar"})
    made = sorted(str(p.relative_to(tmp_path / "out")) for p in (tmp_path / "out").rglob("*"))
    assert n == 5
    assert made == ["_index.md", "browse", "browse/types", "browse/types/report", "browse/types/report.html",
                    "browse/types/report/2.html", "entries", "entries/e1.html", "methodology.md"]
    assert (tmp_path / "out" / "entries" / "e1.html").samefile(root / "content" / "entries" / "e1.md")


HUGO = Path(sys.executable).parent / "hugo"


@pytest.mark.skipif(not HUGO.exists(), reason="Hugo is a bench package (requirements-bench.txt)")
def test_hugo_builds_our_pages_and_a_404_per_language_only(tmp_path, monkeypatch):
    root = _archive(tmp_path)
    kept = {}
    real = shutil.rmtree

    def keep(path, **kw):  # look at Hugo's output before hugo() removes it
        if Path(path) == root / ".hugo" and (Path(path) / "public").exists():
            public = Path(path) / "public"
            kept["public"] = sorted(str(p.relative_to(public)) for p in public.rglob("*.html"))
            kept["ar"] = (Path(path) / "public" / "ar" / "entries" / "e1" / "index.html").read_text("utf-8")
        real(path, **kw)
    monkeypatch.setattr(sites.shutil, "rmtree", keep)
    r = sites.hugo(root, ["en", "fr", "ar"])
    assert r["pages"] == 18
    pages = ["browse/types/report/2/index.html", "browse/types/report/index.html", "entries/e1/index.html",
             "index.html", "methodology/index.html"]
    assert kept["public"] == sorted(f"{lang}{p}" for lang in ("", "fr/", "ar/") for p in ["404.html", *pages])
    assert '<html lang="ar" dir="rtl">' in kept["ar"]
    assert "<main>" + MARKER + "<h1>E1</h1>" in kept["ar"]  # our HTML as it is, not through Markdown
