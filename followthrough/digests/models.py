"""Subscriptions to the weekly digest, and one Digest row per subscription and ISO week.

A Subscription says who receives the digest, about which reps, and when (a weekday and an hour
in a time zone). The planner (actions.plan_digests, run by every dispatcher) writes one Digest
per subscription and week, in the same transaction as its follow-up; the unique (subscription,
week) pair is what makes a second dispatcher, a restart or a re-run send nothing more. The
message itself is rendered when the follow-up is sent (compose.py), in the recipient's language
and zone.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from functools import cached_property
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from followthrough.accounts.models import WEEKDAYS, Membership, Workspace, validate_time_zone
from followthrough.lib import dates, signing

if TYPE_CHECKING:
    from followthrough.digests.compose import Composed

UNSUBSCRIBE_SCOPE = "digest_unsubscribe"
# An unsubscribe link in an old digest still works this long (mail providers use the header of
# any message still in the inbox).
UNSUBSCRIBE_LINK_AGE = dt.timedelta(days=120)
# A roll-up shows at most this many reps; the rest are on the dashboard it links to.
ROLLUP_CAP = 50
# A VP's subscription that skipped this many quiet weeks in a row sends one line saying it is
# still running.
SILENT_WEEKS_BEFORE_HEARTBEAT = 3
DEFAULT_WEEKDAY = 0  # Monday
DEFAULT_HOUR = 8


def week_start(day: dt.date) -> dt.date:
    """The Monday of the day's ISO week."""
    return day - dt.timedelta(days=day.weekday())


class Scope(models.TextChoices):
    FOLLOWED = "followed", _("Every rep I follow or coach")
    CHOSEN = "chosen", _("Only the reps I choose")


class SubscriptionQuerySet(models.QuerySet["Subscription"]):
    def running(self) -> SubscriptionQuerySet:
        """Not stopped, and the recipient still a member with access."""
        return self.filter(
            stopped_at=None, recipient__is_active=True, recipient__user__is_active=True
        )

    def due(self, now: dt.datetime) -> SubscriptionQuerySet:
        return self.running().filter(next_send_at__lte=now).order_by("next_send_at", "id")


