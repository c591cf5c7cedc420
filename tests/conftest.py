"""Shared fixtures: a workspace with one person of every role, and an outsider elsewhere."""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from io import StringIO
from typing import Any
from unittest import mock

import pytest
from aiosmtpd.controller import Controller
from django.core.management import call_command
from django.test import Client
from django_tasks_db.management.commands import db_worker

from followthrough.accounts import actions
from followthrough.accounts.models import Membership, Role, User, Workspace
from followthrough.followups.dispatcher import Counts, Dispatcher, Options

PASSWORD = "correct horse battery staple"


@dataclass
class World:
    """Workspace "acme": admin, coach (coaches rep), rep, other_rep, stakeholder (follows rep).
    Workspace "globex": outsider, its admin."""

    workspace: Workspace
    other_workspace: Workspace
    members: dict[str, Membership] = field(default_factory=dict)

    def user(self, name: str) -> User:
        return self.members[name].user

    def client(self, name: str | None) -> Client:
        client = Client()
        if name is not None:
            client.force_login(self.user(name))
        return client


def make_member(workspace: Workspace, key: str, role: Role) -> Membership:
    user = User.objects.filter(email=f"{key}@example.org").first() or User.objects.create_user(
        f"{key}@example.org", PASSWORD, name=key.replace("_", " ").title()
    )
    return Membership.objects.create(workspace=workspace, user=user, role=role)


@pytest.fixture
def world(db: Any) -> World:
    acme = Workspace.objects.create(name="Acme Insurance", slug="acme")
    globex = Workspace.objects.create(name="Globex", slug="globex")
    world = World(workspace=acme, other_workspace=globex)
    for key, role in [
        ("admin", Role.ADMIN),
        ("coach", Role.COACH),
        ("rep", Role.REP),
        ("other_rep", Role.REP),
        ("stakeholder", Role.STAKEHOLDER),
    ]:
        world.members[key] = make_member(acme, key, role)
    world.members["outsider"] = make_member(globex, "outsider", Role.ADMIN)
    actions.set_relationships(
        world.members["rep"], [world.members["coach"]], [world.members["stakeholder"]]
    )
    return world


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Inbox:
    """Collects what a real SMTP server (aiosmtpd) received.

    `delay` slows each message down (a busy server); a recipient containing "reject" gets a
    permanent 550 answer, one containing "later" a temporary 451.
    """

    def __init__(self, delay: float = 0.0) -> None:
        self.messages: list[EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self.peers: list[tuple[str, int]] = []  # one (host, port) per message: the connection
        self.arrived = threading.Condition()
        self.delay = delay

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        if "reject" in address:
            return f"550 5.1.1 <{address}>: mailbox unavailable"
        if "later" in address:
            return "451 4.3.0 Try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.delay:
            await asyncio.sleep(self.delay)
        message = message_from_bytes(envelope.content, policy=policy.default)
        with self.arrived:
            self.messages.append(message)
            self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
            self.peers.append(tuple(session.peer))
            self.arrived.notify_all()
        return "250 Message accepted for delivery"

    def message_ids(self) -> list[str]:
        with self.arrived:
            return [str(message["Message-ID"]) for message in self.messages]

    def wait_for(self, count: int, timeout: float = 10.0) -> list[EmailMessage]:
        with self.arrived:
            self.arrived.wait_for(lambda: len(self.messages) >= count, timeout=timeout)
        return list(self.messages)


class SmtpServer:
    """A real SMTP server on a local port that a test can stop and start again."""

    def __init__(self, inbox: Inbox, port: int) -> None:
        self.inbox, self.port = inbox, port
        self.controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def smtp_server(settings: Any) -> Iterator[Inbox]:
    """A real SMTP server on a free local port; Django sends to it over SMTP."""
    inbox = Inbox()
    port = free_port()
    server = SmtpServer(inbox, port)
    server.start()
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 10},
        }
    }
    try:
        yield inbox
    finally:
        server.stop()


def run_tasks() -> None:
    """Runs every waiting task here and now, as `followthrough worker --once` does, inside the
    test's transaction (the worker's connection check would end it: it is left out)."""
    with mock.patch.object(db_worker, "close_old_connections"):
        call_command("worker", "--once", stdout=StringIO())


def dispatch() -> Counts:
    """Sends what is due now, in this process, as `followthrough dispatch --once` would."""
    # Only what the test scheduled: the planners (the weekly asks) are tested on their own.
    return Dispatcher(worker="test-dispatcher", options=Options(run_planners=False)).run(once=True)


def text_body(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    assert part is not None
    return str(part.get_content())
