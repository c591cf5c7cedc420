"""Nothing unguarded by accident: every named route is in the permission matrix.

The matrix lives in tests/permission_matrix.py: its ROWS are the pages and endpoints that
tests/test_permissions_matrix.py tries as every role, the outsider and an anonymous visitor. A
new route with no row fails here, and so do two rows of the same name (each names its test). The
few routes outside every workspace are listed with the tests that cover them.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator

from django.urls import URLPattern, URLResolver, get_resolver, resolve

from followthrough.api.api import api
from tests.api_matrix import ROWS as API_ROWS
from tests.api_matrix import Row as ApiRow
from tests.conftest import World
from tests.permission_matrix import ROWS

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
    "api-root": "tests/test_api.py (/api/v1/ itself, a problem document)",
    "openapi-json": "tests/test_api.py (the API's OpenAPI document, public)",
    "openapi-view": "tests/test_api.py (the API's docs page, public, under the CSP)",
}


def route_names(patterns: list[URLPattern | URLResolver]) -> Iterator[str]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":  # Django's own, staff only
                continue
            yield from route_names(pattern.url_patterns)
        elif pattern.name:
            yield pattern.name


def test_every_route_is_in_the_permission_matrix(world: World) -> None:
    covered = {resolve(row.url(world).split("?")[0]).url_name or "" for row in ROWS}
    # The API: the methods of one path are routes of one address (each method is checked
    # against the API matrix in the test below).
    api_routes: dict[str, set[str]] = {}
    for pattern in api.urls[0]:
        if isinstance(pattern, URLPattern):
            api_routes.setdefault(str(pattern.pattern), set()).add(pattern.name or "")
    for row in API_ROWS:
        route = str(resolve(api_url(row)).route).removeprefix("api/v1/")
        covered |= api_routes[route]
    routes = set(route_names(get_resolver().url_patterns))
    missing = routes - covered - set(OUTSIDE_ANY_WORKSPACE)
    assert not missing, f"routes with no row in the permission matrix: {sorted(missing)}"
    stale = set(OUTSIDE_ANY_WORKSPACE) - (routes - covered)
    assert not stale, f"exempted routes that are gone or now in the matrix: {sorted(stale)}"


def test_no_two_rows_have_the_same_name() -> None:
    # The name is the row's test id: a twin would hide which of the two failed.
    twins = [name for name, count in Counter(row.name for row in ROWS).items() if count > 1]
    assert not twins, f"rows named twice in the permission matrix: {twins}"


def api_url(row: ApiRow) -> str:
    return "/api/v1" + row.path.format(id=1).split("?")[0]


def test_every_api_operation_is_in_the_api_matrix() -> None:
    """Each (method, path) of the OpenAPI document has a row in tests/api_matrix.py."""
    schema = api.get_openapi_schema()
    operations = {
        (method, path.removeprefix("/api/v1"))
        for path, methods in schema["paths"].items()
        for method in methods
    }
    rows = {(row.method, row.path.split("?")[0].replace("{id}", "{}")) for row in API_ROWS}
    missing = {
        (method, path) for method, path in operations if (method, _generic(path)) not in rows
    }
    assert not missing, f"API operations with no row in tests/api_matrix.py: {sorted(missing)}"


def _generic(path: str) -> str:
    return re.sub(r"\{\w+\}", "{}", path)
