"""A generation of some languages (the preview's): it makes their files, keeps the others' as they are, and its
stamp never vouches for a whole run."""

from __future__ import annotations

import json

from conftest import make_site_repo
from scripts import build

ENTRY = "2016-01-07-regulator-communique"
OLD, NEW = "Example Daily", "Example Nightly"  # shown in every language


def _edit(repo) -> None:
    path = repo.root / "evidence" / "entries" / "2016" / f"{ENTRY}.yaml"
    path.write_text(path.read_text("utf-8").replace(OLD, NEW), "utf-8")


def _page(repo, here: str) -> str:
    return (repo.root / "content" / f"{here}entries" / f"{ENTRY}.md").read_text("utf-8")


def _manifest(repo) -> dict:
    return json.loads((repo.root / "content" / ".generated.json").read_text("utf-8"))


def test_a_run_of_one_language_makes_its_files_and_keeps_the_others(tmp_path):
    repo = make_site_repo(tmp_path)
    assert build.generate(repo.root).ok
    before = {here: _page(repo, here) for here in ("", "ar/")}
    _edit(repo)
    result = build.generate(repo.root, langs=["fr"])
    assert result.ok and not result.up_to_date
    assert NEW in _page(repo, "fr/") and NEW in (repo.root / "content" / "fr" / "rss.xml").read_text("utf-8")
    assert {here: _page(repo, here) for here in ("", "ar/")} == before  # not rendered again
    assert not any(o.path.startswith("ar/") or o.path == f"entries/{ENTRY}.md" for o in result.outputs)
    manifest = _manifest(repo)
    assert f"entries/{ENTRY}.md" in manifest and f"ar/entries/{ENTRY}.md" in manifest
    assert all((repo.root / "content" / rel).is_file() for rel in manifest)
    # the downloads are the default language's (at the root): French neither makes them nor drops their description
    assert NEW not in (repo.root / "content" / "data" / "entries.json").read_text("utf-8")
    assert "fr/_generated/dataset.md" in manifest and not any(o.path.startswith("data/") for o in result.outputs)


def test_a_run_of_the_default_language_makes_the_downloads(tmp_path):
    repo = make_site_repo(tmp_path)
    assert build.generate(repo.root).ok
    fr = _page(repo, "fr/")
    _edit(repo)
    assert build.generate(repo.root, langs=["en"]).ok
    assert NEW in _page(repo, "") and NEW in (repo.root / "content" / "data" / "entries.json").read_text("utf-8")
    assert _page(repo, "fr/") == fr and "fr/_generated/dataset.md" in _manifest(repo)


def test_a_removed_entry_goes_from_the_run_s_language_only(tmp_path):
    repo = make_site_repo(tmp_path)
    assert build.generate(repo.root).ok
    (repo.root / "evidence" / "entries" / "2017" / "2017-report.yaml").unlink()
    assert build.generate(repo.root, langs=["ar"]).ok
    content = repo.root / "content"
    assert not (content / "ar" / "entries" / "2017-report.md").exists()
    assert (content / "entries" / "2017-report.md").is_file() and (content / "fr" / "entries" / "2017-report.md").is_file()
    assert build.generate(repo.root).ok  # the whole run removes what the other languages no longer make
    assert not (content / "entries" / "2017-report.md").exists()
    assert not (content / "fr" / "entries" / "2017-report.md").exists()


def test_the_next_whole_run_makes_what_a_run_of_one_language_skipped(tmp_path):
    repo = make_site_repo(tmp_path)
    assert build.generate(repo.root).ok
    assert build.generate(repo.root, langs=["ar"]).up_to_date  # a whole run's stamp vouches for any language
    _edit(repo)
    assert build.generate(repo.root, langs=["ar"]).ok
    assert build.generate(repo.root, langs=["ar"]).up_to_date  # the same language again: nothing to do
    assert not build.generate(repo.root, langs=["fr"]).up_to_date  # another language is not vouched for
    whole = build.generate(repo.root)
    assert whole.ok and not whole.up_to_date
    assert NEW in _page(repo, "") and NEW in _page(repo, "ar/") and NEW in _page(repo, "fr/")
    assert NEW in (repo.root / "content" / "data" / "entries.json").read_text("utf-8")
    rendered = {o.path for o in whole.outputs if o.path.endswith(f"{ENTRY}.md") and not o.known}
    assert rendered == {f"entries/{ENTRY}.md"}  # ar and fr were made by the runs of one language: remembered
    assert build.generate(repo.root).up_to_date


def test_a_run_of_every_language_is_a_whole_run(tmp_path):
    repo = make_site_repo(tmp_path)
    assert build.generate(repo.root, langs=["ar", "en", "fr"]).ok
    assert build.generate(repo.root).up_to_date


def test_the_first_run_of_a_language_makes_the_description_of_the_downloads_its_data_page_includes(tmp_path):
    repo = make_site_repo(tmp_path)
    result = build.generate(repo.root, langs=["fr"])
    assert result.ok and (repo.root / "content" / "fr" / "_generated" / "dataset.md").is_file()
    assert not (repo.root / "content" / "ar" / "entries").exists()
    assert not build.generate(repo.root).up_to_date
