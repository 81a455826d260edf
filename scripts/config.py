"""Site settings read from mkdocs.yml, so the generator and MkDocs agree on names and addresses."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import yaml

from .evidence import files
from .evidence.problems import BuildError


@dataclass(frozen=True)
class SiteConfig:
    site_name: str
    site_url: str
    repo_url: str = ""
    repo_branch: str = "main"
    feed_size: int = 50

    @property
    def base(self) -> str:
        """site_url with exactly one trailing slash."""
        return self.site_url.rstrip("/") + "/"


def load(root: Path) -> SiteConfig:
    """Read the settings the generator needs from ``root/mkdocs.yml``."""
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
    if not isinstance(data, dict) or not data.get("site_url") or not data.get("site_name"):
        raise BuildError("mkdocs.yml must set site_name and site_url (feeds need absolute links)")
    extra = data.get("extra") or {}
    archive = (extra.get("archive") or {}) if isinstance(extra, dict) else None
    feed_size = archive.get("feed_size", 50) if isinstance(archive, dict) else None
    if type(feed_size) is not int or not 1 <= feed_size <= 10_000:  # also when extra or archive is no mapping
        raise BuildError("mkdocs.yml: extra and extra.archive must be mappings, and feed_size a whole number "
                         "from 1 to 10000 (the number of items in each feed)")
    return SiteConfig(
        site_name=str(data["site_name"]), site_url=str(data["site_url"]),
        repo_url=str(data.get("repo_url") or "").rstrip("/"),
        repo_branch=str(archive.get("branch", "main")), feed_size=feed_size,
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
