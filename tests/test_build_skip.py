"""The site build uses both cores, and skips what did not change (issue 21: parallel languages, nothing
changed nothing built, per-language reuse with Pagefind over the rebuilt languages only, a cheap manifest)."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import shutil
import threading
import time
from pathlib import Path

import pytest

from conftest import make_site_repo, run_build, settled
from scripts.evidence.problems import BuildError
from scripts.publish import fixity, searchdelta, searchparts, searchtext, workers


def _record(tmp_path, lang: str) -> None:
    (tmp_path / f"{lang}.pid").write_text(str(os.getpid()))
    logging.getLogger("scripts.publish.test").warning("built %s", lang)
    time.sleep(0.5)  # a language's work takes time: one worker must not take all three before the others start


def test_languages_build_in_their_own_processes_and_their_logs_reach_the_build(tmp_path, caplog, monkeypatch):
    monkeypatch.delenv(workers.WORKERS_ENV, raising=False)
    with caplog.at_level(logging.INFO):
        workers.build_all(lambda lang: _record(tmp_path, lang), ["en", "fr", "ar"])
    pids = {int((tmp_path / f"{x}.pid").read_text()) for x in ("en", "fr", "ar")}
    assert len(pids) >= 2 and os.getpid() not in pids  # a worker done early may take the next language
    assert sorted(r.getMessage() for r in caplog.records if r.name == "scripts.publish.test") == [
        "built ar", "built en", "built fr"]


def _fail(lang: str) -> None:
    if lang != "en":
        raise BuildError(f"{lang} is broken")


def test_a_failing_language_fails_the_build_with_its_message_in_language_order():
    with pytest.raises(BuildError, match="^fr is broken$"):
        workers.build_all(_fail, ["en", "fr", "ar"])


def _inodes(site, rels):
    return {rel: (site / rel).stat().st_ino for rel in rels}


PAGES = ["index.html", "methodology/index.html", "fr/methodology/index.html", "ar/methodology/index.html"]


def _staged_languages(runs: list, real):
    def run(site):
        runs.append(sorted({p.relative_to(site).parts[0] if p.relative_to(site).parts[0] in ("fr", "ar") else "en"
                            for p in site.rglob("*.html")}))
        real(site)
    return run


def test_nothing_changed_nothing_built_and_one_language_rebuilt_alone(tmp_path, caplog, monkeypatch):
    repo = make_site_repo(tmp_path)
    site = repo.root / "site"
    runs = []
    monkeypatch.setattr(searchparts, "run_pagefind", _staged_languages(runs, searchtext.run_pagefind))
    assert run_build(repo)[0] == 0
    assert runs == [["en"], ["fr"], ["ar"]]  # one Pagefind run per language, one after another (issue 21: memory)
    whole = tmp_path / "whole-cold"
    shutil.copytree(site, whole, ignore=shutil.ignore_patterns("pagefind"))
    searchtext.run_pagefind(whole)
    assert _tree(whole / "pagefind") == _tree(site / "pagefind")  # the merged runs are a whole-site run, byte for byte
    monkeypatch.undo()
    before = _inodes(site, PAGES + [fixity.MANIFEST])
    import mkdocs.commands.build
    monkeypatch.setattr(mkdocs.commands.build, "build", lambda cfg: pytest.fail("MkDocs ran with nothing changed"))
    with caplog.at_level(logging.INFO, logger="scripts.publish.site"):
        code, out = run_build(repo)
    assert code == 0, out
    assert "nothing changed since the last build: site/ is current" in caplog.text
    assert _inodes(site, PAGES + [fixity.MANIFEST]) == before  # site/ not even replaced
    monkeypatch.undo()

    primary = _tree(site / "pagefind")
    (repo.root / "content" / "fr" / "methodology.md").write_text("# Méthode\n\nRévisée.\n", "utf-8")
    digests = []
    real = fixity._digest
    monkeypatch.setattr(fixity, "_digest", lambda p: digests.append(p) or real(p))
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="scripts.publish.site"):
        assert run_build(repo)[0] == 0
    assert "en: nothing changed since the last build; its pages are kept" in caplog.text
    assert "ar: nothing changed since the last build; its pages are kept" in caplog.text
    after = _inodes(site, PAGES)
    assert after["index.html"] == before["index.html"] and after["ar/methodology/index.html"] == before[
        "ar/methodology/index.html"]  # the kept languages' pages are the same files, linked
    assert after["fr/methodology/index.html"] != before["fr/methodology/index.html"]
    assert "Révisée." in (site / "fr/methodology/index.html").read_text("utf-8")
    read = {Path(p).relative_to(repo.root).as_posix().split("/", 2)[2] for p in digests}  # .site-build-…/site/REL
    assert read and {r.split("/")[0] for r in read} <= {"fr", "pagefind"}  # the manifest read only what is new
    # of the search bundle, only the entry file and the new delta: the kept index files are the last build's
    assert {r for r in read if r.startswith("pagefind/") and not r.startswith("pagefind/delta/")} == \
        {"pagefind/pagefind-entry.json"}
    assert fixity.check(site).ok
    # Pagefind ran over French's changed page only, into a delta (tests/test_search_delta.py): the primary
    # bundle's files are the last ones; its entry file lists what the delta replaces
    now = _tree(site / "pagefind")
    delta = [k.split("/")[-1] for k in now if k.startswith("delta/")]
    assert delta and all(n.startswith(("fr_", "pagefind.fr_", "pagefind-entry.json")) for n in delta), delta
    entry = "pagefind-entry.json"
    assert {k: v for k, v in now.items() if not k.startswith("delta/") and k != entry} == \
        {k: v for k, v in primary.items() if k != entry}


def _generate_here(tmp_path):
    import scripts.build as pipeline
    real = pipeline.generate

    def generate(root, strict=False):
        (tmp_path / "generation.pid").write_text(str(os.getpid()))
        return real(root, strict)
    return generate


def _generation_fails(root, strict=False):
    raise BuildError("content/browse: cannot write (test)")


def _generation_os_error(root, strict=False):
    raise PermissionError(13, "Permission denied", "/archive/content/index.md")


def _generation_killed(root, strict=False):
    os.kill(os.getpid(), 9)


def test_the_generation_runs_in_a_process_that_exits_and_reports_as_the_build(tmp_path, caplog, monkeypatch):
    import scripts.build as pipeline
    repo = make_site_repo(tmp_path)
    monkeypatch.setattr(pipeline, "generate", _generate_here(tmp_path))
    with caplog.at_level(logging.INFO, logger="scripts.build"):
        code, out = run_build(repo, "--no-mkdocs")
    assert code == 0, out
    pid = int((tmp_path / "generation.pid").read_text())
    assert pid != os.getpid()  # its ~600 MB at 10,000 entries are given back before MkDocs' workers are forked
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
    assert re.search(r"generated \d+ files \(\d+ written", caplog.text)  # its log reaches the build's
    assert (repo.root / "content" / "index.md").is_file()
    entry = next((repo.root / "evidence" / "entries").rglob("*.yaml"))
    entry.write_text(entry.read_text("utf-8").replace('title: "', 'title: "Edited: ', 1), "utf-8")  # it must run
    for fail, message in ((_generation_fails, "error: content/browse: cannot write (test)\n"),
                          (_generation_os_error, "error: cannot use /archive/content/index.md: [Errno 13] "
                                                 "Permission denied; the previous site/ is unchanged\n"),
                          (_generation_killed, "error: the generation stopped before it finished (killed, or out "
                                               "of memory?); the previous site/ is unchanged\n")):
        monkeypatch.setattr(pipeline, "generate", fail)
        assert run_build(repo) == (1, message)


def test_nothing_changed_is_seen_without_the_generations_process_and_in_one_walk_of_content(
        tmp_path, caplog, monkeypatch):
    from scripts.publish import tree
    from scripts.store import digests
    repo = make_site_repo(tmp_path)
    assert run_build(repo)[0] == 0
    walks, looks = [], []
    real_files, real_stat = tree.files, os.stat
    monkeypatch.setattr(workers, "in_child", lambda *a: pytest.fail("a process was started for the generation"))
    def walk(top, *a):
        walks.append(os.path.relpath(top, repo.root))
        return real_files(top, *a)
    from scripts.publish import unchanged
    monkeypatch.setattr(tree, "files", walk)
    monkeypatch.setattr(unchanged, "tree_files", walk)
    monkeypatch.setattr(digests.os, "stat", lambda p, *a, **k: looks.append(p) or real_stat(p, *a, **k))
    with caplog.at_level(logging.INFO):
        code, again = run_build(repo)
    assert code == 0, again  # warnings reported again: test_incremental.py
    assert "nothing changed since the last build: content/ is up to date" in caplog.messages
    assert "nothing changed since the last build: site/ is current" in caplog.messages
    assert walks == ["content", "site"]  # content/ once, for the generation's stamp and the site's plan
    generated = {os.fspath(repo.root / "content" / rel)
                 for rel in json.loads((repo.root / "content" / ".generated.json").read_bytes())}
    again = generated & set(map(os.fspath, looks))  # of 159 generated files, only the image list, which the site's
    assert len(generated) > 100 and again == {os.fspath(repo.root / "content/_generated/links.json")}  # inputs read
    monkeypatch.undo()
    (repo.root / "content" / "fr" / "methodology.md").write_text("# Méthode\n\nRévisée.\n", "utf-8")
    caplog.clear()
    with caplog.at_level(logging.INFO):
        assert run_build(repo)[0] == 0  # a hand-edited page is still seen
    assert "fr: 1 changed source; only their pages are rendered again" in caplog.messages
    assert "Révisée." in (repo.root / "site" / "fr" / "methodology" / "index.html").read_text("utf-8")


def _tree(folder):
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_a_site_file_changed_by_hand_is_rebuilt(tmp_path):
    repo = make_site_repo(tmp_path)
    site = repo.root / "site"
    assert run_build(repo)[0] == 0
    page = site / "fr" / "index.html"
    good = page.read_bytes()
    page.write_bytes(good + b"<!-- edited -->")
    assert run_build(repo)[0] == 0
    assert page.read_bytes() == good and fixity.check(site).ok
    (site / "extra.html").write_text("mine")  # a file the manifest does not list: site/ is not the one we built
    assert run_build(repo)[0] == 0
    assert not (site / "extra.html").exists() and fixity.check(site).ok


def test_an_edited_entry_rerenders_only_its_pages_and_gives_the_bytes_of_a_full_build(tmp_path, caplog):
    repo = make_site_repo(tmp_path)
    site = repo.root / "site"
    assert run_build(repo)[0] == 0
    untouched = _inodes(site, ["methodology/index.html", "fr/methodology/index.html"])
    path = next((repo.root / "evidence" / "entries").rglob("*.yaml"))
    path.write_text(path.read_text("utf-8").replace('title: "', 'title: "Edited: ', 1), "utf-8")
    with caplog.at_level(logging.INFO, logger="scripts.publish.site"):
        assert run_build(repo)[0] == 0
    for lang in ("en", "fr", "ar"):
        assert re.search(rf"{lang}: \d+ changed sources?; only their pages are rendered again", caplog.text)
    assert _inodes(site, untouched) == untouched  # pages the edit does not show are the previous files
    assert "Edited: " in (site / "entries" / path.stem / "index.html").read_text("utf-8")
    incremental = _pages_of(site)
    (repo.root / ".cache" / "site.json").unlink()
    assert run_build(repo)[0] == 0  # a full build of the same sources
    assert _pages_of(site) == incremental


def _pages_of(site):
    """The site without its search bundle and manifest: after an edit, the search of the changed pages is a delta
    (tests/test_search_delta.py compares its results with a full index's)."""
    return {k: v for k, v in _tree(site).items() if not k.startswith("pagefind/") and k != fixity.MANIFEST}


def test_nothing_changed_reads_no_per_file_record_and_a_replaced_or_removed_site_file_is_rebuilt(
        tmp_path, caplog, monkeypatch):
    from scripts.publish import unchanged
    repo = make_site_repo(tmp_path)
    site = repo.root / "site"
    assert run_build(repo)[0] == 0
    details = repo.root / ".cache" / "site-files.json"
    assert details.is_file()
    details.rename(tmp_path / "details")  # the decision needs only the small record and one walk of site/
    monkeypatch.setattr(unchanged, "_valid", lambda v: pytest.fail("a per-file record was read"))
    with caplog.at_level(logging.INFO, logger="scripts.publish.site"):
        assert run_build(repo)[0] == 0
    assert "nothing changed since the last build: site/ is current" in caplog.text
    monkeypatch.undo()
    (tmp_path / "details").rename(details)

    page = site / "fr" / "index.html"  # the same bytes, size and mtime in a new file (another inode)
    shutil.copy2(page, tmp_path / "copy")
    os.replace(tmp_path / "copy", page)
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="scripts.publish.site"):
        assert run_build(repo)[0] == 0
    assert "nothing changed since the last build" not in caplog.text and fixity.check(site).ok
    (site / "ar" / "index.html").unlink()
    assert run_build(repo)[0] == 0
    assert (site / "ar" / "index.html").is_file() and fixity.check(site).ok


