"""The benchmark runs end to end at a tiny size (a smoke test; the figures are for humans)."""

from __future__ import annotations

import json
import subprocess
import sys

from conftest import REPO


def test_bench_smoke(tmp_path):
    out = subprocess.run([sys.executable, "-m", "scripts", "bench", "--entries", "40", "--images", "2", "--runs", "1",
                          "--out", str(tmp_path)], cwd=REPO, capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr[-2000:]
    assert "| full / MkDocs alone |" in out.stdout
    report = json.loads((tmp_path / "bench.json").read_text())
    r = report["results"][0]
    assert r["entries"] == 40 and r["images"] == 2 and r["pages"] > 40
    assert r["thumbs_cold"]["images_per_s"] > 0 and r["search_index_mb"] > 0 and r["preview"]["seconds"] > 0
    assert "up to date" in r["generate_unchanged"]["stages"] and "pages" in r["generate_edit"]["stages"]
    assert "pages" in r["generate_full"]["stages"]
    assert r["site_own_mb"] < r["site_mb"]  # the images are hard links, not copies
    assert (tmp_path / "bench.md").read_text().startswith("Machine: ")


def test_bench_media_smoke():
    out = subprocess.run([sys.executable, "-m", "scripts.bench.media", "--images", "2", "--rounds", "2", "--warm", "10",
                          "--breakdown", "1"], cwd=REPO, capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr[-2000:]
    for line in ("in 1 interleaved round:", "ratio to bare thumbnail() across", "ratio to bare Pillow doing the same work",
                 "bare, same work", "warm rerun over 10 cached images"):
        assert line in out.stdout, out.stdout


def test_the_preview_figure_is_taken_in_the_language_previewed(tmp_path):
    from scripts.bench.pipeline import preview
    from scripts.bench.synthetic import make_archive
    root = make_archive(tmp_path, 12, site_files_from=REPO)
    entry = sorted((root / "evidence" / "entries").rglob("*.yaml"))[6]
    before = entry.read_bytes()
    r = preview(root, timeout=240, lang="fr", edits=2)
    assert r["lang"] == "fr" and len(r["runs"]) == 2 and r["seconds"] > 0 and r["start"] > 0
    assert entry.read_bytes() == before  # the bench's edit is undone
    served = (root / ".cache" / "preview" / "fr" / "entries" / entry.stem / "index.html").read_text("utf-8")
    assert "Edited for the preview benchmark 2" in served and '<html lang="fr"' in served
