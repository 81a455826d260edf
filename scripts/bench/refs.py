"""What ``cite.references()`` costs on an archive, cold (no store): wall and CPU seconds, one line of JSON.

    python -m scripts.bench.refs ROOT [--runs 3] [--compare]

ROOT is a repository (evidence/ and mkdocs.yml), e.g. a copy of a synthetic one (scripts/bench/synthetic.py).
CPU is user+sys of this process and of the workers it waited for. ``--compare`` also renders every reference
with citeproc-py directly and counts the ones that differ (slow: 4 ms each).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import statistics
import time
from pathlib import Path

from .. import config as site_config
from ..evidence import load_archive
from ..render import cite


def _cpu() -> float:
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def measure(root: Path, runs: int = 3) -> dict:
    """Median wall and CPU seconds of ``cite.references()`` over ``runs`` cold calls, and the references made."""
    loaded = load_archive(root)
    if loaded.archive is None:
        raise SystemExit(f"{root}: the evidence log has errors")
    cfg = site_config.load(root)
    walls, cpus, refs = [], [], {}
    for _ in range(runs):
        w, c = time.perf_counter(), _cpu()
        refs = cite.references(loaded.archive, cfg)
        walls.append(time.perf_counter() - w)
        cpus.append(_cpu() - c)
    return {"entries": len(loaded.archive.entries), "languages": len(cfg.languages.all), "references": len(refs),
            "runs": runs, "wall_s": round(statistics.median(walls), 3), "cpu_s": round(statistics.median(cpus), 3),
            "walls": [round(x, 3) for x in walls], "cpus": [round(x, 3) for x in cpus],
            "_refs": refs, "_items": {e.id: cite.csl_item(e, cfg) for e in loaded.archive.entries}}


def differing(result: dict) -> int:
    """How many of the references made differ from citeproc-py's own rendering of the same item."""
    return sum(text != cite.reference(result["_items"][id], cite.csl_locale(lang))
               for (lang, id), text in result["_refs"].items())


def main(argv: list[str] | None = None) -> None:
    """Print the figures as one JSON line."""
    logging.basicConfig(level=logging.WARNING)
    ap = argparse.ArgumentParser(prog="python -m scripts.bench.refs", description=__doc__.split("\n")[0])
    ap.add_argument("root", type=Path)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--compare", action="store_true", help="also count references that differ from citeproc-py's")
    args = ap.parse_args(argv)
    result = measure(args.root, args.runs)
    if args.compare:
        result["differing"] = differing(result)
    print(json.dumps({k: v for k, v in result.items() if not k.startswith("_")}))


if __name__ == "__main__":
    main()
