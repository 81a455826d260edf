"""The guarded writer: writes only changed files, removes stale ones, never touches hand-written files."""

from __future__ import annotations

import errno
import json
import os
from pathlib import Path
from unittest.mock import ANY

import pytest

from scripts import parallel
from scripts.publish.links import LINKS, link_list, link_listed
from scripts.publish.output import Output, Writer
from scripts.evidence.problems import BuildError


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



def test_a_write_killed_part_way_leaves_temporary_files_that_the_next_write_removes_and_no_others(tmp_path):
    Writer(tmp_path).write([Output("entries/a.md", b"x"), Output("b.md", b"y")])
    assert not (tmp_path / ".generated.writing").exists()  # there only while a write is under way
    # what a writer killed mid-write leaves: its marker and the temporary files of the files it was writing
    left = [tmp_path / "entries/.a.md.4242.tmp", tmp_path / ".b.md.77.tmp", tmp_path / ".c.md.9.tmp"]
    mine = [tmp_path / "entries/.notes.md.1.tmp", tmp_path / ".b.md.tmp", tmp_path / "entries/.a.md.x.tmp"]
    for path in left + mine:
        path.write_bytes(b"half")
    (tmp_path / ".generated.writing").touch()
    stats = Writer(tmp_path).write([Output("entries/a.md", b"x2"), Output("c.md", b"z")])
    assert (stats.written, stats.removed) == (2, 1)
    assert [p.exists() for p in left] == [False, False, False]  # a.md and c.md: this run's; b.md: the last run's
    assert [p.read_bytes() for p in mine] == [b"half"] * 3  # not named after a generated file: not ours
    assert not (tmp_path / ".generated.writing").exists()


def test_without_the_marker_no_folder_is_listed_for_temporary_files(tmp_path, monkeypatch):
    Writer(tmp_path).write([Output("entries/a.md", b"x")])
    (tmp_path / "entries/.a.md.4242.tmp").write_bytes(b"half")  # not ours to judge: no write was interrupted
    Writer(tmp_path).write([Output("entries/a.md", b"x2")])
    assert (tmp_path / "entries/.a.md.4242.tmp").exists()


def test_a_folder_where_the_marker_cannot_be_made_changes_nothing(tmp_path):
    Writer(tmp_path).write([Output("a.md", b"x")])
    (tmp_path / ".generated.writing").mkdir()
    (tmp_path / ".generated.writing" / "x").touch()  # a folder in the marker's place: it cannot be written
    with pytest.raises(BuildError) as exc:
        Writer(tmp_path).write([Output("a.md", b"x2")])
    assert str(exc.value) == "cannot write into content/: [Errno 21] Is a directory; nothing was changed"
    assert (tmp_path / "a.md").read_bytes() == b"x"


# --- files published by hard link (images) ------------------------------------------------------

def _linked_repo(tmp_path, files: dict[str, str]):
    """A root with evidence/media/, a media cache, content/ holding the link list for ``files`` and an empty site."""
    root = tmp_path / "repo"
    media, cache = root / "evidence" / "media", root / ".cache" / "media"
    for folder in (media, cache, root / "content", root / "site"):
        folder.mkdir(parents=True)
    (media / "a.png").write_bytes(b"original")
    (cache / "k.thumb.webp").write_bytes(b"thumb")
    outs = [Output(rel, source=root / src) for rel, src in files.items()]
    Writer(root / "content").write([link_list(outs, root)])
    return root, (media, cache)


def _link(root, allowed):
    return link_listed(root, root / "content", root / "site", allowed)


def test_listed_files_are_hard_linked_into_the_site(tmp_path):
    root, allowed = _linked_repo(tmp_path, {"media/original/a.png": "evidence/media/a.png",
                                            "media/thumbs/k.webp": ".cache/media/k.thumb.webp"})
    assert json.loads((root / "content" / LINKS).read_text("utf-8")) == {
        "media/original/a.png": "evidence/media/a.png", "media/thumbs/k.webp": ".cache/media/k.thumb.webp"}
    assert _link(root, allowed) == 2
    for rel, src in json.loads((root / "content" / LINKS).read_text("utf-8")).items():
        assert os.stat(root / "site" / rel).st_ino == os.stat(root / src).st_ino
    assert (root / "site/media/original/a.png").read_bytes() == b"original"