def test_without_its_per_file_records_an_edited_language_is_built_whole_and_its_manifest_is_right(tmp_path, caplog):
    repo = make_site_repo(tmp_path)
    site = repo.root / "site"
    assert run_build(repo)[0] == 0
    (repo.root / ".cache" / "site-files.json").unlink()
    (repo.root / "content" / "fr" / "methodology.md").write_text("# Méthode\n\nRévisée.\n", "utf-8")
    with caplog.at_level(logging.INFO, logger="scripts.publish.site"):
        assert run_build(repo)[0] == 0
    assert "en: nothing changed since the last build; its pages are kept" in caplog.text
    assert "fr: " not in caplog.text  # not "only their pages are rendered again": the sources' record is gone
    assert "Révisée." in (site / "fr/methodology/index.html").read_text("utf-8") and fixity.check(site).ok


def test_a_generated_pages_body_is_held_only_while_it_is_written(tmp_path, monkeypatch):
    import mkdocs.commands.build as mk
    repo = make_site_repo(tmp_path)
    monkeypatch.setenv(workers.WORKERS_ENV, "1")  # MkDocs in this process, where the spy is
    seen, real = {}, mk._build_page

    def spy(page, config, *args, **kwargs):
        before = page.content  # every page was read and rendered before the first is written
        real(page, config, *args, **kwargs)
        if page.file.src_uri.startswith("entries/"):
            seen[config.theme["language"], page.file.src_uri] = (before, page.content)
    monkeypatch.setattr(mk, "_build_page", spy)
    assert run_build(repo)[0] == 0
    assert {lang for lang, _ in seen} == {"en", "fr", "ar"}
    assert set(seen.values()) == {("", "")}  # at 10,000 entries, a worker held ~150 MB of bodies at once
    page = next((repo.root / "site" / "fr" / "entries").glob("*/index.html")).read_text("utf-8")
    assert '<div data-pagefind-body><!-- generated by' in page and 'class="ea-entry"' in page


