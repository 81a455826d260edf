"""Site settings read from mkdocs.yml, so the generator and MkDocs agree on names and addresses."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from typing import Any
from pathlib import Path

import yaml

from . import settings as archive_settings
from .evidence import files
from .evidence.problems import BuildError


@dataclass(frozen=True)
class Languages:
    """The site's languages (``extra.archive`` in mkdocs.yml): the default first, and those that must be complete."""

    default: str = "en"
    others: tuple[str, ...] = ()
    required: tuple[str, ...] = ()  # require_translations: a missing translation is a warning
    declared: bool = True  # False for a bare evidence log without mkdocs.yml: any language is accepted

    @property
    def all(self) -> tuple[str, ...]:
        return (self.default, *self.others)


@dataclass(frozen=True)
class SiteConfig:
    site_name: str
    site_url: str
    repo_url: str = ""
    repo_branch: str = "main"
    feed_size: int = 50
    languages: Languages = Languages()
    # extra.archive's archive content (the drawn timeline's settings, the home page's summary), as written:
    # checked where they are used (render/timeline_data.py, render/summary.py)
    story: dict[str, Any] = field(default_factory=dict, hash=False)
    archive: archive_settings.Settings = archive_settings.Settings()

    @property
    def base(self) -> str:
        """site_url with exactly one trailing slash."""
        return self.site_url.rstrip("/") + "/"


def _read(root: Path) -> dict:
    try:  # a regular file inside the repository, like every file of the log (not a link, FIFO or device)
        text = files.read_bytes(root / "mkdocs.yml").decode("utf-8")
    except files.Refused as exc:
        raise BuildError(f"cannot read mkdocs.yml: {exc.message}" + (f" ({exc.hint})" if exc.hint else "")) from None
    except UnicodeDecodeError as exc:
        raise BuildError(f"cannot read mkdocs.yml: it is not valid UTF-8 (byte {exc.start:,})") from None
    try:
        data = yaml.load(text, Loader=_IgnoreTags)
    except yaml.YAMLError as exc:
        raise BuildError(f"cannot read mkdocs.yml: {exc}") from exc
    return data if isinstance(data, dict) else {}


def raw(root: Path) -> dict:
    """mkdocs.yml as data (its !ENV tags resolved), for the per-language MkDocs configurations."""
    return _read(root)


def _languages(archive: dict) -> Languages:
    """The languages in ``extra.archive``; raise BuildError when they are not two-letter codes."""
    default = archive.get("default_language", "en")
    langs = archive.get("languages", [default])
    required = archive.get("require_translations") or []
    if not (isinstance(langs, list) and isinstance(required, list)
            and all(isinstance(x, str) and re.fullmatch(r"[a-z]{2}", x) for x in [default, *langs, *required])):
        raise BuildError("mkdocs.yml: extra.archive.languages, default_language and require_translations must be "
                         "two-letter language codes, e.g. languages: [en, fr, ar]")
    if default not in langs or not set(required) <= set(langs) - {default}:
        raise BuildError("mkdocs.yml: extra.archive.languages must include default_language and every language "
                         "in require_translations (which cannot be the default)")
    return Languages(default, tuple(x for x in langs if x != default), tuple(required))


def languages(root: Path) -> Languages:
    """The site's languages, for the checker: defaults when there is no mkdocs.yml (e.g. a bare evidence log)."""
    if not (root / "mkdocs.yml").is_file():
        return Languages(declared=False)
    extra = _read(root).get("extra") or {}
    archive = extra.get("archive") if isinstance(extra, dict) else None
    if not isinstance(archive, (dict, type(None))):
        raise BuildError("mkdocs.yml: extra and extra.archive must be mappings")
    return _languages(archive or {})


def settings(root: Path) -> archive_settings.Settings:
    """The archive's types, kinds and texts, for the checker: a new archive's defaults without mkdocs.yml."""
    if not (root / "mkdocs.yml").is_file():
        return archive_settings.Settings()
    extra = _read(root).get("extra") or {}
    archive = extra.get("archive") if isinstance(extra, dict) else None
    return archive_settings.parse(archive if isinstance(archive, dict) else {})


def _nav_labels(items) -> list[str]:
    """Every label of a MkDocs nav, in order."""
    if isinstance(items, list):
        return [x for item in items for x in _nav_labels(item)]
    if isinstance(items, dict):
        return [x for k, v in items.items() for x in (str(k), *_nav_labels(v))]
    return []


def load(root: Path) -> SiteConfig:
    """Read the settings the generator needs from ``root/mkdocs.yml``."""
    data = _read(root)
    if not data.get("site_url") or not data.get("site_name"):
        raise BuildError("mkdocs.yml must set site_name and site_url (feeds need absolute links)")
    extra = data.get("extra") or {}
    archive = (extra.get("archive") or {}) if isinstance(extra, dict) else None
    feed_size = archive.get("feed_size", 50) if isinstance(archive, dict) else None
    if type(feed_size) is not int or not 1 <= feed_size <= 10_000:  # also when extra or archive is no mapping
        raise BuildError("mkdocs.yml: extra and extra.archive must be mappings, and feed_size a whole number "
                         "from 1 to 10000 (the number of items in each feed)")
    langs, own = _languages(archive), archive_settings.parse(archive)
    words = [str(x) for x in (data["site_name"], data.get("site_description")) if x] + _nav_labels(data.get("nav"))
    archive_settings.check_complete(own, words, langs.others, root)
    return SiteConfig(
        site_name=str(data["site_name"]), site_url=str(data["site_url"]),
        repo_url=str(data.get("repo_url") or "").rstrip("/"),
        repo_branch=str(archive.get("branch", "main")), feed_size=feed_size,
        languages=langs, archive=own,
        story={k: archive[k] for k in ("timeline", "home_summary") if k in archive},
    )


class _IgnoreTags(yaml.SafeLoader):
    """Safe loader that resolves MkDocs' !ENV tags as MkDocs does and ignores other tags."""


def _env(loader: yaml.SafeLoader, node: yaml.Node):
    """!ENV VAR or !ENV [VAR, …, default]: the first variable set, else the default."""
    names = [loader.construct_scalar(node)] if isinstance(node, yaml.ScalarNode) else loader.construct_sequence(node)
    *variables, default = names if len(names) > 1 else (names[0], None)
    for name in variables:
        if os.environ.get(name):
            return os.environ[name]
    return default


_IgnoreTags.add_constructor("!ENV", _env)
_IgnoreTags.add_multi_constructor("", lambda loader, suffix, node: None)
