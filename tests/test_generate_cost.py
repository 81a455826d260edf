"""What a generation run does not redo (issue 21): after one edit, the entries' data files are not read back one by
one, the writer does not look again at the files the page memo found in place, the language-free part of an entry
page's key is computed once for all languages, and Babel formats each date once. The bytes stay those of a cold run
(test_edit_reuse.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import REPO
from scripts import build
from scripts.bench.synthetic import make_archive
from scripts.publish import output
from scripts.render import i18n, pages
from scripts.render.i18n import Lang
from scripts.evidence.dates import PartialDate
from scripts.evidence.problems import BuildError
from scripts.store import resident
from scripts.store.pages import PageMemo

ENTRIES = 60


def _edit(root: Path, n: int = 1) -> None:
    path = sorted((root / "evidence" / "entries").rglob("*.yaml"))[0]
    path.write_text(path.read_text("utf-8").replace('title: "', f'title: "Edit {n} ', 1), "utf-8")


@pytest.fixture()
def warm(tmp_path):
    """A generated three-language archive, its first entry then edited (not yet generated again)."""
    root = make_archive(tmp_path, ENTRIES, site_files_from=REPO)
    assert build.generate(root).ok
    _edit(root)
    return root


def _count(monkeypatch, owner, name) -> list:
    calls, real = [], getattr(owner, name)

    def counted(*args, **kwargs):
        calls.append(args)
        return real(*args, **kwargs)
    monkeypatch.setattr(owner, name, counted)
    return calls


def test_an_edit_reads_no_unchanged_entry_data_file(warm, monkeypatch):
    """The unchanged entries' texts come from the last whole-archive files, proven by each entry file's digest."""
    reads = _count(monkeypatch, PageMemo, "stored")
    result = build.generate(warm)
    assert result.ok and reads == []
    made = {o.path for o in result.outputs if o.data is not None and o.path.startswith("entries/")
            and o.path.endswith(".json")}
    assert len(made) == 2  # the edited entry's entry.json and cite.csl.json


def test_a_whole_file_edited_by_hand_is_not_trusted(warm):
    """A text taken from data/entries.json is used only where it gives the entry file's recorded bytes: a forged
    whole file is refused as before, and once it is deleted the entries' texts come from their own files."""
    whole = warm / "content" / "data" / "entries.json"
    whole.write_text(whole.read_text("utf-8").replace('"title": "', '"title": "Forged ', 3), "utf-8")
    with pytest.raises(BuildError, match="^content/data/entries.json was edited by hand since it was generated; "
                                         "edit the evidence log instead, or delete the file$"):
        build.generate(warm)
    assert not [p for p in (warm / "content" / "entries").glob("*/entry.json") if b"Forged" in p.read_bytes()]
    whole.unlink()
    assert build.generate(warm).ok
    assert b"Forged" not in whole.read_bytes() and b"Edit 1 " in whole.read_bytes()


def test_the_writer_does_not_look_again_at_what_the_memo_found(warm, monkeypatch):
    """After an edit, only the outputs made anew have their target checked; the others were found in place."""
    targets = _count(monkeypatch, output, "safe_target")
    result = build.generate(warm)
    made = [o for o in result.outputs if not o.known]
    assert result.ok and len(made) < len(result.outputs) / 4
    assert len(targets) <= 2 * len(made)  # at most planning and writing each one made anew


def test_the_language_free_part_of_entry_keys_is_computed_once(warm, monkeypatch):
    edit_links = _count(monkeypatch, pages.Renderer, "_edit_url")
    resident.forget()  # a build's generation runs in a new process: nothing kept from the fixture's run
    result = build.generate(warm)
    rendered = [o for o in result.outputs if o.data is not None and "entries/" in o.path and o.path.endswith(".md")]
    assert result.ok and len(rendered) == 3  # the edited entry's page in each language
    assert len(edit_links) == ENTRIES + len(rendered)  # once per key, and once per page rendered


def test_babel_formats_each_date_once(monkeypatch):
    calls = _count(monkeypatch, i18n, "format_date")
    day, month = PartialDate(1987, 3, 17), PartialDate(1987, 4)  # dated like no fixture: not formatted yet
    for lang in ("en", "fr", "ar"):
        for _ in range(3):
            assert Lang(lang).date(day, False) and Lang(lang).date(month, True, True)
    assert len(calls) == 6
    assert Lang("fr").date(day, False) == "17 mars 1987" and Lang("en").date(month, True, True) == "Apr 1987 approx."
    assert Lang("ar").date(PartialDate(2016, 1), False) == "يناير 2016"
