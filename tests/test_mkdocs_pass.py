"""MkDocs' pass over generated pages: our HTML without a Markdown pass, the sidebar and footer rendered once.

Each site is built three times, in fresh processes: both off (the Markdown path), the bypass alone, both on.
The bypass changes nothing but the tables of contents it adds; the memo changes nothing at all.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import REPO
from scripts.bench import mkdocs_pass
from scripts.bench.synthetic import copy_site_files, make_archive
from scripts.publish import bypass

TOC_ITEM = re.compile(r'<a href="#([^"]+)" class="md-nav__link">\s*<span class="md-ellipsis">\s*(.*?)\s*</span>', re.S)
HEADING = re.compile(r'<h2 id="([^"]+)">(.*?)</h2>')


def _generate(root: Path) -> None:
    from scripts.build import generate
    result = generate(root)
    assert result.ok, [str(p) for p in result.report.sorted()[:5]]


def _this_archive(root: Path) -> Path:
    """A copy of this repository's evidence and hand-written pages, generated."""
    shutil.copytree(REPO / "evidence", root / "evidence")
    tracked = subprocess.run(["git", "ls-files", "content"], cwd=REPO, capture_output=True, text=True, check=True)
    for name in tracked.stdout.split():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(REPO / name, root / name)
    copy_site_files(REPO, root)
    _generate(root)
    return root


def _builds(root: Path, langs: tuple[str, ...]) -> dict[tuple[str, str], Path]:
    out = {}
    for lang in langs:
        for variant in ("markdown", "bypass", "ours"):
            out[lang, variant] = root / "built" / f"{lang}-{variant}"
            mkdocs_pass.run(variant, root, lang, out[lang, variant])
    return out


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    root = _this_archive(tmp_path_factory.mktemp("archive"))
    return root, _builds(root, ("en", "ar"))  # left to right and right to left


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    root = make_archive(tmp_path_factory.mktemp("synthetic"), 150, site_files_from=REPO)
    _generate(root)
    return root, _builds(root, ("en", "ar"))


def test_marker_is_the_generators():
    from scripts.render.pages import GENERATED
    assert bypass.MARKER == GENERATED


@pytest.mark.parametrize("which", ["archive", "synthetic"])
def test_bypass_changes_only_tables_of_contents(which, request):
    _, built = request.getfixturevalue(which)
    for lang in {lang for lang, _ in built}:
        before, after = built[lang, "markdown"], built[lang, "bypass"]
        diff = mkdocs_pass.compare(before, after)
        assert diff["different"] == [] and diff["files"] > 100
        with_toc = sorted(name for name in (p.relative_to(after).as_posix() for p in after.rglob("*.html"))
                          if 'data-md-component="toc"' in (after / name).read_text("utf-8")
                          and 'data-md-component="toc"' not in (before / name).read_text("utf-8"))
        assert diff["toc_only"] == with_toc  # every other file is byte-identical
        assert "browse/timeline/2016/index.html" in with_toc and not any(x.startswith("entries/") for x in with_toc)


@pytest.mark.parametrize("which", ["archive", "synthetic"])
def test_memo_changes_nothing(which, request):
    _, built = request.getfixturevalue(which)
    for lang in {lang for lang, _ in built}:
        diff = mkdocs_pass.compare(built[lang, "bypass"], built[lang, "ours"])
        assert diff["identical"] == diff["files"] > 100, (diff["different"][:5], diff["toc_only"][:5])


@pytest.mark.parametrize("lang,first", [("en", "January 2016"), ("ar", "يناير 2016")])
def test_timeline_year_has_its_months_as_toc(archive, lang, first):
    _, built = archive
    page = (built[lang, "ours"] / "browse/timeline/2016/index.html").read_text("utf-8")
    sidebar = page[page.index('<nav class="md-nav md-nav--secondary"'):]
    toc = TOC_ITEM.findall(sidebar[:sidebar.index("</nav>")])
    content = page[page.index('<div class="ea-listing">'):]
    assert toc == HEADING.findall(content) and len(toc) == 12
    assert toc[0] == ("2016-01", first)
    before = (built[lang, "markdown"] / "browse/timeline/2016/index.html").read_text("utf-8")
    assert 'data-md-component="toc"' not in before  # the Markdown path never saw headings inside our HTML


