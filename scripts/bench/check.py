"""Benchmark of `check` on a synthetic log, beside a bare C-loader parse of the same files.

Run: python -m scripts.bench.check --entries 10000
Targets (issue "Evidence log v1"): check of 10,000 entries <= 3 s on 2 cores, <= 2.5x the bare
parse, peak memory < 300 MB. Each measurement runs in a fresh process so peak RSS is its own.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def _child(kind: str, root: Path) -> dict:
    import yaml

    t0 = time.perf_counter()
    if kind == "parse":
        for path in sorted((root / "evidence" / "entries").rglob("*.yaml")):
            yaml.load(path.read_bytes().decode("utf-8"), Loader=yaml.CSafeLoader)
    else:
        from ..evidence import load as evidence
        from ..evidence.load import load_archive
        if kind == "check-1":
            evidence.PARALLEL_FROM = 10**9  # one process, for the per-core figure
        loaded = load_archive(root)
        assert loaded.archive is not None and not loaded.report.problems, loaded.report.sorted()[:3]
    seconds = time.perf_counter() - t0
    from .pipeline import _peak_mb
    return {"seconds": seconds, "peak_mb": _peak_mb()}


def _run(kind: str, root: Path) -> dict:
    out = subprocess.run([sys.executable, "-m", "scripts.bench.check", "--child", kind, str(root)],
                         check=True, capture_output=True, text=True)
    return json.loads(out.stdout)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--entries", type=int, default=10000)
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.child:
        print(json.dumps(_child(args.child[0], Path(args.child[1]))))
        return
    from .synthetic import make_archive
    with tempfile.TemporaryDirectory() as tmp:
        root = make_archive(Path(tmp), args.entries)
        _run("check", root)  # warm the OS file cache and the hash cache
        results = {k: [_run(k, root) for _ in range(args.runs)] for k in ("parse", "check", "check-1")}
    med = {k: statistics.median(r["seconds"] for r in v) for k, v in results.items()}
    peak = {k: max(r["peak_mb"] for r in v) for k, v in results.items()}
    ratio = med["check"] / med["parse"]
    print(f"entries: {args.entries}, runs: {args.runs} (median)")
    print(f"bare parse (CSafeLoader): {med['parse']:.2f} s, peak {peak['parse']:.0f} MB")
    print(f"check (all cores):        {med['check']:.2f} s, peak {peak['check']:.0f} MB")
    print(f"check (one process):      {med['check-1']:.2f} s, peak {peak['check-1']:.0f} MB "
          f"({med['check-1'] / med['parse']:.2f}x the bare parse)")
    print(f"ratio check/parse: {ratio:.2f}x (target <= 2.5x); "
          f"check {'meets' if med['check'] <= 3 * args.entries / 10000 else 'misses'} the 3 s per 10,000 target; "
          f"peak {'under' if peak['check'] < 300 else 'over'} 300 MB")


if __name__ == "__main__":
    main()
