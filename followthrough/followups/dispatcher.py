"""The dispatcher: claims due follow-ups, sends them, records the outcome.

One loop per process (`followthrough dispatch`), as many processes and machines as needed:
- claim: a batch of due rows becomes `claimed` with a lease, under FOR UPDATE SKIP LOCKED on
  PostgreSQL (so dispatchers never wait for each other) and under an IMMEDIATE transaction on
  SQLite (one writer at a time; see config.sqlite_database);
- for each row, just before sending, a compare-and-set moves it claimed→sending only if its
  version is still the one claimed: a cancel or a reschedule meanwhile wins, and the row is
  skipped;
- send over one reused SMTP connection; sent, or back to scheduled with backoff (a temporary
  failure), or failed (a permanent one, the server's answer kept for the coach to see);
- a dispatcher that dies leaves leases that run out; the reaper puts those rows back, and they
  are sent again with the same Message-ID.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import os
import random
import smtplib
import socket
import threading
from dataclasses import dataclass, field
from typing import Any

from anymail.exceptions import AnymailAPIError, AnymailRecipientsRefused
from django.conf import settings
from django.core.mail import EmailMultiAlternatives, mailers
from django.core.mail.backends.smtp import EmailBackend as SmtpBackend
from django.db import (
    DatabaseError,
    InterfaceError,
    OperationalError,
    connection,
    models,
    transaction,
)
from django.utils import timezone

from followthrough.followups import actions, delivery, planners, transports
from followthrough.followups.models import LONG_WAIT, Failure, FollowUp, Heartbeat, State
from followthrough.lib import emails

log = logging.getLogger("followthrough.dispatcher")


@dataclass
class Options:
    batch_size: int = 100
    lease: dt.timedelta = dt.timedelta(seconds=60)
    retry_base: dt.timedelta = dt.timedelta(seconds=60)
    retry_max: dt.timedelta = dt.timedelta(hours=2)
    # Temporary failures are retried this long from the first try (FOLLOWUP_RETRY_WINDOW_HOURS),
    # so an outage of a day or a weekend fails nothing; then the row is failed.
    retry_window: dt.timedelta = field(default_factory=lambda: settings.FOLLOWUP_RETRY_WINDOW)
    idle_sleep_max: float = 1.0
    heartbeat_every: float = 5.0
    # Run the apps' periodic planners (followups.planners) every so often; off for a dispatcher
    # that sends only what others planned (the demo's, the tests' one-shot runs).
    run_planners: bool = True
    plan_every: dt.timedelta = planners.EVERY


@dataclass
class Counts:
    sent: int = 0
    skipped: int = 0
    retried: int = 0
    failed: int = 0

    def add(self, other: Counts) -> None:
        self.sent += other.sent
        self.skipped += other.skipped
        self.retried += other.retried
        self.failed += other.failed


class PermanentFailure(Exception):
    """The server refused for good (a 5xx answer), or the message could not be built."""


class UnexpectedFailure(PermanentFailure):
    """Not an answer from the mail server: an error of ours or of the transport."""


class TemporaryFailure(Exception):
    """Worth trying again later: refused connection, timeout, a 4xx answer."""


def classify(error: BaseException) -> Exception:
    """Sorts an exception from sending into permanent or temporary, keeping the server's words."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        answers = [
            f"{code} {text.decode(errors='replace')}" for code, text in error.recipients.values()
        ]
        codes = [code for code, _ in error.recipients.values()]
        text = "; ".join(answers)
        return (
            PermanentFailure(text) if all(code >= 500 for code in codes) else TemporaryFailure(text)
        )
    if isinstance(error, smtplib.SMTPResponseException):
        raw = error.smtp_error
        words = raw.decode(errors="replace") if isinstance(raw, bytes) else str(raw)
        text = f"{error.smtp_code} {words}"
        return PermanentFailure(text) if error.smtp_code >= 500 else TemporaryFailure(text)
    if isinstance(error, AnymailRecipientsRefused):  # a provider's API refused the address
        return PermanentFailure(str(error))
    if isinstance(error, AnymailAPIError):
        # No answer (status None), too many requests (429) or the provider's trouble (5xx):
        # later; any other 4xx (a wrong key, a refused message) will not fix itself.
        code = error.status_code
        text = f"{code or type(error).__name__}: {error}"
        temporary = code is None or code == 429 or code >= 500
        return TemporaryFailure(text) if temporary else PermanentFailure(text)
    if isinstance(error, (smtplib.SMTPException, OSError, socket.timeout)):
        return TemporaryFailure(f"{type(error).__name__}: {error}".strip())
    return UnexpectedFailure(f"{type(error).__name__}: {error}")


