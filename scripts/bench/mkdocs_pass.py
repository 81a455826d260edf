"""The MkDocs pass alone, on pages already generated: ours before/after the bypass and nav cache, and bare MkDocs.

Each build is one language's MkDocs run (scripts/publish/languages.py) in a fresh process, into a folder of its
own. Variants: ``ours`` (hooks, Markdown bypass and nav cache on), ``markdown`` (hooks, both off: the build
before issue 21), ``bare`` (the same configuration without our hooks: stock MkDocs + Material on the same
pages). ``measure()`` is what ``make bench`` calls; ``python -m scripts.bench.mkdocs_pass ROOT`` prints it,
``--profile`` prints where an ``ours`` build spends its time. Figures are for humans; never used by a build.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import logging
import os
import pstats
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
log = logging.getLogger(__name__)
VARIANTS = ("markdown", "ours", "bare")
SWITCHES = {"ours": {}, "markdown": {"EVIDENCE_ARCHIVE_MARKDOWN_BYPASS": "off", "EVIDENCE_ARCHIVE_NAV_CACHE": "off"},
            "bare": {}, "bypass": {"EVIDENCE_ARCHIVE_NAV_CACHE": "off"}}  # bypass: the Markdown bypass alone


def _config(root: Path, lang: str, out: Path, variant: str):
    from ..publish import languages
    cfg = languages.load(root, lang, out)
    if variant == "bare":  # mkdocs.yml has no plugin but our hook (Pagefind replaced Material's search)
        from mkdocs.plugins import PluginCollection
        assert list(cfg.plugins) == ["scripts/publish/hooks.py"], list(cfg.plugins)
        cfg.plugins = PluginCollection()
    return cfg


def build_once(root: Path, lang: str, out: Path, variant: str) -> None:
    """One MkDocs build of ``lang``'s site into ``out``, in this process (its switches already set)."""
    from mkdocs.commands.build import build
    build(_config(root, lang, out, variant))


def _child(variant: str, root: Path, lang: str, out: Path) -> dict:
    logging.getLogger().setLevel(logging.WARNING)  # MkDocs' warnings (strict mode fails on them), on stderr
    t0, c0 = time.perf_counter(), time.process_time()
    build_once(root, lang, out, variant)
    from .pipeline import _peak_mb
    # CPU seconds too: on a shared machine other processes' load stretches wall time far more than CPU time
    return {"seconds": time.perf_counter() - t0, "cpu": time.process_time() - c0, "peak_mb": _peak_mb()}


