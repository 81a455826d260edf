"""The search after an edit build (issue 21): Pagefind over the changed pages only, into pagefind/delta/, which
content/assets/search.js merges with the primary index, dropping the primary's stale copies of those pages.

In Chromium, through the site's own search box: an edited entry is found by its new title word and not by
the one it lost, the counts shown are a full rebuild's, a second edit adds to the delta, a delta past the
bound is a full index again (the bytes of a whole-site run), and a delta that cannot be trusted is too.
"""

from __future__ import annotations

import functools
import http.server
import json
import logging
import re
import shutil
import threading

import pytest

from conftest import make_site_repo, run_build, settled
from scripts import config as site_config
from scripts.publish import searchdelta, searchtext
from test_browser import RESULT_LINK, RESULTS_IN, SEARCH_INPUT, Tab
from test_build_skip import _tree

STATUS = "#archive-search-status"
REGULATOR = "entries/2016-01-07-regulator-communique/"
REPORT = "entries/2017-report/"
# words of the English site: the two edits' new words, the word the first edit removes, words of other pages
QUERIES = ("quibble", "wobblefrost", "break", "block", "regulator", "licence")


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    """The synthetic archive, built cold and served from its site/ (which every build replaces)."""
    repo = make_site_repo(tmp_path_factory.mktemp("delta"))
    code, out = run_build(repo)
    assert code == 0, out
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(repo.root / "site")))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield repo, f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()
    server.server_close()


def _edit(repo, stem: str, old: str, new: str) -> None:
    path = next((repo.root / "evidence" / "entries").rglob(f"{stem}.yaml"))
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), "utf-8")


def _entry(site) -> dict:
    return json.loads((site / "pagefind" / "pagefind-entry.json").read_text("utf-8"))


DELTA_FILES: list[str] = []  # what the last _search fetched of pagefind/delta/


def _search(browser, base: str, query: str, prefix: str = "") -> tuple[str, list[str]]:
    """The status the home page's search at ``prefix`` shows for ``query``, and every result's link (all batches)."""
    tab = Tab(browser, base)
    try:
        page = tab.goto(prefix)
        page.keyboard.press("/")
        page.locator(f"{SEARCH_INPUT}:focus").wait_for()
        page.keyboard.type(query)
        page.wait_for_function(f"() => /^(No results|Aucun résultat)$/.test(document.querySelector('{STATUS}')"
                               f".textContent) || document.querySelector('{RESULTS_IN} {RESULT_LINK}')")
        more = "document.querySelector('[data-archive-search] [data-more]')"
        while page.evaluate(f"() => !{more}.hidden"):  # every batch ("More results")
            shown = page.locator(RESULT_LINK).count()
            page.evaluate(f"() => {more}.click()")
            page.wait_for_function(f"n => document.querySelectorAll('{RESULTS_IN} {RESULT_LINK}').length > n", arg=shown)
        links = page.eval_on_selector_all(RESULT_LINK, "as => as.map(a => new URL(a.href).pathname)")
        status = page.inner_text(STATUS)
        assert status.endswith(f" {len(links)}") or (status.startswith(("No", "Aucun")) and not links)
        assert tab.errors == [] and tab.aborted == []  # no 404 in the console either
        DELTA_FILES[:] = [u.rsplit("/", 1)[-1].split("?")[0] for u in tab.requests if "/pagefind/delta/" in u]
        return status, links
    finally:
        tab.close()


def _all(browser, base: str) -> dict[str, tuple[str, list[str]]]:
    return {q: _search(browser, base, q) for q in QUERIES}


