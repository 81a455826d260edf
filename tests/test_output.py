"""The guarded writer: writes only changed files, removes stale ones, never touches hand-written files."""

from __future__ import annotations

import os

import pytest

from scripts.output import Output, Writer
from scripts.problems import BuildError


def test_writes_then_skips_unchanged(tmp_path):
    w = Writer(tmp_path)
    stats = w.write([Output("a/b.md", b"one"), Output("c.md", b"two")])
    assert (stats.written, stats.unchanged) == (2, 0)
    before = os.stat(tmp_path / "a/b.md").st_mtime_ns
    stats = Writer(tmp_path).write([Output("a/b.md", b"one"), Output("c.md", b"two")])
    assert (stats.written, stats.unchanged) == (0, 2)
    assert os.stat(tmp_path / "a/b.md").st_mtime_ns == before


def test_removes_stale_generated_files_and_empty_folders(tmp_path):
    Writer(tmp_path).write([Output("entries/old.md", b"x"), Output("entries/keep.md", b"y")])
    stats = Writer(tmp_path).write([Output("entries/keep.md", b"y")])
    assert stats.removed == 1
    assert not (tmp_path / "entries/old.md").exists()
    Writer(tmp_path).write([])
    assert not (tmp_path / "entries").exists()


def test_refuses_to_overwrite_hand_written_file(tmp_path):
    (tmp_path / "index.md").write_text("mine")
    with pytest.raises(BuildError) as exc:
        Writer(tmp_path).write([Output("index.md", b"generated")])
    assert str(exc.value) == ("content/index.md exists and was not written by the generator; "
                              "move it away (generated paths belong to the generator)")
    assert (tmp_path / "index.md").read_text() == "mine"


def test_nothing_is_written_when_one_output_is_refused(tmp_path):
    (tmp_path / "hand.md").write_text("mine")
    with pytest.raises(BuildError):
        Writer(tmp_path).write([Output("new.md", b"x"), Output("hand.md", b"y")])
    assert not (tmp_path / "new.md").exists()


def test_hand_written_file_inside_generated_folder_survives(tmp_path):
    Writer(tmp_path).write([Output("entries/a.md", b"x")])
    (tmp_path / "entries" / "notes.md").write_text("mine")
    Writer(tmp_path).write([])
    assert (tmp_path / "entries" / "notes.md").read_text() == "mine"
    assert not (tmp_path / "entries" / "a.md").exists()


def test_hand_edited_generated_file_is_not_overwritten_or_deleted(tmp_path):
    Writer(tmp_path).write([Output("a.md", b"x")])
    (tmp_path / "a.md").write_text("edited")
    with pytest.raises(BuildError) as exc:
        Writer(tmp_path).write([Output("a.md", b"new")])
    assert str(exc.value) == ("content/a.md was edited by hand since it was generated; "
                              "edit the evidence log instead, or delete the file")
    Writer(tmp_path).write([])
    assert (tmp_path / "a.md").read_text() == "edited"


@pytest.mark.parametrize("path", ["../x.md", "/etc/x", "a/../../x", "a//b", ".hidden", "a\\b"])
def test_refuses_paths_outside_content(tmp_path, path):
    with pytest.raises(BuildError) as exc:
        Writer(tmp_path).write([Output(path, b"x")])
    assert str(exc.value).startswith("refusing to write outside")


def test_duplicate_output_paths_are_refused(tmp_path):
    with pytest.raises(BuildError) as exc:
        Writer(tmp_path).write([Output("a.md", b"x"), Output("a.md", b"y")])
    assert str(exc.value) == "two generated files want the same path: a.md"


def test_keyed_sources_are_copied_and_compared_by_key(tmp_path):
    src = tmp_path / "src.bin"
    src.write_bytes(b"image")
    root = tmp_path / "content"
    root.mkdir()
    assert Writer(root).write([Output("media/x.webp", source=src, key="k1")]).written == 1
    assert (root / "media/x.webp").read_bytes() == b"image"
    assert Writer(root).write([Output("media/x.webp", source=src, key="k1")]).unchanged == 1


def test_a_refused_write_changes_nothing_and_does_not_lock_out(tmp_path):
    Writer(tmp_path).write([Output("a.md", b"x"), Output("b.md", b"y")])
    (tmp_path / "b.md").write_text("edited")
    with pytest.raises(BuildError):
        Writer(tmp_path).write([Output("a.md", b"x2"), Output("b.md", b"y2")])
    assert (tmp_path / "a.md").read_bytes() == b"x"  # checked before anything was written
    (tmp_path / "b.md").unlink()
    assert Writer(tmp_path).write([Output("a.md", b"x2"), Output("b.md", b"y2")]).written == 2


def test_file_already_holding_the_output_counts_as_generated(tmp_path):
    (tmp_path / "a.md").write_bytes(b"x")  # e.g. written by a build killed before the manifest was saved
    assert Writer(tmp_path).write([Output("a.md", b"x")]).unchanged == 0
