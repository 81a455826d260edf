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
    "schema": "example:\n  python -m scripts schema            # rewrite evidence/schema.json\n  python -m scripts schema --check    # fail if it is out of date",
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
    s = add("schema", "Write evidence/schema.json from the record schema.")
    s.add_argument("--check", action="store_true", help="only check that the file is current")
    return p


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")  # Material's banner about MkDocs 2.0
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.INFO,
                        format="%(levelname)s: %(message)s", stream=sys.stderr)
    return getattr(commands, args.command.replace("-", "_"))(args)