def test_an_edit_is_searched_through_a_delta_with_the_counts_of_a_full_rebuild(archive, browser, caplog):
    repo, base = archive
    site = repo.root / "site"
    assert searchdelta.KEY not in _entry(site) and not (site / "pagefind" / searchdelta.DELTA).exists()  # cold
    cold = _all(browser, base)
    assert DELTA_FILES == []
    assert "/" + REGULATOR in cold["break"][1] and cold["quibble"] == ("No results", [])

    _edit(repo, "2016-01-07-regulator-communique", "calls break the", "calls quibble the")
    with caplog.at_level(logging.INFO, logger="scripts.publish"):
        assert run_build(repo)[0] == 0
    assert "en: search index of its 1 page changed since its last full index" in caplog.messages
    entry = _entry(site)
    assert list(entry[searchdelta.KEY]) == ["en"] and len(entry[searchdelta.KEY]["en"]) == 1  # the old copy's id
    stale = entry[searchdelta.KEY]["en"][0]
    assert (site / "pagefind" / "fragment" / f"{stale}.pf_fragment").is_file()  # still in the primary: dropped
    delta = json.loads((site / "pagefind" / "delta" / "pagefind-entry.json").read_text("utf-8"))
    assert delta["languages"]["en"]["page_count"] == 1
    assert delta["languages"]["en"][searchdelta.BASE] == entry["languages"]["en"]["hash"]
    assert not list((site / "pagefind" / "delta").glob("*.js")) and not list((site / "pagefind" / "delta").glob("wasm*"))
    first = _all(browser, base)
    assert DELTA_FILES[0] == "pagefind-entry.json" and any(f.endswith(".pf_meta") for f in DELTA_FILES)
    _search(browser, base, "licence", "fr/")
    assert DELTA_FILES == []  # French has no delta: nothing of it is asked for
    assert first["quibble"] == ("Results: 1", ["/" + REGULATOR])
    assert "/" + REGULATOR not in first["break"][1]
    assert sorted(first["break"][1] + ["/" + REGULATOR]) == sorted(cold["break"][1])

    # a second edit: the delta holds both entries' pages (cumulative until the next full index)
    _edit(repo, "2017-report", "mentions the block", "mentions the wobblefrost")
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="scripts.publish"):
        assert run_build(repo)[0] == 0
    assert "en: search index of its 2 pages changed since its last full index" in caplog.messages
    assert stale in _entry(site)[searchdelta.KEY]["en"] and len(_entry(site)[searchdelta.KEY]["en"]) == 2
    second = _all(browser, base)
    assert second["quibble"] == ("Results: 1", ["/" + REGULATOR])
    assert second["wobblefrost"] == ("Results: 1", ["/" + REPORT])
    assert "/" + REPORT not in second["block"][1] and "/" + REGULATOR not in second["break"][1]

    (repo.root / ".cache" / "site.json").unlink()  # the same sources, built and indexed in full
    assert run_build(repo)[0] == 0
    assert searchdelta.KEY not in _entry(site) and not (site / "pagefind" / searchdelta.DELTA).exists()
    full = _all(browser, base)
    # "break" is no longer a word of the site, but the primary index's vocabulary still has it (its stale copy):
    # Pagefind's near-word matches, tried for words an index does not know, come back with the next full index
    assert "/" + REGULATOR not in full["break"][1] and second["break"] == ("No results", [])
    same = [q for q in QUERIES if q != "break"]
    assert {q: second[q][0] for q in same} == {q: full[q][0] for q in same}  # the counts shown
    assert {q: sorted(second[q][1]) for q in same} == {q: sorted(full[q][1]) for q in same}


def _whole_run(site, tmp_path):
    whole = tmp_path / "whole"
    shutil.copytree(site, whole, ignore=shutil.ignore_patterns("pagefind"))
    searchtext.run_pagefind(whole)
    return _tree(whole / "pagefind")


def test_a_delta_past_the_bound_is_a_full_index_again(tmp_path, monkeypatch, caplog):
    repo = make_site_repo(tmp_path / "repo")
    site = repo.root / "site"
    assert run_build(repo)[0] == 0
    _edit(repo, "2016-01-07-regulator-communique", "calls break the", "calls quibble the")
    assert run_build(repo)[0] == 0
    assert list(_entry(site)[searchdelta.KEY]) == ["en"]
    monkeypatch.setattr(searchdelta, "BOUND", 1)
    _edit(repo, "2017-report", "mentions the block", "mentions the wobblefrost")
    with caplog.at_level(logging.INFO, logger="scripts.publish"):
        assert run_build(repo)[0] == 0
    for lang in ("en", "fr", "ar"):
        assert any(re.fullmatch(rf"{lang}: \d+ pages changed since its last full search index \(more than 1\): "
                                "indexing it in full", m) for m in caplog.messages), caplog.messages
    assert searchdelta.KEY not in _entry(site) and not (site / "pagefind" / searchdelta.DELTA).exists()
    assert _tree(site / "pagefind") == _whole_run(site, tmp_path)  # byte for byte a whole-site run


