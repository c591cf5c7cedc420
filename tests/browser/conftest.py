"""Real-browser fixtures: one Debian Chromium per session, fresh contexts per test, no network.

Playwright's sync API runs an asyncio event loop in the test thread for as long as the browser
lives, and Django's ORM refuses to run in a thread with a running loop. The tests touch the ORM
only between browser steps, never at the same time, so allowing it is safe here. It is set at
import time because the session-wide browser outlives single tests, and pytest-randomly may run
other tests (which use the ORM) while it is open.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from unittest import mock
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Page,
    Response,
    Route,
    WebError,
    sync_playwright,
)
from pytest_django.live_server_helper import LiveServer

from followthrough.demo import stories as demo

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
NOT_NETWORK = {"data", "blob", "about"}
DESKTOP = {"width": 1280, "height": 800}
REPO = Path(__file__).resolve().parents[2]
DEFAULT_SCREENSHOT_DIR = REPO / "test-artifacts" / "screenshots"

NewContext = Callable[..., BrowserContext]


@dataclass
class Traffic:
    """What the pages of one test did that they should not have."""

    outside: list[str] = field(default_factory=list)  # requests to any other host, aborted
    failed: list[str] = field(default_factory=list)  # local responses with status >= 400
    errors: list[str] = field(default_factory=list)  # uncaught JavaScript errors
    refused: list[str] = field(default_factory=list)  # what the Content-Security-Policy blocked

    def keep_local(self, route: Route) -> None:
        url = urlsplit(route.request.url)
        if url.scheme in NOT_NETWORK or url.hostname in LOCAL_HOSTS:
            route.continue_()
        else:
            self.outside.append(route.request.url)
            route.abort("blockedbyclient")

    def on_response(self, response: Response) -> None:
        if response.status >= 400:
            self.failed.append(f"{response.status} {response.request.method} {response.url}")

    def on_error(self, error: WebError) -> None:
        self.errors.append(str(error.error))

    def on_console(self, message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            self.refused.append(message.text)


@pytest.fixture(scope="session", autouse=True)
def sqlite_connections_closed_only_by_their_thread() -> Iterator[None]:
    """While Playwright's event loop runs in the test thread, the live server's request threads
    get the test thread's database connection (asgiref's context-local storage), and their
    end-of-request cleanup would close it under the test's feet: with an SQLite file that
    crashes CPython's sqlite3 (seen as a segfault in the next query). Only the thread that
    opened a connection may close it here; Django does the same for in-memory SQLite."""
    from django.db.backends.sqlite3.base import DatabaseWrapper

    original = DatabaseWrapper.close

    def close(self: DatabaseWrapper) -> None:
        if self._thread_ident == threading.get_ident():  # type: ignore[attr-defined]
            original(self)

    with mock.patch.object(DatabaseWrapper, "close", close):
        yield


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, shared by all browser tests; skipped without it, unless CI=true."""
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} is missing (apt-get install chromium); browser tests not run"
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true: {reason}", pytrace=False)
        pytest.skip(reason)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def traffic() -> Traffic:
    return Traffic()


@pytest.fixture
def new_context(
    browser: Browser, live_server: LiveServer, traffic: Traffic
) -> Iterator[NewContext]:
    """Makes browser contexts (separate cookie jars) pointed at the live server.

    Every request to a host other than the live server's is recorded and aborted; at the end of
    the test none may have happened, nor any error response or uncaught JavaScript error.
    """
    contexts: list[BrowserContext] = []

    def make(**options: Any) -> BrowserContext:
        options.setdefault("viewport", DESKTOP)
        context = browser.new_context(base_url=live_server.url, **options)
        context.set_default_timeout(10_000)
        context.route("**/*", traffic.keep_local)
        context.on("response", traffic.on_response)
        context.on("weberror", traffic.on_error)
        context.on("console", traffic.on_console)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()
    assert traffic.outside == [], f"the pages tried to reach other hosts: {traffic.outside}"
    assert traffic.failed == [], f"error responses: {traffic.failed}"
    assert traffic.errors == [], f"JavaScript errors: {traffic.errors}"
    assert traffic.refused == [], f"refused by the Content-Security-Policy: {traffic.refused}"


@pytest.fixture
def page(new_context: NewContext) -> Page:
    """A desktop-sized page in a fresh context."""
    return new_context().new_page()


@pytest.fixture
def demo_data(transactional_db: None) -> None:
    """The demo workspaces, committed for real so the live server's thread sees them."""
    demo.load()


@pytest.fixture
def task_worker(transactional_db: None) -> Iterator[None]:
    """A real `followthrough worker` process on the test database, for pages that enqueue
    background tasks (the CSV check)."""
    from tests.test_task_processes import Workers

    workers = Workers()
    workers.start()
    yield
    workers.stop_all()


@pytest.fixture(scope="session")
def screenshot_dir() -> Path:
    path = Path(os.environ.get("SCREENSHOT_DIR") or DEFAULT_SCREENSHOT_DIR)
    path.mkdir(parents=True, exist_ok=True)
    return path
