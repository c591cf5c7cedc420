"""Webhooks: signed deliveries checked by the reference `standardwebhooks` package in a real
HTTP receiver on 127.0.0.1, retries on the specification's schedule, 410, redirects, timeouts,
the address guard, rotation, fan-out from the event log, and the pages."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import ssl
import subprocess
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from followthrough import config
from followthrough.events import actions as events
from followthrough.followups.models import Failure, FollowUp, State
from followthrough.webhooks import actions, transport, types
from followthrough.webhooks.models import DeliveryAttempt, DisabledReason, Endpoint, Message
from tests.builders import commitment_of
from tests.conftest import World, dispatch
from tests.webhook_receiver import Answer, Receiver

LOOPBACK = ["127.0.0.0/8"]


@pytest.fixture(autouse=True)
def forget_subscriptions() -> Iterator[None]:
    """The dispatcher's few-seconds memory of who listens for sent follow-ups outlives the
    test's rolled-back rows (whose ids the next test may reuse): forgotten after each test."""
    yield
    actions.subscriptions.forget()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = Receiver()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def allow_loopback(settings: Any) -> None:
    settings.WEBHOOK_ALLOWED_NETWORKS = LOOPBACK


def endpoint_for(
    w: World, receiver: Receiver, types_: list[str] | None = None, path: str = "/hook"
) -> Endpoint:
    endpoint = actions.save(
        Endpoint(
            workspace=w.workspace,
            url=receiver.url(path),
            event_types=types_ or ["commitment.created"],
        ),
        by=w.user("admin"),
    )
    receiver.secrets.append(endpoint.secret)
    return endpoint


def send_test_event(w: World, endpoint: Endpoint) -> Message:
    return actions.send_test(endpoint, by=w.user("admin"))


def deliveries(message: Message) -> list[FollowUp]:
    return list(FollowUp.objects.filter(kind="webhook", about_id=message.pk).order_by("id"))


# Signed, verified ------------------------------------------------------------------------------


@pytest.mark.usefixtures("allow_loopback")
def test_an_agreed_commitment_reaches_the_endpoint_signed_and_verified(
    world: World, receiver: Receiver, django_capture_on_commit_callbacks: Any
) -> None:
    endpoint = endpoint_for(world, receiver)
    with django_capture_on_commit_callbacks(execute=True):
        commitment = commitment_of(world)
    counts = dispatch()
    assert counts.sent >= 1
    [request] = receiver.received
    assert request.verified_with == [0]
    body = request.json
    assert body["type"] == "commitment.created"
    assert body["data"]["object"] == {"type": "commitment", "id": commitment.pk}
    assert body["data"]["workspace"] == "acme"
    assert body["data"]["details"]["text"] == "Call ten past clients"
    assert request.headers["content-type"] == "application/json"
    message = Message.objects.get(endpoint=endpoint)
    assert request.webhook_id == message.webhook_id
    assert request.body == message.payload.encode()  # the stored bytes, not re-serialised
    [delivery] = deliveries(message)
    assert delivery.state == State.SENT and delivery.message_id == message.webhook_id
    [attempt] = DeliveryAttempt.objects.filter(message=message)
    assert attempt.status == 200 and attempt.outcome == "sent" and attempt.response_body == "ok"


@pytest.mark.usefixtures("allow_loopback")
def test_fan_out_is_once_per_endpoint_and_event_and_only_to_subscribers(
    world: World, receiver: Receiver, django_capture_on_commit_callbacks: Any
) -> None:
    wanted = endpoint_for(world, receiver)
    endpoint_for(world, receiver, ["checkin.answered"])  # another type
    disabled = endpoint_for(world, receiver)
    actions.disable(disabled, by=world.user("admin"))
    elsewhere = Endpoint.objects.create(
        workspace=world.other_workspace, url=receiver.url(), event_types=["commitment.created"]
    )
    with django_capture_on_commit_callbacks(execute=True):
        commitment_of(world)
    event = Message.objects.get().event
    assert actions.fan_out(event) == 0  # again: nothing new
    assert list(Message.objects.values_list("endpoint", flat=True)) == [wanted.pk]
    assert not Message.objects.filter(endpoint=elsewhere).exists()
    assert FollowUp.objects.filter(kind="webhook").count() == 1


