"""FollowUp: the schedule and the outbox in one row. Heartbeat: which dispatchers are alive."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.mail import EmailMultiAlternatives
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext, gettext_lazy, ngettext, pgettext_lazy

from followthrough.accounts.models import Workspace
from followthrough.followups import kinds
from followthrough.followups.kinds import Kind as Kind  # callers import it from here
from followthrough.lib import emails, languages, shortdates


class State(models.TextChoices):
    SCHEDULED = "scheduled", pgettext_lazy("follow-up state", "Scheduled")
    CLAIMED = "claimed", pgettext_lazy("follow-up state", "Claimed")
    SENDING = "sending", pgettext_lazy("follow-up state", "Sending")
    SENT = "sent", pgettext_lazy("follow-up state", "Sent")
    CANCELLED = "cancelled", pgettext_lazy("follow-up state", "Cancelled")
    FAILED = "failed", pgettext_lazy("follow-up state", "Failed")


class Failure(models.TextChoices):
    """Why a follow-up is not out yet or never will be, said to people in their language; the
    raw error (the server's own words) stays in FollowUp.last_error as it came."""

    BUILD = "build", gettext_lazy("The message could not be built.")
    REFUSED = "refused", gettext_lazy("The mail server refused it.")
    ERROR = "error", gettext_lazy("Sending failed with an unexpected error.")
    TEMPORARY = "temporary", gettext_lazy("The last try failed; it will be tried again later.")
    GAVE_UP = "gave_up", gettext_lazy("Gave up after trying for a long time.")
    SUPPRESSED = "suppressed", gettext_lazy("Not sent: mail to this address bounced.")
    # Transports other than email (a webhook endpoint that answered 410, or was disabled).
    UNDELIVERABLE = "undeliverable", gettext_lazy("The receiver refused it for good.")


class Delivery(models.TextChoices):
    """What the recipient's side said after the message left: the provider's delivery
    webhook, or a bounce message (DSN) that came back to our bounce address."""

    DELIVERED = "delivered", pgettext_lazy("delivery", "Delivered")
    DEFERRED = "deferred", pgettext_lazy("delivery", "Deferred")
    BOUNCED = "bounced", pgettext_lazy("delivery", "Bounced")
    COMPLAINED = "complained", pgettext_lazy("delivery", "Marked as spam")


# A person may still change these; a row in any other state is on its way out or done.
CHANGEABLE = (State.SCHEDULED, State.CLAIMED, State.FAILED)
IN_FLIGHT = (State.CLAIMED, State.SENDING)
# When a row that waited this long for the mail server finally goes out, the workspace's admins
# are told that mail flows again (once per outage).
LONG_WAIT = dt.timedelta(hours=1)


class FollowUpQuerySet(models.QuerySet["FollowUp"]):
    def due(self, now: dt.datetime) -> FollowUpQuerySet:
        """Scheduled rows whose time has come, in queue order (matches the partial index)."""
        return self.filter(state=State.SCHEDULED, send_at__lte=now).order_by("send_at", "id")

    def about(self, thing: models.Model) -> FollowUpQuerySet:
        """The follow-ups about one object (a commitment's check-ins, a session's invitations)."""
        return self.filter(about_type=ContentType.objects.get_for_model(thing), about_id=thing.pk)

    def waiting_for_retry(self) -> FollowUpQuerySet:
        """Rows that met a temporary failure and are queued to be tried again."""
        return self.filter(state=State.SCHEDULED).exclude(last_error="")

    def failed(self) -> FollowUpQuerySet:
        return self.filter(state=State.FAILED)

    def lease_expired(self, now: dt.datetime) -> FollowUpQuerySet:
        """Rows a dispatcher claimed or began sending and then stopped answering for."""
        return self.filter(state__in=IN_FLIGHT, lease_until__lt=now)


class FollowUp(models.Model):
    """One scheduled outgoing message.

    The row is written in the same transaction as the change that causes it, so a follow-up
    exists exactly when its cause does. `send_at` is UTC. Every change of what or when bumps
    `version`; a dispatcher sends a row only if the version it claimed is still the row's
    version, so a cancel or a reschedule is honoured up to the moment of sending. The
    Message-ID is made from id and version: a resend after a crash carries the same one.
    """

    # Registered by the apps that send them (followups.kinds): no choices, so that a new kind
    # needs no migration here.
    kind = models.CharField(max_length=32, validators=[kinds.validate])
    workspace = models.ForeignKey(
        Workspace, null=True, blank=True, on_delete=models.CASCADE, related_name="followups"
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="followups_received",
        help_text=gettext_lazy("The person it goes to, when they have an account."),
    )
    to_email = models.EmailField(
        help_text=gettext_lazy("Where it goes: the recipient's or an outside address.")
    )
    reply_to = models.EmailField(
        blank=True, help_text=gettext_lazy("Answers by email go here (the coach).")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="followups_created",
    )
    about_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.CASCADE)
    about_id = models.PositiveBigIntegerField(null=True, blank=True)
    about = GenericForeignKey("about_type", "about_id")

    template = models.CharField(
        max_length=64, help_text=gettext_lazy("emails/<template>.* builds the message")
    )
    context = models.JSONField(default=dict, blank=True)

    send_at = models.DateTimeField()
    state = models.CharField(max_length=16, choices=State.choices, default=State.SCHEDULED)
    version = models.PositiveIntegerField(default=1)
    attempts = models.PositiveIntegerField(default=0)
    first_attempt_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text=gettext_lazy(
            "The first try of this schedule; temporary failures are retried for "
            "FOLLOWUP_RETRY_WINDOW from here. A reschedule or a retry starts afresh."
        ),
    )
    claimed_by = models.CharField(max_length=120, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)  # the raw error, for whoever can read it
    error_code = models.CharField(max_length=16, choices=Failure.choices, blank=True)
    error_params = models.JSONField(default=dict, blank=True)

    message_id = models.CharField(max_length=255, blank=True)
    subject = models.CharField(max_length=255, blank=True)
    body_text = models.TextField(blank=True)
    body_html = models.TextField(blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # The provider's own id of the message (its API's answer), which its webhooks name.
    # NULL, not "", for mail that had no provider (SMTP): the index holds only the others.
    provider_message_id = models.CharField(max_length=255, null=True, blank=True)  # noqa: DJ001
    # The latest delivery report, kept here so that the outbox lists it without a join; the
    # reports themselves (DeliveryReport) are the history, with the server's words.
    delivery = models.CharField(max_length=16, choices=Delivery.choices, blank=True)

    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = FollowUpQuerySet.as_manager()

    class Meta:
        ordering = ["send_at", "id"]
        indexes = [
            # The dispatcher's claim: scheduled rows by send_at.
            models.Index(
                fields=["send_at", "id"],
                condition=Q(state="scheduled"),
                name="followup_queue",
            ),
            # Finding rows whose dispatcher died. Only in-flight rows have a lease; the
            # condition is on the lease itself because SQLite cannot match the query's
            # parameterised `state IN (...)` to a partial index's literal one, and scanned the
            # whole table on every loop.
            models.Index(
                fields=["lease_until"],
                condition=Q(lease_until__isnull=False),
                name="followup_leases",
            ),
            models.Index(fields=["workspace", "state", "send_at"], name="followup_outbox"),
            models.Index(fields=["about_type", "about_id"], name="followup_about"),
            models.Index(
                fields=["provider_message_id"],
                condition=Q(provider_message_id__isnull=False),
                name="followup_provider_id",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} to {self.to_email} at {self.send_at:%Y-%m-%d %H:%M} UTC"

    def get_absolute_url(self) -> str:
        assert self.workspace is not None
        return reverse("followup_detail", args=[self.workspace.slug, self.pk])

    def get_kind_display(self) -> str:
        return kinds.label(self.kind)

    @property
    def message_id_header(self) -> str:
        """<followup.ID.VERSION@domain>: the same for every attempt of one version."""
        return f"<followup.{self.pk}.{self.version}@{settings.MESSAGE_ID_DOMAIN}>"

    @property
    def is_changeable(self) -> bool:
        return self.state in CHANGEABLE

    @property
    def is_overdue(self) -> bool:
        """Due more than two minutes ago and still not sent: the dispatcher may be down."""
        return self.state == State.SCHEDULED and self.send_at < timezone.now() - dt.timedelta(
            minutes=2
        )

    @property
    def retry_deadline(self) -> dt.datetime | None:
        """Until when temporary failures are tried again."""
        if self.first_attempt_at is None:
            return None
        return self.first_attempt_at + settings.FOLLOWUP_RETRY_WINDOW

    @property
    def failure_note(self) -> str:
        """What went wrong, in the active language (the reader's); "" when nothing did."""
        if self.error_code == Failure.SUPPRESSED and "since" in self.error_params:
            since = dt.date.fromisoformat(str(self.error_params["since"]))
            day = shortdates.short(since, "j M Y")
            if self.error_params.get("reason") == Delivery.COMPLAINED:
                return gettext("Not sent: the recipient marked our mail as spam on %(date)s.") % {
                    "date": day
                }
            return gettext("Not sent: address bounced on %(date)s.") % {"date": day}
        if self.error_code == Failure.GAVE_UP and "attempts" in self.error_params:
            attempts = int(self.error_params["attempts"])
            hours = round(float(self.error_params.get("hours", 0)), 2)
            shown = formats.number_format(int(hours) if hours == int(hours) else hours)
            return ngettext(
                "Gave up after %(attempts)s try in %(hours)s hours.",
                "Gave up after %(attempts)s tries in %(hours)s hours.",
                attempts,
            ) % {"attempts": attempts, "hours": shown}
        if self.error_code in Failure.values:
            return str(Failure(self.error_code).label)
        return ""

    def about_words(self) -> str:
        """What the message is about, in a few words, for the outbox before a subject exists:
        a commitment's or a to-do's words, a session's time, else the object's name."""
        about = self.about
        if about is None:
            return ""
        words = getattr(about, "text", None)
        if words:
            return str(words)
        starts_at = getattr(about, "starts_at", None)
        if isinstance(starts_at, dt.datetime):
            when = shortdates.short(timezone.localtime(starts_at), "D j M, H:i")
            return gettext("Session of %(when)s") % {"when": when}
        return str(about)

    def message_context(self) -> dict[str, Any]:
        """The stored plain values, plus the object it is about under its model's name
        (an Invitation as `invitation`, a User as `user`), read fresh at sending time."""
        context = dict(self.context)
        about = self.about
        if about is not None:
            context[about._meta.model_name] = about
        return context

    def build_message(self) -> EmailMultiAlternatives:
        """Renders the message now. Times in it are the recipient's when the scheduler stored
        their time zone in the context (`time_zone`), else the server's. The language is the
        recipient's as it is now (a profile changed since scheduling wins), else the one the
        scheduler stored for an outside address (`language`), else English."""
        zone = self.context.get("time_zone") or settings.TIME_ZONE
        from_name, headers = self.dressing()
        with timezone.override(zone), translation.override(self.language()):
            return emails.build(
                self.template,
                to=[self.to_email],
                context=self.message_context(),
                reply_to=[self.reply_to] if self.reply_to else [],
                headers={**headers, "Message-ID": self.message_id_header, **self.list_headers()},
                calendar=self.calendar(),
                from_name=from_name,
            )

    def dressing(self) -> tuple[str, dict[str, str]]:
        """The name the message goes out in and extra headers, when the object it is about
        says (`email_dressing(kind)`: a client survey goes out in the rep's or manager's name,
        with List-Unsubscribe); else none."""
        about = self.about
        dress = getattr(about, "email_dressing", None)
        if dress is None:
            return "", {}
        from_name, headers = dress(self.kind)
        return str(from_name), dict(headers)

    def list_headers(self) -> dict[str, str]:
        """A recurring message a person may stop (a weekly digest) carries List-Unsubscribe
        and List-Id: the object it is about says what they are (`email_headers()`)."""
        about = self.about
        if about is None or not hasattr(about, "email_headers"):
            return {}
        return dict(about.email_headers())

    def language(self) -> str:
        if self.recipient is not None:
            return languages.of_user(self.recipient)
        return languages.supported(self.context.get("language"))

    def calendar(self) -> tuple[str, str] | None:
        """A meeting invitation carries its event, built from the session as it is now, with
        the METHOD and SEQUENCE the invitation was scheduled with."""
        method = self.context.get("calendar_method")
        about = self.about
        if not method or about is None or not hasattr(about, "as_icalendar"):
            return None
        sequence = int(self.context.get("calendar_sequence", 0))
        return about.as_icalendar(method, sequence), str(method)


class DeliveryReport(models.Model):
    """One report on a sent follow-up: delivered, deferred, bounced or marked as spam, from a
    provider's webhook or a bounce message. A model rather than fields alone because one
    message gets several (deferred, then bounced), and because `event_id` (the provider's id
    of the notification) refuses a replayed webhook."""

    class Source(models.TextChoices):
        WEBHOOK = "webhook", gettext_lazy("Provider's webhook")
        DSN = "dsn", gettext_lazy("Bounce message")

    followup = models.ForeignKey(FollowUp, on_delete=models.CASCADE, related_name="reports")
    status = models.CharField(max_length=16, choices=Delivery.choices)
    source = models.CharField(max_length=16, choices=Source.choices)
    provider = models.CharField(max_length=32, blank=True)
    # NULL when the report has no id (a bounce message): unique only among those with one.
    event_id = models.CharField(max_length=255, null=True, blank=True)  # noqa: DJ001
    recipient = models.EmailField(blank=True)
    code = models.CharField(max_length=16, blank=True)  # the DSN status, as 5.1.1
    reason = models.TextField(blank=True)  # the remote server's words, as they came
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "event_id"],
                condition=Q(event_id__isnull=False),
                name="delivery_report_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.status} {self.recipient} {self.code}".strip()


class Suppression(models.Model):
    """An address of a workspace that bounced for good or complained: later sends to it are
    not sent (and the outbox says why) until an admin lifts the suppression. Per workspace,
    since its admin is who fixes it; mail outside any workspace (a password reset) is never
    suppressed, as the person asking for it is there to see it."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="suppressions")
    address = models.EmailField()
    reason = models.CharField(max_length=16, choices=Delivery.choices)
    detail = models.TextField(blank=True)  # the bounce's words
    followup = models.ForeignKey(FollowUp, null=True, blank=True, on_delete=models.SET_NULL)
    since = models.DateTimeField(default=timezone.now)
    lifted_at = models.DateTimeField(null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-since", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "address"],
                condition=Q(lifted_at__isnull=True),
                name="suppression_active_once",
            )
        ]

    def __str__(self) -> str:
        return self.address

    @property
    def is_active(self) -> bool:
        return self.lifted_at is None


@dataclass
class DispatcherState:
    """The dispatchers in a few plain words: how many are alive, and when one was last seen."""

    alive: int
    last_seen: dt.datetime | None

    @property
    def working(self) -> bool:
        return self.alive > 0

    @property
    def seconds_ago(self) -> int | None:
        if self.last_seen is None:
            return None
        return max(0, int((timezone.now() - self.last_seen).total_seconds()))


class Heartbeat(models.Model):
    """A dispatcher's sign of life, written every few seconds while it runs."""

    worker = models.CharField(max_length=120, unique=True)
    started_at = models.DateTimeField(default=timezone.now)
    last_seen = models.DateTimeField(default=timezone.now)
    sent = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.worker}, last seen {self.last_seen:%H:%M:%S}"

    SILENCE = dt.timedelta(minutes=2)

    @classmethod
    def state(cls) -> DispatcherState:
        seen = list(cls.objects.order_by("-last_seen").values_list("last_seen", flat=True)[:100])
        since = timezone.now() - cls.SILENCE
        return DispatcherState(
            alive=sum(1 for last in seen if last >= since), last_seen=seen[0] if seen else None
        )

    @classmethod
    def any_alive(cls) -> bool:
        return cls.objects.filter(last_seen__gte=timezone.now() - cls.SILENCE).exists()

    @classmethod
    def forget_old(cls) -> None:
        """Dispatchers that stopped a week ago are history, not news."""
        cls.objects.filter(last_seen__lt=timezone.now() - dt.timedelta(days=7)).delete()

    @classmethod
    def beat(cls, worker: str, sent: int = 0) -> None:
        updated = cls.objects.filter(worker=worker).update(
            last_seen=timezone.now(), sent=F("sent") + sent
        )
        if not updated:
            cls.objects.create(worker=worker, sent=sent)
