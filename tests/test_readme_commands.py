"""The README's commands are the ones the Makefile and CI provide."""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def _make_targets() -> set[str]:
    text = (REPO / "Makefile").read_text()
    return set(re.findall(r"^([a-z][\w-]*):", text, re.MULTILINE))


def _readme_make_commands() -> set[str]:
    blocks = re.findall(r"```(?:sh|bash|console)?\n(.*?)```", (REPO / "README.md").read_text(), re.DOTALL)
    return {m for block in blocks for m in re.findall(r"^\s*(?:\$ )?make ([a-z][\w-]*)", block, re.MULTILINE)}


def test_readme_commands_exist_in_the_makefile():
    commands = _readme_make_commands()
    assert {"run", "test"} <= commands
    assert commands <= _make_targets()


def test_ci_runs_the_readme_test_command():
    ci = (REPO / ".ci" / "run").read_text()
    assert re.search(r"^\s*make test\b", ci, re.MULTILINE)
