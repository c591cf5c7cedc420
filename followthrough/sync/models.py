"""The coach and the rep's managers in sync (story 000): a private thread of notes per rep, and
the reviews a manager holds with the rep, each with a one-page brief the day before.

Who takes part is the rep's coaches, the admins and the stakeholders who follow the rep
(permissions.can_view_thread); the rep reads only the notes shared with them.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy, pgettext_lazy

from followthrough.accounts.models import Membership, Workspace
from followthrough.lib import dates

MAX_NOTE = 4000


class NoteKind(models.TextChoices):
    NOTE = "note", pgettext_lazy("thread note kind", "Note")
    SEEING = "seeing", pgettext_lazy("thread note kind", "I'm seeing this")
    AFTER_REVIEW = "after_review", pgettext_lazy("thread note kind", "After the review")


class Note(models.Model):
    """One note in the private thread about a rep, between the rep's coaches and managers.

    `for_manager`: a coach's note the review brief shows the manager. `shared_with_rep`: only
    then does the rep read it. Text is shown escaped everywhere (never as HTML)."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    rep = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="thread_notes")
    author = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=16, choices=NoteKind.choices, default=NoteKind.NOTE)
    text = models.TextField(max_length=MAX_NOTE)
    for_manager = models.BooleanField(
        default=False, help_text=gettext_lazy("Shown in the manager's review brief.")
    )
    shared_with_rep = models.BooleanField(
        default=False, help_text=gettext_lazy("The rep reads it too.")
    )
    review = models.ForeignKey(
        "Review", null=True, blank=True, on_delete=models.SET_NULL, related_name="notes"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["rep", "-created_at"], name="thread_rep_at")]

    def __str__(self) -> str:
        return f"Note by {self.author.user} on {self.rep.user} at {self.created_at:%Y-%m-%d %H:%M}"

    def get_absolute_url(self) -> str:
        return reverse("thread", args=[self.workspace.slug, self.rep_id]) + f"#note-{self.pk}"


class ReviewState(models.TextChoices):
    SCHEDULED = "scheduled", pgettext_lazy("review state", "Scheduled")
    HELD = "held", pgettext_lazy("review state", "Held")
    CANCELLED = "cancelled", pgettext_lazy("review state", "Cancelled")


class Review(models.Model):
    """A review or one-on-one a manager (a co-coach or a stakeholder following the rep) holds
    with the rep. The brief goes to the manager the working day before (brief_send_at)."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    rep = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="reviews")
    manager = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="reviews_held")
    starts_at = models.DateTimeField()
    location = models.CharField(max_length=200, blank=True)
    state = models.CharField(
        max_length=16, choices=ReviewState.choices, default=ReviewState.SCHEDULED
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-starts_at", "-id"]
        indexes = [models.Index(fields=["rep", "state", "starts_at"], name="review_rep")]

    def __str__(self) -> str:
        return (
            f"Review of {self.rep.user} with {self.manager.user} at {self.starts_at:%Y-%m-%d %H:%M}"
        )

    def get_absolute_url(self) -> str:
        return reverse("review_brief", args=[self.workspace.slug, self.pk])

    @property
    def is_scheduled(self) -> bool:
        return self.state == ReviewState.SCHEDULED

    def brief_send_at(self, now: dt.datetime | None = None) -> dt.datetime:
        """The start of the manager's last working day before the review's day (their zone,
        their working days and holidays), in UTC; now, if that moment has already passed."""
        now = now or timezone.now()
        working = self.manager.user.profile.working_time(self.workspace)
        review_day = timezone.localtime(self.starts_at, working.zone).date()
        day = review_day - dt.timedelta(days=1)
        for _ in range(dates.MAX_DAYS_OFF):
            if dates.is_working_day(day, working):
                break
            day -= dt.timedelta(days=1)
        send_at = dates.local_datetime(day, working.work_starts, working.zone).astimezone(dt.UTC)
        return max(send_at, now)