class Subscription(models.Model):
    """One person's weekly digest: about which reps, on which weekday at which local hour."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    recipient = models.OneToOneField(
        Membership, on_delete=models.CASCADE, related_name="digest_subscription"
    )
    scope = models.CharField(max_length=16, choices=Scope.choices, default=Scope.FOLLOWED)
    reps = models.ManyToManyField(
        Membership,
        blank=True,
        related_name="+",
        help_text=_("With “only the reps I choose”: which ones."),
    )
    weekday = models.PositiveSmallIntegerField(choices=WEEKDAYS, default=DEFAULT_WEEKDAY)
    hour = models.PositiveSmallIntegerField(
        default=DEFAULT_HOUR, validators=[MaxValueValidator(23)]
    )
    time_zone = models.CharField(
        max_length=64,
        blank=True,
        validators=[validate_time_zone],
        help_text=_("Blank: the time zone of your profile."),
    )
    quiet_weeks = models.BooleanField(
        default=False,
        help_text=_("Send a short digest even in a week when nothing happened."),
    )
    paused_until = models.DateField(null=True, blank=True)
    stopped_at = models.DateTimeField(null=True, blank=True)
    # The planner's watermark: the next moment this subscription falls due, in UTC. Recomputed
    # when a digest is planned and when the schedule changes.
    next_send_at = models.DateTimeField(null=True, blank=True)
    # No week whose send moment comes before this is sent: a subscription made (or moved to an
    # earlier day) on a Wednesday does not send Monday's digest on Wednesday.
    not_before = models.DateTimeField(default=timezone.now)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = SubscriptionQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(
                fields=["next_send_at", "id"],
                condition=Q(stopped_at=None),
                name="digest_subscription_due",
            )
        ]

    def __str__(self) -> str:
        return f"Weekly digest for {self.recipient.user}"

    @property
    def is_stopped(self) -> bool:
        return self.stopped_at is not None

    def zone_name(self) -> str:
        return self.time_zone or self.recipient.user.profile.time_zone

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.zone_name())

    def moment_in_week(self, monday: dt.date) -> dt.datetime:
        """When the digest of the ISO week starting `monday` goes out: the weekday and hour on
        the recipient's clock (a daylight-saving change that day moves nothing: the wall time
        is the same; an hour in a spring-forward gap is the first instant after it)."""
        day = monday + dt.timedelta(days=self.weekday)
        return dates.local_datetime(day, dt.time(self.hour), self.zone).astimezone(dt.UTC)

    def week_of(self, moment: dt.datetime) -> dt.date:
        """The Monday of the ISO week that `moment` falls in, on the recipient's clock."""
        return week_start(moment.astimezone(self.zone).date())

    def next_moment(self, after: dt.datetime) -> dt.datetime:
        """The first send moment after `after` (strictly), not before `not_before`, and past a
        pause (a digest whose day falls on or before `paused_until` is not sent)."""
        monday = self.week_of(after)
        while True:
            moment = self.moment_in_week(monday)
            local_day = moment.astimezone(self.zone).date()
            paused = self.paused_until is not None and local_day <= self.paused_until
            if moment > after and moment >= self.not_before and not paused:
                return moment
            monday += dt.timedelta(weeks=1)

    def reschedule(self, now: dt.datetime) -> None:
        """After a change of schedule: the next moment from now on (the week already sent, if
        any, is not sent again: its Digest row says so)."""
        self.not_before = now
        self.next_send_at = None if self.is_stopped else self.next_moment(now)

    def unsubscribe_token(self) -> str:
        return signing.make_token(UNSUBSCRIBE_SCOPE, self.pk, holder=self.recipient_id)

    def unsubscribe_url(self) -> str:
        return settings.BASE_URL + reverse("digest_unsubscribe", args=[self.unsubscribe_token()])

    def preferences_url(self) -> str:
        return settings.BASE_URL + reverse("digest_preferences", args=[self.workspace.slug])

    def list_id(self) -> str:
        """The List-Id of one workspace's weekly digests (RFC 2919)."""
        return f"Weekly digest <digest.{self.workspace.slug}.{settings.MESSAGE_ID_DOMAIN}>"


def report_week(send_day: dt.date) -> dt.date:
    """Which week a digest sent on `send_day` tells about: sent early in the week (Monday to
    Wednesday), the week that just ended; later, the week so far (a Friday digest reads the
    updates written that day)."""
    monday = week_start(send_day)
    return monday - dt.timedelta(weeks=1) if send_day.weekday() <= 2 else monday


class Outcome(models.TextChoices):
    FULL = "full", _("Sent")
    QUIET = "quiet", _("Quiet week (short)")
    HEARTBEAT = "heartbeat", _("Still running (one line)")
    SKIPPED = "skipped", _("Quiet week, not sent")


class Digest(models.Model):
    """The digest of one subscription for one ISO week (of the recipient's clock): planned once,
    sent by its follow-up (FollowUp.about is this row), or skipped in a quiet week."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    subscription = models.ForeignKey(Subscription, on_delete=models.CASCADE, related_name="digests")
    week = models.DateField(help_text=_("Monday of the ISO week it is sent in."))
    report_week = models.DateField(help_text=_("Monday of the week its figures tell about."))
    send_at = models.DateTimeField()
    outcome = models.CharField(max_length=16, choices=Outcome.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["subscription", "week"], name="one_digest_per_week")
        ]
        ordering = ["-week"]

    def __str__(self) -> str:
        return f"Digest of the week of {self.week} for {self.subscription.recipient.user}"

    @cached_property
    def composed(self) -> Composed:
        """What it says, read now: the email's templates render this at sending time."""
        from followthrough.digests.compose import for_digest

        return for_digest(self)

    def email_headers(self) -> dict[str, str]:
        """The headers a mail provider needs to offer one-click unsubscribe (RFC 8058, RFC 2369)
        and to group the list (RFC 2919). FollowUp.build_message adds them."""
        subscription = self.subscription
        return {
            "List-Unsubscribe": f"<{subscription.unsubscribe_url()}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "List-Id": subscription.list_id(),
        }
