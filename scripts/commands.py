"""What each command does; the CLI only parses arguments and calls these."""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import PurePosixPath

from .evidence.problems import Report


def _out(line: str) -> None:
    sys.stdout.write(line + "\n")


def check(args: argparse.Namespace) -> int:
    from .evidence.load import load_archive  # here, not above: a build with nothing changed never needs it

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
    from .evidence import editor_schema

    report = Report()
    settings = editor_schema.archive_settings(args.root, report)
    ids = editor_schema.registry_ids(args.root, report, settings)
    if report.errors:  # the enums of actor and tag ids come from the registries: they must load
        _print_problems(report)
        _out("the editor schemas were not written: fix the registries first")
        return 1
    stale = 0
    for rel, text in editor_schema.outputs(ids, settings).items():
        path = args.root / rel
        current = path.read_text("utf-8") if path.is_file() else None
        if current == text:
            _out(f"{rel} is current")
        elif args.check:
            _out(f"{rel} is out of date: run python -m scripts schema")
            stale += 1
        else:
            path.write_text(text, "utf-8")
            _out(f"wrote {rel}")
    return 1 if stale else 0


def _print_problems(report, fmt: str = "text") -> None:
    for problem in report.sorted():
        _out(problem.github() if fmt == "github" else str(problem))


def build(args: argparse.Namespace) -> int:
    import os
    import time

    from .evidence.problems import BuildError
    from .publish.lock import build_lock
    from .publish.site import HeadStart, head_start, mkdocs_build
    from .publish.workers import in_child

    t0 = time.perf_counter()
    ahead = HeadStart()
    site_dir = (args.root / "site").resolve()
    try:
        with build_lock(args.root / ".cache"):
            result, seen = _reused(args.root, args.strict)
            if result is None:
                # its memory is given back before MkDocs; this process links the last site in meanwhile
                result = in_child(_generate, args.root, args.strict, meanwhile=None if args.no_mkdocs else
                                  lambda: head_start(args.root.resolve(), site_dir, ahead))
            _print_problems(result.report)
            if not result.ok:
                _out(result.report.summary(result.files) + "; nothing was written")
                return 1
            if args.no_mkdocs:
                return 0
            os.environ.setdefault("SOURCE_DATE_EPOCH", result.epoch)
            t1 = time.perf_counter()
            mkdocs_build(args.root.resolve(), site_dir, seen, ahead)
    except BuildError as exc:
        _out(f"error: {exc}")
        return 1
    except OSError as exc:  # a fault no stage reported better: one line, never a traceback
        _out(f"error: {_os_error(exc)}; the previous site/ is unchanged")
        return 1
    finally:
        ahead.drop(later=True)  # a failed generation leaves the head start unused: to the remover, as a build's folder
    _out(f"built site/ from {result.entries} entries "
         f"(generate {t1 - t0:.1f} s, MkDocs {time.perf_counter() - t1:.1f} s)")
    return 0


def _reused(root, strict: bool):
    """The last generation's result and what content/ was seen to hold, if nothing it reads or wrote changed,
    else (None, None); checked here, without the generation's process or modules (a build with nothing changed)."""
    from .store import stamp

    last, seen = stamp.fresh(root)
    if last is None:
        return None, None
    return stamp.reused(last, strict), seen


def _generate(root, strict: bool):
    """The generation, run in a child process: its result without the files' bytes, which only it needs."""
    from . import build as pipeline

    result = pipeline.generate(root, strict=strict)
    result.outputs = []
    return result


def _os_error(exc: OSError) -> str:
    if exc.filename:
        return f"cannot use {exc.filename}: [Errno {exc.errno}] {exc.strerror}"
    return str(exc)


def serve(args: argparse.Namespace) -> int:
    from concurrent.futures.process import BrokenProcessPool

    from . import build as pipeline
    from .publish import serve as preview
    from .publish.lock import build_lock
    from .evidence.problems import BuildError

    def regenerate(lang: str) -> None:
        try:
            with build_lock(args.root / ".cache"):  # never while a build writes content/
                result = pipeline.generate(args.root, langs=[lang])  # the other languages are not shown
        except BuildError as exc:
            _out(f"error: {exc}")
            return
        except OSError as exc:
            _out(f"error: {_os_error(exc)}; the preview keeps the previous pages")
            return
        except BrokenProcessPool:  # a worker of the generation (scripts/parallel.py) was killed
            _out("error: the generation stopped before it finished (killed, or out of memory?); "
                 "the preview keeps the previous pages")
            return
        _print_problems(result.report)
        if not result.ok:
            _out(result.report.summary(result.files) + "; the preview keeps the previous pages")

    try:
        return preview.serve(args.root.resolve(), regenerate, args.dev_addr, args.lang)
    except BuildError as exc:
        _out(f"error: {exc}")
        return 1


def _err(line: str) -> None:
    sys.stderr.write(line + "\n")


