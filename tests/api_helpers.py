"""Calling the API in tests: a token for a member of the world, and requests that carry it."""

from __future__ import annotations

import json
from typing import Any

from django.test import Client

from followthrough.api import actions
from followthrough.api.models import Scope
from tests.conftest import World

API = "/api/v1"


def token_of(world: World, key: str, scope: str = Scope.READ_WRITE, days: int = 30) -> str:
    member = world.members[key]
    return actions.create_token(
        member, name=f"{key}'s script", scope=scope, expiry_days=days, by=member.user
    )[1]


def call(
    token: str | None,
    method: str,
    path: str,
    body: Any = None,
    *,
    raw: bytes | str | None = None,
    **headers: str,
) -> Any:
    """One request to the API; `body` is sent as JSON, `raw` as it is; HTTP_IF_NONE_MATCH="x"
    sends If-None-Match: x."""
    headers = {k.removeprefix("HTTP_").replace("_", "-").title(): v for k, v in headers.items()}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    data = raw if raw is not None else (json.dumps(body) if body is not None else None)
    url = path if path.startswith("http") or path.startswith("/api/") else API + path
    kwargs: dict[str, Any] = {"headers": headers}
    if data is not None:
        kwargs.update(data=data, content_type="application/json")
    return getattr(Client(), method.lower())(url, **kwargs)
