"""Reruns. Nothing changed: nothing is read or written. Otherwise every file is looked at, but a
file's check result and an entry's page are reused while everything they depend on is unchanged;
any change to one of those makes them anew. A generation on several cores (entry pages, the other
pages, feeds, downloads, the writing) gives the same bytes and records as in one process."""

from __future__ import annotations

import json
import logging
import os
import posixpath
import shutil
import time
from datetime import date

import pytest
from hypothesis import given, strategies as st

from conftest import GOOD, REPO, make_site_repo, png_bytes, run_build
from scripts import build
from scripts.bench.synthetic import make_archive
from scripts import parallel as forked
from scripts.render import pages
from scripts.evidence import load_archive
from scripts.config import load as load_config

ENTRY = "2016-01-07-regulator-communique"
WARNING_ENTRY = """\
type: article
title: "An article with a heading in its summary"
date: "2016-03-01"
added: "2026-11-03"
language: "en"
summary: |
  # Not a heading here
source: {url: "https://example.org/w", publisher: "Example Weekly"}
"""


def _unseal(path):
    from scripts.store.section import _verified
    return json.loads(_verified(path.read_bytes()))


def _seal(path, data) -> None:
    from scripts.store.section import _sealed
    path.write_bytes(_sealed(json.dumps(data).encode("utf-8")))


def _gen(repo, strict=False):
    return build.generate(repo.root, strict=strict)


def test_a_rerun_with_nothing_changed_reads_and_writes_nothing(tmp_path, caplog):
    repo = make_site_repo(tmp_path)
    first = _gen(repo)
    assert first.ok and not first.up_to_date and first.entries > 0
    page = repo.root / "content" / "entries" / f"{ENTRY}.md"
    mtime = page.stat().st_mtime_ns
    caplog.set_level("INFO")
    second = _gen(repo)
    assert second.ok and second.up_to_date
    assert (second.files, second.entries, second.epoch) == (first.files, first.entries, first.epoch)
    assert page.stat().st_mtime_ns == mtime
    assert "nothing changed since the last build: content/ is up to date" in caplog.messages


def test_a_deleted_output_is_written_again(tmp_path):
    repo = make_site_repo(tmp_path)
    assert _gen(repo).ok
    page = repo.root / "content" / "entries" / f"{ENTRY}.md"
    page.unlink()
    again = _gen(repo)
    assert not again.up_to_date and page.is_file()


def test_a_deleted_media_cache_is_made_again(tmp_path):
    repo = make_site_repo(tmp_path)
    assert _gen(repo).ok
    shutil.rmtree(repo.root / ".cache" / "media")
    again = _gen(repo)
    assert again.ok and not again.up_to_date
    links = json.loads((repo.root / "content" / "_generated" / "links.json").read_text("utf-8"))
    assert links and all((repo.root / src).is_file() for src in links.values())


def test_a_hand_edited_output_is_still_refused(tmp_path):
    repo = make_site_repo(tmp_path)
    assert _gen(repo).ok
    page = repo.root / "content" / "entries" / f"{ENTRY}.md"
    page.write_text(page.read_text("utf-8") + "\nhand edit\n", "utf-8")
    path = repo.root / "evidence" / "entries" / "2016" / f"{ENTRY}.yaml"
    path.write_text(path.read_text("utf-8").replace("break the licence", "breach the licence"), "utf-8")
    code, out = run_build(repo, "--no-mkdocs")
    assert code == 1
    assert f"error: content/entries/{ENTRY}.md was edited by hand since it was generated; " \
           "edit the evidence log instead, or delete the file" in out
    assert page.read_text("utf-8").endswith("hand edit\n")


def test_a_changed_setting_is_regenerated(tmp_path, monkeypatch):
    repo = make_site_repo(tmp_path)
    assert _gen(repo).ok
    monkeypatch.setenv("SITE_URL", "https://archive.example.net/")
    again = _gen(repo)
    assert again.ok and not again.up_to_date
    assert "https://archive.example.net/entries/" in (repo.root / "content" / "rss.xml").read_text("utf-8")


