"""The hostile corpus (tests/hostile/): its index, and how each case is put into a throwaway repository.

``tests/hostile/cases.yaml`` lists every case: where its files go, and either the exact lines
``check`` prints for it (refused) or the page that shows it (rendered harmless). Cases that
cannot live in git (a 1 GiB file, symlinks, file names with invisible characters, names that
differ only by case) are made at test time by the ``MAKERS`` below. Run this file to rewrite
the table in tests/hostile/README.md from the index.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import yaml

HOSTILE = Path(__file__).parent / "hostile"
INDEX = HOSTILE / "cases.yaml"
README = HOSTILE / "README.md"
SHA = "75358c4d9d2620d35ef8937cbbe36f05470318eceaa1a472e5cbe3773fe02011"  # media/pixel.png
ENTRIES = "evidence/entries"

BASE = '''type: article
title: "Hostile case"
date: "2016-03-01"
added: "2026-11-10"
language: "en"
summary: |
  A synthetic hostile test entry.
source:
  url: "https://example.org/hostile"
  publisher: "Hostile Test Press"
'''


def load_cases() -> list[dict]:
    """Every case of the index, in order."""
    return yaml.safe_load(INDEX.read_text("utf-8"))


def active(cases: list[dict]) -> list[dict]:
    return [c for c in cases if not c.get("pending")]


def refused(cases: list[dict]) -> list[dict]:
    return [c for c in active(cases) if c.get("check")]


def rendered(cases: list[dict]) -> list[dict]:
    return [c for c in active(cases) if "rendered" in c]


def entry_rel(case: dict) -> str:
    """Where the case's entry file goes, relative to the repository root."""
    return f"{ENTRIES}/{case.get('folder', '2016')}/{case['entry']}.yaml"


def install(case: dict, root: Path) -> None:
    """Put one case's files into the repository at ``root`` (made by conftest.Repo)."""
    media = root / "evidence" / "media"
    for src in sorted((HOSTILE / "media").iterdir()):
        if src.is_file() and not (media / src.name).exists():
            shutil.copy(src, media / src.name)
    for name in case.get("media", ()):  # files kept apart (media/images/) until a case asks for them
        shutil.copy(HOSTILE / "media" / name, media / Path(name).name)
    for kind, name in case.get("registry", {}).items():
        shutil.copy(HOSTILE / "registries" / name, root / "evidence" / f"{kind}.yaml")
    for kind, name in case.get("append", {}).items():
        path = root / "evidence" / f"{kind}.yaml"
        text = (HOSTILE / "registries" / name).read_text("utf-8")
        if text not in path.read_text("utf-8"):
            with path.open("a", encoding="utf-8") as f:
                f.write("\n" + text)
    if "entry" in case:
        target = root / entry_rel(case)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(HOSTILE / "entries" / f"{case['entry']}.yaml", target)
    if "make" in case:
        MAKERS[case["make"]](root)


# Cases made at test time ------------------------------------------------------------------------

def _entry(root: Path, name: str, text: str = BASE) -> Path:
    path = root / ENTRIES / "2016" / f"{name}.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, "utf-8")
    return path


def sparse_1gib(root: Path) -> None:
    """A 1 GiB entry file that takes no disk space and must never be read."""
    path = _entry(root, "2016-f-yaml-1gib", "")
    with path.open("r+b") as f:
        f.truncate(1 << 30)


def summary_1mb_line(root: Path) -> None:
    _entry(root, "2016-f-long-summary-line", BASE.replace("summary: |\n  A synthetic hostile test entry.\n",
                                                         "summary: " + "a" * 1_000_000 + "\n"))


def long_key(root: Path) -> None:
    _entry(root, "2016-f-long-key", BASE + "k" * 2000 + ": 1\n")


def id_rlo(root: Path) -> None:
    _entry(root, "2016-\u202egnp.exe")


def id_zero_width(root: Path) -> None:
    _entry(root, "2016-ja\u200bvascript")


def id_kelvin(root: Path) -> None:
    _entry(root, "2016-\u212aelvin")  # KELVIN SIGN: case-folds to an ASCII 'k'


def id_case_collision(root: Path) -> None:
    _entry(root, "2016-case")
    _entry(root, "2016-CASE")


def id_too_long(root: Path) -> None:
    _entry(root, "2016-" + "a" * 76)


def media_symlink(root: Path) -> None:
    os.symlink("/etc/hostname", root / "evidence" / "media" / "evil.png")


def media_symlink_dir(root: Path) -> None:
    secret = root / "secret"
    secret.mkdir()
    shutil.copy(HOSTILE / "media" / "pixel.png", secret / "secret.png")
    os.symlink(secret, root / "evidence" / "media" / "outside")


# Special files: what a pull request can commit (symlinks) or a local mistake can leave (a FIFO).
# OUTSIDE is written into every file outside the repository: no output may ever show it.
OUTSIDE = "xylo-outside-secret"


