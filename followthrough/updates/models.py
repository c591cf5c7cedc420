"""The rep's weekly update (story 000: "He gives us a weekly status update"), the weekly ask
that requests it, and when each rep is asked.

A week is named by its Monday, in the rep's own time zone (ISO weeks start on Monday).
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone

from followthrough.accounts.models import WEEKDAYS, Membership, Workspace
from followthrough.coaching.models import SharedWords
from followthrough.lib import dates, signing
from followthrough.weeks.figures import week_of

# The link in the ask works for the week asked about and a while after, to catch up.
ASK_LINK_AGE = dt.timedelta(days=21)
ASK_SCOPE = "weekly_update"

# When a rep is asked unless they chose otherwise: Friday 15:00 in their own zone.
DEFAULT_WEEKDAY = 4
DEFAULT_HOUR = 15


def week_of_rep(rep: Membership, now: dt.datetime) -> dt.date:
    """The Monday of the rep's current week, on the rep's own calendar."""
    return week_of(now.astimezone(rep_zone(rep)).date())


def rep_zone(rep: Membership) -> ZoneInfo:
    profile = getattr(rep.user, "profile", None)
    return profile.zone if profile is not None else ZoneInfo("UTC")


class WeeklyUpdate(SharedWords):
    """What the rep says about one week: wins, what is next, where they need help, and how
    confident they are. One per rep and week; writing again that week edits it. The words are
    the rep's own: stakeholders read them only once shared (permissions.can_read_words)."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    rep = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="weekly_updates")
    week = models.DateField(help_text="The Monday of the ISO week, in the rep's time zone.")
    wins = models.TextField(blank=True)
    next_steps = models.TextField(blank=True)
    help_needed = models.TextField(blank=True)
    # Same scale as metrics.ConfidenceRating (1 to 5); the answer is also recorded there.
    confidence = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    confidence_rating = models.OneToOneField(
        "metrics.ConfidenceRating",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="weekly_update",
    )
    written_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-week", "rep_id"]
        constraints = [
            models.UniqueConstraint(fields=["rep", "week"], name="one_update_per_rep_week")
        ]

    def __str__(self) -> str:
        return f"Update of {self.rep_id} for the week of {self.week:%Y-%m-%d}"

    @classmethod
    def of(cls, rep: Membership, week: dt.date) -> WeeklyUpdate | None:
        """The rep's update for the week holding `week` (any day of it), or None."""
        return cls.objects.filter(rep=rep, week=week_of(week)).first()

    def is_empty(self) -> bool:
        return not (self.wins or self.next_steps or self.help_needed or self.confidence)


class AskSetting(models.Model):
    """When a rep is asked for the weekly update, in their own zone (the default without a
    row: Friday 15:00)."""

    rep = models.OneToOneField(Membership, on_delete=models.CASCADE, related_name="update_ask")
    weekday = models.PositiveSmallIntegerField(
        default=DEFAULT_WEEKDAY,
        choices=WEEKDAYS,
        validators=[MaxValueValidator(6)],
        help_text="0 is Monday.",
    )
    hour = models.PositiveSmallIntegerField(
        default=DEFAULT_HOUR, validators=[MaxValueValidator(23)]
    )

    def __str__(self) -> str:
        return f"Ask {self.rep_id} on day {self.weekday} at {self.hour}:00"

    @classmethod
    def of(cls, rep: Membership) -> AskSetting:
        """The rep's setting, or the default (unsaved) when they chose none."""
        found = cls.objects.filter(rep=rep).first()
        return found if found is not None else cls(rep=rep)

    def moment(self, week: dt.date, zone: ZoneInfo) -> dt.datetime:
        """When the ask of the week starting on Monday `week` goes out, in UTC: the rep's day
        and hour on their clock, whatever the offset that day (a daylight-saving change that
        week moves the UTC time, not the local one; an hour in a spring-forward gap moves to
        just after it, as dates.local_datetime does)."""
        day = week + dt.timedelta(days=self.weekday)
        return dates.local_datetime(day, dt.time(self.hour), zone).astimezone(dt.UTC)


class UpdateAsk(models.Model):
    """The one weekly ask of one rep for one week. Created with its follow-up (and its
    reminder) in one transaction; the unique (rep, week) makes a second planner, a restart or a
    re-run create nothing more."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    rep = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="update_asks")
    week = models.DateField(help_text="The Monday of the ISO week, in the rep's time zone.")
    ask_at = models.DateTimeField()
    followup = models.ForeignKey(
        "followups.FollowUp", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reminder = models.ForeignKey(
        "followups.FollowUp", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-week", "rep_id"]
        constraints = [models.UniqueConstraint(fields=["rep", "week"], name="one_ask_per_rep_week")]

    def __str__(self) -> str:
        return f"Ask of {self.rep_id} for the week of {self.week:%Y-%m-%d}"

    def token(self) -> str:
        return signing.make_token(ASK_SCOPE, self.pk)

    def url(self) -> str:
        return settings.BASE_URL + reverse("weekly_update_link", args=[self.token()])

    def answered(self) -> bool:
        return WeeklyUpdate.objects.filter(rep_id=self.rep_id, week=self.week).exists()