def test_every_type_maps_from_a_verb_and_confidence_fell_only_when_it_fell(world: World) -> None:
    def event(verb: str, **data: Any) -> Any:
        return events.record(verb, workspace=world.workspace, about=world.workspace, data=data)

    assert types.type_of(event("commitment.agreed")) == "commitment.created"
    assert types.type_of(event("commitment.answered")) == "checkin.answered"
    assert types.type_of(event("confidence.rated", rating=2, previous=4)) == "confidence.fell"
    assert types.type_of(event("confidence.rated", rating=4, previous=2)) is None
    assert types.type_of(event("confidence.rated", rating=2, previous=None)) is None
    assert types.type_of(event("followup.sent", kind="check_in")) == "checkin.sent"
    assert types.type_of(event("followup.sent", kind="weekly_digest")) == "weekly_update.sent"
    assert types.type_of(event("followup.sent", kind="notice")) == "followup.sent"
    assert types.type_of(event("webhook.tested")) is None  # no webhooks about webhooks


@pytest.mark.usefixtures("allow_loopback")
def test_a_sent_follow_up_becomes_an_event_and_a_webhook_when_someone_listens(
    world: World, receiver: Receiver, django_capture_on_commit_callbacks: Any
) -> None:
    from followthrough.followups import actions as followups

    endpoint_for(world, receiver, ["followup.sent"])
    followups.schedule(
        kind="notice",
        template="notice",
        to_email="someone@example.org",
        workspace=world.workspace,
        context={"subject": "Hello", "text": "Hi"},
    )
    with django_capture_on_commit_callbacks(execute=True):
        dispatch()
    dispatch()
    [request] = receiver.received
    assert request.json["type"] == "followup.sent"
    assert request.json["data"]["details"]["kind"] == "notice"
    # Only the email became an event: the webhook's own delivery did not.
    assert events.Event.objects.filter(verb="followup.sent").count() == 1


# Rotation --------------------------------------------------------------------------------------


@pytest.mark.usefixtures("allow_loopback")
def test_after_a_rotation_both_secrets_verify_for_a_day_then_only_the_new(
    world: World, receiver: Receiver
) -> None:
    endpoint = endpoint_for(world, receiver)
    old = endpoint.secret
    new = actions.rotate(endpoint, by=world.user("admin"))
    receiver.secrets = [old, new]
    assert new != old and new.startswith("whsec_")
    send_test_event(world, endpoint)
    dispatch()
    assert receiver.received[-1].verified_with == [0, 1]
    assert len(receiver.received[-1].headers["webhook-signature"].split(" ")) == 2
    with time_machine.travel(timezone.now() + dt.timedelta(hours=24, minutes=1)):
        send_test_event(world, endpoint)
        dispatch()
    assert receiver.received[-1].verified_with == [1]
    assert len(receiver.received[-1].headers["webhook-signature"].split(" ")) == 1


# Failures and retries --------------------------------------------------------------------------


@pytest.mark.usefixtures("allow_loopback")
def test_a_500_is_retried_with_the_same_webhook_id_then_delivered(
    world: World, receiver: Receiver
) -> None:
    endpoint = endpoint_for(world, receiver)
    receiver.answers.append(Answer(status=500))
    message = send_test_event(world, endpoint)
    with time_machine.travel(timezone.now(), tick=False) as clock:
        dispatch()
        [delivery] = deliveries(message)
        assert delivery.state == State.SCHEDULED and "HTTP 500" in delivery.last_error
        assert delivery.send_at == timezone.now() + dt.timedelta(seconds=5)
        clock.shift(dt.timedelta(seconds=5))
        dispatch()
    delivery.refresh_from_db()
    assert delivery.state == State.SENT and delivery.attempts == 2
    assert receiver.ids() == [message.webhook_id, message.webhook_id]
    assert all(request.verified_with == [0] for request in receiver.received)
    outcomes = list(DeliveryAttempt.objects.order_by("at", "id").values_list("status", "outcome"))
    assert outcomes == [(500, "retry"), (200, "sent")]
    # Each attempt is signed at its own time.
    stamps = [request.headers["webhook-timestamp"] for request in receiver.received]
    assert int(stamps[1]) - int(stamps[0]) == 5