def new(args: argparse.Namespace) -> int:
    from datetime import date

    from .contribute.new import InputError, Request, create

    req = Request(type=args.type, title=args.title, date=args.date, url=args.url, publisher=args.publisher,
                  language=args.language, speaker=args.speaker, id=args.id, media=list(args.media or ()))
    try:
        made = create(args.root, req, date.today())  # the only clock read: `added` is today's date
    except InputError as exc:
        _err(f"error: {exc}")
        return 2
    root = args.root
    rel = made.path.relative_to(root).as_posix()
    _out(f"wrote {rel}")
    for path in made.copied:
        _out(f"copied {path.relative_to(root).as_posix()}")
    for path in made.reused:
        _out(f"kept {path.relative_to(root).as_posix()} (the same file is already there)")
    for name in made.gps:
        _out(f"note: {name} carries a GPS location, which anyone can read in the repository once it is pushed; "
             "the site publishes only copies without it (publish_original: false). If the location is yours, "
             "remove it from the image before you commit")
    if made.to_fill:
        _out("fill in: " + ", ".join(f"{name} (line {line})" for name, line in made.to_fill))
    _out("next steps:")
    _out(f"  1. open {rel} and replace each empty value marked 'fill in' (delete the comment too)")
    _out("  2. make check      # fix what it reports, until it says 0 errors")
    _out(f"  3. make site       # then open site/entries/{made.id}/index.html")
    _out("  4. commit the new files and open a pull request (see CONTRIBUTING.md)")
    return 0


def hash(args: argparse.Namespace) -> int:  # noqa: A001 (the command's name)
    from .evidence.problems import Report
    from .contribute.rehash import entries_with_media, rehash

    report = Report()
    paths = list(args.paths) if args.paths else entries_with_media(args.root)
    result = rehash(args.root, paths, report)
    for change in result.changes:
        _out(str(change))
    for problem in report.sorted():
        _out(str(problem))
    n, files = len(result.changes), len({c.rel for c in result.changes})
    of = f"{result.files} entry file{'s' if result.files != 1 else ''}"
    if n:
        _out(f"updated {n} sha256 value{'s' if n != 1 else ''} in {files} of {of}")
    if report.errors:
        e = len(report.errors)
        _out(f"{e} error{'s' if e != 1 else ''} in {of}: fix {'them' if e != 1 else 'it'} and run the command again")
        return 1
    if not result.files:
        _out("no entry file has media: nothing to do")
    elif not n:
        _out(f"every sha256 is current in {of}")
    return 0


def bench(args: argparse.Namespace) -> int:
    from .bench import pipeline as benchmark

    if args.search:  # the search benchmark (issue 17): Pagefind beside Material's search, same pages
        from .bench import search
        return search.main(["--entries", *map(str, args.entries), "--runs", str(args.runs)]
                           + (["--site", args.site] if args.site else []) + (["--out", args.out] if args.out else [])
                           + (["--text", *args.text] if args.text else []))
    argv = ["--entries", *map(str, args.entries), "--images", str(args.images), "--runs", str(args.runs)]
    benchmark.main(argv + (["--out", args.out] if args.out else []))
    return 0


def verify(args: argparse.Namespace) -> int:
    """Check a copy of the site against its manifest-sha256.txt; name every missing, altered or extra file."""
    from .evidence.problems import BuildError
    from .publish import fixity

    try:
        verdict = fixity.check(args.folder)
    except BuildError as exc:
        _err(f"error: {exc}")
        return 2
    for label, paths in (("missing", verdict.missing), ("altered", verdict.altered),
                         ("not in the manifest", verdict.extra)):
        for rel in paths:
            _out(f"{args.folder / rel}: {label}")
    if verdict.ok:
        _out(f"{verdict.checked} files checked: the copy matches {fixity.MANIFEST}")
        return 0
    n = len(verdict.missing) + len(verdict.altered) + len(verdict.extra)
    _out(f"{verdict.checked} files listed: {len(verdict.missing)} missing, {len(verdict.altered)} altered, "
         f"{len(verdict.extra)} not in the manifest ({n} problem{'s' if n != 1 else ''})")
    return 1


def edition(args: argparse.Namespace) -> int:
    """Pack the built site/ into one reproducible zip for offline reading."""
    from urllib.parse import urlsplit

    from . import config as site_config
    from .evidence.problems import BuildError
    from .publish import edition as offline
    from .publish.lock import build_lock

    try:
        name = PurePosixPath(urlsplit(str(site_config.raw(args.root).get("site_url") or "")).path).name
        top = name if re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*", name) else "archive"  # a folder name, never ".."
        out = args.out if args.out else args.root / "dist" / f"{top}-offline.zip"
        with build_lock(args.root / ".cache"):  # no build may exchange site/ while it is read
            made = offline.write(args.root / "site", out, top)
    except BuildError as exc:
        _err(f"error: {exc}")
        return 1
    _out(f"wrote {made.path} ({made.files} files, {made.size:,} bytes, dated {made.date.isoformat()}); "
         f"to read it: unzip it, then run `python3 -m http.server` in {top}/ and open http://127.0.0.1:8000/")
    return 0


def init(args: argparse.Namespace) -> int:
    """Write a new archive into an empty folder."""
    from datetime import date

    from .contribute.init import run
    from .contribute.new import InputError

    given = {"name": args.name, "site_url": args.site_url, "repo_url": args.repo_url, "languages": args.languages}
    try:  # the clock is read once: the example entry's `added`
        a = run(args.target, given, args.description, args.generator, date.today())
    except InputError as exc:
        _err(f"error: {exc}")
        return 2
    _out(f"wrote a new archive in {args.target}: {a.name} ({', '.join(a.languages)}), published at {a.site_url}")
    _out(f"next steps: cd {args.target} && make site   (then replace the example entry in evidence/entries/)")
    return 0
