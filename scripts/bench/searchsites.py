"""The sites the search benchmark compares, built from one synthetic archive (scripts/bench/search.py).

``pagefind``: the archive's own build (every language, Pagefind over the whole site). ``material``: the
same generated English pages built by MkDocs with Material's own search plugin and Material's header
(our search partials left out, our hook too: it only adds Pagefind's markers), as the site was before
issue 17. Material's search never comes back into the real site: its configuration is written here, in
the temporary archive only.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
OURS = ("partials/search.html", "partials/header.html")  # Material's own header has its search form


def material_config(root: Path, search: bool) -> Path:
    """A copy of mkdocs.yml for the English pages with Material's header, and its search plugin if ``search``."""
    text = (root / "mkdocs.yml").read_text("utf-8")
    for old, new in (("plugins: []", f"plugins: [{'search' if search else ''}]"),
                     ("custom_dir: overrides", "custom_dir: overrides-material"),
                     ("  - scripts/publish/hooks.py", "  []"), ("strict: true", "strict: false")):
        assert old in text, f"mkdocs.yml no longer has {old!r}: update scripts/bench/searchsites.py"
        text = text.replace(old, new)
    text = text.replace("hooks:\n  []", "hooks: []") + "\nexclude_docs: |\n  _generated/\n  .generated.json\n  /fr/\n  /ar/\n"
    text = text.replace("exclude_docs: |\n  _generated/\n  .generated.json\n\n", "", 1)
    overrides = root / "overrides-material"
    if not overrides.exists():
        shutil.copytree(root / "overrides", overrides)
        for name in OURS:
            (overrides / name).unlink()
    out = root / f"mkdocs-material-{'search' if search else 'plain'}.yml"
    out.write_text(text, "utf-8")
    return out


def _mkdocs(root: Path, config: Path, site: Path) -> tuple[float, float]:
    """Seconds MkDocs takes to build ``config`` into ``site``, and of them in the search plugin's events
    (its own process, as a build would be: ``python -m scripts.bench.searchsites CONFIG SITE``)."""
    env = dict(os.environ, PYTHONPATH=str(REPO), NO_MKDOCS_2_WARNING="1", DISABLE_MKDOCS_2_WARNING="true")
    t0 = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "scripts.bench.searchsites", str(config), str(site)],
                          cwd=root, env=env, check=True, capture_output=True, text=True)
    return time.perf_counter() - t0, float(done.stdout.split()[-1])


