"""The built site: every page kind, escaping, feeds in the head, search, privacy, reproducibility."""

from __future__ import annotations

import gzip
import hashlib
import json
import logging
import os
import re
import subprocess
import sys
import time
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlparse

import pytest

from conftest import make_site_repo, run_build, settled
from scripts.media import derivative_key

ENTRY = "2016-01-07-regulator-communique"
# names the fixture image's derivatives (it changes with the encoder settings and codec versions)
KEY = derivative_key("333855c792f33fd371d294677b15a3564e8d64a5f54771dfa35354fd044af964")


def read(repo, rel: str) -> str:
    return (repo.root / "site" / rel).read_text("utf-8")


class Links(HTMLParser):
    """Collect (tag, attribute, value) for every URL-bearing attribute."""

    def __init__(self):
        super().__init__()
        self.found: list[tuple[str, str, str]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("href", "src", "srcset", "action", "poster", "data") and value:
                self.found.append((tag, name, value))


def links(html: str) -> list[tuple[str, str, str]]:
    p = Links()
    p.feed(html)
    return p.found


def test_every_page_kind_is_built(built_site):
    site = built_site.root / "site"
    for rel in ["index.html", f"entries/{ENTRY}/index.html", "browse/timeline/index.html",
                "browse/timeline/2016/index.html", "browse/timeline/2017/index.html",
                "browse/types/index.html", "browse/types/statement/index.html", "browse/actors/index.html",
                "browse/actors/anrt/index.html", "browse/tags/index.html", "browse/tags/boycott/index.html",
                "browse/latest/index.html", "format/index.html", "methodology/index.html"]:
        assert (site / rel).is_file(), rel


def test_entry_page_content(built_site):
    html = read(built_site, f"entries/{ENTRY}/index.html")
    assert "<h1 data-search-exclude>Regulator says calls break the licence rules</h1>" in html
    assert '<time datetime="2016-01-07">7 January 2016</time>' in html
    assert '<cite lang="fr" dir="ltr">Le régulateur sort de son silence sur la téléphonie</cite>' in html
    assert '<blockquote lang="fr" dir="ltr"><p>Nous ne faisons que suivre</p></blockquote>' in html
    assert "statement by <a href=\"../../browse/actors/anrt/\">Regulator (test)</a>" in html
    assert '<a href="https://example.org/s1" rel="nofollow noopener noreferrer" class="ea-url" dir="ltr">' in html
    assert "<p>Synthetic test entry. The regulator says <em>free calls</em> are not licensed; see " \
           '<a href="https://example.org/s1" rel="nofollow noopener">the source</a>.</p>' in html
    assert '<time datetime="2026-11-02">2 November 2026</time>: <p>Fixed the publisher&#x27;s name.</p>' in html
    # related both ways: written on the Arabic entry, shown here too
    assert '<a href="../2016-02-arabic-report/">Association criticises the block</a>' in html
    assert ('<a href="https://github.com/example/voip-archive/edit/main/evidence/entries/2016/'
            f'{ENTRY}.yaml" rel="nofollow">Suggest a correction</a>') in html


def test_arabic_text_is_right_to_left_and_dates_keep_precision(built_site):
    html = read(built_site, "entries/2016-02-arabic-report/index.html")
    assert '<cite lang="ar" dir="rtl">جمعية تنتقد حجب المكالمات</cite>' in html
    assert '<blockquote lang="ar" dir="rtl"><p>حرية التواصل</p></blockquote>' in html
    assert '<time datetime="2016-02">February 2016 (approx.)</time>' in html
    assert "with &quot;quotes&quot; &amp; ampersands, and a &lt; b." in html
    assert "<dd>Example Press &amp; Co</dd>" in html
    assert '<time datetime="2017">2017</time>' in read(built_site, "entries/2017-report/index.html")


def test_browse_pages_list_the_right_entries(built_site):
    actor = read(built_site, "browse/actors/anrt/index.html")
    assert '<h2 id="statements">Statements</h2>' in actor and f'href="../../../entries/{ENTRY}/"' in actor
    assert 'href="../../../entries/2017-report/"' in actor
    assert '<span lang="ar" dir="rtl">المنظم</span>' in actor
    tag = read(built_site, "browse/tags/lifting/index.html")
    assert tag.count('class="ea-item"') == 1
    timeline = read(built_site, "browse/timeline/2016/index.html")
    assert timeline.index('id="2016-01"') < timeline.index('id="2016-02"')
    latest = read(built_site, "browse/latest/index.html")
    assert latest.index("2016-02-arabic-report") < latest.index(ENTRY)  # added later comes first
    home = read(built_site, "index.html")
    assert "The archive holds <strong>4</strong> entries dated 2016–2017" in home


def test_feeds_are_linked_in_every_head(built_site):
    for rel in ["index.html", f"entries/{ENTRY}/index.html", "methodology/index.html"]:
        html = read(built_site, rel)
        for href in ("rss.xml", "atom.xml", "feed.json"):
            assert re.search(rf'<link rel="alternate" type="[^"]+" title="[^"]+" href="(?:\.\./)*{href}">', html), (rel, href)
    tag = read(built_site, "browse/tags/boycott/index.html")
    assert 'type="application/rss+xml" title="RSS: Boycott" href="../../../feeds/tag/boycott.xml"' in tag


def test_entry_pages_stay_out_of_the_navigation(built_site):
    html = read(built_site, "index.html")
    assert f"entries/{ENTRY}/" not in html.split('class="md-content"')[0]


def test_internal_links_all_resolve(built_site):
    site = built_site.root / "site"
    missing = []
    for page in site.rglob("*.html"):
        base = "http://local/" + page.relative_to(site).as_posix()
        for tag, attr, value in links(page.read_text("utf-8")):
            url = urlparse(urljoin(base, value))
            if url.netloc != "local" or url.scheme not in ("http", ""):
                continue
            path = url.path.removeprefix("/voip-archive/")  # 404.html uses site_url's path
            target = site / path.lstrip("/")
            if url.path.endswith("/"):
                target = target / "index.html"
            if not target.exists():
                missing.append((page.relative_to(site).as_posix(), value))
    assert missing == []


def test_no_request_to_another_host(built_site):
    """Scripts, styles, images and fonts all come from the site itself."""
    site = built_site.root / "site"
    external = []
    for page in site.rglob("*.html"):
        for tag, attr, value in links(page.read_text("utf-8")):
            if tag == "a":
                continue  # a link is only followed if the reader clicks it
            if tag == "link" and attr == "href" and "canonical" in value:
                continue
            if re.match(r"(https?:)?//", value):
                external.append((page.name, tag, value))
    # canonical/alternate links are not fetched; everything else must be local
    fetched = [e for e in external if e[1] in ("script", "img", "iframe", "source", "video", "audio")
               or (e[1] == "link" and not e[2].startswith("https://example.org/"))]
    assert fetched == []
    for css in site.rglob("*.css"):
        assert not re.search(r"url\((['\"]?)(https?:)?//", css.read_text("utf-8")), css
        assert "@import" not in css.read_text("utf-8") or "fonts.googleapis" not in css.read_text("utf-8")


def _pagefind(built_site) -> dict[str, dict]:
    """Pagefind's fragments (gzip: "pagefind_dcd" then JSON) by page address: what each page is found by."""
    out = {}
    for f in sorted((built_site.root / "site" / "pagefind" / "fragment").iterdir()):
        doc = json.loads(gzip.decompress(f.read_bytes())[len(b"pagefind_dcd"):])
        out[doc["url"]] = doc
    return out


def test_search_index_has_entries_in_three_languages(built_site):
    entry = json.loads(read(built_site, "pagefind/pagefind-entry.json"))
    assert sorted(entry["languages"]) == ["ar", "en", "fr"]
    docs = _pagefind(built_site)
    text = docs[f"/entries/{ENTRY}/"]["content"]
    assert "zanzibarfox" in text and "Le régulateur sort de son silence" in text
    assert "حرية التواصل" in docs["/entries/2016-02-arabic-report/"]["content"]
    assert f"/fr/entries/{ENTRY}/" in docs and f"/ar/entries/{ENTRY}/" in docs
    assert "Example Daily" in text and "Regulator (test)" in text
    # the hub pages are found too; an entry is not found by the titles of its related entries
    assert "/browse/actors/anrt/" in docs
    assert "Association criticises" not in text


def test_search_index_holds_what_readers_search_for_and_no_more(built_site):
    """An entry's page: title, summary, original title, quote, publisher, actors, notes; no tags or labels."""
    docs = _pagefind(built_site)
    entry = docs[f"/entries/{ENTRY}/"]
    assert entry["meta"]["title"] == "Regulator says calls break the licence rules"
    for wanted in ("zanzibarfox", "Le régulateur sort de son silence", "Nous ne faisons que suivre",
                   "Example Daily", "A. Writer", "Regulator (test)", "Regulator says calls break",
                   "Sources disagree on the date"):
        assert wanted in entry["content"], wanted
    for unwanted in ("Fixed the publisher", "Boycott", "Original title:", "Actors:", "Publisher"):
        assert unwanted not in entry["content"], unwanted


def _tree_digest(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def test_two_builds_give_the_same_bytes(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    a = make_site_repo(tmp_path / "a")
    b = make_site_repo(tmp_path / "b")
    assert run_build(a)[0] == 0 and run_build(b)[0] == 0
    for sub in ("content", "site"):
        assert _tree_digest(a.root / sub) == _tree_digest(b.root / sub)


def test_the_time_zone_changes_no_byte(tmp_path):
    """The build date in the sitemap is the newest `added` day in UTC, whatever TZ says (Sydney is UTC+11 then)."""
    from conftest import REPO
    trees = {}
    for tz in ("UTC", "AEST-10AEDT,M10.1.0,M4.1.0/3"):  # Australia/Sydney's rule, without needing tzdata
        repo = make_site_repo(tmp_path / tz[:4])
        env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
        proc = subprocess.run([sys.executable, "-m", "scripts", "--root", str(repo.root), "build"], cwd=repo.root,
                              env=dict(env, TZ=tz, PYTHONPATH=str(REPO)), capture_output=True, timeout=300)
        assert proc.returncode == 0, proc.stdout.decode() + proc.stderr.decode()
        trees[tz] = (read(repo, "sitemap.xml"), _tree_digest(repo.root / "site"))
    (utc_map, utc), (sydney_map, sydney) = trees.values()
    assert "<lastmod>2026-11-03</lastmod>" in utc_map  # the newest `added` of the fixtures
    assert sydney_map == utc_map
    assert sydney == utc


def test_failed_build_keeps_previous_site_and_hand_written_pages(tmp_path):
    repo = make_site_repo(tmp_path)
    assert run_build(repo)[0] == 0
    before = _tree_digest(repo.root / "site")
    hand = (repo.root / "content" / "methodology.md").read_bytes()
    repo.entry("2016-bad", "type: nope\n")
    code, out = run_build(repo)
    assert code == 1
    assert out.splitlines()[-1] == "checked 7 files: 6 errors, 0 warnings; nothing was written"
    assert _tree_digest(repo.root / "site") == before
    assert (repo.root / "content" / "methodology.md").read_bytes() == hand


def _links(repo) -> dict[str, str]:
    """The images the build publishes: path in the site -> source, relative to the repository root."""
    return json.loads((repo.root / "content/_generated/links.json").read_text("utf-8"))


def _media_inodes(repo) -> dict[str, int]:
    media = repo.root / "site" / "media"
    return {p.relative_to(media).as_posix(): p.stat().st_ino for p in sorted(media.rglob("*")) if p.is_file()}


def test_images_are_hard_links_to_their_sources_not_copies(built_site):
    root = built_site.root
    links = _links(built_site)
    assert sorted(links.values()) == [f".cache/media/{KEY}.display.webp", f".cache/media/{KEY}.thumb.webp",
                                      "evidence/media/2016/synthetic-chart.png"]
    assert sorted("media/" + rel for rel in _media_inodes(built_site)) == sorted(links)
    for rel, src in links.items():
        published, source = (root / "site" / rel).stat(), (root / src).stat()
        assert (published.st_ino, published.st_dev) == (source.st_ino, source.st_dev), rel  # MkDocs copied nothing
        assert published.st_nlink > 1
    assert not (root / "content" / "media").exists()


def test_mkdocs_failure_keeps_previous_site(tmp_path):
    repo = make_site_repo(tmp_path)
    assert run_build(repo)[0] == 0
    before, inodes = _tree_digest(repo.root / "site"), _media_inodes(repo)
    assert len(inodes) == 3
    (repo.root / "content" / "contributing.md").write_text("[broken](nowhere.md)\n")
    code, out = run_build(repo)
    assert code == 1 and "the previous site/ is unchanged" in out
    assert _tree_digest(repo.root / "site") == before
    assert _media_inodes(repo) == inodes
    assert settled(repo.root) == []  # the first build's remover has gone too


def test_hand_written_file_at_an_image_path_stops_the_build(tmp_path):
    repo = make_site_repo(tmp_path)
    assert run_build(repo)[0] == 0
    before, inodes = _tree_digest(repo.root / "site"), _media_inodes(repo)
    rel = f"media/thumbs/{KEY}.webp"
    mine = repo.root / "content" / rel
    mine.parent.mkdir(parents=True)
    mine.write_bytes(b"mine")
    code, out = run_build(repo)
    assert code == 1
    assert out.splitlines()[-1] == (f"error: content/{rel} exists and was not written by the generator; move it away "
                                    "(generated paths belong to the generator); the previous site/ is unchanged")
    assert mine.read_bytes() == b"mine"
    assert _tree_digest(repo.root / "site") == before and _media_inodes(repo) == inodes
    assert settled(repo.root) == []  # the first build's remover has gone too


def test_images_earlier_versions_wrote_into_content_are_removed(tmp_path):
    repo = make_site_repo(tmp_path)
    assert run_build(repo, "--no-mkdocs")[0] == 0
    content = repo.root / "content"
    manifest = json.loads((content / ".generated.json").read_text("utf-8"))
    for rel, src in _links(repo).items():  # as earlier versions left them: linked into content/, in the manifest
        (content / rel).parent.mkdir(parents=True, exist_ok=True)
        os.link(repo.root / src, content / rel)
        manifest[rel] = "key:earlier"
    (content / ".generated.json").write_text(json.dumps(manifest), "utf-8")
    assert run_build(repo)[0] == 0
    assert not (content / "media").exists()
    assert sorted("media/" + rel for rel in _media_inodes(repo)) == sorted(_links(repo))


def _dead_pid() -> int:
    gone = subprocess.Popen([sys.executable, "-c", ""])
    gone.wait()
    return gone.pid


def _marked(parent: Path, pid: int, token: str, marker: str | None = None) -> Path:
    """A temporary folder as a build makes it: named after its PID and token, with the marker naming both."""
    folder = parent / f".site-build-{pid}-{token}"
    (folder / "site").mkdir(parents=True)
    (folder / "site" / "index.html").write_text("partial")
    text = f"evidence-archive temporary build folder\npid {pid}\ntoken {token}\n" if marker is None else marker
    (folder / ".evidence-archive-build").write_text(text)
    return folder


def test_folders_left_by_killed_builds_are_removed(tmp_path, caplog):
    repo = make_site_repo(tmp_path)
    assert run_build(repo)[0] == 0
    assert settled(repo.root) == []  # the remover of the first build's search stage is done
    dead = _dead_pid()
    stale = [_marked(repo.root, dead, "0123456789abcdef").name]
    empty = repo.root / f".site-build-{dead}-fedcba9876543210"  # killed as its marker went, just before the folder
    empty.mkdir()
    stale.append(empty.name)
    kept = [_marked(repo.root, os.getpid(), "00000000000000aa").name,  # a build still running
            _marked(repo.root, os.getppid(), "00000000000000bb").name,
            _marked(repo.root, dead, "00000000000000cc", marker="not ours\n").name,  # a marker we did not write
            _marked(repo.root, dead, "00000000000000dd", marker="").name]
    unmarked = repo.root / f".site-build-{dead}-00000000000000ee"
    (unmarked / "site").mkdir(parents=True)  # no marker: not provably ours
    kept.append(unmarked.name)
    with caplog.at_level(logging.INFO, logger="scripts.publish.site"):
        assert run_build(repo)[0] == 0
    assert sorted(p.name for p in repo.root.glob(".site*")) == sorted(kept)
    assert [r.getMessage() for r in caplog.records if r.getMessage().startswith("removed")] == [
        f"removed {name}, left behind by a build that was stopped" for name in sorted(stale)]
    assert (repo.root / "site" / "index.html").is_file()


def test_user_folders_beside_site_are_never_removed(tmp_path):
    repo = make_site_repo(tmp_path)
    dead = _dead_pid()
    mine = [".site-20261101", ".site-previous", ".site-abcdefgh", f".site-old-{dead}", f".site-build-{dead}-x"]
    two_hours_ago = time.time() - 7200
    for name in mine:
        (repo.root / name).mkdir()
        (repo.root / name / "index.html").write_text("kept by hand")
        os.utime(repo.root / name, (two_hours_ago, two_hours_ago))
    assert run_build(repo)[0] == 0
    assert run_build(repo)[0] == 0
    for name in mine:
        assert (repo.root / name / "index.html").read_text() == "kept by hand", name


def test_previous_site_left_between_two_renames_is_restored(tmp_path):
    from scripts.publish.site import remove_leftovers
    folder = _marked(tmp_path, _dead_pid(), "0123456789abcdef")  # killed where the exchange is not available
    (folder / "previous").mkdir()
    (folder / "previous" / "index.html").write_text("the previous site")
    assert remove_leftovers(tmp_path, tmp_path / "site") == [folder.name]
    assert (tmp_path / "site" / "index.html").read_text() == "the previous site"
    assert not folder.exists()


@pytest.mark.parametrize("exchange", [True, False])
def test_site_is_replaced_whole_with_or_without_the_exchange(tmp_path, monkeypatch, exchange):
    from scripts.publish import site as publish
    repo = make_site_repo(tmp_path)
    assert run_build(repo)[0] == 0
    if not exchange:  # a system without renameat2(RENAME_EXCHANGE): two renames
        monkeypatch.setattr(publish, "_exchange", lambda a, b: False)
    entry = repo.root / "evidence/entries/2017/2017-report.yaml"
    entry.write_text(entry.read_text("utf-8").replace("Yearly report", "Annual report"), "utf-8")
    assert run_build(repo)[0] == 0
    assert "Annual report" in read(repo, "entries/2017-report/index.html")
    assert settled(repo.root) == [] and not (repo.root / "site" / ".evidence-archive-build").exists()


def test_deleted_entry_pages_are_removed(tmp_path):
    repo = make_site_repo(tmp_path)
    assert run_build(repo, "--no-mkdocs")[0] == 0
    page = repo.root / "content" / "entries" / "2017-report.md"
    assert page.exists()
    (repo.root / "evidence" / "entries" / "2017" / "2017-report.yaml").unlink()
    assert run_build(repo, "--no-mkdocs")[0] == 0
    assert not page.exists()
    assert not (repo.root / "content" / "browse" / "timeline" / "2017").exists()


def test_feeds_link_to_built_pages(built_site):
    import feedparser
    site = built_site.root / "site"
    base = "https://example.org/voip-archive/"
    for rel in ["rss.xml", "atom.xml", "feeds/tag/boycott.xml", "feeds/actor/anrt.atom", "feeds/type/statement.xml"]:
        parsed = feedparser.parse((site / rel).read_bytes())
        assert not parsed.bozo, rel
        assert parsed.entries, rel
        for item in parsed.entries:
            assert item.link.startswith(base)
            assert (site / item.link[len(base):] / "index.html").is_file(), item.link
    feed = json.loads((site / "feed.json").read_text("utf-8"))
    # added the same day: the newer evidence first
    assert [i["id"] for i in feed["items"]] == [base + "entries/2017-report/", base + "entries/2016-02-arabic-report/",
                                                 base + "entries/2016-02-28-synthetic-screenshot/", base + f"entries/{ENTRY}/"]
    shot = next(i for i in feed["items"] if "screenshot" in i["id"])
    assert shot["image"].startswith(base + "media/thumbs/") and shot["image"].endswith(".webp")
    assert (site / shot["image"][len(base):]).is_file()


def test_entry_images(built_site):
    from PIL import Image
    site = built_site.root / "site"
    html = read(built_site, "entries/2016-02-28-synthetic-screenshot/index.html")
    img = re.search(r'<img src="([^"]+)" alt="Bar chart of synthetic numbers" width="400" height="267" '
                    r'loading="lazy" decoding="async">', html)
    assert img, html[html.find("ea-media"):][:600]
    thumb = (site / "entries/2016-02-28-synthetic-screenshot" / img.group(1)).resolve()
    with Image.open(thumb) as im:
        assert (im.format, im.size) == ("WEBP", (400, 267))
        assert not im.info.get("exif") and not im.info.get("icc_profile") and not im.info.get("xmp")
    original = re.search(r'<a href="([^"]+)" download>Original file</a>', html).group(1)
    published = (site / "entries/2016-02-28-synthetic-screenshot" / original).resolve()
    src = Path(__file__).parent / "fixtures/site/media/2016/synthetic-chart.png"
    assert published.read_bytes() == src.read_bytes()
    assert "333855c792f33fd371d294677b15a3564e8d64a5f54771dfa35354fd044af964" in html


def test_site_url_comes_from_the_environment(tmp_path, monkeypatch):
    from scripts import config
    repo = make_site_repo(tmp_path)
    assert config.load(repo.root).site_url == "https://example.org/voip-archive/"
    monkeypatch.setenv("SITE_URL", "https://archive.example.net/")
    monkeypatch.setenv("REPO_URL", "https://git.example.net/team/archive")
    cfg = config.load(repo.root)
    assert (cfg.base, cfg.repo_url) == ("https://archive.example.net/", "https://git.example.net/team/archive")
    assert run_build(repo)[0] == 0
    assert "https://archive.example.net/entries/2017-report/" in (repo.root / "site" / "rss.xml").read_text()
