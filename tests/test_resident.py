"""The preview's passes in one long-lived process keep what did not change (the store's sections, the checked
entries, their digests and references) and redo only what an edit touches: every pass still gives, byte for byte,
the content/ and the problems of a generation without that state, including the cross-entry checks."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import REPO
from scripts import build
from scripts.bench.synthetic import make_archive
from scripts.render import formatting, reuse
from scripts.store import resident

ENTRIES = 60  # e00012 lists e00007 as related, e00020 lists e00015 (scripts/bench/synthetic.py)


def _file(root: Path, ident: str) -> Path:
    return next((root / "evidence" / "entries").rglob(f"{ident}.yaml"))


def _retitle(root: Path, ident: str, title: str) -> None:
    path = _file(root, ident)
    path.write_text(path.read_text("utf-8").replace('title: "', f'title: "{title} ', 1), "utf-8")


def _remove(root: Path, ident: str) -> None:
    path = _file(root, ident)
    path.rename(root / f"{path.parent.name}-{ident}.removed")  # kept beside the log, to put back


def _restore(root: Path, ident: str) -> None:
    kept = next(root.glob(f"*-{ident}.removed"))
    kept.rename(root / "evidence" / "entries" / kept.name.split("-")[0] / f"{ident}.yaml")


def _break(root: Path, ident: str) -> None:
    path = _file(root, ident)
    path.write_text(path.read_text("utf-8").replace("type: ", "type: no-such-type-", 1), "utf-8")


def _fix(root: Path, ident: str) -> None:
    path = _file(root, ident)
    path.write_text(path.read_text("utf-8").replace("type: no-such-type-", "type: ", 1), "utf-8")


# Each step changes the log; after each, the pass in this process is compared with a fresh one.
STEPS = [
    ("retitle an entry another lists as related", lambda r: _retitle(r, "e00007", "Renamed")),
    ("retitle it again", lambda r: _retitle(r, "e00007", "Again")),
    ("remove an entry another relates to", lambda r: _remove(r, "e00015")),  # e00020 is unchanged, now wrong
    ("put it back", lambda r: _restore(r, "e00015")),
    ("break an entry", lambda r: _break(r, "e00030")),
    ("fix it", lambda r: _fix(r, "e00030")),
]


def _tree(root: Path) -> dict[str, bytes]:
    content = root / "content"
    return {str(p.relative_to(content)): p.read_bytes() for p in sorted(content.rglob("*")) if p.is_file()}


def _seen(result) -> tuple[bool, list[str]]:
    return result.ok, [str(p) for p in result.report.sorted()]


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_each_pass_of_one_process_gives_what_a_fresh_process_gives(tmp_path, monkeypatch, lang):
    warm = make_archive(tmp_path / "warm", ENTRIES, site_files_from=REPO)
    assert build.generate(warm).ok
    digested = []
    real = formatting._digest
    monkeypatch.setattr(formatting, "_digest", lambda e: digested.append(e.id) or real(e))
    passes = []
    for n, (name, step) in enumerate(STEPS):
        step(warm)
        shutil.copytree(warm, tmp_path / f"cold{n}", symlinks=True)  # the log, content/ and .cache/ before the pass
        digested.clear()
        passes.append((_seen(build.generate(warm, langs=[lang])), _tree(warm)))
        if n < 2:  # a retitle: the other entries were kept from the last pass
            assert digested == ["e00007"], name
    monkeypatch.setattr(formatting, "_digest", real)
    assert [ok for (ok, _), _ in passes] == [True, True, False, True, False, True]
    # The same passes without this process's state, from the same files
    for n, (name, _) in enumerate(STEPS):
        cold = tmp_path / f"cold{n}"
        resident.forget()
        assert passes[n] == (_seen(build.generate(cold, langs=[lang])), _tree(cold)), name


def test_a_pass_digests_and_keys_only_the_entries_its_edit_touches(tmp_path, monkeypatch):
    root = make_archive(tmp_path, ENTRIES, site_files_from=REPO)
    assert build.generate(root, langs=["ar"]).ok
    digested, keyed = [], []
    digest, key = formatting._digest, reuse.entry_key
    monkeypatch.setattr(formatting, "_digest", lambda e: digested.append(e.id) or digest(e))
    monkeypatch.setattr(reuse, "entry_key", lambda r, e: keyed.append(e.id) or key(r, e))
    _retitle(root, "e00007", "Renamed")
    result = build.generate(root, langs=["ar"])
    assert result.ok
    assert digested == ["e00007"]
    assert sorted(keyed) == ["e00007", "e00012"]  # e00012 lists it as related: its page shows the new title
    assert "Renamed" in (root / "content" / "ar" / "entries" / "e00012.md").read_text("utf-8")  # its related list


def test_a_reference_to_a_removed_entry_is_reported_though_the_entry_that_makes_it_is_unchanged(tmp_path):
    root = make_archive(tmp_path, ENTRIES, site_files_from=REPO)
    assert build.generate(root, langs=["ar"]).ok
    _remove(root, "e00015")
    result = build.generate(root, langs=["ar"])
    assert not result.ok
    errors = [p for p in result.report.sorted() if p.severity == "error"]
    assert [(p.path, p.message) for p in errors] == [
        (str(_file(root, "e00020").relative_to(root)), "related entry 'e00015' does not exist")]
    _restore(root, "e00015")
    assert build.generate(root, langs=["ar"]).ok
