"""The preview's passes after an edit: the MkDocs of the last full build renders the changed pages again, to the
same bytes as a full build of the preview (scripts/publish/preview.py, incremental.Warm)."""

from __future__ import annotations

import json
import logging
import time

import pytest

from conftest import make_site_repo
from scripts import build as pipeline
from scripts.publish import searchdelta
from scripts.publish.preview import Preview


def _tree(folder):
    """Every file of the preview but its search index (Pagefind's ids are not ours to compare), by path."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and p.relative_to(folder).parts[0] != "pagefind"}


def _preview(repo, lang, monkeypatch) -> Preview:
    monkeypatch.setattr(Preview, "_index", lambda self, *args, **kwargs: None)  # the search: its own test
    assert pipeline.generate(repo.root, langs=[lang]).ok
    preview = Preview(repo.root, lang)
    preview.update()
    assert preview.warm is not None and preview.version == 1
    return preview


def _edit(repo, lang, path, old, new) -> None:
    path.write_text(path.read_text("utf-8").replace(old, new), "utf-8")
    assert pipeline.generate(repo.root, langs=[lang]).ok


def _full(repo, lang) -> dict:
    """The preview folder as a fresh preview (a full build) makes it from the same content/."""
    Preview(repo.root, lang).update()
    return _tree(repo.root / ".cache" / "preview")


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_an_edited_entry_is_rendered_by_the_kept_mkdocs_to_the_bytes_of_a_full_build(tmp_path, monkeypatch, caplog,
                                                                                      lang):
    repo = make_site_repo(tmp_path)
    preview = _preview(repo, lang, monkeypatch)
    warm, before = preview.warm, _tree(preview.folder)
    _edit(repo, lang, repo.root / "evidence" / "entries" / "2017" / "2017-report.yaml",
          "Yearly report mentions", "Yearly report now names")
    with caplog.at_level(logging.INFO, logger="scripts.publish.preview"):
        preview.update()
    assert preview.warm is warm and preview.version == 2  # no full build
    messages = [r.getMessage() for r in caplog.records if r.name == "scripts.publish.preview"]
    assert len(messages) == 1 and messages[0].startswith("preview: rendered ") and "changed pages again" in messages[0]
    after = _tree(preview.folder)
    here = "ar/" if lang == "ar" else ""
    changed = sorted(rel for rel in after if before.get(rel) != after[rel])
    assert f"{here}entries/2017-report/index.html" in changed
    assert f"{here}browse/latest/index.html" in changed  # a list that shows it
    assert "Yearly report now names the block" in after[f"{here}entries/2017-report/index.html"].decode()
    assert after == _full(repo, lang)


def test_an_edited_hand_written_page_goes_through_markdown_and_matches_a_full_build(tmp_path, monkeypatch):
    repo = make_site_repo(tmp_path)
    preview = _preview(repo, "en", monkeypatch)
    page = repo.root / "content" / "methodology.md"
    page.write_text(page.read_text("utf-8") + "\n## Added by hand\n\nA new *paragraph*.\n", "utf-8")
    preview.update()
    after = _tree(preview.folder)
    assert '<h2 id="added-by-hand">Added by hand</h2>' in after["methodology/index.html"].decode()
    assert after == _full(repo, "en")


def test_a_warning_in_an_edit_keeps_the_pages_and_the_next_pass_builds_in_full(tmp_path, monkeypatch, caplog):
    repo = make_site_repo(tmp_path)
    preview = _preview(repo, "en", monkeypatch)
    page = repo.root / "content" / "methodology.md"
    text = page.read_text("utf-8")
    kept = (preview.folder / "methodology" / "index.html").read_bytes()
    page.write_text(text + "\nSee [nowhere](missing.md).\n", "utf-8")
    with caplog.at_level(logging.ERROR, logger="scripts.publish.preview"):
        preview.update()
    assert [r.getMessage() for r in caplog.records if r.name == "scripts.publish.preview"] == [
        "preview not updated: Aborted with 1 warnings in strict mode!; it keeps the previous pages"]
    assert preview.warm is None and preview.version == 1
    assert (preview.folder / "methodology" / "index.html").read_bytes() == kept
    page.write_text(text, "utf-8")
    preview.update()  # a full build again, kept for the next pass
    assert preview.warm is not None and preview.version == 2


def _indexed(preview, seconds=120.0) -> None:
    end = time.monotonic() + seconds
    while preview._indexing and time.monotonic() < end:
        time.sleep(0.05)
    assert not preview._indexing


def test_after_an_edit_the_preview_indexes_only_the_changed_pages_into_a_delta(tmp_path, caplog):
    repo = make_site_repo(tmp_path)
    assert pipeline.generate(repo.root, langs=["en"]).ok
    preview = Preview(repo.root, "en")
    preview.update()
    bundle = preview.folder / "pagefind"
    assert searchdelta.KEY not in _json(bundle / "pagefind-entry.json") and not (bundle / "delta").exists()
    _edit(repo, "en", next((repo.root / "evidence" / "entries").rglob("2016-01-07-regulator-communique.yaml")),
          "calls break the", "calls quibble the")
    with caplog.at_level(logging.WARNING):
        preview.update()
        _indexed(preview)
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]
    entry, delta = _json(bundle / "pagefind-entry.json"), _json(bundle / "delta" / "pagefind-entry.json")
    stale = entry[searchdelta.KEY]["en"]
    assert len(stale) == 1 and (bundle / "fragment" / f"{stale[0]}.pf_fragment").is_file()  # the primary's old copy
    assert delta["languages"]["en"]["page_count"] == 1  # the lists' indexed text did not change
    assert delta["languages"]["en"][searchdelta.BASE] == entry["languages"]["en"]["hash"]
    assert [searchdelta._fragment_url(p) for p in (bundle / "delta" / "fragment").iterdir()] == [
        "/entries/2016-01-07-regulator-communique/"]
    assert not list((bundle / "delta").glob("*.js")) and not (preview.root / ".cache" / "preview-search").exists()
    preview.sources = None  # a full build indexes in full: no delta left
    preview.update()
    assert searchdelta.KEY not in _json(bundle / "pagefind-entry.json") and not (bundle / "delta").exists()


def _json(path):
    return json.loads(path.read_text("utf-8"))