def test_hand_written_links_to_generated_anchors_are_checked(tmp_path):
    root = make_archive(tmp_path / "a", 30, site_files_from=REPO)
    _generate(root)
    page = root / "content" / "methodology.md"
    page.write_text(page.read_text("utf-8") + "\n[January](browse/timeline/2016/index.md#2016-01)\n", "utf-8")
    mkdocs_pass.run("ours", root, "en", tmp_path / "ok")  # strict: a warning would fail the build
    page.write_text(page.read_text("utf-8") + "\n[Nowhere](browse/timeline/2016/index.md#nowhere)\n", "utf-8")
    with pytest.raises(RuntimeError, match="does not contain an anchor '#nowhere'"):
        mkdocs_pass.run("ours", root, "en", tmp_path / "bad")


def test_anchors_and_toc_from_html():
    html = ('<h2 id="a&amp;b">One <span>&amp; two</span></h2><p data-id="no" title=\'id="x"\'>id="text"</p>'
            '<h3 id="c">Three</h3><h2>No id</h2><a name="n"></a>')
    assert bypass.anchors(html) == {"a&b", "c", "n"}
    toc = bypass.toc(html)
    assert [(t.id, t.title, t.level, [(c.id, c.title) for c in t.children]) for t in toc] == [
        ("a&b", "One &amp; two", 2, [("c", "Three")])]


def test_measure_reports_ratios(archive):
    root, _ = archive
    report = mkdocs_pass.measure(root, ("en",), runs=1)
    figures = report["languages"]["en"]
    assert set(figures["seconds"]) == {"markdown", "ours", "bare"} and figures["ours_over_bare"] > 0


def test_faster_normalise_is_the_same():
    """searchtext.normalise drops combining marks through a translate table now: same result for every character."""
    import unicodedata

    from scripts.publish import searchtext

    def reference(word: str) -> str:
        decomposed = unicodedata.normalize("NFD", word.lower().translate(searchtext._LETTERS))
        return "".join(c for c in decomposed if not unicodedata.combining(c))

    text = "".join(chr(c) for c in range(0x20, 0x10000) if not 0xD800 <= c < 0xE000)
    assert searchtext.normalise(text) == reference(text)
    assert all(searchtext.normalise(c) == reference(c) for c in text)
    assert searchtext.variants("والمكالمات") == {"والمكالمات", "مكالمات", "المكالمات"}


def test_learned_block_is_checked_before_it_is_used():
    """A block is filled from what one page taught only once another page's own rendering agrees."""
    from scripts.publish.navcache import Memo, _holes

    class Nav:
        pages, items = [], []
    memo = Memo(Nav())
    key = ("b",)
    assert memo.learn(key, "<p>One</p><i>a</i>", {"t": "One"}) == "<p>One</p><i>a</i>" and not memo.knows(key)
    memo.learn(key, "<p>Two</p><i>a</i>", {"t": "Two"})
    assert memo.knows(key) and memo.fill_learned(key, {"t": "<Three>"}) == "<p><Three></p><i>a</i>"
    other = ("c",)  # the block printed something else that differs between pages: never learned
    memo.learn(other, "<p>One</p><i>1</i>", {"t": "One"})
    memo.learn(other, "<p>Two</p><i>2</i>", {"t": "Two"})
    memo.learn(other, "<p>Six</p><i>2</i>", {"t": "Six"})
    memo.learn(other, "<p>Ten</p><i>2</i>", {"t": "Ten"})
    assert not memo.knows(other)
    assert _holes("<p>a</p><p>a</p>", {"t": "a"}) is None  # a value found twice: its place is unknown
    assert _holes("<p>xy</p>", {"t": "xy", "u": "y"}) is None  # values that overlap
    assert _holes("<p>x</p>", {"t": "", "u": "x"}) == ["<p>", ("u",), "</p>"]
