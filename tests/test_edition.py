"""The offline edition: `python -m scripts edition` packs the built site into one reproducible zip."""

from __future__ import annotations

import contextlib
import io
import shutil
import zipfile
from pathlib import Path

import pytest

from scripts.cli import main
from scripts.publish import edition, fixity


def _run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(argv))
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def copy(built_site, tmp_path) -> Path:
    """A repository root whose site/ is a copy of the built one (so a test may spoil it)."""
    root = tmp_path / "repo"
    shutil.copytree(built_site.root / "site", root / "site")
    shutil.copy(built_site.root / "mkdocs.yml", root / "mkdocs.yml")
    return root


def test_edition_unzips_to_a_copy_that_verifies(copy, tmp_path):
    code, out, _ = _run("--root", str(copy), "edition")
    made = copy / "dist/voip-archive-offline.zip"
    assert code == 0
    assert out.startswith(f"wrote {made} (") and out.endswith(
        "); to read it: unzip it, then run `python3 -m http.server` in voip-archive/ and open http://127.0.0.1:8000/\n")
    with zipfile.ZipFile(made) as zf:
        zf.extractall(tmp_path / "unzipped")
        names = zf.namelist()
    assert names == sorted(names[:-1]) + ["voip-archive/" + fixity.MANIFEST]
    assert {"voip-archive/index.html", "voip-archive/data/entries.csv", "voip-archive/fr/index.html"} <= set(names)
    code, out, _ = _run("verify", str(tmp_path / "unzipped/voip-archive"))
    assert code == 0 and out.endswith("files checked: the copy matches manifest-sha256.txt\n"), out


def test_members_have_fixed_dates_permissions_and_no_extra_fields(copy):
    assert _run("--root", str(copy), "edition")[0] == 0
    day = edition.last_changed(copy / "site")
    with zipfile.ZipFile(copy / "dist/voip-archive-offline.zip") as zf:
        infos = zf.infolist()
        assert zf.comment == edition.COMMENT
    assert {i.date_time for i in infos} == {(day.year, day.month, day.day, 0, 0, 0)}
    assert {(i.create_system, i.external_attr >> 16) for i in infos} == {(3, 0o100644)}
    assert {i.extra for i in infos} == {b""} and not any(i.is_dir() for i in infos)
    kinds = {Path(i.filename).suffix: i.compress_type for i in infos}
    assert kinds[".html"] == zipfile.ZIP_DEFLATED and kinds[".png"] == zipfile.ZIP_STORED


def test_a_site_changed_since_its_build_is_refused_and_the_previous_zip_kept(copy):
    assert _run("--root", str(copy), "edition")[0] == 0
    made = copy / "dist/voip-archive-offline.zip"
    before = made.read_bytes()
    page = copy / "site/fr/index.html"
    page.write_bytes(page.read_bytes().replace(b"</body>", b"<!-- x --></body>"))
    code, out, err = _run("--root", str(copy), "edition")
    assert (code, out) == (1, "")
    assert err == (f"error: {page} changed since the site was built (it does not match manifest-sha256.txt): "
                   "build the site again (make site)\n")
    assert made.read_bytes() == before and sorted(p.name for p in made.parent.iterdir()) == [made.name]
    (copy / "site/extra.html").write_text("<p>added</p>")
    code, _, err = _run("--root", str(copy), "edition")
    assert code == 1 and err == (f"error: {copy / 'site'} does not match its manifest-sha256.txt: extra.html (not in "
                                 "the manifest); build the site again (make site)\n")


def test_never_replaces_a_file_it_did_not_write(copy, tmp_path):
    mine = tmp_path / "notes.zip"
    mine.write_text("my own notes")
    code, _, err = _run("--root", str(copy), "edition", "--out", str(mine))
    assert code == 1 and mine.read_text() == "my own notes"
    assert err == (f"error: {mine} exists and is not an offline edition this command wrote; "
                   "choose another --out, or move the file away\n")


def test_without_a_built_site_it_says_to_build_first(tmp_path, built_site):
    shutil.copy(built_site.root / "mkdocs.yml", tmp_path / "mkdocs.yml")
    code, _, err = _run("--root", str(tmp_path), "edition")
    assert code == 1
    assert err == (f"error: {tmp_path / 'site' / fixity.MANIFEST} is missing: this is not a copy of the site, "
                   "or not a whole one\n")


def test_a_site_url_ending_in_dot_dot_names_the_folder_archive(copy):
    """The zip's top folder comes from site_url's last part: never a name that climbs out of the unzip folder."""
    cfg = copy / "mkdocs.yml"
    cfg.write_text(cfg.read_text("utf-8").replace('"https://example.org/voip-archive/"', '"https://example.org/.."'), "utf-8")
    code, out, _ = _run("--root", str(copy), "edition")
    assert code == 0, out
    with zipfile.ZipFile(copy / "dist/archive-offline.zip") as zf:
        assert {n.split("/", 1)[0] for n in zf.namelist()} == {"archive"}