def test_a_generated_page_changed_during_the_build_fails_it_with_its_name():
    import types
    from scripts.publish import bypass
    source = "---\ntitle: x\n---\n" + bypass.MARKER + "<p>a</p>\n"
    page = types.SimpleNamespace(file=types.SimpleNamespace(src_uri="entries/e1.md", content_string=source))
    assert bypass.hold(source.split("---\n", 2)[2], page) == ""
    assert bypass.load(page) == bypass.MARKER + "<p>a</p>"
    page.file.content_string = source.replace("<p>a", "<p>b")
    with pytest.raises(BuildError, match=r"^entries/e1\.md: changed while the site was being built; run the build again$"):
        bypass.load(page)


def test_the_manifest_takes_the_hashes_read_ahead_and_reads_only_the_files_after_them(tmp_path, monkeypatch):
    site = tmp_path / "site"
    for rel, data in (("index.html", b"home"), ("fr/index.html", b"accueil"), ("pagefind/pagefind.js", b"js")):
        (site / rel).parent.mkdir(parents=True, exist_ok=True)
        (site / rel).write_bytes(data)
    ahead = fixity.records(site, None, "pagefind", threading.Event())  # while Pagefind still writes pagefind/
    assert sorted(ahead) == ["fr/index.html", "index.html"]
    assert ahead["fr/index.html"][3] == hashlib.sha256(b"accueil").hexdigest()
    (site / "pagefind" / "pagefind-entry.json").write_bytes(b"{}")
    read = []
    real = fixity._digest
    monkeypatch.setattr(fixity, "_digest", lambda p: read.append(Path(p).relative_to(site).as_posix()) or real(p))
    assert fixity.write(site, ahead, {}) == 4
    assert sorted(read) == ["pagefind/pagefind-entry.json", "pagefind/pagefind.js"]
    assert fixity.check(site).ok


