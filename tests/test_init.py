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
    subpackages = {f"scripts.{p.parent.name}" for p in (REPO / "scripts").glob("*/__init__.py")}
    assert set(tool["packages"]) == {"scripts", "scripts._overrides", *subpackages}


def test_the_skeleton_keeps_this_repositorys_assets():
    for asset in (REPO / "content" / "assets").iterdir():
        assert (REPO / "scripts" / "skeleton" / "content" / "assets" / asset.name).read_bytes() == asset.read_bytes()
