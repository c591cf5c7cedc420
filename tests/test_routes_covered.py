"""Nothing unguarded by accident: every named route is in a permission matrix.

The matrices live in the tests/test_permissions_*.py files; each has a ROWS list of pages and
endpoints tried as every role, the outsider and an anonymous visitor. A new route with no row
fails here. The few routes outside every workspace are listed with the tests that cover them.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from pathlib import Path

from django.urls import URLPattern, URLResolver, get_resolver, resolve

from tests.conftest import World

# Pages that belong to no workspace and show nothing private: who may open them is not a
# question of role. Each is named with the test that covers it.
OUTSIDE_ANY_WORKSPACE = {
    "health": "tests/test_dispatcher_processes.py (the dispatcher's heartbeat)",
    "login": "tests/test_login.py",
    "logout": "tests/test_login.py",
    "password_reset": "tests/test_password_reset.py",
    "password_reset_done": "tests/test_password_reset.py",
    "password_reset_confirm": "tests/test_password_reset.py",
    "password_reset_complete": "tests/test_password_reset.py",
    "accept_invitation": "tests/test_invitations.py (a signed link, tampered and expired too)",
}


def route_names(patterns: list[URLPattern | URLResolver]) -> Iterator[str]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":  # Django's own, staff only
                continue
            yield from route_names(pattern.url_patterns)
        elif pattern.name:
            yield pattern.name


def matrix_modules() -> list[str]:
    return sorted(f"tests.{p.stem}" for p in Path(__file__).parent.glob("test_permissions_*.py"))


def test_every_route_is_in_a_permission_matrix(world: World) -> None:
    covered: set[str] = set()
    for module_name in matrix_modules():
        for row in getattr(importlib.import_module(module_name), "ROWS", []):
            match = resolve(row.url(world).split("?")[0])
            covered.add(match.url_name or "")
    routes = set(route_names(get_resolver().url_patterns))
    missing = routes - covered - set(OUTSIDE_ANY_WORKSPACE)
    assert not missing, f"routes with no row in any permission matrix: {sorted(missing)}"
    stale = set(OUTSIDE_ANY_WORKSPACE) - (routes - covered)
    assert not stale, f"exempted routes that are gone or now in a matrix: {sorted(stale)}"