def test_bytes_are_copied_where_linking_fails(tmp_path, monkeypatch):
    root, allowed = _linked_repo(tmp_path, {"media/original/a.png": "evidence/media/a.png"})

    def cross_device(src, dst):
        raise OSError(18, "Invalid cross-device link")
    monkeypatch.setattr(os, "link", cross_device)
    assert _link(root, allowed) == 1
    published = root / "site/media/original/a.png"
    assert published.read_bytes() == b"original"
    assert os.stat(published).st_ino != os.stat(root / "evidence/media/a.png").st_ino


def test_without_a_list_nothing_is_linked(tmp_path):
    (tmp_path / "content").mkdir()
    assert link_listed(tmp_path, tmp_path / "content", tmp_path / "site", (tmp_path,)) == 0
    assert not (tmp_path / "site").exists()


def _write_list(root, listing: dict) -> None:
    (root / "content" / LINKS).write_text(json.dumps(listing), "utf-8")


@pytest.mark.parametrize("src", ["evidence/entries.yaml", "/etc/hostname", "evidence/media/../../secret",
                                 "evidence/media/escape.png"])
def test_sources_outside_the_media_folders_are_refused(tmp_path, src):
    root, allowed = _linked_repo(tmp_path, {})
    (root / "evidence/entries.yaml").write_text("x")
    (root / "secret").write_text("x")
    (root / "evidence/media/escape.png").symlink_to(root / "secret")
    _write_list(root, {"media/x": src})
    with pytest.raises(BuildError) as exc:
        _link(root, allowed)
    assert str(exc.value) == (f"refusing to publish {src} as media/x: "
                              "only files inside evidence/media/ or .cache/media/ are published")
    assert not list((root / "site").iterdir())


@pytest.mark.parametrize("path", ["../x.png", "/tmp/x.png", "media/../../x.png"])
def test_nothing_is_linked_outside_the_site(tmp_path, path):
    root, allowed = _linked_repo(tmp_path, {})
    _write_list(root, {path: "evidence/media/a.png"})
    with pytest.raises(BuildError) as exc:
        _link(root, allowed)
    assert str(exc.value) == f"refusing to write outside {root / 'site'}: {path!r}"


def test_a_file_mkdocs_copied_from_content_is_never_replaced(tmp_path):
    root, allowed = _linked_repo(tmp_path, {"media/original/a.png": "evidence/media/a.png"})
    for folder in ("content", "site"):  # MkDocs copied content/media/original/a.png into the site
        (root / folder / "media/original").mkdir(parents=True, exist_ok=True)
        (root / folder / "media/original/a.png").write_bytes(b"hand-written")
    with pytest.raises(BuildError) as exc:
        _link(root, allowed)
    assert str(exc.value) == ("content/media/original/a.png exists and was not written by the generator; "
                              "move it away (generated paths belong to the generator)")
    assert (root / "site/media/original/a.png").read_bytes() == b"hand-written"


def test_a_missing_source_is_reported(tmp_path):
    root, allowed = _linked_repo(tmp_path, {"media/thumbs/k.webp": ".cache/media/k.thumb.webp"})
    (root / ".cache/media/k.thumb.webp").unlink()
    with pytest.raises(BuildError) as exc:
        _link(root, allowed)
    assert str(exc.value) == ".cache/media/k.thumb.webp is missing, so media/thumbs/k.webp cannot be published; " \
                             "run the build again"


def test_an_unreadable_list_is_reported(tmp_path):
    root, allowed = _linked_repo(tmp_path, {})
    _write_list(root, ["media/x"])
    with pytest.raises(BuildError) as exc:
        _link(root, allowed)
    assert str(exc.value) == "content/_generated/links.json is not a list of files to publish; run the build again"


def test_link_list_refuses_sources_outside_the_root(tmp_path):
    with pytest.raises(BuildError) as exc:
        link_list([Output("media/x", source=Path("/etc/hostname"))], tmp_path)
    assert str(exc.value) == f"refusing to publish /etc/hostname: it is outside {tmp_path}"


