"""pyproject.toml declares every library the installed generator imports (an archive installs only these)."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib import metadata
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def _imported_top_modules() -> set[str]:
    found = set()
    for path in (REPO / "scripts").rglob("*.py"):
        if "bench" in path.relative_to(REPO / "scripts").parts:  # benchmarks are not installed for archives
            continue
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Import):
                found |= {a.name.split(".")[0] for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found.add(node.module.split(".")[0])
    return found - set(sys.stdlib_module_names) - {"scripts", "__future__"}


def test_every_imported_library_is_a_declared_dependency():
    declared = {re.split(r"[<>=!~ ]", d, maxsplit=1)[0].lower().replace("_", "-")
                for d in tomllib.loads((REPO / "pyproject.toml").read_text("utf-8"))["project"]["dependencies"]}
    owners = metadata.packages_distributions()
    needed = {dist.lower().replace("_", "-") for mod in _imported_top_modules() for dist in owners.get(mod, [mod])}
    assert needed - declared == set()
