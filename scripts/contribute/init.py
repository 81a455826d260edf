"""``init DIR``: a new archive that builds at once, from the skeleton in scripts/skeleton/.

It writes only into an empty or new folder, so it never replaces anyone's file. What it cannot
know it asks on a terminal, and otherwise takes a default that builds (and says so).
"""

from __future__ import annotations

import json
import logging
import re
import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from string import Template

from .. import __version__
from ..evidence import editor_schema
from ..evidence.problems import Report
from ..publish import theme
from ..settings import DEFAULT_KINDS
from .new import InputError

log = logging.getLogger(__name__)
SKELETON = Path(__file__).resolve().parents[1] / "skeleton"
PAGES = ("index.md", "methodology.md", "contributing.md")
WITH_PAGES = ("en", "fr", "ar")  # the languages the skeleton's pages and the generator's catalogs exist in
DEFAULTS = {"name": "Evidence archive", "site_url": "https://example.org/archive/",
            "repo_url": "https://github.com/example/archive", "languages": "en"}
QUESTIONS = {"name": "Name of the archive", "site_url": "Address the site will be published at",
             "repo_url": "Address of its repository", "languages": "Languages, the default first (e.g. en,fr)"}


@dataclass
class Answers:
    """What the new archive is called, where it lives, and its languages (the default first)."""

    name: str
    site_url: str
    repo_url: str
    languages: tuple[str, ...]
    description: str = ""
    generator: str = f"evidence-archive=={__version__}"


def ask(given: dict[str, str | None], interactive: bool, prompt=input) -> dict[str, str]:
    """The given values; each missing one asked for on a terminal, else its default."""
    out = {}
    for key, default in DEFAULTS.items():
        value = given.get(key)
        if not value and interactive:
            value = prompt(f"{QUESTIONS[key]} [{default}]: ").strip()
        out[key] = value or default
    return out


def answers(values: dict[str, str], description: str | None = None, generator: str | None = None) -> Answers:
    """Check the values; raise InputError with what to write instead."""
    langs = tuple(x.strip() for x in values["languages"].split(",") if x.strip())
    if not langs or len(set(langs)) != len(langs) or not set(langs) <= set(WITH_PAGES):
        raise InputError(f"--languages must list distinct languages among {', '.join(WITH_PAGES)}, the default "
                         f"first, e.g. en,fr (got '{values['languages']}')")
    for key in ("site_url", "repo_url"):
        if not re.fullmatch(r"https?://[^\s/]+(/\S*)?", values[key]):
            raise InputError(f"--{key.replace('_', '-')} must be an http(s) address, e.g. {DEFAULTS[key]} "
                             f"(got '{values[key]}')")
    name = values["name"].strip()
    if not name or "\n" in name or len(name) > 200:
        raise InputError("--name must be one line of at most 200 characters")
    return Answers(name, values["site_url"].rstrip("/") + "/", values["repo_url"].rstrip("/"), langs,
                   description or f"A sourced record: {name}.", generator or f"evidence-archive=={__version__}")


def _q(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a YAML string


def mkdocs_yml(a: Answers) -> str:
    """The new archive's mkdocs.yml: MkDocs' settings and the archive's own (extra.archive)."""
    text = (SKELETON / "mkdocs.yml").read_text("utf-8")
    kinds = "".join(f"      {k}: [{s}, {p}]\n" for k, s, p in DEFAULT_KINDS)
    words = [a.name, a.description]
    translations = "".join(f"      {lang}:  # translate each value\n" + "".join(
        f"        {_q(w)}: {_q(w)}\n" for w in words) for lang in a.languages[1:]) or "      {}\n"
    return Template(text).substitute(
        name=_q(a.name), description=_q(a.description), site_url=_q(a.site_url), repo_url=_q(a.repo_url),
        default=a.languages[0], languages=", ".join(a.languages), kinds=kinds.rstrip("\n"),
        translations=translations.rstrip("\n"))


def _example(today: date) -> str:
    """The example entry: marked as one in its title, its summary and a comment, for the archivist to replace."""
    return (SKELETON / "example.yaml").read_text("utf-8").replace("$added", today.isoformat())


def files(a: Answers, today: date) -> dict[str, str]:
    """Every file of the new archive but the editor schemas: {path relative to the archive: text}."""
    fields = {"name": a.name, "description": a.description,
              "languages": ", ".join(a.languages)}
    out = {"mkdocs.yml": mkdocs_yml(a), "requirements.txt": f"# The generator, pinned: its own dependencies come "
           f"with it.\n{a.generator}\n", "Makefile": (SKELETON / "Makefile").read_text("utf-8"),
           "README.md": Template((SKELETON / "README.md").read_text("utf-8")).safe_substitute(fields),
           ".gitignore": (SKELETON / "gitignore").read_text("utf-8"),
           ".vscode/settings.json": (SKELETON / "vscode" / "settings.json").read_text("utf-8"),
           ".github/workflows/pages.yml": (SKELETON / "github" / "pages.yml").read_text("utf-8"),
           ".github/workflows/check.yml": (SKELETON / "github" / "check.yml").read_text("utf-8"),
           "evidence/actors.yaml": "# yaml-language-server: $schema=actors.schema.json\n# Actor id -> name, kind "
                                   "(mkdocs.yml extra.archive.actor_kinds), description, translations.\n{}\n",
           "evidence/tags.yaml": "# yaml-language-server: $schema=tags.schema.json\n# Topic id -> label, "
                                 "description, translations.\n{}\n",
           f"evidence/entries/{today.year}/{today.year}-example-entry.yaml": _example(today)}
    for asset in sorted(theme.generator_assets().iterdir()):
        out[f"content/assets/{asset.name}"] = asset.read_text("utf-8")
    for i, lang in enumerate(a.languages):
        for page in PAGES:
            text = (SKELETON / "content" / lang / page).read_text("utf-8")
            out[f"content/{lang + '/' if i else ''}{page}"] = Template(text).safe_substitute(fields)
    return out


def create(target: Path, a: Answers, today: date) -> list[str]:
    """Write the new archive into ``target`` (empty or new); return the paths written, in order."""
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise InputError(f"{target} is not empty: init writes a new archive only into an empty or new folder "
                         "(it never replaces a file)")
    written = []
    for rel, text in files(a, today).items():
        path = target / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, "utf-8", newline="\n")
        written.append(rel)
    report = Report()
    settings = editor_schema.archive_settings(target, report)
    for rel, text in editor_schema.outputs(editor_schema.registry_ids(target, report, settings), settings).items():
        (target / rel).write_text(text, "utf-8", newline="\n")
        written.append(rel)
    if report.problems:  # the skeleton is ours: a problem here is a bug of the generator
        raise InputError("the new archive did not check: " + "; ".join(str(p) for p in report.problems))
    return written


def run(target: Path, given: dict, description: str | None, generator: str | None, today: date,
        interactive: bool | None = None) -> Answers:
    """Ask for what is missing, check it, write the archive; raise InputError before writing when input is bad."""
    interactive = sys.stdin.isatty() if interactive is None else interactive
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise InputError(f"{target} is not empty: init writes a new archive only into an empty or new folder "
                         "(it never replaces a file)")
    a = answers(ask(given, interactive), description, generator)
    create(target, a, today)
    return a
