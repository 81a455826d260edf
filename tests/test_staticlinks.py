"""The generator's static files are hard-linked into the site MkDocs builds; hand-written ones are still copied."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from mkdocs.structure.files import File, Files

from conftest import REPO
from scripts.bench import mkdocs_pass
from scripts.bench.synthetic import make_archive
from scripts.publish import staticlinks


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    from scripts.build import generate
    root = make_archive(tmp_path_factory.mktemp("links"), 12, site_files_from=REPO)
    assert generate(root).ok
    site = root / "built"
    mkdocs_pass.run("ours", root, "en", site)
    return root, site


def test_generated_static_files_are_links(built):
    root, site = built
    content = root / "content"
    for rel in ("entries/e00003/entry.json", "entries/e00003/cite.bib", "rss.xml", "data/entries.json"):
        assert (content / rel).is_file(), rel
        assert os.path.samefile(content / rel, site / rel), rel


def test_hand_written_and_theme_files_are_copies(built):
    root, site = built
    css = "assets/archive.css"  # hand-written: an edit in place must not reach the published site
    assert (site / css).read_bytes() == (root / "content" / css).read_bytes()
    assert not os.path.samefile(root / "content" / css, site / css)
    assert (site / css).stat().st_nlink == 1
    theme = next((site / "assets" / "javascripts").glob("bundle.*.min.js"))
    assert theme.stat().st_nlink == 1


def _files(content: Path, site: Path, *names: str) -> Files:
    return Files([File(name, str(content), str(site), use_directory_urls=True) for name in names])


def test_translated_site_links_its_own_generated_files(tmp_path):
    content = tmp_path / "content"
    (content / "fr" / "feeds").mkdir(parents=True)
    (content / ".generated.json").write_text('{"fr/rss.xml": "%s", "rss.xml": "%s"}' % ("a" * 64, "a" * 64), "utf-8")
    for name in ("fr/rss.xml", "fr/own.pdf", "rss.xml"):
        (content / name).write_text(name, "utf-8")
    assert staticlinks.generated(content, content / "fr") == {"rss.xml"}
    assert staticlinks.generated(content, tmp_path / "elsewhere") == set()
    files = _files(content / "fr", tmp_path / "site", "rss.xml", "own.pdf")
    assert staticlinks.link_generated(files, content, content / "fr") == 1
    files.copy_static_files()
    assert os.path.samefile(content / "fr" / "rss.xml", tmp_path / "site" / "rss.xml")
    assert (tmp_path / "site" / "own.pdf").stat().st_nlink == 1


def test_a_rebuild_into_the_same_folder_replaces_the_link(tmp_path):
    content, site = tmp_path / "content", tmp_path / "site"
    content.mkdir()
    (content / ".generated.json").write_text('{"feed.json": "%s"}' % ("b" * 64), "utf-8")
    (content / "feed.json").write_text("old", "utf-8")
    (site).mkdir()
    (site / "feed.json").write_text("stale copy", "utf-8")
    files = _files(content, site, "feed.json")
    staticlinks.link_generated(files, content, content)
    files.copy_static_files()
    assert os.path.samefile(content / "feed.json", site / "feed.json")
    tmp = content / "feed.json.new"  # the writer replaces a file, it never rewrites one in place
    tmp.write_text("new", "utf-8")
    os.replace(tmp, content / "feed.json")
    os.utime(content / "feed.json", ns=(2_000_000_000_000_000_000, 2_000_000_000_000_000_000))
    files.copy_static_files(dirty=True)
    assert (site / "feed.json").read_text("utf-8") == "new"


def test_a_symbolic_link_is_copied_not_linked(tmp_path):
    content, site = tmp_path / "content", tmp_path / "site"
    content.mkdir()
    (content / ".generated.json").write_text('{"feed.json": "%s"}' % ("c" * 64), "utf-8")
    (tmp_path / "real.json").write_text("{}", "utf-8")
    (content / "feed.json").symlink_to(tmp_path / "real.json")
    files = _files(content, site, "feed.json")
    staticlinks.link_generated(files, content, content)
    files.copy_static_files()
    assert not (site / "feed.json").is_symlink() and (site / "feed.json").stat().st_nlink == 1