def db_datetime(value: dt.datetime) -> Any:
    """A datetime as the database backend stores it, for the plain SQL below."""
    return connection.ops.adapt_datetimefield_value(value)


class SQL:
    """The dispatcher's per-message statements, written once."""

    @staticmethod
    @functools.cache
    def start_sending() -> str:
        table, q = SQL.names()
        return (
            f"UPDATE {table} SET {q('state')} = %s, {q('lease_until')} = %s, "
            f"{q('attempts')} = {q('attempts')} + 1, {q('updated_at')} = %s, "
            f"{q('first_attempt_at')} = COALESCE({q('first_attempt_at')}, %s) "
            f"WHERE {q('id')} = %s AND {q('version')} = %s AND {q('state')} = %s "
            f"AND {q('claimed_by')} = %s"
        )

    @staticmethod
    @functools.cache
    def mark_sent() -> str:
        table, q = SQL.names()
        return (
            f"UPDATE {table} SET {q('state')} = %s, {q('sent_at')} = %s, "
            f"{q('message_id')} = %s, {q('subject')} = %s, {q('body_text')} = %s, "
            f"{q('body_html')} = %s, {q('claimed_by')} = %s, {q('lease_until')} = NULL, "
            f"{q('last_error')} = '', {q('error_code')} = '', {q('updated_at')} = %s "
            f"WHERE {q('id')} = %s AND {q('version')} = %s AND {q('state')} <> %s"
        )

    @staticmethod
    def names() -> tuple[str, Any]:
        def column(name: str) -> str:
            field = FollowUp._meta.get_field(name)
            assert isinstance(field, models.Field) and field.column
            return str(connection.ops.quote_name(field.column))

        return connection.ops.quote_name(FollowUp._meta.db_table), column


def default_worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


