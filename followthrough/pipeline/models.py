"""The pipeline: each rep's opportunities and the history of their stages. A won opportunity is
a deal and counts as revenue in metrics (see actions)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from followthrough.accounts.models import Membership, Workspace


class Stage(models.TextChoices):
    """Where an opportunity stands; the order is the board's columns."""

    LEAD = "lead", _("Lead")
    QUALIFIED = "qualified", _("Qualified")
    MEETING = "meeting", _("Meeting held")
    PROPOSAL = "proposal", _("Proposal sent")
    NEGOTIATION = "negotiation", _("Negotiation")
    WON = "won", _("Won")
    LOST = "lost", _("Lost")

    @classmethod
    def open_stages(cls) -> list[str]:
        return [cls.LEAD, cls.QUALIFIED, cls.MEETING, cls.PROPOSAL, cls.NEGOTIATION]


class Opportunity(models.Model):
    """A pipeline item of one rep; a won one is a deal and counts as revenue (see actions)."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="opportunities")
    owner = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="opportunities")
    account = models.CharField(max_length=200, help_text=_("The company or household."))
    contact_name = models.CharField(max_length=200, blank=True)
    contact_email = models.EmailField(blank=True)
    value = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal(0))
    currency = models.CharField(max_length=3, default="USD")
    stage = models.CharField(max_length=16, choices=Stage.choices, default=Stage.LEAD)
    expected_close_on = models.DateField(null=True, blank=True)
    next_step = models.CharField(max_length=300, blank=True)
    closed_on = models.DateField(null=True, blank=True, help_text=_("The day it was won or lost."))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["expected_close_on", "id"]
        verbose_name_plural = _("opportunities")
        indexes = [models.Index(fields=["workspace", "owner", "stage"], name="opportunity_owner")]

    def __str__(self) -> str:
        return f"{self.account} ({self.get_stage_display()})"

    @property
    def is_open(self) -> bool:
        return self.stage in Stage.open_stages()

    @property
    def is_won(self) -> bool:
        return self.stage == Stage.WON


class StageChange(models.Model):
    """One move of an opportunity from a stage to another: its history."""

    opportunity = models.ForeignKey(
        Opportunity, on_delete=models.CASCADE, related_name="stage_changes"
    )
    from_stage = models.CharField(max_length=16, choices=Stage.choices, blank=True)
    to_stage = models.CharField(max_length=16, choices=Stage.choices)
    changed_at = models.DateTimeField(default=timezone.now)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["changed_at", "id"]

    def __str__(self) -> str:
        return f"{self.from_stage or 'new'} -> {self.to_stage}"
