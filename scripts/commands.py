"""What each command does; the CLI only parses arguments and calls these."""

from __future__ import annotations

import argparse
import sys

from . import jsonschema
from .evidence import load_archive


def _out(line: str) -> None:
    sys.stdout.write(line + "\n")


def check(args: argparse.Namespace) -> int:
    loaded = load_archive(args.root)
    report = loaded.report
    for problem in report.sorted():
        _out(problem.github() if args.format == "github" else str(problem))
    summary = report.summary(loaded.files)
    if args.strict and report.warnings and not report.errors:
        summary += " (warnings fail in --strict mode)"
    _out(summary)
    return 1 if report.failed(args.strict) else 0


def schema(args: argparse.Namespace) -> int:
    path = args.root / "evidence" / "schema.json"
    text = jsonschema.render()
    current = path.read_text("utf-8") if path.is_file() else None
    if args.check:
        if current != text:
            _out("evidence/schema.json is out of date: run python -m scripts schema")
            return 1
        _out("evidence/schema.json is current")
        return 0
    if current != text:
        path.write_text(text, "utf-8")
        _out("wrote evidence/schema.json")
    else:
        _out("evidence/schema.json is current")
    return 0


def _print_problems(loaded, fmt: str = "text") -> None:
    for problem in loaded.report.sorted():
        _out(problem.github() if fmt == "github" else str(problem))


def build(args: argparse.Namespace) -> int:
    import os
    import time

    from . import build as pipeline
    from .problems import BuildError

    t0 = time.perf_counter()
    try:
        result = pipeline.generate(args.root, strict=args.strict)
        _print_problems(result.loaded)
        if not result.outputs:
            _out(result.loaded.report.summary(result.loaded.files) + "; nothing was written")
            return 1
        if args.no_mkdocs:
            return 0
        os.environ.setdefault("SOURCE_DATE_EPOCH", pipeline.source_date_epoch(result.loaded))
        t1 = time.perf_counter()
        pipeline.mkdocs_build(args.root.resolve(), (args.root / "site").resolve())
    except BuildError as exc:
        _out(f"error: {exc}")
        return 1
    _out(f"built site/ from {len(result.loaded.archive.entries)} entries "
         f"(generate {t1 - t0:.1f} s, MkDocs {time.perf_counter() - t1:.1f} s)")
    return 0


def serve(args: argparse.Namespace) -> int:
    from . import build as pipeline
    from . import serve as preview
    from .problems import BuildError

    def regenerate() -> None:
        try:
            result = pipeline.generate(args.root)
        except BuildError as exc:
            _out(f"error: {exc}")
            return
        _print_problems(result.loaded)
        if not result.outputs:
            _out(result.loaded.report.summary(result.loaded.files) + "; the preview keeps the previous pages")

    return preview.serve(args.root.resolve(), regenerate, args.dev_addr)
