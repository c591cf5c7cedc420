"""Bounces and complaints: bounce messages read by `followthrough bounces`, a provider's webhook
through anymail, the suppression they put on an address, and lifting it."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import io
import json
from base64 import b64encode
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
import time_machine
from anymail.backends.test import EmailBackend as AnymailTestBackend
from anymail.exceptions import AnymailRecipientsRefused, AnymailRequestsAPIError
from django.core import mail
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from requests import Response

from followthrough.coaching.models import Todo, TodoKind
from followthrough.events.models import Event
from followthrough.events.verbs import describe
from followthrough.followups import actions as followups
from followthrough.followups import delivery
from followthrough.followups.backends import ResendBackend
from followthrough.followups.dispatcher import PermanentFailure, TemporaryFailure, classify
from followthrough.followups.models import (
    Delivery,
    DeliveryReport,
    Failure,
    FollowUp,
    State,
    Suppression,
)
from followthrough.lib import dsn, emails
from tests.builders import followup_to
from tests.conftest import Inbox, World, dispatch

FIXTURES = Path(__file__).parent / "fixtures" / "bounces"
NOW = dt.datetime(2026, 12, 8, 9, 0, tzinfo=dt.UTC)
SIGNING_KEY = "mailgun-webhook-signing-key-for-tests"
WEBHOOK_SECRET = "hooks:a-long-shared-secret-0123"


def bounce(name: str, followup: FollowUp | None = None) -> bytes:
    """A fixture bounce, about `followup` (its Message-ID put in place of the fixture's)."""
    raw = (FIXTURES / name).read_bytes()
    if followup is not None:
        raw = raw.replace(
            b"followup.4711.1@", f"followup.{followup.pk}.{followup.version}@".encode()
        )
    return raw


def run_bounces(raw: bytes, tmp_path: Path) -> str:
    path = tmp_path / "bounce.eml"
    path.write_bytes(raw)
    out = StringIO()
    call_command("bounces", str(path), stdout=out)
    return out.getvalue()


def sent_to_rep(world: World) -> FollowUp:
    followup = followup_to(world, "rep")
    assert dispatch().sent == 1
    followup.refresh_from_db()
    assert followup.state == State.SENT
    return followup


# Reading bounce messages ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "action", "status", "hard", "words"),
    [
        ("postfix-hard.eml", "failed", "5.1.1", True, "User unknown in virtual mailbox table"),
        ("postfix-delayed.eml", "delayed", "4.4.1", False, "Connection timed out"),
        ("exchange.eml", "failed", "5.1.10", True, "RESOLVER.ADR.RecipientNotFound"),
        ("gmail.eml", "failed", "5.1.1", True, "does not exist"),
    ],
)
def test_delivery_status_notifications_are_read(
    name: str, action: str, status: str, hard: bool, words: str
) -> None:
    report = dsn.parse(bounce(name))
    assert report.complaint is False
    assert report.action == action and report.status == status
    assert report.hard is hard and report.soft is not hard
    assert report.recipient == "rep@example.org"
    assert words in report.diagnostic
    # The original's Message-ID, whether it came back whole or as headers only.
    assert report.message_ids == ["<followup.4711.1@testserver.localdomain>"]


def test_a_spam_complaint_is_read() -> None:
    report = dsn.parse(bounce("complaint-arf.eml"))
    assert report.complaint is True
    assert report.recipient == "rep@example.org"
    assert report.message_ids == ["<followup.4711.1@testserver.localdomain>"]


def test_a_bounce_that_is_no_report_still_names_the_original() -> None:
    raw = (
        b"From: MAILER-DAEMON@old.example\r\nSubject: failure notice\r\n"
        b"Message-ID: <abc@old.example>\r\n\r\n"
        b"Sorry, 550 5.1.1 no such user.\r\n--- Below this line is a copy of the message.\r\n"
        b"Message-ID: <followup.4711.1@testserver.localdomain>\r\n"
    )
    report = dsn.parse(raw)
    assert report.message_ids == ["<followup.4711.1@testserver.localdomain>"]


# `followthrough bounces`, over real SMTP ---------------------------------------------------------


