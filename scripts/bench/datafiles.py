"""Sizes of the data downloads and of the offline edition of a built site, as a Markdown table (benchmarks/data.md).

    python -m scripts.bench.datafiles site/ [dist/voip-archive-offline.zip]
"""

from __future__ import annotations

import sys
from pathlib import Path

PER_ENTRY = ("entry.json", "cite.bib", "cite.csl.json")


def _size(n: int) -> str:
    return f"{n:,} B" if n < 1_000_000 else f"{n / 1e6:.2f} MB ({n:,} B)"


def rows(site: Path, edition: Path | None = None) -> list[tuple[str, str]]:
    """(file, size) for each data/ file, each kind of per-entry file (total and mean), the manifest and the zip."""
    out = [(f"data/{p.name}", _size(p.stat().st_size)) for p in sorted((site / "data").iterdir())
           if p.is_file() and p.name != "index.html"]  # the Data page itself
    entries = sorted(p for p in (site / "entries").iterdir() if p.is_dir())
    for name in PER_ENTRY:
        sizes = [(e / name).stat().st_size for e in entries if (e / name).is_file()]
        if sizes:
            out.append((f"entries/<id>/{name} ({len(sizes):,} files)",
                        f"{_size(sum(sizes))} in all, {sum(sizes) // len(sizes):,} B each on average"))
    out.append(("manifest-sha256.txt", _size((site / "manifest-sha256.txt").stat().st_size)))
    files = [p for p in site.rglob("*") if p.is_file()]
    out.append((f"site/ ({len(files):,} files)", _size(sum(p.stat().st_size for p in files))))
    if edition:
        out.append((f"offline edition ({edition.name})", _size(edition.stat().st_size)))
    return out


def main(argv: list[str]) -> int:
    site = Path(argv[0])
    edition = Path(argv[1]) if len(argv) > 1 else None
    sys.stdout.write("| file | size |\n|---|---|\n" + "".join(f"| {a} | {b} |\n" for a, b in rows(site, edition)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
