"""One error tree, drawn in assistant/errors.py, and the layering that keeps it in one place (fast, no index)."""

from __future__ import annotations

import ast
import importlib
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import assistant.errors
from assistant.errors import HtxError
from tests.conftest import REPO

PACKAGES = ("ingest", "assistant")
ERROR_MODULES = {"ingest/errors.py", "assistant/errors.py"}


def modules(package: str) -> list[Path]:
    return sorted((REPO / package).rglob("*.py"))


def module_name(path: Path) -> str:
    return ".".join(path.relative_to(REPO).with_suffix("").parts).removesuffix(".__init__")


def all_subclasses(cls: type) -> list[type]:
    found = []
    for sub in cls.__subclasses__():
        found += [sub, *all_subclasses(sub)]
    return found


def test_every_error_is_drawn_in_the_tree_with_its_code_and_status() -> None:
    for path in modules("ingest") + modules("assistant"):
        importlib.import_module(module_name(path))  # so that a stray subclass anywhere would be seen
    tree = assistant.errors.__doc__ or ""
    errors = [c for c in all_subclasses(HtxError) if c.__module__.split(".")[0] in PACKAGES]
    assert len(errors) > 20
    for cls in errors:
        assert cls.__module__ in ("ingest.errors", "assistant.errors"), f"{cls.__name__} is defined outside errors.py"
        line = next((ln for ln in tree.splitlines() if re.search(rf"── {cls.__name__}\b", ln)), None)
        assert line is not None, f"{cls.__name__} is missing from the tree in assistant/errors.py"
        assert f" {cls.status} {cls.code}" in line, f"tree line for {cls.__name__} should read {cls.status} {cls.code}"


def test_no_exception_classes_outside_the_errors_modules() -> None:
    for package in PACKAGES:
        for path in modules(package):
            if str(path.relative_to(REPO)) in ERROR_MODULES:
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.ClassDef):
                    bases = [ast.unparse(b) for b in node.bases]
                    assert not any(b.endswith(("Error", "Exception")) for b in bases), (
                        f"{path.relative_to(REPO)}: class {node.name}({', '.join(bases)}) belongs in errors.py")


# What each layer may import: eval -> assistant -> ingest, and tools/ above all of them.
FORBIDDEN = {"ingest": ("assistant", "eval", "tools"), "assistant": ("eval", "tools")}


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_layers_never_import_upwards(package: str) -> None:
    for path in modules(package):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) and node.level == 0 else [])
            for name in names:
                assert name.split(".")[0] not in FORBIDDEN[package], f"{path.relative_to(REPO)} imports {name}"


def test_eval_and_report_do_not_import_each_other() -> None:
    report = ast.parse((REPO / "eval" / "report.py").read_text(encoding="utf-8"))
    imported = {n.module for n in ast.walk(report) if isinstance(n, ast.ImportFrom)}
    assert "eval.harness" not in imported


def htx(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "PYTHONPATH": str(REPO), **(env or {})}
    return subprocess.run([sys.executable, "-m", "assistant.cli", *args], capture_output=True, text=True,
                          cwd=REPO, env=environment, timeout=120)


def test_cli_user_errors_are_one_line_and_exit_1(tmp_path: Path) -> None:
    missing = htx("parse", str(tmp_path / "nothing.txt"))
    assert missing.returncode == 1 and "Traceback" not in missing.stderr and "nothing.txt" in missing.stderr
    unknown = htx("facts", "--agency", "Bộ Phép Thuật", str(tmp_path))
    assert unknown.returncode == 1 and unknown.stderr.startswith("error: Không nhận ra cơ quan “Bộ Phép Thuật”")
    assert "Traceback" not in unknown.stderr
    bad = htx("ask", "Sở Tài chính phải làm gì?", env={"HTX_MAX_QUESTION_CHARS": "lots"})
    assert bad.returncode == 1 and "HTX_MAX_QUESTION_CHARS" in bad.stderr and "Traceback" not in bad.stderr


def test_the_product_cli_has_no_evaluation_commands() -> None:
    usage = htx("--help").stdout
    assert "{parse,facts,ingest,ask,serve,feedback}" in usage
    for script in ("eval", "bench"):
        done = subprocess.run([sys.executable, "-m", "eval.cli", script, "--help"], capture_output=True, text=True,
                              cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)}, timeout=120)
        assert done.returncode == 0 and f"usage: htx-{script}" in done.stdout
