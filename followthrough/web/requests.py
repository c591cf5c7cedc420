"""What a view learns from its request, and how it runs one action: shared by every app's views."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.http import HttpRequest

from followthrough.accounts.models import Membership, User
from followthrough.lib.errors import ActionRefused


def current(request: HttpRequest) -> Membership:
    """The membership @workspace_view put on the request."""
    return request.membership  # type: ignore[attr-defined]


def signed_in(request: HttpRequest) -> User:
    """The logged-in user of a @login_required or @workspace_view view."""
    assert isinstance(request.user, User)
    return request.user


def is_htmx(request: HttpRequest) -> bool:
    """The request came from htmx, which swaps in a fragment rather than loading a page."""
    return request.headers.get("HX-Request") == "true"


def attempt(
    request: HttpRequest, action: Callable[[], object], success: str | Callable[[], str]
) -> None:
    """Runs one action: a refusal becomes an error message, success a success message."""
    try:
        action()
    except ActionRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, success if isinstance(success, str) else success())