@pytest.mark.usefixtures("allow_loopback")
def test_the_retry_schedule_follows_the_specification_for_about_three_days(
    world: World, receiver: Receiver
) -> None:
    endpoint = endpoint_for(world, receiver)
    receiver.default = Answer(status=503)
    message = send_test_event(world, endpoint)
    start = timezone.now()
    waits = []
    with time_machine.travel(start, tick=False) as clock:
        for _ in range(30):
            dispatch()
            [delivery] = deliveries(message)
            if delivery.state != State.SCHEDULED:
                break
            waits.append(delivery.send_at - timezone.now())
            clock.move_to(delivery.send_at)
    assert delivery.state == State.FAILED and delivery.error_code == Failure.GAVE_UP
    expected = [dt.timedelta(seconds=5), dt.timedelta(minutes=5), dt.timedelta(minutes=30)]
    expected += [dt.timedelta(hours=2), dt.timedelta(hours=5)] + [dt.timedelta(hours=10)] * 6
    assert len(waits) == len(expected)
    for wait, base in zip(waits, expected, strict=True):
        jitter = base * transport.JITTER if base >= dt.timedelta(minutes=5) else dt.timedelta(0)
        assert base <= wait <= base + jitter + dt.timedelta(seconds=1), (wait, base)
    total = delivery.updated_at - start
    unjittered = sum(expected, dt.timedelta())  # 67 h 35 min 5 s: "about three days"
    assert unjittered <= total <= unjittered * (1 + transport.JITTER)
    assert len(receiver.received) == len(expected) + 1 == delivery.attempts == transport.TRIES
    assert len(set(receiver.ids())) == 1
    outcomes = list(DeliveryAttempt.objects.order_by("at", "id").values_list("outcome", flat=True))
    assert outcomes == ["retry"] * len(expected) + ["failed"]


@pytest.mark.usefixtures("allow_loopback")
def test_retry_after_is_honoured_on_429_up_to_a_day(world: World, receiver: Receiver) -> None:
    endpoint = endpoint_for(world, receiver)
    receiver.answers.extend(
        [Answer(status=429, retry_after="120"), Answer(status=503, retry_after="999999")]
    )
    message = send_test_event(world, endpoint)
    with time_machine.travel(timezone.now(), tick=False) as clock:
        dispatch()
        [delivery] = deliveries(message)
        assert delivery.send_at == timezone.now() + dt.timedelta(seconds=120)  # not 5 s
        clock.move_to(delivery.send_at)
        dispatch()
        delivery.refresh_from_db()
        assert delivery.send_at == timezone.now() + transport.RETRY_AFTER_MAX
    assert receiver.ids() == [message.webhook_id] * 2


@pytest.mark.usefixtures("allow_loopback")
def test_a_410_disables_the_endpoint_and_the_page_says_so(
    world: World, receiver: Receiver, django_capture_on_commit_callbacks: Any
) -> None:
    endpoint = endpoint_for(world, receiver)
    receiver.answers.append(Answer(status=410))
    message = send_test_event(world, endpoint)
    dispatch()
    [delivery] = deliveries(message)
    assert delivery.state == State.FAILED and "410" in delivery.last_error
    assert delivery.error_code == Failure.UNDELIVERABLE
    outbox = world.client("admin").get(delivery.get_absolute_url())
    assert outbox.status_code == 200
    assert "The receiver refused it for good." in outbox.content.decode()
    endpoint.refresh_from_db()
    assert endpoint.disabled_at is not None and endpoint.disabled_reason == DisabledReason.GONE
    assert events.Event.objects.filter(verb="webhook.disabled", actor=None).exists()
    page = world.client("admin").get(endpoint.get_absolute_url())
    assert "410 Gone" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        commitment_of(world)
    assert Message.objects.filter(endpoint=endpoint).count() == 1  # nothing new for it
    assert len(receiver.received) == 1


@pytest.mark.usefixtures("allow_loopback")
def test_a_redirect_is_not_followed_and_counts_as_a_failure(
    world: World, receiver: Receiver
) -> None:
    endpoint = endpoint_for(world, receiver)
    receiver.answers.append(Answer(status=302, location=receiver.url("/elsewhere")))
    message = send_test_event(world, endpoint)
    dispatch()
    [delivery] = deliveries(message)
    assert delivery.state == State.SCHEDULED and "redirect" in delivery.last_error
    assert [request.path for request in receiver.received] == ["/hook"]


@pytest.mark.usefixtures("allow_loopback")
def test_a_slow_endpoint_times_out_and_is_retried(
    world: World, receiver: Receiver, settings: Any
) -> None:
    settings.WEBHOOK_TIMEOUT = 0.3
    endpoint = endpoint_for(world, receiver)
    receiver.answers.append(Answer(pause=1.5))
    message = send_test_event(world, endpoint)
    dispatch()
    [delivery] = deliveries(message)
    assert delivery.state == State.SCHEDULED and "timed out" in delivery.last_error
    [attempt] = DeliveryAttempt.objects.all()
    assert attempt.status is None and attempt.outcome == "retry" and attempt.latency_ms >= 250