def test_warnings_are_shown_again_and_fail_strict_on_the_shortcut(tmp_path):
    repo = make_site_repo(tmp_path, {"2016-03-01-heading-summary": WARNING_ENTRY})
    code, first = run_build(repo, "--no-mkdocs")
    assert code == 0
    warning = [line for line in first.splitlines() if ": warning: " in line]
    assert len(warning) == 1 and warning[0].startswith("evidence/entries/2016/2016-03-01-heading-summary.yaml:")
    code, again = run_build(repo, "--no-mkdocs")
    assert code == 0 and [line for line in again.splitlines() if ": warning: " in line] == warning
    code, strict = run_build(repo, "--no-mkdocs", "--strict")
    assert code == 1 and warning[0] in strict
    assert strict.splitlines()[-1] == "checked 7 files: 0 errors, 1 warning; nothing was written"


def test_a_failed_run_leaves_no_shortcut(tmp_path):
    repo = make_site_repo(tmp_path)
    assert _gen(repo).ok
    path = repo.root / "evidence" / "entries" / "2016" / f"{ENTRY}.yaml"
    good = path.read_text("utf-8")
    path.write_text("type: [\n", "utf-8")
    assert not _gen(repo).ok
    path.write_text(good, "utf-8")
    os.utime(path, ns=(1, 1))  # a new mtime, so the inputs differ from the failed run's as well
    assert _gen(repo).ok


def test_entry_pages_on_several_cores_are_the_same_bytes(tmp_path, monkeypatch):
    repo = make_site_repo(tmp_path)
    loaded = load_archive(repo.root)
    cfg = load_config(repo.root)
    serial = pages.render(loaded.archive, cfg, loaded.media)
    monkeypatch.setattr(forked, "PARALLEL_FROM", 1)
    monkeypatch.setattr(forked.map_slices, "__defaults__", (1,))
    monkeypatch.setattr(forked.os, "cpu_count", lambda: 2)
    parallel = pages.render(loaded.archive, cfg, loaded.media)
    assert [(o.path, o.data) for o in parallel] == [(o.path, o.data) for o in serial]


def _on_two_cores(monkeypatch):
    """Everything that can run in forked processes does, however small the archive."""
    monkeypatch.setattr(forked, "PARALLEL_FROM", 1)
    monkeypatch.setattr(forked.map_slices, "__defaults__", (1,))
    monkeypatch.setattr(forked.os, "cpu_count", lambda: 2)


def _tree(folder):
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_a_generation_on_several_cores_writes_the_same_bytes_and_records(tmp_path, monkeypatch):
    """Entry pages, the other pages, feeds, downloads and the writing in forked processes: the same content/, and
    the same page memo (its records come back from the workers, so a rerun after one edit renders little)."""
    serial = make_archive(tmp_path / "serial", 30, site_files_from=REPO)
    wide = tmp_path / "wide"
    shutil.copytree(serial, wide)
    assert build.generate(serial).ok
    _on_two_cores(monkeypatch)
    assert build.generate(wide).ok
    assert _tree(wide / "content") == _tree(serial / "content")
    assert _unseal(wide / ".cache" / "pages.json")["items"] == _unseal(serial / ".cache" / "pages.json")["items"]
    entry = sorted((wide / "evidence" / "entries").rglob("*.yaml"))[0]
    entry.write_text(entry.read_text("utf-8").replace('title: "', 'title: "Edited ', 1), "utf-8")
    again = build.generate(wide)
    made = [o.path for o in again.outputs if o.data is not None and o.path.endswith(".md")]
    assert again.ok and 0 < len(made) < len(again.outputs) // 4


def test_the_first_slice_runs_here_and_the_others_in_forked_processes(monkeypatch):
    monkeypatch.setattr(forked.os, "cpu_count", lambda: 3)
    calls = forked.map_slices(lambda state, a, b: (a, b, os.getpid()), None, 9, parallel_from=1)
    assert [(a, b) for a, b, _ in calls] == [(0, 3), (3, 6), (6, 9)]
    assert calls[0][2] == os.getpid() and os.getpid() not in {pid for _, _, pid in calls[1:]}


