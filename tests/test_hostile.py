"""The hostile corpus (tests/hostile/): each case is refused by `check` with exact messages, or accepted
and rendered as inert text.

The index, tests/hostile/cases.yaml, keeps each case's expected output beside it. Here every refused
case runs through the real `python -m scripts check` command line in its own throwaway repository;
accepted cases must check clean, and the site built from them must hold no live markup (no event
handler attribute, no script: address, no payload in a script or an image). tests/test_browser.py
opens the same pages in Chromium and proves that no payload runs there.
"""

from __future__ import annotations

import contextlib
import io
import gzip
import json
import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

import hostile_corpus as corpus
from conftest import REPO, Repo
from scripts.cli import main

CASES = corpus.load_cases()
SUMMARY = re.compile(r"checked \d+ files?: (\d+) errors?, (\d+) warnings?")


def _check(root: Path) -> tuple[int, list[str]]:
    """Run `python -m scripts check` in-process; return its exit code and printed lines."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(["--root", str(root), "check"])
    return code, out.getvalue().splitlines()


def _check_isolated(root: Path) -> tuple[int, list[str]]:
    """Run `python -m scripts check` in a fresh process that cannot hang the suite (a FIFO, /dev/stdin)."""
    try:
        run = subprocess.run([sys.executable, "-m", "scripts", "--root", str(root), "check"], cwd=REPO, text=True,
                             capture_output=True, stdin=subprocess.PIPE, timeout=60, errors="surrogateescape")
    except subprocess.TimeoutExpired:
        pytest.fail("check waited for input: it opened a file that is not a regular file")
    assert "Traceback" not in run.stderr, run.stderr
    assert corpus.OUTSIDE not in run.stdout + run.stderr
    return run.returncode, run.stdout.splitlines()


def _repo(tmp_path: Path, case: dict) -> Repo:
    repo = Repo(tmp_path)
    corpus.install(case, tmp_path)
    return repo


# The index ---------------------------------------------------------------------------------------

def test_corpus_is_large_and_well_formed():
    ids = [c["id"] for c in CASES]
    assert len(ids) == len(set(ids)), "case ids must be unique"
    assert len(corpus.active(CASES)) >= 40
    assert len(corpus.rendered(CASES)) >= 10
    for c in CASES:
        assert {"id", "category", "what"} <= c.keys(), c["id"]
        assert c.get("pending") or "check" in c or "check_starts_with" in c, c["id"]
        assert not ("rendered" in c and c.get("check")), f"{c['id']}: a rendered case must check clean"
    used = {c["entry"] for c in CASES if "entry" in c}
    on_disk = {p.stem for p in (corpus.HOSTILE / "entries").glob("*.yaml")}
    assert on_disk == used, "every file in tests/hostile/entries/ belongs to a case, and every case's file exists"
    registries = {n for c in CASES for n in [*c.get("registry", {}).values(), *c.get("append", {}).values()]}
    assert registries == {p.name for p in (corpus.HOSTILE / "registries").iterdir()}


def test_readme_table_is_current():
    readme = corpus.README.read_text("utf-8")
    assert corpus.readme_with_table(readme, CASES) == readme, "run: python tests/hostile_corpus.py"


# Refused cases ------------------------------------------------------------------------------------

@pytest.mark.parametrize("case", corpus.refused(CASES) + [c for c in corpus.active(CASES) if "check_starts_with" in c],
                         ids=lambda c: c["id"])
def test_refused_by_check_with_exact_messages(tmp_path, case):
    _repo(tmp_path, case)
    code, lines = (_check_isolated if case.get("isolate") else _check)(tmp_path)
    assert code == 1
    assert not [line for line in lines if corpus.OUTSIDE in line], "a message quotes a file outside the repository"
    problems, summary = lines[:-1], lines[-1]
    if "check" in case:
        assert problems == case["check"]
    else:
        assert problems[:len(case["check_starts_with"])] == case["check_starts_with"]
        assert len(problems) == case["errors"]
    errors, warnings = map(int, SUMMARY.fullmatch(summary).groups())
    assert errors == sum(": error: " in p for p in problems) and errors >= 1
    for p in problems:
        assert re.fullmatch(r"evidence/[^:]+:\d+:\d+: (error|warning): .+", p), p


def test_python_tag_constructs_nothing(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    case = next(c for c in CASES if c["id"] == "yaml-python-tag")
    _repo(tmp_path, case)
    assert _check(tmp_path)[0] == 1
    assert not list(tmp_path.rglob("pwned-by-yaml")) and not (REPO / "pwned-by-yaml").exists()


MEMORY_PROBE = """
import resource, sys
from pathlib import Path
sys.path[:0] = [sys.argv[2]]
from scripts.evidence import load_archive
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
loaded = load_archive(Path(sys.argv[1]))
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print((after - before) * 1024, *[str(p) for p in loaded.report.sorted()], sep="\\n")
"""


def test_one_gib_file_is_refused_by_size_without_being_read(tmp_path):
    case = next(c for c in CASES if c["id"] == "yaml-1gib")
    _repo(tmp_path, case)
    big = tmp_path / "evidence/entries/2016/2016-f-yaml-1gib.yaml"
    assert big.stat().st_size == 1 << 30
    # a fresh interpreter, so that the peak resident size (ru_maxrss) is this check's own
    out = subprocess.run([sys.executable, "-c", MEMORY_PROBE, str(tmp_path), str(REPO)], capture_output=True,
                         text=True, timeout=120, check=True).stdout.splitlines()
    growth, problems = int(out[0]), out[1:]
    assert problems == case["check"]
    assert growth < 100 * 2**20, f"peak memory grew by {growth / 2**20:.0f} MB while checking"


# Accepted cases -----------------------------------------------------------------------------------

@pytest.mark.parametrize("case", corpus.rendered(CASES), ids=lambda c: c["id"])
def test_rendered_case_checks_clean(tmp_path, case):
    _repo(tmp_path, case)
    code, lines = _check(tmp_path)
    assert (code, lines[:-1]) == (0, [])


class _Markup(HTMLParser):
    """Collects what would be live in a page: event handlers, script: addresses, inline scripts."""

    URL_ATTRS = {"href", "src", "action", "formaction", "data", "poster", "srcset", "xlink:href"}

    def __init__(self):
        super().__init__()
        self.live: list[str] = []
        self.scripts: list[str] = []
        self.data_blocks: list[str] = []  # JSON-LD: data a browser never runs, checked to be inert JSON
        self._in_script = False
        self._data = False
        self._chart = 0  # inside the drawn timeline, whose shapes and text have x coordinates

    def handle_starttag(self, tag, attrs):
        if tag == "svg" and "ea-tl-svg" in (dict(attrs).get("class") or "").split():
            self._chart += 1
        for name, value in attrs:
            if name == "x" and self._chart and tag in ("rect", "text", "tspan"):
                continue
            if name.startswith("on") or name in ("autofocus", "x", "srcdoc"):
                self.live.append(f"<{tag} {name}={value!r}>")
            if name in self.URL_ATTRS and value and re.match(r"\s*(javascript|data|vbscript):", value, re.I):
                self.live.append(f"<{tag} {name}={value!r}>")
        if tag in ("iframe", "frame", "object", "embed", "applet", "math", "base"):  # Material uses none of these
            self.live.append(f"<{tag}>")
        self._in_script = tag == "script"
        self._data = self._in_script and dict(attrs).get("type") == "application/ld+json"

    def handle_endtag(self, tag):
        self._in_script = False
        if tag == "svg" and self._chart:
            self._chart -= 1

    def handle_data(self, data):
        if self._in_script:
            (self.data_blocks if self._data else self.scripts).append(data)


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory):
    return corpus.build_site(tmp_path_factory.mktemp("hostile-site"))


def test_built_site_holds_no_live_markup(hostile_site):
    site = hostile_site.root / "site"
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 20
    for page in pages:
        parser = _Markup()
        parser.feed(page.read_text("utf-8"))
        rel = page.relative_to(site).as_posix()
        assert parser.live == [], rel
        assert not [s for s in parser.scripts if "__pwned" in s], rel
        for block in parser.data_blocks:  # hostile strings stay inside the JSON: no '<' to end the element
            assert "<" not in block and isinstance(json.loads(block), dict), rel
    for case in corpus.rendered(CASES):
        assert (site / case["rendered"]["page"] / "index.html").is_file(), case["id"]


def test_search_index_and_feeds_hold_no_live_markup(hostile_site):
    site = hostile_site.root / "site"
    # Pagefind's fragments (gzip, "pagefind_dcd" then JSON): what its UI shows of each page
    fragments = [json.loads(gzip.decompress(f.read_bytes())[len(b"pagefind_dcd"):])
                 for f in sorted((site / "pagefind" / "fragment").iterdir())]
    assert fragments, "the site was indexed"
    chunks = [d["meta"].get("title", "") for d in fragments] + [d["content"] for d in fragments]
    feed = json.loads((site / "feed.json").read_text("utf-8"))
    chunks += [i.get("content_html", "") for i in feed["items"]] + [i.get("title", "") for i in feed["items"]]
    assert any("xylotitle" in c for c in chunks)
    for chunk in chunks:
        parser = _Markup()
        parser.feed(chunk)
        assert parser.live == [] and parser.scripts == [], chunk[:200]
        assert not re.search(r"<(script|img|svg|iframe|details|body|object|style)\b", chunk, re.I), chunk[:200]
    from lxml import etree
    html_bearing = {"description", "{http://www.w3.org/2005/Atom}content", "{http://www.w3.org/2005/Atom}summary"}
    for xml in [site / "rss.xml", site / "atom.xml", *sorted((site / "feeds").rglob("*.*"))]:
        for el in etree.parse(str(xml)).iter():
            for name, value in el.attrib.items():
                if name in ("href", "url", "src"):
                    assert re.match(r"https?://", value), (xml.name, name, value)
            if el.tag in html_bearing and el.text:  # feed readers render these as HTML
                parser = _Markup()
                parser.feed(el.text)
                assert parser.live == [] and parser.scripts == [], (xml.name, el.text[:200])
                assert not re.search(r"<(script|img|svg|iframe|details|body|object|style)\b", el.text, re.I), el.text[:200]


def test_published_images_are_re_encoded_and_carry_no_payload(hostile_site):
    site = hostile_site.root / "site"
    derived = sorted((site / "media").rglob("*.webp"))
    assert derived, "the polyglot and the pixel have thumbnails"
    for path in derived:
        data = path.read_bytes()
        assert data[:4] == b"RIFF" and data[8:12] == b"WEBP", path.name
        assert b"<script" not in data and b"__pwned" not in data, path.name
    # the original is published byte for byte (that is the point of an archive), under its .png name
    originals = [p for p in (site / "media").rglob("polyglot.png")]
    assert len(originals) == 1 and originals[0].read_bytes() == (corpus.HOSTILE / "media/images/polyglot.png").read_bytes()


def test_entry_folder_named_like_markup_is_shown_as_text(hostile_site):
    html = (hostile_site.root / "site/entries/2016-r-folder-name/index.html").read_text("utf-8")
    assert "<code>evidence/entries/&lt;img src=x onerror=window.__pwned=1&gt;/2016-r-folder-name.yaml</code>" in html
    assert "/edit/main/evidence/entries/%3Cimg%20src%3Dx%20onerror%3Dwindow.__pwned%3D1%3E/2016-r-folder-name.yaml" in html


def test_whole_corpus_in_one_check_reports_every_case(tmp_path):
    """All refused entry cases in one repository: one run reports each of them, and nothing else."""
    repo = Repo(tmp_path)
    cases = [c for c in corpus.refused(CASES) if "entry" in c and "registry" not in c and "make" not in c]
    for case in cases:
        corpus.install(case, repo.root)
    code, lines = _check(repo.root)
    assert code == 1
    assert sorted(lines[:-1]) == sorted(line for c in cases for line in c["check"])
    assert os.path.exists(repo.root / "evidence/media/pixel.png")


HEX_COUNT = corpus.BASE.replace("type: article", "type: petition") + \
    "signatures:\n  count: 0x" + "f" * 4000 + "\n  as_of: \"2016-03\"\n"


@pytest.mark.parametrize("make,expected", [
    (corpus.folder_not_utf8, "evidence/entries/\\udcff2016:1:1: error: this name is not valid UTF-8; it was not read "
                             "(rename it with UTF-8 characters)"),
    (lambda root: corpus._entry(root, "2016-f-hex-count", HEX_COUNT),
     "evidence/entries/2016/2016-f-hex-count.yaml:12:10: error: 'signatures.count' must be a whole number written in "
     "decimal digits (got '0xffffffffffffffffffffffffffffffffffffff…') (hexadecimal is refused: write the number in "
     "decimal digits)"),
], ids=["folder-not-utf8", "hex-count"])
def test_input_that_passed_check_and_crashed_the_build_is_refused_by_check(tmp_path, make, expected):
    """Point 4 of issue 14: each crashed the build after `check` passed (quote() of a non-UTF-8 path,
    str() of a 4,800-digit int); now `check` refuses it in one line and the build stops cleanly."""
    from conftest import make_site_repo, run_build
    repo = make_site_repo(tmp_path)
    make(tmp_path)
    code, out = run_build(repo)
    assert code == 1
    assert expected in out.splitlines()
    assert not (tmp_path / "site").exists()