@pytest.mark.parametrize("name", ["postfix-hard.eml", "exchange.eml", "gmail.eml"])
def test_a_hard_bounce_suppresses_and_asks_the_coach_to_fix_the_address(
    world: World, smtp_server: Inbox, tmp_path: Path, name: str
) -> None:
    followup = sent_to_rep(world)
    out = run_bounces(bounce(name, followup), tmp_path)
    assert f"follow-up {followup.pk}" in out and "bounced" in out
    followup.refresh_from_db()
    assert followup.delivery == Delivery.BOUNCED
    report = DeliveryReport.objects.get(followup=followup)
    assert report.source == DeliveryReport.Source.DSN and report.code.startswith("5.1.")
    suppression = Suppression.objects.get(workspace=world.workspace)
    assert suppression.address == "rep@example.org" and suppression.is_active
    todo = Todo.objects.get(owner=world.members["coach"], kind=TodoKind.FIX_ADDRESS)
    assert "rep@example.org" in todo.words
    with translation.override("es"):
        assert todo.words.startswith("Corrige el correo de Rep")
    assert Event.objects.filter(verb="followup.bounced", about_id=followup.pk).exists()
    assert Event.objects.filter(verb="suppression.added", about_id=suppression.pk).exists()


def test_a_soft_bounce_is_deferred_and_suppresses_nothing(
    world: World, smtp_server: Inbox, tmp_path: Path
) -> None:
    followup = sent_to_rep(world)
    run_bounces(bounce("postfix-delayed.eml", followup), tmp_path)
    followup.refresh_from_db()
    assert followup.delivery == Delivery.DEFERRED
    assert not Suppression.objects.exists() and not Todo.objects.exists()


def test_a_complaint_suppresses_and_says_so(
    world: World, smtp_server: Inbox, tmp_path: Path
) -> None:
    followup = sent_to_rep(world)
    run_bounces(bounce("complaint-arf.eml", followup), tmp_path)
    followup.refresh_from_db()
    assert followup.delivery == Delivery.COMPLAINED
    assert Suppression.objects.get().reason == Delivery.COMPLAINED
    assert Todo.objects.get(owner=world.members["coach"]).kind == TodoKind.SPAM_COMPLAINT


def test_a_bounce_for_a_message_we_never_sent_is_ignored(
    world: World, smtp_server: Inbox, tmp_path: Path
) -> None:
    followup = followup_to(world, "rep")  # never tried
    out = run_bounces(bounce("postfix-hard.eml", followup), tmp_path)
    assert "ignored, not a message of ours" in out
    out = run_bounces(bounce("gmail.eml"), tmp_path)  # followup.4711: no such row
    assert "ignored" in out and "<followup.4711.1@testserver.localdomain>" in out
    assert not DeliveryReport.objects.exists() and not Suppression.objects.exists()


def test_a_bounce_for_a_cancelled_follow_up_is_recorded_without_a_to_do(
    world: World, tmp_path: Path, settings: Any
) -> None:
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    followup = followup_to(world, "rep")
    # It went out, but the dispatcher died before marking it sent; the lease ran out and the
    # coach cancelled it before the resend. The bounce names the version that went out.
    FollowUp.objects.filter(pk=followup.pk).update(attempts=1)
    followup.refresh_from_db()
    went_out = bounce("postfix-hard.eml", followup)
    assert followups.cancel(followup) == followups.Outcome.CANCELLED
    run_bounces(went_out, tmp_path)
    assert DeliveryReport.objects.get().followup == followup
    assert not Todo.objects.exists()


def test_bounces_reads_a_maildir_and_moves_what_it_read(
    world: World, smtp_server: Inbox, tmp_path: Path
) -> None:
    followup = sent_to_rep(world)
    for sub in ("new", "cur", "tmp"):
        (tmp_path / sub).mkdir()
    (tmp_path / "new" / "1.bounce").write_bytes(bounce("postfix-hard.eml", followup))
    (tmp_path / "new" / "2.bounce").write_bytes(bounce("gmail.eml"))
    out = StringIO()
    call_command("bounces", str(tmp_path), stdout=out)
    assert "1.bounce: follow-up" in out.getvalue() and "2.bounce: ignored" in out.getvalue()
    assert not list((tmp_path / "new").iterdir())
    assert sorted(p.name for p in (tmp_path / "cur").iterdir()) == ["1.bounce:2,S", "2.bounce:2,S"]


