"""The build store (scripts/store/) and the JSON form of check results (scripts/evidence/codec.py)."""

from __future__ import annotations

import json
import logging

from conftest import REPO

from scripts.evidence import load_archive
from scripts.evidence.codec import entry_from_row, entry_row
from scripts.store import FORMAT, Section, key


def test_every_entry_of_the_archive_survives_the_store_unchanged():
    """A stored row reads back as the very entry that was checked (so a warm run renders the same pages)."""
    archive = load_archive(REPO).archive
    for e in archive.entries:
        row = json.loads(json.dumps(entry_row(e)))  # through the file format, as the store keeps it
        assert entry_from_row(row, e.path) == e


def test_a_section_returns_a_value_only_under_its_key(tmp_path):
    s = Section(tmp_path / "s.json", salt="code 1")
    s.put("a.yaml", key("state", 1), {"n": 1})
    assert s.save()
    again = Section(tmp_path / "s.json", salt="code 1")
    assert again.get("a.yaml", key("state", 1)) == {"n": 1}
    assert again.get("a.yaml", key("state", 2)) is None
    assert again.get("b.yaml", key("state", 1)) is None
    assert Section(tmp_path / "s.json", salt="code 2").get("a.yaml", key("state", 1)) is None  # other code


def test_keys_depend_on_every_part():
    assert key("a", [1, 2]) == key("a", [1, 2])
    assert len({key("a", [1, 2]), key("a", [2, 1]), key("a", [1, 2], None), key(["a", 1, 2])}) == 4


def test_a_bad_section_file_is_ignored_with_one_log_line(tmp_path, caplog):
    from scripts.store.section import _sealed
    path = tmp_path / "s.json"
    cases = {b'{"format": 2, "items": {': "ignoring the unreadable store file",
             _sealed(json.dumps({"format": FORMAT - 1, "salt": "", "items": {}}).encode()): "not written by this version",
             _sealed(b"[1, 2]"): "not written by this version",
             _sealed(json.dumps({"format": FORMAT, "salt": "", "items": []}).encode()): "not written by this version",
             json.dumps({"format": FORMAT, "salt": "", "items": {}}).encode(): "not sealed as this version writes it"}
    for data, words in cases.items():
        path.write_bytes(data)
        caplog.clear()
        with caplog.at_level(logging.INFO, logger="scripts.store"):
            assert Section(path).items == {}
        assert len(caplog.messages) == 1 and words in caplog.messages[0]
    path.write_bytes(_sealed(json.dumps({"format": FORMAT, "salt": "", "items": {"a": "not a pair", "b": [1]}}).encode()))
    s = Section(path)
    assert s.get("a", "x") is None and s.get("b", 1) is None


def test_keep_forgets_what_is_gone_and_save_writes_only_changes(tmp_path):
    s = Section(tmp_path / "s.json")
    s.put("a", "k", 1)
    s.put("b", "k", 2)
    s.save()
    mtime = (tmp_path / "s.json").stat().st_mtime_ns
    s.keep(["a", "b"])
    assert not s.save() and (tmp_path / "s.json").stat().st_mtime_ns == mtime
    s.keep(["a"])
    assert s.save() and Section(tmp_path / "s.json").items == {"a": ["k", 1]}


def test_a_media_file_rewritten_in_place_with_its_mtime_restored_is_hashed_again(tmp_path):
    """The hash store keys on size, mtime, ctime and inode: restoring the mtime does not hide a rewrite."""
    import hashlib
    import os
    from scripts.store import Hashes
    image = tmp_path / "a.png"
    image.write_bytes(b"first version")
    cache = tmp_path / ".cache"
    hashes = Hashes(cache)
    assert hashes.sha256(image) == hashlib.sha256(b"first version").hexdigest()
    hashes.save()
    st = image.stat()
    image.write_bytes(b"other version")  # same size
    os.utime(image, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert image.stat().st_size == st.st_size and image.stat().st_mtime_ns == st.st_mtime_ns
    assert Hashes(cache).sha256(image) == hashlib.sha256(b"other version").hexdigest()