def test_forked_tasks_come_back_in_order_from_this_process_and_another(monkeypatch):
    """Each task is taken by whichever process is free (each lasts 0.5 s, so the worker takes some)."""
    monkeypatch.setattr(forked.os, "cpu_count", lambda: 2)
    tasks = [lambda i=i: (time.sleep(0.5), i, os.getpid())[1:] for i in range(6)]
    wide, here = forked.map_tasks(tasks), forked.map_tasks(tasks[:2], parallel=False)
    assert [i for i, _ in wide] == list(range(6)) and [i for i, _ in here] == [0, 1]
    assert os.getpid() in {pid for _, pid in wide} and len({pid for _, pid in wide}) == 2
    assert {pid for _, pid in here} == {os.getpid()}


def test_forked_slices_come_back_in_order():
    calls = forked.map_slices(lambda state, a, b: (state, a, b), "s", 10, parallel_from=1)
    assert [c[0] for c in calls] == ["s"] * len(calls)
    assert [i for _, a, b in calls for i in range(a, b)] == list(range(10))


segment = st.sampled_from(["entries", "browse", "types", "a", "b", "2"])


@given(st.lists(segment, max_size=4), st.lists(segment, max_size=4), st.booleans())
def test_link_matches_relpath(here, target, folder):
    """Same addresses as posixpath.relpath gave, for folder pages and files (which have a suffix)."""
    here_url = "/".join(here) + "/" if here else ""
    target_url = "/".join(target) + "/" if folder and target else "/".join(target + ["x.xml"])
    expected = posixpath.relpath("/" + target_url, "/" + here_url)
    expected = "./" if expected == "." else expected + ("/" if target_url.endswith("/") and not expected.endswith("/") else "")
    if target_url == "":
        expected = expected if expected == "./" else expected + "/"
    assert pages.link(here_url, target_url) == expected


# Entry pages the last run made are not rendered again while their inputs are unchanged ----------

def _rendered(result) -> set[str]:
    """Entry pages this run rendered (the others came from the page memo)."""
    return {o.path for o in result.outputs if o.path.startswith("entries/") and o.path.endswith(".md") and not o.known}


def _full(repo):
    (repo.root / ".cache" / "generate.json").unlink()
    return _gen(repo)


def test_unchanged_entry_pages_are_not_rendered_again(tmp_path):
    repo = make_site_repo(tmp_path)
    first = _gen(repo)
    assert len(_rendered(first)) == 4
    before = {p: p.read_bytes() for p in (repo.root / "content" / "entries").glob("*.md")}
    again = _full(repo)
    assert again.ok and _rendered(again) == set()
    assert {p: p.read_bytes() for p in (repo.root / "content" / "entries").glob("*.md")} == before


def test_an_edit_renders_the_entry_and_those_that_list_it(tmp_path):
    repo = make_site_repo(tmp_path)
    assert _gen(repo).ok
    path = repo.root / "evidence" / "entries" / "2016" / f"{ENTRY}.yaml"
    path.write_text(path.read_text("utf-8").replace("break the licence", "breach the licence"), "utf-8")
    again = _gen(repo)
    assert again.ok and not again.up_to_date
    assert "breach the licence" in (repo.root / "content" / "entries" / f"{ENTRY}.md").read_text("utf-8")
    assert _rendered(again) == {f"entries/{ENTRY}.md", "entries/2016-02-arabic-report.md"}
    related = (repo.root / "content" / "entries" / "2016-02-arabic-report.md").read_text("utf-8")
    assert "breach the licence" in related


def test_a_renamed_actor_renders_the_pages_that_name_it(tmp_path):
    repo = make_site_repo(tmp_path)
    assert _gen(repo).ok
    actors = repo.root / "evidence" / "actors.yaml"
    actors.write_text(actors.read_text("utf-8").replace("Regulator (test)", "Regulator (renamed)"), "utf-8")
    again = _gen(repo)
    assert _rendered(again) == {f"entries/{ENTRY}.md", "entries/2017-report.md"}
    assert "Regulator (renamed)" in (repo.root / "content" / "entries" / "2017-report.md").read_text("utf-8")


