"""`init DIR`: a new archive that builds on the first try, and a second, different archive made with it."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from conftest import REPO
from scripts.cli import main
from scripts.contribute import init

TODAY = date(2026, 11, 27)
# This archive's names, its story and its actors: none may reach another archive's pages or feeds.
OURS = re.compile(r"morocco|maroc|المغرب|voip|m[ée]ditel|inwi|\bIAM\b|anrt|ban in brief|ban-in-brief|"
                  r"internet calls|regulator|operator", re.I)


def _make(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    """Run `make` in the new archive with this repository's .venv and generator (offline: no pip install)."""
    venv = Path(sys.executable).parent.parent
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run(["make", "-o", f"{venv}/.runtime", f"VENV={venv}", *args], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=600)


def test_init_refuses_a_folder_that_is_not_empty(tmp_path, capsys):
    (tmp_path / "notes.txt").write_text("mine", "utf-8")
    assert main(["init", str(tmp_path), "--name", "X"]) == 2
    assert capsys.readouterr().err == (f"error: {tmp_path} is not empty: init writes a new archive only into an "
                                       "empty or new folder (it never replaces a file)\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


def test_init_refuses_bad_input_before_writing(tmp_path, capsys):
    target = tmp_path / "new"
    assert main(["init", str(target), "--languages", "en,de"]) == 2
    assert capsys.readouterr().err == ("error: --languages must list distinct languages among en, fr, ar, the "
                                       "default first, e.g. en,fr (got 'en,de')\n")
    assert not target.exists()


def test_init_asks_on_a_terminal_and_takes_defaults_otherwise():
    asked = []
    values = init.ask({"name": "Given"}, True, prompt=lambda q: asked.append(q) or "")
    assert values == {**init.DEFAULTS, "name": "Given"}
    assert asked == ["Address the site will be published at [https://example.org/archive/]: ",
                     "Address of its repository [https://github.com/example/archive]: ",
                     "Languages, the default first (e.g. en,fr) [en]: "]
    assert init.ask({}, False, prompt=lambda q: pytest.fail("asked off a terminal")) == init.DEFAULTS


def test_a_new_archive_builds_on_the_first_try(tmp_path):
    target = tmp_path / "archive"
    assert main(["init", str(target), "--name", "Press freedom cases", "--site-url", "https://example.net/p/",
                 "--repo-url", "https://github.com/example/p", "--languages", "en,fr"]) == 0
    assert (target / "requirements.txt").read_text("utf-8").splitlines()[-1] == "evidence-archive==0.1.0"
    example = next((target / "evidence" / "entries").rglob("*.yaml")).read_text("utf-8")
    assert "AN EXAMPLE ENTRY" in example and 'title: "Example entry: replace or delete this file"' in example
    done = _make(target, "site")
    assert done.returncode == 0, done.stdout + done.stderr
    site = target / "site"
    for page in ("index.html", "fr/index.html", "browse/timeline/index.html", "format/index.html",
                 "rss.xml", "atom.xml", "feed.json", "fr/rss.xml"):
        assert (site / page).is_file(), page
    assert "<title>Home - Press freedom cases</title>" in (site / "index.html").read_text("utf-8")
    assert "Example entry: replace or delete this file" in (site / "rss.xml").read_text("utf-8")
    assert _make(target, "check").returncode == 0


def test_the_package_ships_every_file_the_generator_reads():
    import fnmatch
    import tomllib
    tool = tomllib.loads((REPO / "pyproject.toml").read_text("utf-8"))["tool"]["setuptools"]
    data, dirs = tool["package-data"], tool["package-dir"]

    def shipped(package: str, folder: Path) -> list[str]:
        files = [p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts]
        return [f for f in files if not f.endswith(".py") and not any(fnmatch.fnmatch(f, g) for g in data.get(package, []))]
    assert shipped("scripts.render", REPO / "scripts" / "render") == []
    assert [f for f in shipped("scripts", REPO / "scripts") if f.startswith("skeleton/")] == []
    assert shipped("scripts._overrides", REPO / dirs["scripts._overrides"]) == []
    assert shipped("scripts._assets", REPO / dirs["scripts._assets"]) == []
    subpackages = {f"scripts.{p.parent.name}" for p in (REPO / "scripts").glob("*/__init__.py")}
    assert set(tool["packages"]) == {"scripts", "scripts._overrides", "scripts._assets", *subpackages}


def test_a_new_archive_gets_this_repositorys_assets(tmp_path):
    assert main(["init", str(tmp_path / "a")]) == 0
    for asset in (REPO / "content" / "assets").iterdir():
        assert (tmp_path / "a" / "content" / "assets" / asset.name).read_bytes() == asset.read_bytes()


SECOND_KINDS = """    actor_kinds:
      ministry: [Ministry, Ministries]
      provider: [Internet provider, Internet providers]
      ngo: [Rights group, Rights groups]
"""
SECOND_ACTORS = """ministry-interior: {name: "Ministry of the Interior (synthetic)", kind: ministry}
netco: {name: "NetCo (synthetic)", kind: provider}
watch: {name: "Access Watch (synthetic)", kind: ngo}
"""
SECOND_ENTRIES = {
    "2021-06-01-ministry-orders-shutdown": ("statement", "Ministry orders a nationwide shutdown", "speaker: ministry-interior\nactors: [ministry-interior]"),
    "2021-06-02-provider-confirms": ("article", "Provider confirms the order", "actors: [netco]\nkey_event: \"Shutdown ordered\""),
    "2021-06-20-group-counts-days": ("report", "Rights group counts the days offline", "actors: [watch]\ntags: [shutdown]"),
    "2021-07-01-service-restored": ("article", "Service restored after a month", "actors: [netco, watch]\ntags: [shutdown]"),
}


def _second_archive(root: Path) -> None:
    """A small synthetic archive unlike ours: English only, other actor kinds, no screenshots, another name."""
    assert main(["init", str(root), "--name", "Example shutdown archive", "--languages", "en"]) == 0
    config = root / "mkdocs.yml"
    text = config.read_text("utf-8").replace("types: [article, statement, screenshot,", "types: [article, statement,")
    text = re.sub(r"    actor_kinds:\n(      .*\n)+", SECOND_KINDS, text)
    config.write_text(text, "utf-8")
    (root / "evidence" / "actors.yaml").write_text(SECOND_ACTORS, "utf-8")
    (root / "evidence" / "tags.yaml").write_text('shutdown: {label: "Shutdown"}\n', "utf-8")
    for path in (root / "evidence" / "entries").rglob("*.yaml"):
        path.unlink()  # the example entry: ours to remove, init made it
    for id, (etype, title, extra) in SECOND_ENTRIES.items():
        path = root / "evidence" / "entries" / "2021" / f"{id}.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f'type: {etype}\ntitle: "{title}"\ndate: "{id[:10]}"\nadded: "2026-11-0{len(title) % 9 + 1}"\n'
                        f'summary: "A synthetic summary."\nlanguage: "en"\nsource:\n  url: "https://example.org/{id}"\n'
                        f'  publisher: "Example News"\n{extra}\n', "utf-8")
    assert main(["--root", str(root), "schema"]) == 0