# HTTPS -------------------------------------------------------------------------------------------


@pytest.fixture
def certificate(tmp_path: Any) -> tuple[str, str]:
    """A self-signed certificate for the name localhost only (not for 127.0.0.1)."""
    if shutil.which("openssl") is None:
        pytest.skip("needs the openssl command")
    cert, key = str(tmp_path / "cert.pem"), str(tmp_path / "key.pem")
    command = ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2"]
    command += ["-keyout", key, "-out", cert, "-subj", "/CN=localhost"]
    subprocess.run(
        [*command, "-addext", "subjectAltName=DNS:localhost"],
        check=True,
        capture_output=True,
    )
    return cert, key


@pytest.mark.usefixtures("allow_loopback")
def test_https_connects_to_the_checked_address_and_checks_the_certificate_for_the_name(
    world: World, certificate: tuple[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    server = Receiver()
    server.start(tls=certificate)
    try:
        trusted = ssl.create_default_context(cafile=certificate[0])
        monkeypatch.setattr(transport.ssl, "create_default_context", lambda: trusted)
        good = Endpoint.objects.create(
            workspace=world.workspace,
            url=server.url(scheme="https", host="localhost"),
            event_types=[],
        )
        wrong_name = Endpoint.objects.create(
            workspace=world.workspace, url=server.url(scheme="https"), event_types=[]
        )
        server.secrets.append(good.secret)
        delivered = send_test_event(world, good)
        refused = send_test_event(world, wrong_name)
        dispatch()
    finally:
        server.stop()
    assert [request.verified_with for request in server.received] == [[0]]
    assert server.received[0].webhook_id == delivered.webhook_id
    [failed] = deliveries(refused)
    assert failed.state == State.SCHEDULED and "certificate" in failed.last_error.lower()


# The address guard -----------------------------------------------------------------------------

REFUSED_URLS = [
    "http://127.0.0.1:9/hook",
    "http://localhost:9/hook",
    "http://10.1.2.3/hook",
    "http://169.254.169.254/latest/meta-data",
    "http://[::1]:9/hook",
    "http://192.168.1.1/",
    "http://224.0.0.1/",
]


@pytest.mark.parametrize("url", REFUSED_URLS)
def test_private_addresses_are_refused_when_the_endpoint_is_added(
    world: World, url: str, settings: Any
) -> None:
    settings.WEBHOOK_ALLOWED_NETWORKS = []
    response = world.client("admin").post(
        reverse("webhook_add", args=["acme"]), {"url": url, "event_types": ["commitment.created"]}
    )
    assert response.status_code == 400
    assert "private, loopback or reserved address" in response.content.decode()
    assert not Endpoint.objects.exists()


@pytest.mark.usefixtures("allow_loopback")
def test_an_address_allowed_then_forbidden_is_refused_at_sending_time(
    world: World, receiver: Receiver, settings: Any
) -> None:
    endpoint = endpoint_for(world, receiver)
    message = send_test_event(world, endpoint)
    settings.WEBHOOK_ALLOWED_NETWORKS = ["10.0.0.0/8"]  # the operator narrowed it meanwhile
    dispatch()
    [delivery] = deliveries(message)
    assert delivery.state == State.FAILED and "127.0.0.1" in delivery.last_error
    assert receiver.received == []


def test_the_allowed_networks_are_read_from_the_environment() -> None:
    parse = config.parse_webhook_networks
    assert parse("") == [] and parse("false") == []
    assert parse("true") == ["0.0.0.0/0", "::/0"]
    assert parse("127.0.0.1/32, 10.0.0.0/8") == ["127.0.0.1/32", "10.0.0.0/8"]
    with pytest.raises(config.ConfigError, match="WEBHOOK_ALLOW_PRIVATE_NETWORKS"):
        parse("10.0.0.0/33")


# Pages -----------------------------------------------------------------------------------------


@pytest.mark.usefixtures("allow_loopback")
def test_an_admin_adds_an_endpoint_sees_its_secret_once_and_changes_it(
    world: World, receiver: Receiver
) -> None:
    admin = world.client("admin")
    url = reverse("webhook_add", args=["acme"])
    empty = admin.post(url, {"url": receiver.url()})
    assert (
        empty.status_code == 400 and "Choose at least one kind of event." in empty.content.decode()
    )
    bad = admin.post(url, {"url": "ftp://x", "event_types": ["commitment.created"]})
    assert bad.status_code == 400
    added = admin.post(
        url,
        {
            "url": receiver.url(),
            "description": "<b>CRM</b>",
            "event_types": ["commitment.created", "checkin.answered"],
        },
    )
    endpoint = Endpoint.objects.get()
    assert added.status_code == 200 and endpoint.secret in added.content.decode()
    assert endpoint.created_by == world.user("admin")
    detail = admin.get(endpoint.get_absolute_url()).content.decode()
    assert endpoint.secret not in detail
    listing = admin.get(reverse("webhooks", args=["acme"])).content.decode()
    assert "&lt;b&gt;CRM&lt;/b&gt;" in listing
    edit = reverse("webhook_edit", args=["acme", endpoint.pk])
    admin.post(edit, {"url": receiver.url("/other"), "event_types": ["session.finished"]})
    endpoint.refresh_from_db()
    assert endpoint.url.endswith("/other") and endpoint.event_types == ["session.finished"]
    verbs = list(
        events.Event.objects.filter(verb__startswith="webhook.").values_list("verb", flat=True)
    )
    assert sorted(verbs) == ["webhook.added", "webhook.changed"]


@pytest.mark.usefixtures("allow_loopback")
def test_the_buttons_disable_enable_rotate_test_redeliver_and_delete(
    world: World, receiver: Receiver
) -> None:
    admin = world.client("admin")
    endpoint = endpoint_for(world, receiver)

    def press(name: str, *args: int) -> Any:
        return admin.post(reverse(name, args=["acme", endpoint.pk, *args]))

    press("webhook_test")
    dispatch()
    message = Message.objects.get()
    assert receiver.received[0].json["type"] == types.TEST
    assert press("webhook_redeliver", message.pk).status_code == 302
    dispatch()
    assert receiver.ids() == [message.webhook_id, message.webhook_id]
    assert len(deliveries(message)) == 2
    rotated = press("webhook_rotate")
    endpoint.refresh_from_db()
    assert endpoint.secret in rotated.content.decode() and endpoint.previous_secret
    press("webhook_disable")
    endpoint.refresh_from_db()
    assert endpoint.disabled_at is not None
    assert press("webhook_test").status_code == 302
    assert Message.objects.count() == 1  # a disabled endpoint gets no test
    press("webhook_enable")
    endpoint.refresh_from_db()
    assert endpoint.is_active
    press("webhook_delete")
    assert not Endpoint.objects.exists() and not FollowUp.objects.filter(kind="webhook").exists()
    verbs = set(
        events.Event.objects.filter(verb__startswith="webhook.").values_list("verb", flat=True)
    )
    assert verbs == {
        "webhook.added",
        "webhook.tested",
        "webhook.redelivered",
        "webhook.rotated",
        "webhook.disabled",
        "webhook.enabled",
        "webhook.deleted",
    }


@pytest.mark.usefixtures("allow_loopback")
def test_the_log_shows_request_response_and_latency_in_queries_that_do_not_grow(
    world: World, receiver: Receiver, django_assert_max_num_queries: Any
) -> None:
    endpoint = endpoint_for(world, receiver)
    admin = world.client("admin")
    url = endpoint.get_absolute_url()

    def queries_for_page() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            assert admin.get(url).status_code == 200
        return len(captured)

    send_test_event(world, endpoint)
    dispatch()
    few = queries_for_page()
    receiver.answers.extend([Answer(status=500)] * 3)
    for _ in range(6):
        send_test_event(world, endpoint)
    dispatch()
    assert queries_for_page() == few
    page = admin.get(url).content.decode()
    assert "HTTP 500" in page and "HTTP 200" in page and " ms" in page
    assert "webhook-id: msg_" in page and json.loads(Message.objects.first().payload)  # type: ignore[union-attr]


def test_another_workspaces_endpoint_is_not_found(world: World) -> None:
    endpoint = Endpoint.objects.create(
        workspace=world.other_workspace, url="https://example.com/", event_types=[]
    )
    response = world.client("admin").get(reverse("webhook_detail", args=["acme", endpoint.pk]))
    assert response.status_code == 404


def test_the_pages_speak_spanish(world: World, settings: Any) -> None:
    settings.WEBHOOK_ALLOWED_NETWORKS = LOOPBACK
    admin = world.client("admin")
    admin.cookies["django_language"] = "es"
    world.user("admin").profile.language = "es"
    world.user("admin").profile.save()
    page = admin.get(reverse("webhook_add", args=["acme"])).content.decode()
    assert "Eventos que enviar" in page