def test_a_deleted_entry_page_is_rendered_again(tmp_path):
    repo = make_site_repo(tmp_path)
    assert _gen(repo).ok
    page = repo.root / "content" / "entries" / "2017-report.md"
    text = page.read_text("utf-8")
    page.unlink()
    again = _full(repo)
    assert _rendered(again) == {"entries/2017-report.md"} and page.read_text("utf-8") == text


def test_a_stale_memo_never_stands_in_for_a_page(tmp_path):
    """A memo that vouches for bytes content/ does not hold is ignored."""
    repo = make_site_repo(tmp_path)
    assert _gen(repo).ok
    memo = repo.root / ".cache" / "pages.json"
    data = _unseal(memo)
    data["items"]["entries/2017-report.md"][1] = "0" * 64
    _seal(memo, data)  # as a forger would: a memo the store takes for its own
    again = _full(repo)
    assert _rendered(again) == {"entries/2017-report.md"}


# Per-file check results are reused while nothing they depend on has changed ---------------------

def _check(repo, caplog, today=date(2026, 11, 27)):
    caplog.clear()
    with caplog.at_level("DEBUG", logger="scripts.evidence"):
        loaded = load_archive(repo.root, today=lambda: today)
    reused = [m for m in caplog.messages if m.startswith("checked ")]
    return loaded, reused


def test_a_second_check_reuses_every_unchanged_file(tmp_path, caplog):
    repo = make_site_repo(tmp_path)
    first, note = _check(repo, caplog)
    assert note == ["checked 4 entry files, 0 unchanged since the last check"]
    again, note = _check(repo, caplog)
    assert note == ["checked 4 entry files, 4 unchanged since the last check"]
    assert again.archive.entries == first.archive.entries


def test_a_replaced_image_is_checked_again_though_its_entry_is_unchanged(tmp_path, caplog):
    repo = make_site_repo(tmp_path)
    assert _check(repo, caplog)[0].archive is not None
    image = next((repo.root / "evidence" / "media").rglob("*.png"))
    image.write_bytes(png_bytes(color=(1, 2, 3)))
    loaded, note = _check(repo, caplog)
    assert note == ["checked 4 entry files, 3 unchanged since the last check"]
    assert any("sha256 does not match media file" in str(p) for p in loaded.report.errors)


def test_a_new_day_checks_every_file_again(tmp_path, caplog):
    """An `added` date in the future is an error today and fine tomorrow."""
    future = GOOD.replace('added: "2026-11-20"', 'added: "2026-11-28"')
    repo = make_site_repo(tmp_path, {"2016-05-01-from-tomorrow": future})
    loaded, _ = _check(repo, caplog)
    assert any("2016-05-01-from-tomorrow.yaml" in p.path for p in loaded.report.errors)
    loaded, note = _check(repo, caplog, today=date(2026, 11, 28))
    assert note == ["checked 5 entry files, 0 unchanged since the last check"]
    assert not loaded.report.errors


def test_a_store_file_that_is_corrupt_or_forged_is_ignored_and_rebuilt(tmp_path, caplog):
    """The store is plain JSON, read as data: a bad file or a value of the wrong shape is a miss, never a traceback."""
    import json
    repo = make_site_repo(tmp_path / "repo")
    cache = repo.root / ".cache" / "check.json"
    assert _check(repo, caplog)[0].archive is not None
    good = _unseal(cache)
    forged = dict(good, items={rel: [key, {"problems": "none", "checked": 1}] for rel, (key, _) in good["items"].items()})
    old_format = dict(good, format=1)
    for text in ('{"format": 2, "items": {', "[]", "\x00\x01", json.dumps(forged), json.dumps(old_format), "forged",
                 "old format"):
        if text == "forged" or text == "old format":
            _seal(cache, forged if text == "forged" else old_format)
        else:
            cache.write_text(text, "utf-8")
        loaded, note = _check(repo, caplog)
        assert loaded.archive is not None and not loaded.report.problems
        assert note == ["checked 4 entry files, 0 unchanged since the last check"]
    assert _unseal(cache) == good  # rebuilt as a fresh check writes it
    assert _check(repo, caplog)[1] == ["checked 4 entry files, 4 unchanged since the last check"]