# A provider's API and its webhook, end to end ---------------------------------------------------


class MailgunLikeTestBackend(AnymailTestBackend):
    """anymail's test backend, answering with an id shaped as Mailgun's."""

    def get_esp_message_id(self, message: Any) -> str:
        return f"<20261208090001.{mail.outbox.index(message)}.test@mg.example.com>"


@pytest.fixture
def provider(settings: Any) -> None:
    mail.outbox = []
    settings.MAILERS = {"default": {"BACKEND": f"{__name__}.MailgunLikeTestBackend"}}
    settings.EMAIL_PROVIDER = "mailgun"
    settings.ANYMAIL = {
        "WEBHOOK_SECRET": WEBHOOK_SECRET,
        "MAILGUN_WEBHOOK_SIGNING_KEY": SIGNING_KEY,
    }


def mailgun_event(
    provider_id: str, *, severity: str = "permanent", token: str = "tok-1", key: str = SIGNING_KEY
) -> dict[str, Any]:
    timestamp = str(int(timezone.now().timestamp()))
    signature = hmac.new(key.encode(), f"{timestamp}{token}".encode(), hashlib.sha256)
    return {
        "signature": {"timestamp": timestamp, "token": token, "signature": signature.hexdigest()},
        "event-data": {
            "event": "failed",
            "severity": severity,
            "reason": "bounce",
            "id": f"event-{token}",
            "timestamp": float(timestamp),
            "recipient": "rep@example.org",
            "message": {"headers": {"message-id": provider_id.strip("<>")}},
            "delivery-status": {"code": 550, "message": "5.1.1 The email account does not exist"},
        },
    }


def post_hook(payload: dict[str, Any], auth: str = WEBHOOK_SECRET) -> Any:
    url = reverse("delivery_webhook", args=["mailgun"])
    header = "Basic " + b64encode(auth.encode()).decode()
    return Client().post(
        url, json.dumps(payload), content_type="application/json", HTTP_AUTHORIZATION=header
    )


@pytest.mark.usefixtures("provider")
def test_a_provider_bounce_holds_back_the_next_check_in_until_lifted(world: World) -> None:
    with time_machine.travel(NOW, tick=False):
        first = sent_to_rep(world)
        assert first.provider_message_id == "<20261208090001.0.test@mg.example.com>"
        assert mail.outbox[0].extra_headers["Message-ID"] == first.message_id_header
        assert post_hook(mailgun_event(first.provider_message_id)).status_code == 200
    first.refresh_from_db()
    assert first.delivery == Delivery.BOUNCED
    assert DeliveryReport.objects.get().provider == "Mailgun"
    assert Todo.objects.filter(owner=world.members["coach"], kind=TodoKind.FIX_ADDRESS).exists()

    with time_machine.travel(NOW + dt.timedelta(days=2), tick=False):
        second = followup_to(world, "rep")
        assert dispatch().failed == 1
    second.refresh_from_db()
    assert len(mail.outbox) == 1  # not sent
    assert second.state == State.FAILED and second.error_code == Failure.SUPPRESSED
    assert second.failure_note == "Not sent: address bounced on 8 Dec 2026."
    with translation.override("es"):
        assert second.failure_note == "No se envió: el correo rebotó el 8 dic 2026."
    outbox = world.client("coach").get(reverse("outbox", args=["acme"]))
    assert "Not sent: address bounced on 8 Dec 2026." in outbox.content.decode()
    detail = world.client("coach").get(reverse("followup_detail", args=["acme", second.pk]))
    assert "Not sent: address bounced on 8 Dec 2026." in detail.content.decode()
    bounced = world.client("coach").get(reverse("followup_detail", args=["acme", first.pk]))
    assert "5.1.1 The email account does not exist" in bounced.content.decode()

    admin = world.client("admin")
    page = admin.get(reverse("suppressions", args=["acme"]))
    assert "rep@example.org" in page.content.decode()
    suppression = Suppression.objects.get()
    lifted = admin.post(reverse("suppression_lift", args=["acme", suppression.pk]), follow=True)
    assert "goes out now" in lifted.content.decode()
    suppression.refresh_from_db()
    assert not suppression.is_active and suppression.lifted_by == world.user("admin")
    assert Event.objects.filter(verb="suppression.lifted", actor=world.user("admin")).exists()
    assert dispatch().sent == 1
    second.refresh_from_db()
    assert second.state == State.SENT and len(mail.outbox) == 2