def test_a_dirty_rebuild_keeps_its_links_and_replaces_stale_copies(tmp_path):
    """`mkdocs serve --dirty` rebuilds into the same folder: earlier links stay, earlier copies are replaced."""
    root, allowed = _linked_repo(tmp_path, {"media/original/a.png": "evidence/media/a.png",
                                            "media/original/b.png": "evidence/media/a.png"})
    assert _link(root, allowed) == 2
    first = (root / "site/media/original/a.png").stat().st_ino
    (root / "site/media/original/b.png").unlink()
    (root / "site/media/original/b.png").write_bytes(b"an older copy")
    assert _link(root, allowed) == 2
    assert (root / "site/media/original/a.png").stat().st_ino == first
    assert (root / "site/media/original/b.png").read_bytes() == (root / "evidence/media/a.png").read_bytes()


def _no_space(*args, **kwargs):
    raise OSError(errno.ENOSPC, "No space left on device")


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("fault", ["replace", "write"])
def test_a_full_disk_is_one_clear_error_and_leaves_no_temporary_file(tmp_path, monkeypatch, fault):
    Writer(tmp_path).write([Output("a.md", b"x"), Output("b/c.md", b"y")])
    before = _files(tmp_path)
    if fault == "replace":
        monkeypatch.setattr(os, "replace", _no_space)
    else:  # the temporary file is created, then the disk fills while it is written
        def half_written(self, data):
            with open(self, "wb") as f:
                f.write(data[:1])
            _no_space()
        monkeypatch.setattr(Path, "write_bytes", half_written)
    with pytest.raises(BuildError) as exc:
        Writer(tmp_path).write([Output("a.md", b"x2"), Output("b/c.md", b"y2"), Output("d.md", b"z")])
    assert str(exc.value) == "cannot write content/a.md: [Errno 28] No space left on device; nothing else was changed"
    monkeypatch.undo()
    assert _files(tmp_path) == before  # no .a.md.PID.tmp left, empty or not, and nothing else changed
    assert Writer(tmp_path).write([Output("a.md", b"x2"), Output("b/c.md", b"y2"), Output("d.md", b"z")]).written == 3


def test_a_fault_part_way_says_what_was_done_and_the_next_run_finishes(tmp_path, monkeypatch):
    Writer(tmp_path).write([Output("a.md", b"x"), Output("b.md", b"y")])
    real = os.replace
    monkeypatch.setattr(os, "replace", lambda src, dst: _no_space() if str(dst).endswith("b.md") else real(src, dst))
    with pytest.raises(BuildError) as exc:
        Writer(tmp_path).write([Output("a.md", b"x2"), Output("b.md", b"y2")])
    assert str(exc.value) == ("cannot write content/b.md: [Errno 28] No space left on device; "
                              "1 other generated file was changed; the next build finishes the job")
    monkeypatch.undo()
    Writer(tmp_path).write([Output("a.md", b"x2"), Output("b.md", b"y2")])
    assert _files(tmp_path) == {".generated.json": ANY, "a.md": b"x2", "b.md": b"y2"}
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_a_fault_in_one_of_the_forked_writers_names_the_first_file_and_counts_the_others(tmp_path, monkeypatch):
    monkeypatch.setattr(parallel.map_slices, "__defaults__", (1,))
    monkeypatch.setattr(parallel.os, "cpu_count", lambda: 2)  # two slices: a.md, b.md | c.md, d.md
    real = os.replace
    monkeypatch.setattr(os, "replace", lambda src, dst: _no_space() if str(dst).endswith("c.md") else real(src, dst))
    files = [Output(f"{n}.md", n.encode()) for n in "abcd"]
    with pytest.raises(BuildError) as exc:
        Writer(tmp_path).write(files)
    assert str(exc.value) == ("cannot write content/c.md: [Errno 28] No space left on device; "
                              "2 other generated files were changed; the next build finishes the job")
    assert sorted(p.name for p in tmp_path.iterdir()) == [".generated.json", "a.md", "b.md"]  # no temporary file
    assert sorted(json.loads((tmp_path / ".generated.json").read_text("utf-8"))) == ["a.md", "b.md"]  # known as ours
    monkeypatch.setattr(os, "replace", real)
    assert Writer(tmp_path).write(files).written == 2
    # a run that fails part way over files of the last run, then the evidence changes before the next one: what
    # the failed run wrote is still known as ours, not taken for an edit by hand
    monkeypatch.setattr(os, "replace", lambda src, dst: _no_space() if str(dst).endswith("c.md") else real(src, dst))
    with pytest.raises(BuildError):
        Writer(tmp_path).write([Output(f"{n}.md", n.encode() * 3) for n in "abcd"])
    assert (tmp_path / "a.md").read_bytes() == b"aaa"
    monkeypatch.setattr(os, "replace", real)
    # the evidence changed before the next run: what the failed one wrote is not taken for an edit by hand
    changed = [Output(f"{n}.md", n.encode() * 2) for n in "abcd"]
    assert Writer(tmp_path).write(changed).written == 4
    assert _files(tmp_path) == {".generated.json": ANY, "a.md": b"aa", "b.md": b"bb", "c.md": b"cc", "d.md": b"dd"}


