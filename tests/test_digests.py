"""The stamp's digest of generated files never fails on a hand-edited record: it answers '' (not up to date)."""

from __future__ import annotations

import json

import pytest

from scripts.publish.links import LINKS
from scripts.publish.output import MANIFEST
from scripts.store.digests import outputs_digest


@pytest.mark.parametrize("record", [
    [1, "a", None],  # a list of mixed types, not the writer's object
    {"\ud800.md": "x"},  # a lone surrogate in a name
    {"a\u0000b.md": "x"},  # a NUL in a name
    {"a.md": "x", "b.md": 3},
    "text",
    None,
    5,
])
def test_a_hand_edited_manifest_gives_no_digest_and_no_traceback(tmp_path, record):
    (tmp_path / MANIFEST).write_text(json.dumps(record), "utf-8")
    assert outputs_digest(tmp_path) == ""


def test_a_hand_edited_links_record_gives_no_digest(tmp_path):
    (tmp_path / "a.md").write_text("a", "utf-8")
    (tmp_path / MANIFEST).write_text(json.dumps({"a.md": "x", LINKS: "y"}), "utf-8")
    (tmp_path / LINKS).parent.mkdir(parents=True, exist_ok=True)
    (tmp_path / LINKS).write_text(json.dumps({"site/x.webp": 7}), "utf-8")
    assert outputs_digest(tmp_path) == ""
    (tmp_path / LINKS).write_text(json.dumps({}), "utf-8")
    assert len(outputs_digest(tmp_path)) == 64