@pytest.mark.usefixtures("provider")
def test_a_webhook_with_a_bad_signature_or_replayed_is_refused(world: World) -> None:
    sent = sent_to_rep(world)
    assert sent.provider_message_id
    forged = mailgun_event(sent.provider_message_id, key="not-the-key")
    assert post_hook(forged).status_code == 400
    assert post_hook(mailgun_event(sent.provider_message_id), auth="hooks:wrong").status_code == 400
    assert not DeliveryReport.objects.exists()
    good = mailgun_event(sent.provider_message_id, severity="temporary", token="tok-9")
    assert post_hook(good).status_code == 200
    assert post_hook(good).status_code == 400  # the same notification again
    assert DeliveryReport.objects.get().status == Delivery.DEFERRED
    assert not Suppression.objects.exists()


def test_the_webhook_is_not_there_without_its_provider_and_key(world: World, settings: Any) -> None:
    settings.EMAIL_PROVIDER = ""
    settings.ANYMAIL = {}
    assert post_hook({}).status_code == 404
    settings.EMAIL_PROVIDER = "mailgun"
    assert post_hook({}).status_code == 404  # no signing key: nobody's word is taken
    settings.EMAIL_PROVIDER, settings.ANYMAIL = "postmark", {"WEBHOOK_SECRET": WEBHOOK_SECRET}
    assert post_hook({}).status_code == 404  # the webhook of another provider


def test_resend_gets_our_message_id_as_its_idempotency_key() -> None:
    message = emails.build(
        "notice",
        ["rep@example.org"],
        {"subject": "Hi", "text": "Hello"},
        headers={"Message-ID": "<followup.7.2@testserver.localdomain>"},
    )
    payload = ResendBackend(api_key="re_test").build_message_payload(message, {})
    assert payload.headers["Idempotency-Key"] == "<followup.7.2@testserver.localdomain>"


def api_error(code: int | None) -> Exception:
    """What anymail raises when a provider's API answers `code` (None: no answer at all)."""
    if code is None:
        return AnymailRequestsAPIError("connection reset")
    response = Response()
    response.status_code, response.reason, response._content = code, "Reason", b'{"x": 1}'
    return AnymailRequestsAPIError("refused", status_code=code, response=response)


def test_a_providers_answers_are_sorted_into_later_and_never() -> None:
    for code in (429, 500, 503, None):
        assert isinstance(classify(api_error(code)), TemporaryFailure), code
    for code in (400, 401, 422):
        assert isinstance(classify(api_error(code)), PermanentFailure), code
    assert isinstance(classify(AnymailRecipientsRefused("refused")), PermanentFailure)


def test_only_an_admin_lets_mail_go_again(world: World) -> None:
    suppression = Suppression.objects.create(
        workspace=world.workspace, address="rep@example.org", reason=Delivery.BOUNCED
    )
    url = reverse("suppression_lift", args=["acme", suppression.pk])
    assert world.client("coach").post(url).status_code == 403
    assert world.client("outsider").post(url.replace("acme", "globex")).status_code == 404
    suppression.refresh_from_db()
    assert suppression.is_active
    assert not Event.objects.filter(verb="suppression.lifted").exists()


def test_the_page_of_addresses_held_back_does_not_grow_its_queries(
    world: World, django_assert_max_num_queries: Any
) -> None:
    admin = world.members["admin"]
    for number in range(30):
        Suppression.objects.create(
            workspace=world.workspace,
            address=f"gone{number}@example.org",
            reason=Delivery.BOUNCED,
            lifted_at=timezone.now() if number % 2 else None,
            lifted_by=admin.user if number % 2 else None,
        )
    client = world.client("admin")
    url = reverse("suppressions", args=["acme"])
    with django_assert_max_num_queries(12):
        page = client.get(url)
    assert page.status_code == 200 and "gone29@example.org" in page.content.decode()


