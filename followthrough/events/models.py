"""The event log: who did what to what, and when.

Every action writes one Event inside its own transaction (events.actions.record), so the log
never claims something that was rolled back. History pages, weekly updates, webhooks and
adoption figures read it instead of guessing from the current state of the rows.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy

from followthrough.accounts.models import Membership, Workspace


class EventQuerySet(models.QuerySet["Event"]):
    def about(self, thing: models.Model) -> EventQuerySet:
        return self.filter(about_type=ContentType.objects.get_for_model(thing), about_id=thing.pk)

    def newest_first(self) -> EventQuerySet:
        return self.order_by("-at", "-id")


class Event(models.Model):
    """One thing that happened in a workspace.

    `verb` names it ("commitment.answered"); `about` is the object it happened to; `rep` is
    whose story it belongs to (a rep's History lists these) and `plan_id` the plan it is part
    of, kept as a plain number so that the log depends on no app above it. `data` holds the
    figures the History line needs, never a rep's own words (those stay on their rows, behind
    the sharing rules). `private` events are for those who run the plan only.
    """

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=gettext_lazy("Who did it; empty when the system did (a dispatcher, a schedule)."),
    )
    verb = models.CharField(max_length=64)
    about_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    about_id = models.PositiveBigIntegerField()
    rep = models.ForeignKey(
        Membership, null=True, blank=True, on_delete=models.CASCADE, related_name="events"
    )
    plan_id = models.PositiveBigIntegerField(null=True, blank=True)
    data = models.JSONField(default=dict, blank=True)
    private = models.BooleanField(default=False)
    at = models.DateTimeField(default=timezone.now)

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["rep", "-at"], name="event_rep_at"),
            models.Index(fields=["plan_id", "-at"], name="event_plan_at"),
            models.Index(fields=["workspace", "-at"], name="event_workspace_at"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.verb} {self.about_type_id}:{self.about_id}"