def test_a_search_file_edited_by_hand_gives_a_full_index(tmp_path):
    repo = make_site_repo(tmp_path / "repo")
    site = repo.root / "site"
    assert run_build(repo)[0] == 0
    _edit(repo, "2016-01-07-regulator-communique", "calls break the", "calls quibble the")
    assert run_build(repo)[0] == 0
    entry = _entry(site)
    entry[searchdelta.KEY]["en"] = []  # as if the stale copy were right
    (site / "pagefind" / "pagefind-entry.json").write_text(json.dumps(entry), "utf-8")
    _edit(repo, "2017-report", "mentions the block", "mentions the wobblefrost")
    assert run_build(repo)[0] == 0  # site/ is not as the last build left it: everything is built again
    assert searchdelta.KEY not in _entry(site)
    assert _tree(site / "pagefind") == _whole_run(site, tmp_path)


@pytest.mark.parametrize("damage, reason", [
    (lambda e, d: e[searchdelta.KEY].update(en=[7]), "its list of replaced pages is not one this build wrote"),
    (lambda e, d: e["languages"]["en"].update(hash="en_0000000000"), "it was not made against the index it would complete"),
    (lambda e, d: d.unlink(), "it was not made against the index it would complete"),
    (lambda e, d: e.update(languages=[]), "it was not made against the index it would complete"),
    (lambda e, d: d.write_text('{"languages": {"en": 3}}', "utf-8"), "it was not made against the index it would complete"),
    (lambda e, d: d.write_text("{", "utf-8"), "pagefind-entry.json cannot be read (Expecting property name enclosed in "
                                              "double quotes: line 1 column 2 (char 1))"),
])
def test_a_delta_that_cannot_be_trusted_gives_way_to_a_full_index(tmp_path, caplog, damage, reason):
    """searchdelta.plan on a previous site whose delta was damaged: no delta, a full index of the language."""
    repo = make_site_repo(tmp_path / "repo")
    site = repo.root / "site"
    assert run_build(repo)[0] == 0
    _edit(repo, "2016-01-07-regulator-communique", "calls break the", "calls quibble the")
    assert run_build(repo)[0] == 0
    old = tmp_path / "old"
    shutil.copytree(site, old)
    entry = _entry(old)
    damage(entry, old / "pagefind" / "delta" / "pagefind-entry.json")
    (old / "pagefind" / "pagefind-entry.json").write_text(json.dumps(entry), "utf-8")
    langs = site_config.languages(repo.root)
    with caplog.at_level(logging.INFO, logger="scripts.publish"):
        assert searchdelta.plan(site, old, "en", langs, ["entries/2017-report.md"]) is None
    assert caplog.messages == [f"en: the search index's last delta cannot be used ({reason}): indexing it in full"]
    assert searchdelta.plan(site, site, "en", langs, ["entries/2017-report.md"]).pages == ["entries/2016-01-07-regulator-communique/index.html"]


def test_a_build_killed_while_it_makes_a_delta_leaves_the_last_site_and_the_next_one_makes_it(tmp_path):
    from test_nothing_lost import _build, _digest
    repo = make_site_repo(tmp_path / "repo")
    site = repo.root / "site"
    assert _build(repo.root)[0] == 0
    _edit(repo, "2016-01-07-regulator-communique", "calls break the", "calls quibble the")
    assert _build(repo.root)[0] == 0
    before = _digest(site)
    _edit(repo, "2017-report", "mentions the block", "mentions the wobblefrost")
    code, out = _build(repo.root, "during-search-delta")
    assert code == -9, out
    assert _digest(site) == before  # the last site, its delta and entry file as they were
    code, out = _build(repo.root)
    assert code == 0, out
    assert "en: search index of its 2 pages changed since its last full index" in out
    assert settled(repo.root) == []  # the previous site goes in the background (publish/temporary.py)


def test_a_delta_page_outside_the_site_is_not_trusted(tmp_path, monkeypatch):
    bundle = tmp_path / "pagefind"
    (bundle / searchdelta.DELTA).mkdir(parents=True)
    (bundle / "pagefind-entry.json").write_text(json.dumps(
        {"languages": {"en": {"hash": "en_1234567"}}, searchdelta.KEY: {"en": ["en_abcdef1"]}}), "utf-8")
    (bundle / searchdelta.DELTA / "pagefind-entry.json").write_text(json.dumps(
        {"languages": {"en": {searchdelta.BASE: "en_1234567"}}}), "utf-8")
    monkeypatch.setattr(searchdelta, "page_ids", lambda *a: {"/entries/x/": "en_0000001"})
    assert searchdelta.previous(bundle, "en").pages == ["entries/x/index.html"]
    monkeypatch.setattr(searchdelta, "page_ids", lambda *a: {"/%2E%2E/%2E%2E/etc/": "en_0000001"})
    with pytest.raises(searchdelta.Untrusted, match="one of its pages is outside the site"):
        searchdelta.previous(bundle, "en")
