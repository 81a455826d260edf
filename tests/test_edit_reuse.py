"""One edited entry renders only what shows it: list pages, feeds and each entry's data files are taken from
the last run where their inputs are unchanged, and the result is byte for byte a cold render of the edited log."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import GOOD, REPO, make_site_repo
from scripts import build
from scripts.bench.synthetic import make_archive
from scripts.config import load as load_config
from scripts.evidence import load_archive
from scripts.evidence.model import Archive
from scripts.render import cite, data

ENTRIES = 120  # more than one page of PAGE_SIZE would need 200: the pager is covered by test_pages


def _archive(root: Path) -> Path:
    return make_archive(root, ENTRIES, site_files_from=REPO)


def _edit(root: Path) -> Path:
    """Retitle the first entry, as the benchmark does; the path of its file."""
    path = sorted((root / "evidence" / "entries").rglob("*.yaml"))[0]
    path.write_text(path.read_text("utf-8").replace('title: "', 'title: "Edited ', 1), "utf-8")
    return path


def _tree(root: Path) -> dict[str, bytes]:
    content = root / "content"
    return {str(p.relative_to(content)): p.read_bytes() for p in sorted(content.rglob("*")) if p.is_file()}


def _made(result) -> set[str]:
    """The outputs this run rendered (the others it took from the last run)."""
    return {o.path for o in result.outputs if not o.known}


@pytest.fixture(scope="module")
def edited(tmp_path_factory):
    """An archive built, then one entry edited and built again: (that run's result, its root)."""
    root = _archive(tmp_path_factory.mktemp("warm"))
    assert build.generate(root).ok
    _edit(root)
    result = build.generate(root)
    assert result.ok and not result.up_to_date
    return result, root


def test_an_edit_gives_the_bytes_of_a_cold_render_of_the_edited_log(edited, tmp_path):
    _, warm = edited
    cold = _archive(tmp_path)
    _edit(cold)
    assert build.generate(cold).ok
    assert _tree(warm) == _tree(cold)  # every page, feed, data file, and the writer's manifest


def test_an_edit_renders_only_the_files_that_show_the_entry(edited):
    result, root = edited
    entry = sorted((root / "evidence" / "entries").rglob("*.yaml"))[0].stem
    made = _made(result)
    lists = {o.path for o in result.outputs if "browse/" in o.path and o.path.endswith("index.md")}
    lists_made = {p for p in lists if p in made}
    assert lists_made and len(lists_made) < len(lists) / 2
    shown = {p for p in lists if f"entries/{entry}/" in (root / "content" / p).read_text("utf-8")}
    assert lists_made <= shown | {p for p in lists if p.endswith(("browse/types/index.md", "browse/timeline/index.md",
                                                                   "browse/actors/index.md", "browse/tags/index.md"))}
    feeds = {o.path for o in result.outputs if o.path.endswith((".xml", ".atom", "feed.json"))}
    assert {p for p in feeds if p in made} == {p for p in feeds if entry in (root / "content" / p).read_text("utf-8")}
    assert {p for p in made if p.startswith("entries/") and p.endswith(".json")} == {
        f"entries/{entry}/entry.json", f"entries/{entry}/cite.csl.json"}


def test_a_hand_edited_data_file_is_never_copied_into_the_archive_files(tmp_path):
    """The whole-archive files are joined from each entry's own file only where its bytes are what we wrote."""
    root = _archive(tmp_path)
    assert build.generate(root).ok
    data = root / "content" / "data"
    before = {name: (data / name).read_bytes() for name in ("entries.json", "entries.csl.json")}
    mine = sorted((root / "content" / "entries").glob("*/entry.json"))[-1]
    cite = mine.parent / "cite.csl.json"
    for path in (mine, cite):
        path.write_text(path.read_text("utf-8").replace('"title": "', '"title": "Forged ', 1), "utf-8")
    _edit(root)  # another entry: the run is not skipped
    assert build.generate(root).ok
    for name, old in before.items():
        assert b"Forged" not in (data / name).read_bytes()
        assert b"Forged" not in old and (data / name).read_bytes() != old  # rebuilt, with the edit


TRICKY = GOOD.replace('title: "Operators block internet calls"', 'title: "A \\"quoted\\" title, ends in ]: [],"').replace(
    "  A test summary", '  Line one\n  \n   "entries": [],\n  and \\u00e9 \u0645\u0631\u062d\u0628\u0627. A test summary')


def test_the_archive_files_are_the_bytes_json_dumps_gives_for_the_whole(tmp_path):
    """entries.json and entries.csl.json are joined from the entries' own texts, re-indented: the bytes must be
    what encoding the whole at once gives, whatever the text holds (quotes, brackets, a key's own words)."""
    repo = make_site_repo(tmp_path, {"2016-01-08-tricky": TRICKY})
    loaded = load_archive(repo.root)
    cfg = load_config(repo.root)
    whole = lambda value: (json.dumps(value, ensure_ascii=False, sort_keys=True, indent=1) + "\n").encode()  # noqa: E731
    out = {o.path: o.data for o in data.render(loaded.archive, cfg) + cite.render(loaded.archive, cfg)}
    assert '"entries": [],' in loaded.archive.by_id["2016-01-08-tricky"].summary
    assert out["data/entries.json"] == whole(data.export(loaded.archive, cfg))
    assert out["data/entries.csl.json"] == whole([cite.csl_item(e, cfg) for e in loaded.archive.entries])
    for e in loaded.archive.entries:
        assert out[f"entries/{e.id}/cite.csl.json"] == whole([cite.csl_item(e, cfg)])
        assert out[f"entries/{e.id}/entry.json"] == whole({"format_version": data.FORMAT_VERSION,
                                                            "archive": cfg.site_name, "entry": data.entry_record(e, cfg)})
    empty = Archive([], loaded.archive.actors, loaded.archive.tags)
    out = {o.path: o.data for o in data.render(empty, cfg) + cite.render(empty, cfg)}
    assert out["data/entries.json"] == whole(data.export(empty, cfg)) and out["data/entries.csl.json"] == b"[]\n"