def _timed_build(config: str, site: str) -> float:
    """Build with MkDocs; the seconds spent in Material's search plugin (0 without it)."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    spent = [0.0]
    try:
        from material.plugins.search.plugin import SearchPlugin
    except ImportError:
        SearchPlugin = None
    for name in ("on_config", "on_page_context", "on_post_build", "on_serve"):
        method = getattr(SearchPlugin, name, None)
        if method is None:
            continue

        def timed(*a, _m=method, **k):
            t = time.perf_counter()
            try:
                return _m(*a, **k)
            finally:
                spent[0] += time.perf_counter() - t
        setattr(SearchPlugin, name, timed)
    build(load_config(config_file=config, site_dir=site))
    return spent[0]


def _ours(root: Path) -> dict:
    """Build the archive as `make site` does; then time Pagefind alone over the built site."""
    from ..build import generate
    from ..publish.searchtext import run_pagefind
    from ..publish.site import mkdocs_build
    os.environ.setdefault("SOURCE_DATE_EPOCH", "1700000000")
    result = generate(root)
    assert result.ok, [str(p) for p in result.report.sorted()[:5]]
    t0 = time.perf_counter()
    mkdocs_build(root, root / "site")
    built = time.perf_counter() - t0
    t0 = time.perf_counter()
    run_pagefind(root / "site")
    pages = sum(1 for _ in (root / "site" / "pagefind" / "fragment").iterdir())
    return {"site_build_s": round(built, 1), "pagefind_index_s": round(time.perf_counter() - t0, 1),
            "pagefind_pages": pages, "pagefind_bundle_mb": round(_size(root / "site" / "pagefind") / 2**20, 1)}


def _size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


TEXTS = ("synthetic", "realistic")  # synthetic.py's text: its few words, or the words of REPO's entries


@contextlib.contextmanager
def built(entries: int, text: str = "synthetic", keep: Path | None = None):
    """Yield ({engine: site folder}, timings) for a synthetic archive of ``entries`` with ``text``; removed
    afterwards, unless ``keep``: built there once, and a later run measures the sites it left."""
    if keep is not None:
        yield _kept(keep, entries, text)
        return
    with tempfile.TemporaryDirectory(prefix="search-bench-") as tmp:
        yield _build(Path(tmp) / "repo", entries, text)


def _kept(keep: Path, entries: int, text: str):
    root, done = keep / f"{text}-{entries}", keep / f"{text}-{entries}.json"
    if not done.is_file():
        shutil.rmtree(root, ignore_errors=True)  # a build that did not finish: ours, in the folder we were given
        sites, timings = _build(root, entries, text)
        done.write_text(json.dumps(timings), "utf-8")
    return {"pagefind": root / "site", "material": root / "site-material"}, json.loads(done.read_text("utf-8"))


def _build(root: Path, entries: int, text: str):
    from .synthetic import make_archive
    assert text in TEXTS, text
    make_archive(root, entries, site_files_from=REPO, words_from=REPO if text == "realistic" else None)
    timings = {"entries": entries, "text": text, **_ours(root)}
    plain, _ = _mkdocs(root, material_config(root, False), root / "site-plain")
    with_search, in_plugin = _mkdocs(root, material_config(root, True), root / "site-material")
    index = root / "site-material" / "search" / "search_index.json"
    timings.update(material_build_s=round(with_search, 1), material_plain_build_s=round(plain, 1),
                   material_index_s=round(in_plugin, 1),
                   material_pages=sum(1 for _ in (root / "site-plain").rglob("index.html")),
                   material_index_mb=round(index.stat().st_size / 2**20, 1))
    shutil.rmtree(root / "site-plain")
    return {"pagefind": root / "site", "material": root / "site-material"}, timings


def entries_holding(root: Path, queries: list[str]) -> dict[str, int]:
    """How many of the archive's entry files hold each query: a word of theirs, in one of the forms the site
    indexes (scripts/publish/searchtext.py), starts with each of the query's words, as Pagefind matches."""
    from ..publish import searchtext
    from .synthetic import WORD
    entries = [set(WORD.findall(p.read_text("utf-8").lower())) for p in (root / "evidence" / "entries").rglob("*.yaml")]
    every = set().union(*entries)
    counts = {}
    for query in queries:
        terms = [searchtext.strip_article(searchtext.normalise(t)) for t in WORD.findall(query)]
        holding = [{w for w in every if any(v.startswith(t) for v in searchtext.variants(w))} for t in terms]
        counts[query] = sum(1 for words in entries if all(words & h for h in holding))
    return counts


def timing_table(t: dict) -> str:
    """Index times and sizes as a Markdown table."""
    return "\n".join([
        "| | Pagefind (ours) | Material's search plugin |", "|---|---|---|",
        f"| pages indexed | {t['pagefind_pages']:,} (3 languages) | {t['material_pages']:,} (English) |",
        f"| index time | {t['pagefind_index_s']} s (Pagefind over the built site) | {t['material_index_s']} s "
        f"(in the plugin's events; English build with it {t['material_build_s']} s, without {t['material_plain_build_s']} s) |",
        f"| index on disk | {t['pagefind_bundle_mb']} MB (fetched in fragments) | {t['material_index_mb']} MB "
        "(search_index.json, fetched whole) |",
        f"| whole build | {t['site_build_s']} s (3 languages, with Pagefind) | |"])


if __name__ == "__main__":
    print(_timed_build(sys.argv[1], sys.argv[2]))