def test_history_says_what_happened_in_both_languages(
    world: World, smtp_server: Inbox, tmp_path: Path
) -> None:
    followup = sent_to_rep(world)
    run_bounces(bounce("postfix-hard.eml", followup), tmp_path)
    delivery.lift(Suppression.objects.get(), world.user("admin"))
    said = {event.verb: event for event in Event.objects.all()}
    english = {verb: describe(event) for verb, event in said.items()}
    assert english["followup.bounced"].startswith("The check-in to rep@example.org bounced: 550")
    assert english["suppression.added"] == (
        "Mail to rep@example.org is held back: it bounced or was marked as spam"
    )
    assert english["suppression.lifted"] == "Admin let mail go to rep@example.org again"
    with translation.override("es"):
        spanish = {verb: describe(event) for verb, event in said.items()}
    assert spanish["suppression.lifted"] == "Admin volvió a permitir el correo a rep@example.org"
    assert "rebotó: 550" in spanish["followup.bounced"]


class PostmarkLikeTestBackend(AnymailTestBackend):
    """anymail's test backend, answering with an id shaped as Postmark's."""

    def get_esp_message_id(self, message: Any) -> str:
        return f"883953f4-6105-42a2-a16a-77a8eac7{mail.outbox.index(message):04d}"


def test_postmark_bounce_through_its_basic_auth_webhook(world: World, settings: Any) -> None:
    mail.outbox = []
    settings.MAILERS = {"default": {"BACKEND": f"{__name__}.PostmarkLikeTestBackend"}}
    settings.EMAIL_PROVIDER, settings.ANYMAIL = "postmark", {"WEBHOOK_SECRET": WEBHOOK_SECRET}
    sent = sent_to_rep(world)
    assert sent.provider_message_id == "883953f4-6105-42a2-a16a-77a8eac70000"
    payload = {
        "RecordType": "Bounce",
        "ID": 4323372036,
        "Type": "HardBounce",
        "TypeCode": 1,
        "MessageID": sent.provider_message_id,
        "Email": "rep@example.org",
        "BouncedAt": "2026-12-08T09:00:05Z",
        "Description": "The server was unable to deliver your message (ex: unknown user).",
        "Details": "smtp;550 5.1.1 The email account that you tried to reach does not exist.",
    }
    url = reverse("delivery_webhook", args=["postmark"])

    def post(auth: str) -> int:
        header = "Basic " + b64encode(auth.encode()).decode()
        response = Client().post(
            url, json.dumps(payload), content_type="application/json", HTTP_AUTHORIZATION=header
        )
        return int(response.status_code)

    assert post("hooks:not-the-secret") == 400
    assert not DeliveryReport.objects.exists()
    assert post(WEBHOOK_SECRET) == 200
    assert post(WEBHOOK_SECRET) == 400  # Postmark's ID again: a replay
    report = DeliveryReport.objects.get()
    assert report.status == Delivery.BOUNCED and "5.1.1" in report.reason
    assert Suppression.objects.get().address == "rep@example.org"
    assert Todo.objects.filter(owner=world.members["coach"], kind=TodoKind.FIX_ADDRESS).exists()


def test_bounces_reads_standard_input_and_shrugs_at_garbage(
    world: World, smtp_server: Inbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    followup = sent_to_rep(world)
    for raw, said in [
        (bounce("exchange.eml", followup), f"stdin: follow-up {followup.pk} to rep@example.org"),
        (b"\x00\xffnot a message at all", "stdin: ignored, not a message of ours (no Message-ID)"),
    ]:
        monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(raw)))
        out = StringIO()
        call_command("bounces", stdout=out)
        assert out.getvalue().startswith(said)
    with pytest.raises(CommandError, match="neither a maildir nor a message file"):
        call_command("bounces", "/no/such/place")
