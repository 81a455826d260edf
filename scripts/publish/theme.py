"""Where an archive's theme overrides and MkDocs hook come from: its own, else the generator's.

An archive made by ``init`` has neither ``overrides/`` nor ``scripts/publish/hooks.py``: MkDocs
resolves ``theme.custom_dir`` and ``hooks`` relative to mkdocs.yml, so they are filled in here with
the generator's own (in this repository, or inside the installed package).
"""

from __future__ import annotations

from pathlib import Path

GENERATOR = Path(__file__).resolve().parents[1]  # scripts/


def generator_overrides() -> Path:
    """The generator's theme overrides: scripts/_overrides/ when installed, ../overrides/ in its repository."""
    for path in (GENERATOR / "_overrides", GENERATOR.parent / "overrides"):
        if path.is_dir():
            return path
    raise FileNotFoundError("the generator's theme overrides are missing (scripts/_overrides/ or overrides/)")


def generator_assets() -> Path:
    """The site's stylesheet and search script: scripts/_assets/ when installed, ../content/assets/ here."""
    for path in (GENERATOR / "_assets", GENERATOR.parent / "content" / "assets"):
        if path.is_dir():
            return path
    raise FileNotFoundError("the generator's assets are missing (scripts/_assets/ or content/assets/)")


HOOK = GENERATOR / "publish" / "hooks.py"


def fill_in(raw: dict, root: Path) -> dict:
    """MkDocs overrides that supply the generator's custom_dir and hook when mkdocs.yml names none."""
    out: dict = {}
    theme = raw.get("theme") if isinstance(raw.get("theme"), dict) else None
    if theme is not None and not theme.get("custom_dir"):
        out["theme"] = {**theme, "custom_dir": str(generator_overrides())}
    hooks = [str(x) for x in raw.get("hooks") or []]
    if not any(Path(root, h).is_file() for h in hooks):  # an archive's own copy of the hook (this repository's)
        out["hooks"] = [*hooks, str(HOOK)]
    return out


def serve_config(root: Path) -> Path:
    """The config file for `mkdocs serve`: mkdocs.yml, or, when it names no theme overrides or hook, a
    derived one in .cache/ that inherits it and adds the generator's (paths absolute: MkDocs resolves
    them from the derived file's folder)."""
    import json

    from .. import config as site_config
    fill = fill_in(site_config.raw(root), root)
    if not fill:
        return root / "mkdocs.yml"
    derived = {"INHERIT": str(root / "mkdocs.yml"), "docs_dir": str(root / "content"),
               "site_dir": str(root / "site"), **fill}
    path = root / ".cache" / "serve-mkdocs.yml"
    path.parent.mkdir(exist_ok=True)
    path.write_text(json.dumps(derived, indent=1) + "\n", "utf-8")  # JSON is YAML
    return path
