"""Every command of `python -m scripts` has --help with an example, and is documented for contributors."""

from __future__ import annotations

import argparse
import re
import shlex

import pytest

from conftest import REPO
from scripts.cli import _parser, main

DOCS = ("CONTRIBUTING.md", "README.md")


def subcommands() -> dict[str, argparse.ArgumentParser]:
    action = next(a for a in _parser()._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


def test_the_commands_are_known():
    assert set(subcommands()) >= {"check", "build", "serve", "schema", "new", "hash"}


@pytest.mark.parametrize("name", sorted(subcommands()))
def test_help_has_an_example(name, capsys):
    with pytest.raises(SystemExit) as exc:
        main([name, "--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith(f"usage: python -m scripts {name} ")
    example = out[out.index("\nexample:\n"):]
    assert re.search(rf"^  python -m scripts {name}\b", example, re.MULTILINE), out


@pytest.mark.parametrize("name", sorted(subcommands()))
def test_examples_in_help_parse(name, capsys):
    """The example lines of each command's help are accepted by the parser as written."""
    epilog = subcommands()[name].epilog
    text = re.sub(r"\\\n\s*", "", epilog)  # join continued lines
    lines = [ln.split("  #")[0].strip() for ln in text.splitlines() if ln.strip().startswith("python -m scripts ")]
    assert lines
    for line in lines:
        _parser().parse_args(shlex.split(line)[3:])
    capsys.readouterr()


@pytest.mark.parametrize("name", sorted(subcommands()))
def test_every_command_is_documented(name):
    text = "\n".join((REPO / doc).read_text("utf-8") for doc in DOCS)
    assert f"python -m scripts {name}" in text, f"mention `python -m scripts {name}` in CONTRIBUTING.md or README.md"


def test_top_level_help_lists_every_command(capsys):
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    for name, sub in subcommands().items():
        assert re.search(rf"^    {name}\s+\S", out, re.MULTILINE), name
        assert sub.description