def run(variant: str, root: Path, lang: str, out: Path) -> dict:
    """Time one build in a fresh process; return its seconds and peak memory."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "DISABLE_MKDOCS_2_WARNING": "true",
           "SOURCE_DATE_EPOCH": "1700000000", **SWITCHES[variant]}
    done = subprocess.run([sys.executable, "-m", "scripts.bench.mkdocs_pass", "--child", variant, str(root), lang,
                           str(out)], cwd=REPO, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{variant} build of {lang} failed: {done.stderr[-1500:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def measure(root: Path, langs: tuple[str, ...] = ("en",), runs: int = 3, keep: Path | None = None) -> dict:
    """Medians of each variant per language, interleaved round by round (the machine's load hits all alike),
    and per language the ratio ours / bare MkDocs and ours / before; ``root`` holds generated pages. With
    ``keep``, the last round's sites stay there (``keep/<lang>-<variant>``), for ``compare``."""
    times: dict = {lang: {v: [] for v in VARIANTS} for lang in langs}
    cpu: dict = {lang: {v: [] for v in VARIANTS} for lang in langs}
    peaks: dict = {lang: {v: 0.0 for v in VARIANTS} for lang in langs}
    with tempfile.TemporaryDirectory(prefix="mkdocs-pass-") as tmp:
        for _ in range(runs):
            for lang in langs:
                for variant in VARIANTS:
                    r = run(variant, root, lang, (keep or Path(tmp)) / f"{lang}-{variant}")
                    log.info("%s %s: %.1f s (CPU %.1f s), %.0f MB", lang, variant, r["seconds"], r["cpu"], r["peak_mb"])
                    times[lang][variant].append(r["seconds"])
                    cpu[lang][variant].append(r["cpu"])
                    peaks[lang][variant] = max(peaks[lang][variant], r["peak_mb"])
    out: dict = {"runs": runs, "languages": {}}
    for lang in langs:
        med = {v: statistics.median(times[lang][v]) for v in VARIANTS}
        mcpu = {v: statistics.median(cpu[lang][v]) for v in VARIANTS}
        out["languages"][lang] = {"seconds": med, "all": times[lang], "peak_mb": peaks[lang],
                                  "cpu": mcpu, "all_cpu": cpu[lang], "cpu_ours_over_bare": mcpu["ours"] / mcpu["bare"],
                                  "cpu_ours_over_before": mcpu["ours"] / mcpu["markdown"],
                                  "ours_over_bare": med["ours"] / med["bare"],
                                  "ours_over_before": med["ours"] / med["markdown"],
                                  "before_over_bare": med["markdown"] / med["bare"]}
    out["total"] = {v: sum(out["languages"][x]["seconds"][v] for x in langs) for v in VARIANTS}
    return out


def _cpu(f: dict) -> str:
    if "cpu" not in f:
        return "- | -"
    c = f["cpu"]
    return f"{c['markdown']:.1f}, {c['bare']:.1f}, {c['ours']:.1f} s | {f['cpu_ours_over_bare']:.2f}"


def table(results: dict[int, dict]) -> str:
    """A Markdown table of ``measure()`` results by number of entries: medians per language and for all."""
    head = ("| entries | language | before (Markdown path) | bare MkDocs | ours | ours / bare | ours / before "
            "| CPU: before, bare, ours | CPU ours / bare | peak MB (ours) |\n|---:|---|---:|---:|---:|---:|---:|---|---:|---:|\n")
    rows = []
    for entries, r in sorted(results.items()):
        for lang, f in r["languages"].items():
            s = f["seconds"]
            rows.append(f"| {entries:,} | {lang} | {s['markdown']:.1f} s | {s['bare']:.1f} s | {s['ours']:.1f} s "
                        f"| {f['ours_over_bare']:.2f} | {f['ours_over_before']:.2f} | {_cpu(f)} | {f['peak_mb']['ours']:.0f} |")
        if len(r["languages"]) > 1:
            t = r["total"]
            rows.append(f"| {entries:,} | all, one after another | {t['markdown']:.1f} s | {t['bare']:.1f} s "
                        f"| {t['ours']:.1f} s | {t['ours'] / t['bare']:.2f} | {t['ours'] / t['markdown']:.2f} | | | |")
    return head + "\n".join(rows) + "\n"


_SKIP = re.compile(r'(<div data-md-component="skip">).*?(</div>)', re.S)
_TOC_LABEL = re.compile(r'<label class="md-nav__link md-nav__link--active" for="__toc">.*?</label>', re.S)
_TOC = '<nav class="md-nav md-nav--secondary"'
_NAV = re.compile(r"<nav\b|</nav>")


def without_toc(page: str) -> str:
    """A built page without what a table of contents adds (the skip link, Material's TOC in the sidebar and,
    on a page in the nav, in its nav item), and without the blank lines Jinja leaves where those were."""
    page = _TOC_LABEL.sub("", _SKIP.sub(r"\1\2", page, count=1))
    while (start := page.find(_TOC)) >= 0:
        depth = 0
        for m in _NAV.finditer(page, start):
            depth += 1 if m[0] == "<nav" else -1
            if depth == 0:
                page = page[:start] + page[m.end():]
                break
        else:
            break
    return "\n".join(line for line in page.splitlines() if line.strip())


def compare(before: Path, after: Path) -> dict:
    """Compare two builds' files: byte-identical, identical apart from the TOC, or different (listed)."""
    names = sorted({p.relative_to(d).as_posix() for d in (before, after) for p in d.rglob("*") if p.is_file()})
    out: dict = {"files": len(names), "identical": 0, "toc_only": [], "different": []}
    for name in names:
        a, b = before / name, after / name
        if not (a.is_file() and b.is_file()):
            out["different"].append(name)
        elif a.read_bytes() == b.read_bytes():
            out["identical"] += 1
        elif name.endswith(".html") and without_toc(a.read_text("utf-8")) == without_toc(b.read_text("utf-8")):
            out["toc_only"].append(name)
        else:
            out["different"].append(name)
    return out


def profile(root: Path, lang: str, top: int = 25) -> str:
    """The ``top`` functions by cumulative and by own time in one ``ours`` build of ``lang``."""
    with tempfile.TemporaryDirectory(prefix="mkdocs-profile-") as tmp:
        prof = cProfile.Profile(time.process_time)  # CPU time: the machine is shared
        prof.runcall(build_once, root, lang, Path(tmp) / "site", "ours")
    text = io.StringIO()
    stats = pstats.Stats(prof, stream=text).strip_dirs()
    stats.sort_stats("cumulative").print_stats(top)
    stats.sort_stats("tottime").print_stats(top)
    return text.getvalue()


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(prog="python -m scripts.bench.mkdocs_pass", description=__doc__)
    p.add_argument("root", type=Path, nargs="?", help="a repository whose pages are generated (content/)")
    p.add_argument("--langs", nargs="+", default=["en"])
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--profile", action="store_true", help="profile one build of the first language instead")
    p.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")  # each run's figures as they come, on stderr
    if args.child:
        variant, root, lang, out = args.child
        print(json.dumps(_child(variant, Path(root), lang, Path(out))))
    elif args.profile:
        print(profile(args.root, args.langs[0]))
    else:
        print(json.dumps(measure(args.root, tuple(args.langs), args.runs), indent=2))


if __name__ == "__main__":
    main()
