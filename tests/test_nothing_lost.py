"""Nothing lost: a build killed part way leaves the previous site/ and every hand-written file as they
were, and the generator never deletes or overwrites a file it did not write."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from unittest.mock import ANY

import pytest

from conftest import REPO, make_site_repo, run_build, settled
from scripts.publish import fixity

ENTRY = '''\
type: article
title: "Synthetic entry {n}{edit}"
date: "2016-{month:02d}-{day:02d}"
added: "2026-11-{added:02d}"
language: "en"
summary: |
  Synthetic entry number {n}, so that the build has some work to do.
source: {{url: "https://example.org/n/{n}", publisher: "Example Publisher"}}
actors: [anrt]
tags: [boycott]
'''
HAND = {  # hand-written files inside folders the generator writes into
    "content/entries/notes-by-hand.md": "# Notes kept by hand\n\nNot generated.\n",
    "content/browse/README.txt": "Hand-written; the generator must leave this alone.\n",
    "content/browse/timeline/2017/keep.txt": "Hand-written, in a folder that becomes otherwise empty.\n",
    "content/media/README.txt": "Hand-written, beside the images the build links into the site.\n",
}


def _digest(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def _without_search(digests: dict[str, str]) -> dict[str, str]:
    return {k: v for k, v in digests.items() if not k.startswith("pagefind/") and k != fixity.MANIFEST}


def _hand_written(repo) -> dict[str, bytes]:
    """Every file under content/ the generator did not write, with its bytes."""
    content = repo.root / "content"
    generated = set(json.loads((content / ".generated.json").read_text("utf-8")))
    return {p.relative_to(content).as_posix(): p.read_bytes() for p in sorted(content.rglob("*"))
            if p.is_file() and p.relative_to(content).as_posix() not in generated | {".generated.json"}}


def _site_repo(root: Path, entries: int = 80):
    extra = {f"2016-synthetic-{n:03d}": ENTRY.format(n=n, edit="", month=1 + n % 12, day=1 + n % 28, added=1 + n % 20)
             for n in range(entries)}
    return make_site_repo(root, extra)


def _build(root: Path, kill_at: str = "") -> tuple[int, str]:
    """Run a build in a subprocess; with ``kill_at``, it kills itself (SIGKILL) at that named point."""
    env = dict(os.environ, PYTHONPATH=str(REPO), EVIDENCE_ARCHIVE_TEST_KILL_AT=kill_at)
    proc = subprocess.run([sys.executable, "-m", "scripts", "--root", str(root), "build"], cwd=root, env=env,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=300)
    return proc.returncode, proc.stdout.decode("utf-8", "replace")


@pytest.mark.parametrize("kill_at, survivor", [("during-head-start", "previous"), ("during-mkdocs", "previous"),
                                               ("after-exchange", "new"), ("handing-over", "new")])
def test_killed_build_leaves_a_whole_site_and_hand_written_files(tmp_path, kill_at, survivor):
    repo = _site_repo(tmp_path, entries=3)
    for rel, text in HAND.items():
        (repo.root / rel).parent.mkdir(parents=True, exist_ok=True)
        (repo.root / rel).write_text(text, "utf-8")
    assert _build(repo.root) == (0, ANY)
    site = repo.root / "site"
    before, hand = _digest(site), _hand_written(repo)
    assert set(HAND) - {"content/" + k for k in hand} == set()
    # the edit changes every page: a partial result could not pass for the previous site or the new one
    first = repo.root / "evidence/entries/2016/2016-synthetic-000.yaml"
    first.write_text(ENTRY.format(n=0, edit=" (edited)", month=1, day=1, added=1), "utf-8")
    code, out = _build(repo.root, kill_at)
    assert code == -signal.SIGKILL, out
    killed = _digest(site)
    killed_whole = fixity.check(site).ok  # every file its manifest lists, with those bytes
    assert _hand_written(repo) == hand, f"a hand-written file changed after a kill at {kill_at}"
    left = settled(repo.root)  # killed handing over: the remover it started removes its own empty folder
    assert len(left) == 1 and (repo.root / left[0] / ".evidence-archive-build").is_file()  # marked: the next build may remove it
    bad = repo.entry("2099-zz-bad", "type: nope\n", year="2099")
    assert _build(repo.root)[0] == 1  # a next build that fails its check leaves that site/ too
    assert _digest(site) == killed
    bad.unlink()
    assert _build(repo.root) == (0, ANY)  # the next build removes what the killed one left behind
    assert settled(repo.root) == []
    new = _digest(site)
    assert new != before
    expected = before if survivor == "previous" else new
    if survivor == "new" and kill_at == "after-exchange":
        # the killed build's search of the edit is a delta (tests/test_search_delta.py); the next build, which has
        # no record of that site, indexes it in full: the same pages, another search bundle and manifest
        killed, expected = _without_search(killed), _without_search(expected)
    assert killed_whole and killed == expected, f"site/ is not whole after a kill at {kill_at}"
    assert _hand_written(repo) == hand
    assert (site / "media" / "README.txt").read_text("utf-8") == HAND["content/media/README.txt"]


def test_a_build_killed_while_writing_content_leaves_temporary_files_that_the_next_build_removes(tmp_path):
    repo = _site_repo(tmp_path, entries=3)
    for rel, text in HAND.items():
        (repo.root / rel).parent.mkdir(parents=True, exist_ok=True)
        (repo.root / rel).write_text(text, "utf-8")
    content = repo.root / "content"
    before = {p: p.read_bytes() for p in content.rglob("*") if p.is_file()}  # the hand-written pages
    code, out = _build(repo.root, "while-writing")
    assert code == -signal.SIGKILL, out
    left = sorted(p.name for p in content.rglob(".*.tmp"))
    assert left and all(p.endswith(".tmp") for p in left) and (content / ".generated.writing").is_file()
    assert _build(repo.root) == (0, ANY)
    assert sorted(p.name for p in content.rglob(".*.tmp")) == [] and not (content / ".generated.writing").exists()
    assert {p: p.read_bytes() for p in before} == before


def _edit(repo, n: int) -> None:
    first = repo.root / "evidence/entries/2016/2016-synthetic-000.yaml"
    first.write_text(ENTRY.format(n=0, edit=f" (edit {n})", month=1, day=1, added=1), "utf-8")


def _gone(path: Path, timeout: float = 120.0) -> bool:
    end = time.monotonic() + timeout
    while path.exists() and time.monotonic() < end:
        time.sleep(0.05)
    return not path.exists()


def test_the_command_returns_while_a_detached_remover_removes_the_previous_site(tmp_path):
    from scripts.publish.temporary import TEMP, make_temporary, remove_temporary, running
    repo = _site_repo(tmp_path, entries=3)
    assert _build(repo.root) == (0, ANY)
    _edit(repo, 1)
    env = dict(os.environ, PYTHONPATH=str(REPO), EVIDENCE_ARCHIVE_TEST_STOP_AT="removing")
    proc = subprocess.run([sys.executable, "-m", "scripts", "--root", str(repo.root), "build"], cwd=repo.root,
                          env=env, capture_output=True, timeout=300)  # as make and the bench read our output
    assert proc.returncode == 0, proc.stdout
    [left] = repo.root.glob(".site-*")  # the remover, stopped before it removes anything, has the previous site
    remover = int(TEMP.fullmatch(left.name)["pid"])
    assert running(remover) and os.getsid(remover) == remover  # alive, in its own session
    assert "(edit 1)" not in (left / "old" / "site" / "entries/2016-synthetic-000/index.html").read_text("utf-8")
    assert "(edit 1)" in (repo.root / "site" / "entries/2016-synthetic-000/index.html").read_text("utf-8")
    other = make_temporary(repo.root)  # the folder of a build still running (this process)
    (other / "site").mkdir()
    _edit(repo, 2)
    assert run_build(repo)[0] == 0  # a build while the remover works: it leaves the remover's folder alone
    assert (left / "old" / "site" / "index.html").is_file()
    os.kill(remover, signal.SIGCONT)
    assert _gone(left)
    assert (other / "site").is_dir()  # the remover removes only its own folder
    remove_temporary(other)
    assert settled(repo.root) == []  # the second build's remover is done too


def test_a_first_build_leaves_pagefinds_copies_of_its_pages_to_a_remover(tmp_path):
    from scripts.publish.temporary import TEMP, running
    repo = _site_repo(tmp_path, entries=3)
    env = dict(os.environ, PYTHONPATH=str(REPO), EVIDENCE_ARCHIVE_TEST_STOP_AT="removing")
    proc = subprocess.run([sys.executable, "-m", "scripts", "--root", str(repo.root), "build"], cwd=repo.root,
                          env=env, capture_output=True, timeout=300)
    assert proc.returncode == 0, proc.stdout
    [left] = repo.root.glob(".site-*")  # no previous site: the remover, stopped, has the search stage
    remover = int(TEMP.fullmatch(left.name)["pid"])
    assert running(remover) and os.getsid(remover) == remover
    assert sorted(p.name for p in (left / "old").iterdir()) == [".evidence-archive-build", "search-stage"]
    assert (left / "old" / "search-stage" / "fr" / "fr" / "index.html").is_file()
    assert fixity.check(repo.root / "site").ok
    os.kill(remover, signal.SIGCONT)
    assert _gone(left)


def test_a_remover_killed_part_way_leaves_a_marked_folder_the_next_build_removes(tmp_path):
    from scripts.publish import fixity
    from scripts.publish.temporary import TEMP
    repo = _site_repo(tmp_path, entries=3)
    assert _build(repo.root) == (0, ANY)
    _edit(repo, 1)
    code, out = _build(repo.root, "while-removing-old")
    assert code == 0, out  # the remover was killed, not the build
    [left] = settled(repo.root)
    assert (repo.root / left / ".evidence-archive-build").read_text("utf-8").splitlines()[1] == (
        f"pid {TEMP.fullmatch(left)['pid']}")  # marked with the remover's PID: a build may remove it now it is gone
    assert fixity.check(repo.root / "site").ok
    assert _build(repo.root) == (0, ANY)  # nothing changed: no new site, but the leftover goes
    assert settled(repo.root) == []


def test_where_no_remover_can_start_the_build_removes_the_previous_site_itself(tmp_path, monkeypatch):
    from scripts.publish import temporary

    def cannot(parent):
        raise OSError(11, "Resource temporarily unavailable")
    repo = _site_repo(tmp_path, entries=3)
    assert run_build(repo)[0] == 0
    assert settled(repo.root) == []  # the remover of the first build's search stage is done
    _edit(repo, 1)
    monkeypatch.setattr(temporary, "start", cannot)
    assert run_build(repo)[0] == 0
    assert not list(repo.root.glob(".site-*"))  # at once: removed before the command returned


def test_hand_written_files_in_generated_folders_survive_builds_and_removals(tmp_path):
    repo = _site_repo(tmp_path, entries=3)
    for rel, text in HAND.items():
        (repo.root / rel).parent.mkdir(parents=True, exist_ok=True)
        (repo.root / rel).write_text(text, "utf-8")
    assert run_build(repo)[0] == 0
    assert run_build(repo)[0] == 0  # a second, warm build changes nothing by hand either
    # removing the only 2017 entry removes its pages and the pages of its year
    (repo.root / "evidence/entries/2017/2017-report.yaml").unlink()
    code, out = run_build(repo)
    assert code == 0, out
    content = repo.root / "content"
    assert not (content / "entries/2017-report.md").exists()
    assert not (content / "browse/timeline/2017/index.md").exists()
    for rel, text in HAND.items():
        assert (repo.root / rel).read_text("utf-8") == text, rel
    # hand-written pages are published like any other page; the text file is copied
    assert (repo.root / "site/entries/notes-by-hand/index.html").is_file()
    assert (repo.root / "site/browse/README.txt").read_text("utf-8") == HAND["content/browse/README.txt"]
    assert (repo.root / "site/media/README.txt").read_text("utf-8") == HAND["content/media/README.txt"]
    assert len(list((repo.root / "site/media").rglob("*.webp"))) == 2  # the images, linked beside it


def test_hand_written_file_at_a_generated_path_stops_the_build(tmp_path):
    repo = _site_repo(tmp_path, entries=0)
    assert run_build(repo)[0] == 0
    site_before = _digest(repo.root / "site")
    mine = repo.root / "content/entries/2016-hand.md"
    mine.write_text("# Mine\n", "utf-8")
    repo.entry("2016-hand", ENTRY.format(n=999, edit="", month=3, day=3, added=3), year="2016")
    code, out = run_build(repo)
    assert code == 1
    assert out.splitlines()[-1] == ("error: content/entries/2016-hand.md exists and was not written by the generator; "
                                    "move it away (generated paths belong to the generator)")
    assert mine.read_text("utf-8") == "# Mine\n"
    assert _digest(repo.root / "site") == site_before


def _edit_generated_page(tmp_path):
    repo = _site_repo(tmp_path, entries=0)
    assert run_build(repo)[0] == 0
    page = repo.root / "content/entries/2017-report.md"
    page.write_text(page.read_text("utf-8") + "\nA note added by hand.\n", "utf-8")
    return repo, page, page.read_bytes()


def test_generated_page_edited_by_hand_is_not_overwritten(tmp_path):
    repo, page, edited = _edit_generated_page(tmp_path)
    entry = repo.root / "evidence/entries/2017/2017-report.yaml"
    entry.write_text(entry.read_text("utf-8").replace("Yearly report", "Annual report"), "utf-8")
    code, out = run_build(repo)
    assert code == 1
    assert out.splitlines()[-1] == ("error: content/entries/2017-report.md was edited by hand since it was generated; "
                                    "edit the evidence log instead, or delete the file")
    assert page.read_bytes() == edited


def test_generated_page_edited_by_hand_is_not_deleted_with_its_entry(tmp_path, caplog):
    repo, page, edited = _edit_generated_page(tmp_path)
    (repo.root / "evidence/entries/2017/2017-report.yaml").unlink()
    assert run_build(repo)[0] == 0
    assert page.read_bytes() == edited
    assert "kept content/entries/2017-report.md: it changed since it was generated" in caplog.text


@pytest.mark.parametrize("phase", ["check", "mkdocs"])
def test_failed_build_leaves_everything_as_it_was(tmp_path, phase):
    repo = _site_repo(tmp_path, entries=3)
    assert run_build(repo)[0] == 0
    site, content = _digest(repo.root / "site"), _digest(repo.root / "content")
    if phase == "check":  # discovered late: the last file of the log
        repo.entry("2099-zz-last", "type: article\ntitle: <script>\n", year="2099")
    else:  # discovered by MkDocs, after every page was generated
        (repo.root / "content/contributing.md").write_text("[broken](nowhere.md)\n", "utf-8")
        content = _digest(repo.root / "content")
    assert run_build(repo)[0] == 1
    assert _digest(repo.root / "site") == site
    if phase == "check":
        assert _digest(repo.root / "content") == content
    assert settled(repo.root) == []  # the first build's remover has gone too


def _start(root: Path, log: Path, **env) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=str(REPO), **env)
    return subprocess.Popen([sys.executable, "-m", "scripts", "--root", str(root), "build"], cwd=root, env=env,
                            stdout=log.open("wb"), stderr=subprocess.STDOUT)


def test_a_second_build_waits_for_the_first(tmp_path):
    from scripts.publish.lock import build_lock
    repo = _site_repo(tmp_path, entries=3)
    log = tmp_path / "build.log"
    with build_lock(repo.root / ".cache"):  # a build of this archive is running: this process
        proc = _start(repo.root, log)
        waiting = f"INFO: waiting for another build of this archive (PID {os.getpid()}) to finish"
        for _ in range(1200):  # up to a minute on a busy machine
            if waiting in log.read_text("utf-8") or proc.poll() is not None:
                break
            time.sleep(0.05)
        assert waiting in log.read_text("utf-8").splitlines()
        assert proc.poll() is None and not (repo.root / "site").exists()  # nothing written while it waits
    assert proc.wait(timeout=300) == 0, log.read_text("utf-8")
    assert (repo.root / "site" / "index.html").is_file()


def test_a_build_that_waited_too_long_gives_up_and_says_why(tmp_path):
    from scripts.publish.lock import build_lock
    repo = _site_repo(tmp_path, entries=3)
    with build_lock(repo.root / ".cache"):
        proc = _start(repo.root, tmp_path / "build.log", EVIDENCE_ARCHIVE_LOCK_TIMEOUT="0.5")
        assert proc.wait(timeout=120) == 1
    assert (tmp_path / "build.log").read_text("utf-8").splitlines()[-1] == (
        f"error: another build of this archive (PID {os.getpid()}) is still running after 0.5 s; "
        "wait for it to finish, then run the build again; nothing was changed")
    assert not (repo.root / "site").exists() and not (repo.root / "content" / ".generated.json").exists()


def test_two_builds_at_once_both_succeed(tmp_path):
    repo = _site_repo(tmp_path, entries=3)
    procs = [_start(repo.root, tmp_path / f"build-{n}.log") for n in range(2)]
    for n, proc in enumerate(procs):
        assert proc.wait(timeout=300) == 0, (tmp_path / f"build-{n}.log").read_text("utf-8")
    built = _digest(repo.root / "site")
    assert run_build(repo)[0] == 0 and _digest(repo.root / "site") == built  # whole: what one build makes
    assert settled(repo.root) == []
    assert not [p for p in (repo.root / "content").rglob("*") if p.name.endswith(".tmp")]
