"""docs/ARCHITECTURE.md cannot drift: its module table names every module file of ingest/ and assistant/, only files
that exist, and only entry points those modules define."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

from tests.conftest import REPO

DOC = REPO / "docs" / "ARCHITECTURE.md"
PACKAGES = ("ingest", "assistant")


def table_rows() -> list[tuple[str, str]]:
    """(first cell, last cell) of every row of the "## Modules" table whose first cell is a `path`."""
    section = DOC.read_text(encoding="utf-8").split("## Modules", 1)[1].split("\n## ", 1)[0]
    rows = []
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.startswith("|") and len(cells) >= 3 and cells[0].startswith("`"):
            rows.append((cells[0].strip("`"), cells[-1]))
    return rows


def module_files() -> set[str]:
    return {str(p.relative_to(REPO)) for package in PACKAGES for p in (REPO / package).rglob("*.py")
            if p.name != "__init__.py"}


def test_the_module_table_names_every_module_and_only_real_ones() -> None:
    named = [path for path, _ in table_rows()]
    assert len(named) == len(set(named)), "a module is listed twice"
    missing = sorted(p for p in named if not (REPO / p).exists())
    assert not missing, f"docs/ARCHITECTURE.md names files that do not exist: {missing}"
    unlisted = sorted(module_files() - set(named))
    assert not unlisted, f"docs/ARCHITECTURE.md omits modules: {unlisted}"


def test_entry_points_in_the_table_exist() -> None:
    """`name(...)` and `Name` in the entry-points column must be attributes of the module of the row."""
    checked = 0
    for path, entry_points in table_rows():
        if not path.endswith(".py") or not path.startswith(PACKAGES):
            continue
        module = importlib.import_module(str(Path(path).with_suffix("")).replace("/", "."))
        for span in re.findall(r"`([^`]+)`", entry_points):
            # Only spans that start with a Python name: "`htx parse|facts`" or "`.ask(...)`" are prose.
            name = re.match(r"([A-Za-z_]\w*)(?:\(|$| ->|\.)", span)
            if name:
                assert hasattr(module, name.group(1)), f"{path}: `{span}` names no attribute {name.group(1)!r}"
                checked += 1
    assert checked > 20