def test_a_read_only_folder_is_one_clear_error(tmp_path, monkeypatch):
    # root ignores permissions: simulate what a read-only content/ gives everyone else
    def read_only(self, *args, **kwargs):
        raise OSError(errno.EROFS, "Read-only file system")
    monkeypatch.setattr(Path, "mkdir", read_only)
    with pytest.raises(BuildError) as exc:
        Writer(tmp_path).write([Output("entries/a.md", b"x")])
    assert str(exc.value) == "cannot write into content/: [Errno 30] Read-only file system; nothing was changed"


def test_two_writers_never_share_a_temporary_file(tmp_path, monkeypatch):
    seen = []
    real = os.replace
    monkeypatch.setattr(os, "replace", lambda src, dst: (seen.append(Path(src).name), real(src, dst)))
    Writer(tmp_path).write([Output("a.md", b"x")])
    assert seen == [f".a.md.{os.getpid()}.tmp", f"..generated.json.{os.getpid()}.tmp"]  # the marker: no rename


@pytest.mark.parametrize("manifest", ['["a.md"]', '"a.md"', '{"a.md": 3}', '{"a.md": ["x"]}', '{"a.md": null}',
                                      '{"../../x.md": "' + "0" * 64 + '"}', '{"a.md": "not a digest"}', "{bad json"])
def test_a_manifest_of_the_wrong_shape_is_ignored_with_a_log_line(tmp_path, caplog, manifest):
    (tmp_path / ".generated.json").write_text(manifest)
    (tmp_path / "a.md").write_text("hand-written")
    stats = Writer(tmp_path).write([Output("b.md", b"y")])
    assert stats.written == 1 and stats.removed == 0
    assert (tmp_path / "a.md").read_text() == "hand-written"
    assert "ignoring" in caplog.text and ".generated.json" in caplog.text
    assert json.loads((tmp_path / ".generated.json").read_text()) == {"b.md": Output("b.md", b"y").digest()}


@pytest.mark.parametrize("digest", ["key:anything", "0" * 64])
def test_a_manifest_listing_hand_written_pages_deletes_nothing(tmp_path, caplog, digest):
    (tmp_path / "entries").mkdir()
    (tmp_path / "entries/mine.md").write_text("hand-written")
    (tmp_path / ".generated.json").write_text(json.dumps({"entries/mine.md": digest, "index.md": digest}))
    (tmp_path / "index.md").write_text("my home page")
    assert Writer(tmp_path).write([]).removed == 0
    assert (tmp_path / "index.md").read_text() == "my home page"
    assert (tmp_path / "entries/mine.md").read_text() == "hand-written"
    assert "kept content/entries/mine.md: it changed since it was generated" in caplog.text


def test_a_manifest_listing_a_hand_written_page_never_overwrites_it(tmp_path):
    (tmp_path / "index.md").write_text("my home page")
    (tmp_path / ".generated.json").write_text(json.dumps({"index.md": "key:anything"}))
    with pytest.raises(BuildError) as exc:
        Writer(tmp_path).write([Output("index.md", b"generated")])
    assert str(exc.value) == ("content/index.md was edited by hand since it was generated; "
                              "edit the evidence log instead, or delete the file")
    assert (tmp_path / "index.md").read_text() == "my home page"