def test_no_pickle_anywhere_in_the_generator():
    """Stored state is plain data: nothing in scripts/ can run code when it reads a file."""
    offenders = [str(p.relative_to(REPO)) for p in (REPO / "scripts").rglob("*.py") if "pickle" in p.read_text("utf-8")]
    assert offenders == []


def test_the_pull_request_check_refuses_committed_caches(tmp_path):
    """The workflow step that keeps .cache/ and generated files out of pull requests."""
    import re
    import subprocess
    workflow = (REPO / ".github" / "workflows" / "check.yml").read_text("utf-8")
    step = re.search(r"- name: Refuse generated files and caches in the pull request\n        run: \|\n((?:          .*\n)+)", workflow)
    script = "\n".join(line[10:] for line in step.group(1).splitlines())
    shutil.copy(REPO / ".gitignore", tmp_path / ".gitignore")
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.org"]
    subprocess.run([*git, "init", "-q"], cwd=tmp_path, check=True)
    subprocess.run([*git, "add", ".gitignore"], cwd=tmp_path, check=True)
    assert subprocess.run(["bash", "-c", script], cwd=tmp_path, capture_output=True).returncode == 0
    (tmp_path / ".cache").mkdir()
    (tmp_path / ".cache" / "check.json").write_bytes(b"x")
    subprocess.run([*git, "add", "-f", ".cache/check.json"], cwd=tmp_path, check=True)
    out = subprocess.run(["bash", "-c", script], cwd=tmp_path, capture_output=True, text=True)
    assert out.returncode == 1
    assert out.stdout == ("::error::these files are generated or caches (see .gitignore) and must not be committed:\n"
                          ".cache/check.json\n")


@pytest.mark.parametrize("parallel_from", [10**9, 1], ids=["one process", "forked workers"])
def test_media_hashes_are_read_once(tmp_path, caplog, monkeypatch, parallel_from):
    """The SHA-256 of an image is computed once and kept (it was recomputed on every check)."""
    from scripts.evidence import check
    from scripts.store import hashes
    monkeypatch.setattr(check, "PARALLEL_FROM", parallel_from)
    monkeypatch.setattr(forked.os, "cpu_count", lambda: 2)
    repo = make_site_repo(tmp_path)
    log = tmp_path / "hashed.txt"  # a file, since forked workers do the hashing
    real = hashes.sha256_file

    def counted(path):
        with open(log, "a") as f:
            f.write(f"{path}\n")
        return real(path)
    monkeypatch.setattr(hashes, "sha256_file", counted)
    assert _check(repo, caplog)[0].archive is not None
    assert len(log.read_text().splitlines()) == 1
    (repo.root / ".cache" / "check.json").unlink()  # the per-file results would skip hashing altogether
    assert _check(repo, caplog)[0].archive is not None
    assert len(log.read_text().splitlines()) == 1


def test_a_cache_that_cannot_be_written_costs_time_not_the_check(tmp_path, caplog):
    repo = make_site_repo(tmp_path)
    blocked = repo.root / ".cache" / "sha256.json"
    blocked.mkdir(parents=True)  # a folder where the hash cache would go
    with caplog.at_level("WARNING"):
        loaded = load_archive(repo.root, today=lambda: date(2026, 11, 27))
    assert loaded.archive is not None and not loaded.report.problems
    assert [m for m in caplog.messages if m.startswith("could not write")] == [
        f"could not write {blocked} ([Errno 21] Is a directory: "
        f"'{blocked.parent / ('.sha256.json.' + str(os.getpid()) + '.tmp')}' -> '{blocked}'); "
        "the next run will redo what it held"]
    assert sorted(p.name for p in blocked.parent.iterdir()) == ["check.json", "media", "media.json", "sha256.json"]