def test_the_hashes_read_ahead_stop_when_the_build_fails(tmp_path):
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "index.html").write_bytes(b"home")
    stop = threading.Event()
    assert list(fixity.records(tmp_path / "site", None, "pagefind", stop)) == ["index.html"]
    stop.set()
    assert fixity.records(tmp_path / "site", None, "pagefind", stop) == {}


def _edit_title(repo, words: str = "Edited: "):
    path = next((repo.root / "evidence" / "entries").rglob("*.yaml"))
    path.write_text(path.read_text("utf-8").replace('title: "', f'title: "{words}', 1), "utf-8")
    return path


def _count_links(tmp_path, monkeypatch):
    """Note in tmp_path/links, from whichever process does it, each language whose part of site/ is linked in."""
    from scripts.publish import unchanged
    real = unchanged.link_part

    def link_part(old, new, lang, langs, own=False):
        with open(tmp_path / "links", "a") as f:
            f.write(f"{os.getpid()} {lang}\n")
        return real(old, new, lang, langs, own)
    monkeypatch.setattr(unchanged, "link_part", link_part)


def test_an_edit_build_links_the_last_site_in_while_the_generation_runs(tmp_path, caplog, monkeypatch):
    from scripts.store import open_section
    repo = make_site_repo(tmp_path / "repo")
    site = repo.root / "site"
    assert run_build(repo)[0] == 0
    _edit_title(repo)
    _count_links(tmp_path, monkeypatch)
    # every language keeps its primary search files: linked in while the generation ran, not after MkDocs
    monkeypatch.setattr(searchparts, "_merge", lambda *a: pytest.fail("the primary bundle was linked after MkDocs"))
    with caplog.at_level(logging.DEBUG, logger="scripts.publish.site"):
        assert run_build(repo)[0] == 0
    assert "the last site's parts are linked in for en, fr, ar while the generation runs" in caplog.text
    for lang in ("en", "fr", "ar"):
        assert re.search(rf"{lang}: \d+ changed sources?; only their pages are rendered again", caplog.text)
    # once each, by the build's own process (not again by the MkDocs workers)
    assert sorted((tmp_path / "links").read_text().split("\n")[:-1]) == sorted(
        f"{os.getpid()} {lang}" for lang in ("en", "fr", "ar"))
    assert fixity.check(site).ok and settled(repo.root) == []
    # the url -> id of each language's primary index, kept for the next edit: what its fragments say
    ids = open_section(repo.root / ".cache", "search-ids")
    entry = json.loads((site / "pagefind" / "pagefind-entry.json").read_text("utf-8"))
    for lang in ("en", "fr", "ar"):
        stored = ids.get(lang, entry["languages"][lang]["hash"])
        assert stored and stored == searchdelta.page_ids(site / "pagefind" / "fragment", lang)
    monkeypatch.undo()
    incremental = _pages_of(site)
    (repo.root / ".cache" / "site.json").unlink()
    assert run_build(repo)[0] == 0  # a full build of the same sources
    assert _pages_of(site) == incremental