def test_a_second_archive_shows_nothing_of_ours(tmp_path, capsys):
    root = tmp_path / "shutdowns"
    _second_archive(root)
    done = _make(root, "site")
    assert done.returncode == 0, done.stdout + done.stderr
    site = root / "site"
    texts = {p.relative_to(site).as_posix(): p.read_text("utf-8") for p in sorted(site.rglob("*"))
             if p.suffix in (".html", ".xml", ".json", ".atom", ".txt", ".js", ".css")
             and "pagefind" not in p.parts and "javascripts" not in p.parts and "stylesheets" not in p.parts}  # Material's and Pagefind's own code
    assert [(path, m.group()) for path, t in texts.items() for m in [OURS.search(t)] if m] == []
    assert not (site / "fr").exists() and not (site / "ar").exists()
    home = texts["index.html"]
    assert "<title>Home - Example shutdown archive</title>" in home and "Shutdown ordered" in home
    assert "finds words in English." in home
    actors = texts["browse/actors/index.html"]
    assert '<h2 id="ministry">Ministries</h2>' in actors and '<h2 id="provider">Internet providers</h2>' in actors
    assert all(f"entries/{id}/" in texts["browse/timeline/2021/index.html"] for id in SECOND_ENTRIES)
    assert texts["rss.xml"].count("<item>") == 4 and "Example shutdown archive" in texts["atom.xml"]
    assert "feeds/actor/netco.xml" in " ".join(texts) and "screenshot" not in texts["format/index.html"].split("Rules by type")[1].split("Actors")[0]


def test_the_preview_of_a_new_archive_uses_the_generators_theme_and_hook(tmp_path):
    from mkdocs.config import load_config

    from scripts.publish import theme
    assert theme.serve_config(REPO) == REPO / "mkdocs.yml"  # this archive names its own
    assert main(["init", str(tmp_path / "a"), "--name", "A"]) == 0
    cfg = load_config(config_file=str(theme.serve_config(tmp_path / "a")))
    assert Path(cfg.theme.custom_dir) == theme.generator_overrides() and cfg.docs_dir == str(tmp_path / "a" / "content")
    assert list(cfg.hooks) == [str(theme.HOOK)]


def test_new_refuses_a_turned_off_type(tmp_path, capsys):
    _second_archive(tmp_path / "s")
    capsys.readouterr()
    assert main(["--root", str(tmp_path / "s"), "new", "screenshot", "--title", "T", "--date", "2021"]) == 2
    assert capsys.readouterr().err == (
        "error: type 'screenshot' is turned off in this archive (mkdocs.yml extra.archive.types): use one of "
        "article, statement, social-post, petition, report, legal, video, or add 'screenshot' to extra.archive.types\n")
