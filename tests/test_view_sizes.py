"""Thin views: no function in a views module is over MAX_LINES lines (from `def` to its last
line, docstring included). Queries go to queries.py, rules to models and actions."""

from __future__ import annotations

import ast
from pathlib import Path

import followthrough

MAX_LINES = 45
ROOT = Path(followthrough.__file__).parent


def view_modules() -> list[Path]:
    return sorted(p for p in ROOT.rglob("*.py") if p.name == "views.py" or p.parent.name == "views")


def long_functions(path: Path) -> list[tuple[str, int]]:
    tree = ast.parse(path.read_text(), filename=str(path))
    return [
        (node.name, (node.end_lineno or node.lineno) - node.lineno + 1)
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and (node.end_lineno or node.lineno) - node.lineno + 1 > MAX_LINES
    ]


def test_the_walk_finds_the_views() -> None:
    names = {str(p.relative_to(ROOT)) for p in view_modules()}
    assert {"accounts/views.py", "coaching/views/checkin.py", "coaching/views/home.py"} <= names


def test_no_view_function_is_over_45_lines() -> None:
    offenders = [
        f"{path.relative_to(ROOT)}:{name} ({lines} lines)"
        for path in view_modules()
        for name, lines in long_functions(path)
    ]
    assert not offenders, "Views over 45 lines: " + ", ".join(offenders)