def test_a_head_start_the_plan_does_not_use_is_set_aside_and_the_site_is_a_full_builds(tmp_path, caplog):
    repo = make_site_repo(tmp_path / "repo")
    site = repo.root / "site"
    assert run_build(repo)[0] == 0
    _edit_title(repo)
    repo.entry("2016-zz-added")  # a page added: every language is built in full (the nav, the sitemap)
    with caplog.at_level(logging.DEBUG, logger="scripts.publish.site"):
        assert run_build(repo)[0] == 0
    assert "while the generation runs" in caplog.text and "only their pages are rendered again" not in caplog.text
    assert (site / "entries" / "2016-zz-added" / "index.html").is_file()
    assert fixity.check(site).ok and settled(repo.root) == []
    built = _pages_of(site)
    (repo.root / ".cache" / "site.json").unlink()
    assert run_build(repo)[0] == 0
    assert _pages_of(site) == built


def test_a_generation_that_fails_after_the_head_start_leaves_site_and_no_folder(tmp_path, caplog):
    repo = make_site_repo(tmp_path / "repo")
    site = repo.root / "site"
    assert run_build(repo)[0] == 0
    before = _tree(site)
    _edit_title(repo)
    repo.entry("2099-zz-bad", "type: nope\n", year="2099")
    with caplog.at_level(logging.DEBUG, logger="scripts.publish.site"):
        code, out = run_build(repo)
    assert code == 1 and out.endswith("; nothing was written\n"), out
    assert "while the generation runs" in caplog.text  # made, and handed to the remover as a failed build's own
    assert settled(repo.root) == [] and _tree(site) == before