def _swapped(value):
    """A JSON value of another type than ``value``."""
    if isinstance(value, bool):
        return "yes"
    if isinstance(value, str):
        return 123
    if isinstance(value, (int, float)):
        return "7"
    if isinstance(value, list):
        return {"x": 1}
    if isinstance(value, dict):
        return [["x"]]
    return "none"


def _deep(value):
    """``value`` with every leaf of another type, containers kept."""
    if isinstance(value, dict):
        return {k: _deep(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_deep(v) for v in value]
    return _swapped(value)


_CORRUPT = {  # how each stored [key, value] pair is damaged
    "pair": lambda pair: _swapped(pair),
    "value": lambda pair: [pair[0], _swapped(pair[1])],
    "fields": lambda pair: [pair[0], {k: _swapped(v) for k, v in pair[1].items()} if isinstance(pair[1], dict)
                            else [_swapped(v) for v in pair[1]] if isinstance(pair[1], list) else _swapped(pair[1])],
    "leaves": lambda pair: [pair[0], _deep(pair[1])],
}


@pytest.mark.parametrize("how", sorted(_CORRUPT))
@pytest.mark.parametrize("section", ["stamp", "checks", "hashes", "media", "pages"])
def test_wrong_types_in_any_store_section_are_ignored(tmp_path, section, how):
    """Every section file, every value of the wrong JSON type (sealed again, as a forger would): the build ignores
    it and makes the same content/."""
    from scripts.store import FILES
    repo = make_site_repo(tmp_path / "repo")
    assert run_build(repo, "--no-mkdocs")[0] == 0
    content = {p.relative_to(repo.root).as_posix(): p.read_bytes()
               for p in sorted((repo.root / "content").rglob("*")) if p.is_file()}
    path = repo.root / ".cache" / FILES[section]
    data = _unseal(path)
    assert data["items"], section
    data["items"] = {name: _CORRUPT[how](pair) for name, pair in data["items"].items()}
    _seal(path, data)
    if section != "stamp":  # past the stamp, to the sections a generation run reads
        os.utime(repo.root / "evidence" / "actors.yaml")
    code, out = run_build(repo, "--no-mkdocs")
    assert code == 0, out
    assert {p.relative_to(repo.root).as_posix(): p.read_bytes()
            for p in sorted((repo.root / "content").rglob("*")) if p.is_file()} == content


@pytest.mark.parametrize("section, edit", [("checks", ("checked", "entry", 2)), ("checks", ("checked", "refs")),
                                           ("media", ("format",)), ("media", ("size",)), ("stamp", ("files",))])
def test_a_store_file_edited_by_hand_is_ignored_as_a_whole(tmp_path, caplog, section, edit):
    """One value changed by hand (not sealed again) and the file is refused before any value is used."""
    from scripts.store import FILES
    repo = make_site_repo(tmp_path / "repo")
    assert run_build(repo, "--no-mkdocs")[0] == 0
    path = repo.root / ".cache" / FILES[section]
    data = json.loads(path.read_text("utf-8"))
    items = data["data"]["items"] if "data" in data else data["items"]  # before the seal: the bare section
    value = max(items.values(), key=lambda pair: len(json.dumps(pair)))[1]
    for name in edit[:-1]:
        value = value[name]
    value[edit[-1]] = _swapped(value[edit[-1]])
    path.write_text(json.dumps(data), "utf-8")
    if section != "stamp":
        os.utime(repo.root / "evidence" / "actors.yaml")
    with caplog.at_level(logging.INFO, logger="scripts.store.section"):
        code, out = run_build(repo, "--no-mkdocs")
    assert code == 0, out
    assert f"ignoring the unreadable store file {path} (not sealed as this version writes it: an earlier version's, " \
        "or edited by hand); it will be rebuilt" in caplog.text