def _outside(root: Path, name: str, text: str) -> Path:
    """A file beside the repository (not inside it), holding the OUTSIDE marker."""
    folder = root.parent / f"{root.name}-outside"
    folder.mkdir(exist_ok=True)
    path = folder / name
    path.write_text(text, "utf-8")
    return path


def _link(root: Path, name: str, target: str | Path) -> None:
    path = root / ENTRIES / "2016" / f"{name}.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    os.symlink(target, path)


def entry_symlink_outside(root: Path) -> None:
    """A valid entry outside the repository, linked in: it would be published."""
    _link(root, "2016-f-entry-symlink", _outside(root, "entry.yaml", BASE.replace("Hostile case", OUTSIDE)))


def entry_symlink_dev_zero(root: Path) -> None:
    _link(root, "2016-f-entry-dev-zero", "/dev/zero")


def entry_symlink_stdin(root: Path) -> None:
    _link(root, "2016-f-entry-stdin", "/dev/stdin")


def entry_fifo(root: Path) -> None:
    path = root / ENTRIES / "2016" / "x.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    os.mkfifo(path)


def entries_folder_symlink(root: Path) -> None:
    folder = _outside(root, "2017-f-linked.yaml", BASE.replace("Hostile case", OUTSIDE)).parent
    (root / ENTRIES).mkdir(parents=True, exist_ok=True)
    os.symlink(folder, root / ENTRIES / "2017")


def registry_symlink(root: Path) -> None:
    actors = root / "evidence" / "actors.yaml"
    actors.unlink()
    os.symlink(_outside(root, "actors.yaml", f"anrt: {{name: '{OUTSIDE}', kind: governmentt}}\n"), actors)


def wrong_extensions(root: Path) -> None:
    _entry(root, "2016-f-upper").rename(root / ENTRIES / "2016" / "2016-f-upper.YAML")
    (root / ENTRIES / "2016" / "notes.txt").write_text("not an entry\n", "utf-8")


def folder_not_utf8(root: Path) -> None:
    """A folder whose name is not UTF-8 (git stores names as bytes), holding a valid entry."""
    folder = os.path.join(os.fsencode(root / ENTRIES), b"\xff2016")
    os.makedirs(folder)
    with open(os.path.join(folder, b"2016-f-not-utf8.yaml"), "w", encoding="utf-8") as f:
        f.write(BASE)


MAKERS = {f.__name__.replace("_", "-"): f for f in (
    sparse_1gib, summary_1mb_line, long_key, id_rlo, id_zero_width, id_kelvin, id_case_collision, id_too_long,
    media_symlink, media_symlink_dir, entry_symlink_outside, entry_symlink_dev_zero, entry_symlink_stdin, entry_fifo,
    entries_folder_symlink, registry_symlink, wrong_extensions, folder_not_utf8)}


# A built site holding every rendered case -------------------------------------------------------

def build_site(root: Path, entries: dict[str, str] | None = None):
    """The synthetic site (conftest.make_site_repo) plus every rendered case, built; returns the Repo."""
    from conftest import make_site_repo, run_build
    repo = make_site_repo(root, entries)
    for case in rendered(load_cases()):
        install(case, root)
    code, out = run_build(repo)
    assert code == 0, out
    return repo


# The README table -------------------------------------------------------------------------------

def outcome(case: dict) -> str:
    if case.get("gets"):
        return case["gets"]
    if case.get("pending"):
        return f"pending: {case['pending']}"
    if "rendered" in case:
        return "rendered harmless: shown as text; no script runs (browser test)"
    lines = case.get("check") or case["check_starts_with"]
    count = case.get("errors", len(lines))
    first = lines[0].split(": error: ", 1)[1]
    more = f" (+{count - 1} more)" if count > 1 else ""
    return "refused: " + first.replace("|", "\\|") + more


def table(cases: list[dict]) -> str:
    """The corpus as a Markdown table, by category."""
    counts = f"{len(cases)} cases: {len(cases) - len(rendered(cases)) - (len(cases) - len(active(cases)))} refused by " \
             f"`check`, {len(rendered(cases))} rendered harmless, {len(cases) - len(active(cases))} pending.\n"
    rows = [counts, "| Category | Case | What it tries | What it gets |", "|---|---|---|---|"]
    for c in cases:
        what = c["what"].replace("|", "\\|")
        rows.append(f"| {c['category']} | `{c['id']}` | {what} | {outcome(c)} |")
    return "\n".join(rows) + "\n"


BEGIN, END = "<!-- table: generated by python tests/hostile_corpus.py -->\n", "<!-- end of table -->\n"


def readme_with_table(text: str, cases: list[dict]) -> str:
    head, rest = text.split(BEGIN, 1)
    tail = rest.split(END, 1)[1]
    return head + BEGIN + table(cases) + END + tail


if __name__ == "__main__":
    README.write_text(readme_with_table(README.read_text("utf-8"), load_cases()), "utf-8")
    sys.stdout.write(f"wrote the table of {README}\n")
