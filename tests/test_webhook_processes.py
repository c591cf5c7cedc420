"""Webhooks through real dispatcher processes: a receiver that is down and comes back, and a
dispatcher killed (SIGKILL) while a receiver holds its request. Every request is verified by
the reference `standardwebhooks` package; nothing is lost, and a delivery sent twice carries
the same webhook-id both times."""

from __future__ import annotations

import signal
from collections import Counter
from collections.abc import Iterator

import pytest

from followthrough.accounts.models import User, Workspace
from followthrough.followups.models import FollowUp, State
from followthrough.webhooks import actions
from followthrough.webhooks.models import DeliveryAttempt, Endpoint, Message
from tests.conftest import free_port
from tests.test_dispatcher_processes import Dispatchers, wait_until
from tests.webhook_receiver import Answer, Receiver

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = Receiver()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def dispatchers(monkeypatch: pytest.MonkeyPatch) -> Iterator[Dispatchers]:
    monkeypatch.setenv("WEBHOOK_ALLOW_PRIVATE_NETWORKS", "127.0.0.0/8")
    group = Dispatchers(free_port())  # no email is sent here
    yield group
    group.stop_all()


def endpoint_to(receiver: Receiver) -> tuple[Endpoint, User]:
    workspace = Workspace.objects.create(name="Acme", slug="acme")
    admin = User.objects.create_user("admin@example.org", "x" * 20, name="Admin")
    endpoint = Endpoint.objects.create(
        workspace=workspace, url=receiver.url(), event_types=["commitment.created"]
    )
    receiver.secrets.append(endpoint.secret)
    return endpoint, admin


def state_of(message: Message) -> str:
    return str(FollowUp.objects.get(kind="webhook", about_id=message.pk).state)


def test_a_webhook_is_retried_after_a_receiver_outage(
    receiver: Receiver, dispatchers: Dispatchers
) -> None:
    endpoint, admin = endpoint_to(receiver)
    port = receiver.port
    receiver.stop()  # the receiver is down
    message = actions.send_test(endpoint, by=admin)
    dispatchers.start()
    wait_until(
        lambda: DeliveryAttempt.objects.filter(message=message).exists(),
        what="a first attempt while the receiver is down",
    )
    delivery = FollowUp.objects.get(kind="webhook", about_id=message.pk)
    assert delivery.state == State.SCHEDULED
    assert "Connection refused" in delivery.last_error or "ConnectionRefused" in delivery.last_error
    receiver.start(port)  # back; the next try is 5 s after the first
    wait_until(lambda: state_of(message) == State.SENT, what="delivered once the receiver is back")
    assert receiver.ids() == [message.webhook_id]
    assert receiver.received[0].verified_with == [0]
    outcomes = list(DeliveryAttempt.objects.order_by("at").values_list("outcome", flat=True))
    assert outcomes == ["retry", "sent"]


def test_a_dispatcher_killed_mid_delivery_loses_nothing_and_keeps_the_webhook_id(
    receiver: Receiver, dispatchers: Dispatchers
) -> None:
    endpoint, admin = endpoint_to(receiver)
    receiver.answers.append(Answer(pause=3.0))  # holds the first request
    messages = [actions.send_test(endpoint, by=admin) for _ in range(5)]
    first = dispatchers.start()
    wait_until(lambda: receiver.arrived >= 1, what="the first request to arrive")
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=10)
    assert FollowUp.objects.filter(kind="webhook", state=State.SENDING).count() == 1

    dispatchers.start()  # reaps the lease of the killed one (2 s) and sends again
    wait_until(
        lambda: FollowUp.objects.filter(kind="webhook", state=State.SENT).count() == 5,
        what="all five delivered",
    )
    wait_until(lambda: len(receiver.received) >= 6, what="the held request to finish too")
    received = Counter(receiver.ids())
    assert set(received) == {message.webhook_id for message in messages}
    # The request the kill interrupted was delivered again, with the same webhook-id.
    assert sorted(received.values()) == [1, 1, 1, 1, 2]
    assert all(request.verified_with == [0] for request in receiver.received)