@dataclass
class Dispatcher:
    worker: str = field(default_factory=default_worker_id)
    options: Options = field(default_factory=Options)
    stopping: threading.Event = field(default_factory=threading.Event)
    _mailer: Any = None
    _last_beat: float = 0.0
    _sent_since_beat: int = 0
    _planned_at: dt.datetime | None = None
    # The batch in hand's addresses that bounced or complained (delivery.suppressed).
    _suppressed: dict[tuple[int, str], Any] = field(default_factory=dict)

    # The loop -----------------------------------------------------------------------------

    def run(self, once: bool = False) -> Counts:
        """Works until stop() (SIGTERM, SIGINT), or until nothing is due with once=True."""
        total = Counts()
        failures_in_a_row = 0
        Heartbeat.forget_old()
        while not self.stopping.is_set():
            try:
                self.heartbeat()
                self.reap()
                self.plan()
                claimed = self.claim()
                total.add(self.deliver(claimed))
                failures_in_a_row = 0
            except (OperationalError, InterfaceError) as error:
                # The database went away: drop the connection; the next query reconnects.
                failures_in_a_row += 1
                log.warning("database unavailable (%s); retrying", error)
                self._drop_db_connection()
                self.stopping.wait(min(0.5 * 2**failures_in_a_row, 10.0))
                continue
            if once:
                if not claimed:
                    break
            elif len(claimed) < self.options.batch_size:
                # Sleep until the next row is due (at most about a second), not a fixed poll.
                self.stopping.wait(self.seconds_until_next_due())
        self.close_mailer()
        return total

    def stop(self) -> None:
        self.stopping.set()

    # The steps ----------------------------------------------------------------------------

    def heartbeat(self, force: bool = False) -> None:
        now = timezone.now().timestamp()
        if force or now - self._last_beat >= self.options.heartbeat_every:
            Heartbeat.beat(self.worker, sent=self._sent_since_beat)
            self._last_beat, self._sent_since_beat = now, 0

    def plan(self) -> None:
        """Runs the planners when their time has come (at start, then every plan_every)."""
        now = timezone.now()
        if not self.options.run_planners:
            return
        if self._planned_at is not None and now - self._planned_at < self.options.plan_every:
            return
        planners.run_all(now)
        self._planned_at = now

    def reap(self) -> int:
        """Rows whose dispatcher stopped answering go back to the queue, version unchanged,
        so the resend carries the same Message-ID."""
        return FollowUp.objects.lease_expired(timezone.now()).update(
            state=State.SCHEDULED, claimed_by="", lease_until=None, updated_at=timezone.now()
        )

    def due(self, now: dt.datetime) -> models.QuerySet[FollowUp]:
        """The rows this dispatcher sends when their time comes: all of them (the demo's
        sends only its own)."""
        return FollowUp.objects.due(now)

    def claim(self) -> list[FollowUp]:
        now = timezone.now()
        with transaction.atomic():
            due = self.due(now)
            if connection.features.has_select_for_update_skip_locked:
                due = due.select_for_update(skip_locked=True)
            ids = list(due.values_list("id", flat=True)[: self.options.batch_size])
            if not ids:
                return []
            FollowUp.objects.filter(id__in=ids, state=State.SCHEDULED).update(
                state=State.CLAIMED,
                claimed_by=self.worker,
                lease_until=now + self.options.lease,
                updated_at=now,
            )
        return list(
            FollowUp.objects.filter(id__in=ids, state=State.CLAIMED, claimed_by=self.worker)
            .prefetch_related("about")
            .order_by("send_at", "id")
        )

    def seconds_until_next_due(self) -> float:
        upcoming = (
            FollowUp.objects.filter(state=State.SCHEDULED)
            .order_by("send_at")
            .values_list("send_at", flat=True)
            .first()
        )
        if upcoming is None:
            return self.options.idle_sleep_max
        wait = (upcoming - timezone.now()).total_seconds()
        return max(0.0, min(wait, self.options.idle_sleep_max))

    def deliver(self, claimed: list[FollowUp]) -> Counts:
        """Sends a claimed batch; the batch in hand is finished even when asked to stop."""
        counts = Counts()
        self._suppressed = delivery.suppressed(claimed)
        for followup in claimed:
            outcome = self.deliver_one(followup)
            setattr(counts, outcome, getattr(counts, outcome) + 1)
        self._sent_since_beat += counts.sent
        return counts

    def deliver_one(self, followup: FollowUp) -> str:
        if not self.start_sending(followup):
            return "skipped"
        transport = transports.for_kind(followup.kind)
        if transport is not None:
            return self.deliver_by(transport, followup)
        if followup.workspace_id is not None and (
            held := self._suppressed.get((followup.workspace_id, followup.to_email.lower()))
        ):
            # Not a silent drop: failed, and the outbox says "not sent: address bounced on ...".
            since = timezone.localdate(held.since).isoformat()
            params = {"since": since, "reason": held.reason}
            self.mark_failed(followup, f"suppressed since {since}", Failure.SUPPRESSED, params)
            transports.tell(followup, "failed")
            return "failed"
        try:
            message = followup.build_message()
        except Exception as error:  # a template or context problem will not fix itself
            log.exception("could not build follow-up %s", followup.pk)
            self.mark_failed(followup, f"{type(error).__name__}: {error}", Failure.BUILD)
            return "failed"
        try:
            self.send(followup, message)
        except Exception as error:
            failure = classify(error)
            self.close_mailer()
            if isinstance(failure, PermanentFailure):
                unexpected = isinstance(failure, UnexpectedFailure)
                self.mark_failed(
                    followup, str(failure), Failure.ERROR if unexpected else Failure.REFUSED
                )
                transports.tell(followup, "failed")
                return "failed"
            return self.retry_later(followup, str(failure))
        self.mark_sent(followup, message)
        self.keep_provider_id(followup, message)
        self.after_a_long_wait(followup)
        transports.tell(followup, "sent")
        return "sent"

    def deliver_by(self, transport: transports.Transport, followup: FollowUp) -> str:
        """A row of a kind with its own transport (a webhook): the same states and columns as
        an email, the transport's own schedule of retries."""
        try:
            delivered = transport.send(followup, self.worker)
        except TemporaryFailure as error:
            attempts = followup.attempts + 1
            now = timezone.now()
            when = transport.retry_at(followup, attempts, now)
            not_before = getattr(error, "not_before", None)  # the receiver asked to wait
            if when is not None and not_before is not None:
                when = max(when, not_before)
            if when is None:
                first = followup.first_attempt_at or now
                hours = round((now - first).total_seconds() / 3600, 2)
                params = {"attempts": attempts, "hours": hours}
                self.mark_failed(followup, str(error), Failure.GAVE_UP, params)
                transports.tell(followup, "failed")
                return "failed"
            return self.retry_later(followup, str(error), at=when)
        except PermanentFailure as error:
            self.mark_failed(followup, str(error), Failure.UNDELIVERABLE)
            transports.tell(followup, "failed")
            return "failed"
        except Exception as error:  # a bug of ours or the transport's, not the receiver's answer
            log.exception("follow-up %s could not be sent", followup.pk)
            self.mark_failed(followup, f"{type(error).__name__}: {error}", Failure.ERROR)
            transports.tell(followup, "failed")
            return "failed"
        self.mark_sent(followup, delivered)
        transports.tell(followup, "sent")
        return "sent"

    def keep_provider_id(self, followup: FollowUp, message: Any) -> None:
        """A provider's API (anymail) answers with its own id of the message, which its
        webhooks name later; SMTP has none."""
        status = getattr(message, "anymail_status", None)
        provider_id = getattr(status, "message_id", None) if status is not None else None
        if provider_id is not None and provider_id != "":
            FollowUp.objects.filter(pk=followup.pk).update(
                provider_message_id=str(provider_id)[:255]
            )

    def after_a_long_wait(self, followup: FollowUp) -> None:
        """The mail server answers again after this row waited long for it: the workspace's
        admins hear so, once (the action sees whether they already did)."""
        first = followup.first_attempt_at  # as claimed: None if this was the first try
        if first is None or followup.workspace_id is None:
            return
        if timezone.now() - first >= LONG_WAIT:
            actions.tell_admins_mail_flows_again(followup.workspace_id, first)

    # State changes, each a compare-and-set on (id, version, state) ------------------------

    # The two updates every message makes are plain SQL, prepared once: building them through
    # the ORM cost more than running them (see bench/README.md).

    def start_sending(self, followup: FollowUp) -> bool:
        """claimed → sending, only if nobody changed the row since we claimed it."""
        now = timezone.now()
        with connection.cursor() as cursor:
            cursor.execute(
                SQL.start_sending(),
                [
                    State.SENDING,
                    db_datetime(now + self.options.lease),
                    db_datetime(now),
                    db_datetime(now),
                    followup.pk,
                    followup.version,
                    State.CLAIMED,
                    self.worker,
                ],
            )
            return cursor.rowcount == 1

    def mark_sent(self, followup: FollowUp, message: Any) -> None:
        if isinstance(message, transports.Delivered):
            message_id, subject, text, html = message.message_id, message.subject, message.body, ""
        else:
            message_id, subject, text = followup.message_id_header, message.subject, message.body
            html = next((c for c, kind in message.alternatives if kind == "text/html"), "")
        now = db_datetime(timezone.now())
        with connection.cursor() as cursor:
            cursor.execute(
                SQL.mark_sent(),
                [
                    State.SENT,
                    now,
                    message_id,
                    str(subject)[:255],
                    str(text),
                    str(html),
                    self.worker,  # kept: which dispatcher sent it
                    now,
                    followup.pk,
                    followup.version,
                    State.SENT,
                ],
            )

    def mark_failed(
        self,
        followup: FollowUp,
        error: str,
        code: Failure,
        params: dict[str, Any] | None = None,
    ) -> None:
        """Failed for good: the raw error as it came, and the code and parameters of what the
        pages say about it in their reader's language."""
        FollowUp.objects.filter(pk=followup.pk, version=followup.version).update(
            state=State.FAILED,
            last_error=error[:2000],
            error_code=code,
            error_params=params or {},
            claimed_by="",
            lease_until=None,
            updated_at=timezone.now(),
        )

    def retry_later(self, followup: FollowUp, error: str, at: dt.datetime | None = None) -> str:
        """Back to the queue with backoff (or at `at`, a transport's own schedule), until the
        retry window from the first try has passed; the last try falls on the window's end."""
        attempts = followup.attempts + 1  # the attempt start_sending just counted
        now = timezone.now()
        deadline = (followup.first_attempt_at or now) + self.options.retry_window
        if at is not None:
            deadline = at
        elif now >= deadline:
            hours = self.options.retry_window.total_seconds() / 3600
            self.mark_failed(
                followup, error, Failure.GAVE_UP, {"attempts": attempts, "hours": hours}
            )
            transports.tell(followup, "failed")
            return "failed"
        FollowUp.objects.filter(
            pk=followup.pk, version=followup.version, state=State.SENDING
        ).update(
            state=State.SCHEDULED,
            send_at=at or min(now + self.backoff(attempts), deadline),
            last_error=error[:2000],
            error_code=Failure.TEMPORARY,
            error_params={},
            claimed_by="",
            lease_until=None,
            updated_at=now,
        )
        return "retried"

    def backoff(self, attempts: int) -> dt.timedelta:
        """Exponential, capped, with 'equal jitter': half fixed, half random, so that many
        rows failing together do not all come back at the same instant."""
        delay = min(
            self.options.retry_base.total_seconds() * 2 ** (attempts - 1),
            self.options.retry_max.total_seconds(),
        )
        return dt.timedelta(seconds=delay / 2 + random.uniform(0, delay / 2))

    # Connections --------------------------------------------------------------------------

    def send(self, followup: FollowUp, message: EmailMultiAlternatives) -> None:
        """Over SMTP, our simple messages go out as bytes we wrote ourselves (a tenth of the
        cost of Django's serialiser); anything else, and other transports, the Django way."""
        mailer = self.mailer()
        raw = emails.as_smtp_bytes(message) if isinstance(mailer, SmtpBackend) else None
        if raw is None or mailer.connection is None:
            mailer.send_messages([message])
            return
        mailer.connection.sendmail(emails.envelope_sender(), [followup.to_email], raw)

    def mailer(self) -> Any:
        """One mail connection, opened once and reused for every message."""
        if self._mailer is None:
            self._mailer = mailers.default
            self._mailer.open()
        return self._mailer

    def close_mailer(self) -> None:
        transports.close_all()
        if self._mailer is not None:
            try:
                self._mailer.close()
            except Exception:  # a broken connection may fail to close; it is dropped anyway
                log.debug("closing the mail connection failed", exc_info=True)
            self._mailer = None

    def _drop_db_connection(self) -> None:
        try:
            connection.close()
        except DatabaseError:
            log.debug("closing a broken database connection failed", exc_info=True)
