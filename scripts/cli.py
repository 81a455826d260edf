"""Command line: ``python -m scripts COMMAND``. Each command has --help with an example."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path

from . import commands

EPILOG = {
    "check": "example:\n  python -m scripts check --strict\n  python -m scripts check --format github",
    "build": "example:\n  python -m scripts build            # what `make site` runs\n  python -m scripts build --no-mkdocs",
    "serve": "example:\n  python -m scripts serve   # then open http://127.0.0.1:8000/",
    "bench": "example:\n  python -m scripts bench --entries 1000 10000 --images 0.2 --out benchmarks\n  python -m scripts bench --entries 50 --images 5 --runs 1   # smoke test\n  python -m scripts bench --search --entries 10000 --site site --out benchmarks\n  python -m scripts bench --search --entries 1000 --text realistic --runs 1",
    "schema": "example:\n  python -m scripts schema            # rewrite evidence/schema.json and the registry schemas\n  python -m scripts schema --check    # fail if it is out of date",
    "new": "example:\n"
           "  python -m scripts new article --title \"Operators block internet calls\" --date 2016-01-07 \\\n"
           "      --url \"https://example.org/article\" --publisher \"Example Publisher\" --language fr\n"
           "  python -m scripts new statement --title \"Regulator explains the block\" --date 2016-01 \\\n"
           "      --url \"https://example.org/communique\" --speaker regulator\n"
           "  python -m scripts new screenshot --title \"Campaign page loses likes\" --date 2016-02-28 \\\n"
           "      --media ~/Pictures/likes.png\n\n"
           "The file goes to evidence/entries/<year>/<id>.yaml; fields it cannot fill are left empty,\n"
           "marked 'fill in', and `check` names each one until it is filled. It never replaces a file.",
    "hash": "example:\n"
            "  python -m scripts hash                                   # every entry with media\n"
            "  python -m scripts hash evidence/entries/2016/2016-02-28-likes.yaml\n\n"
            "Run it after replacing an image in evidence/media/: only the sha256 values change in the file.",
    "init": "example:\n"
            "  python -m scripts init ../shutdown-archive --name \"Example shutdown archive\" \\\n"
            "      --site-url https://example.org/shutdowns/ --repo-url https://github.com/example/shutdowns --languages en,fr\n\n"
            "The folder must be empty or new. On a terminal, init asks for what is missing; otherwise it takes\n"
            "the defaults shown by --help. Then: cd DIR && make site.",
    "verify": "example:\n"
              "  python -m scripts verify site              # the site you just built\n"
              "  python -m scripts verify ~/mirror/archive  # a copy: exit 0 only if nothing is missing, altered or added\n\n"
              "Without this repository, `sha256sum -c --quiet manifest-sha256.txt` in the copy checks the listed files.",
    "edition": "example:\n"
               "  python -m scripts edition                      # site/ -> dist/<name>-offline.zip\n"
               "  python -m scripts edition --out /media/usb/archive.zip\n\n"
               "Build the site first (make site; `make edition` does both). The same site gives the same bytes.",
}


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m scripts", description="Evidence archive generator.")
    p.add_argument("--root", type=Path, default=Path("."), help="repository root (default: current folder)")
    p.add_argument("-v", "--verbose", action="store_true", help="show debug messages")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def add(name: str, help: str) -> argparse.ArgumentParser:
        return sub.add_parser(name, help=help, description=help, epilog=EPILOG.get(name),
                              formatter_class=argparse.RawDescriptionHelpFormatter)

    c = add("check", "Validate the evidence log and report every problem as PATH:LINE:COL.")
    c.add_argument("--strict", action="store_true", help="fail on warnings too")
    c.add_argument("--format", choices=("text", "github"), default="text",
                   help="github prints annotations that show on a pull request's diff")
    b = add("build", "Check the log, generate pages and feeds into content/, and build site/ with MkDocs.")
    b.add_argument("--strict", action="store_true", help="fail on warnings too")
    b.add_argument("--no-mkdocs", action="store_true", help="only generate content/ (no site/)")
    v = add("serve", "Live preview on 127.0.0.1 that follows edits to evidence/ and content/.")
    v.add_argument("--dev-addr", default="127.0.0.1:8000", help="address and port (default 127.0.0.1:8000)")
    v.add_argument("--lang", help="the language to preview (default: the site's default language)")
    k = add("bench", "Benchmark the whole pipeline on synthetic archives (slow; figures for humans).")
    k.add_argument("--entries", type=int, nargs="+", default=[1000, 10000], help="archive sizes (default 1000 10000)")
    k.add_argument("--images", type=float, default=0.2, help="share of entries with a 4000x3000 JPEG, or a count when >= 1")
    k.add_argument("--runs", type=int, default=3, help="repeats per step; the median is reported")
    k.add_argument("--out", help="folder for bench.json and bench.md (search.json with --search)")
    k.add_argument("--search", action="store_true",
                   help="benchmark the search instead: Pagefind beside Material's search on the same synthetic pages")
    k.add_argument("--site", help="with --search: also measure this built site (e.g. site/)")
    k.add_argument("--text", nargs="+", choices=("synthetic", "realistic"),
                   help="with --search: the synthetic archives' text, its few words or the entries' own (default: both)")
    s = add("schema", "Write evidence/schema.json (entries) and evidence/actors.schema.json, tags.schema.json (registries) for editors.")
    s.add_argument("--check", action="store_true", help="only check that the file is current")
    _add_new(add("new", "Start a new entry: write evidence/entries/<year>/<id>.yaml for you to fill in."))
    h = add("hash", "Rewrite the sha256 of media items after their image files were replaced.")
    h.add_argument("paths", nargs="*", type=Path, metavar="PATH",
                   help="entry files (default: every entry that has media)")
    i = add("init", "Start a new archive in an empty folder: evidence/, content/, mkdocs.yml, Makefile, workflows.")
    i.add_argument("target", type=Path, metavar="DIR", help="the new archive's folder (empty or new)")
    i.add_argument("--name", help="the site's name (default: Evidence archive)")
    i.add_argument("--site-url", help="where the site will be published (default: https://example.org/archive/)")
    i.add_argument("--repo-url", help="the archive's repository (default: https://github.com/example/archive)")
    i.add_argument("--languages", help="site languages, the default first: en, fr, ar (default: en)")
    i.add_argument("--description", help="one sentence saying what the archive records")
    i.add_argument("--generator", help="the requirement line that pins the generator in requirements.txt "
                                       "(default: evidence-archive==VERSION; a git URL works too)")
    f = add("verify", "Check a copy of the site against its manifest-sha256.txt: every file present, unchanged, and no other.")
    f.add_argument("folder", type=Path, metavar="DIR", help="the copy's top folder (where manifest-sha256.txt is)")
    z = add("edition", "Pack the built site/ (pages, data/, manifest) into one reproducible zip to read offline.")
    z.add_argument("--out", type=Path, metavar="FILE", help="the zip to write (default: dist/<name>-offline.zip)")
    return p


def _add_new(n: argparse.ArgumentParser) -> None:
    from .evidence.schema import TYPES
    n.add_argument("type", metavar="TYPE", help="one of: " + ", ".join(TYPES))
    n.add_argument("--title", required=True, help="one line in English, at most 200 characters")
    n.add_argument("--date", required=True, metavar="DATE",
                   help="date of the evidence: YYYY, YYYY-MM or YYYY-MM-DD, as precise as the source (never guess a day)")
    n.add_argument("--url", help="address of the source, exactly as published (required except for screenshots)")
    n.add_argument("--publisher", help="who published it: outlet, organisation or account")
    n.add_argument("--language", metavar="xx", help="language of the source, two letters: en, fr, ar…")
    n.add_argument("--speaker", metavar="ACTOR", help="statements: actor id (from evidence/actors.yaml) of who made it")
    n.add_argument("--id", help="the entry id, if you want a shorter one than the title gives "
                                "(default: DATE-words-of-the-title)")
    n.add_argument("--media", nargs="+", action="extend", type=Path, metavar="FILE",
                   help="image files to copy under evidence/media/<year>/ (JPEG, PNG, WebP, GIF, TIFF or AVIF)")


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")  # Material's banner about MkDocs 2.0
    args = _parser().parse_args(argv)
    # Problems are reported relative to the root, which must be absolute for that (a bare "." was not).
    args.root = args.root.absolute()
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.INFO,
                        format="%(levelname)s: %(message)s", stream=sys.stderr)
    return getattr(commands, args.command.replace("-", "_"))(args)