def test_no_head_start_when_the_code_or_the_site_changed(tmp_path, caplog, monkeypatch):
    from scripts.publish import site as publish_site, unchanged
    repo = make_site_repo(tmp_path / "repo")
    assert run_build(repo)[0] == 0
    record = unchanged.Record(repo.root)
    assert record.epoch == os.environ.get("SOURCE_DATE_EPOCH") and record.expected(repo.root)
    monkeypatch.setattr(unchanged, "code_digest", lambda: "other code")
    assert not unchanged.Record(repo.root).expected(repo.root)
    monkeypatch.undo()
    (repo.root / "site" / "fr" / "index.html").write_bytes(b"edited by hand")
    ahead = publish_site.HeadStart()
    publish_site.head_start(repo.root, repo.root / "site", ahead)
    assert ahead.folder is None and ahead.linked == [] and settled(repo.root) == []


def test_the_default_languages_run_lists_only_its_own_pages(built_site, tmp_path):
    from mkdocs.commands import build as mk

    from scripts import config as site_config
    from scripts.publish import languages
    langs = site_config.languages(built_site.root)
    cfg = languages.load(built_site.root, "en", tmp_path / "out")
    walk, get_files = os.walk, mk.get_files
    with languages.own_pages("en", langs):
        own = mk.get_files(cfg)
    assert (os.walk, mk.get_files) == (walk, get_files)  # put back
    everything = mk.get_files(cfg)
    assert not any(f.src_uri.split("/")[:2] in (["fr", "entries"], ["ar", "entries"]) for f in own)
    assert any(f.src_uri.startswith("fr/entries/") for f in everything)  # walked, then excluded by exclude_docs
    # the other languages' other pages stay listed (excluded), so a default-language page's link to one resolves
    assert "fr/index.md" in {f.src_uri for f in own} and not own.get_file_from_path("fr/index.md").inclusion.is_included()
    assert [f.src_uri for f in own if f.inclusion.is_included()] == \
        [f.src_uri for f in everything if f.inclusion.is_included()]
    with languages.own_pages("fr", langs):
        assert mk.get_files is get_files  # another language's folder holds no others


def test_a_head_start_is_given_up_when_mkdocs_yml_changes_during_the_generation(tmp_path, caplog):
    from scripts.publish import site as publish_site
    repo = make_site_repo(tmp_path / "repo")
    assert run_build(repo)[0] == 0
    ahead = publish_site.HeadStart()
    publish_site.head_start(repo.root, repo.root / "site", ahead)
    assert ahead.linked == ["en", "fr", "ar"] and ahead.folder is not None
    cfg = repo.root / "mkdocs.yml"
    cfg.write_text(cfg.read_text("utf-8") + "\n# edited during the generation\n", "utf-8")
    with caplog.at_level(logging.INFO, logger="scripts.publish.site"):
        publish_site.mkdocs_build(repo.root, repo.root / "site", None, ahead)
    assert ("mkdocs.yml, overrides/ or the code changed during the generation: the last site is not reused as it was"
            in caplog.text)
    assert "nothing changed since the last build" not in caplog.text  # every language built again
    assert fixity.check(repo.root / "site").ok and settled(repo.root) == []
