"""Activity and results: the workspace's metrics and each rep's counted entries per day.

A number reaches an Entry in one of three ways: the rep's daily log, a check-in answer (the
numbers of a commitment's measures count by themselves, so nobody types them twice), or an
import. Each source keeps its own rows, so a corrected check-in answer corrects its entry.
"""

from __future__ import annotations

import re
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from followthrough.accounts.models import Membership, Workspace

MAX_VALUE = Decimal("10000000")


class MetricKind(models.TextChoices):
    ACTIVITY = "activity", "Activity"
    RESULT = "result", "Result"


# name, unit, kind, other names a commitment's measure may use for it
DEFAULT_METRICS: list[tuple[str, str, MetricKind, list[str]]] = [
    ("Calls made", "calls", MetricKind.ACTIVITY, ["calls", "call", "dials"]),
    ("Conversations", "conversations", MetricKind.ACTIVITY, ["conversation", "talks"]),
    ("Referrals asked", "referrals", MetricKind.ACTIVITY, ["referrals requested", "asks"]),
    ("Referrals received", "referrals", MetricKind.RESULT, ["referrals", "referrals got"]),
    ("Meetings booked", "meetings", MetricKind.ACTIVITY, ["meetings", "meeting", "appointments"]),
    ("Proposals sent", "proposals", MetricKind.ACTIVITY, ["proposals", "proposal", "quotes"]),
    ("Deals won", "deals", MetricKind.RESULT, ["deals", "deals closed", "wins", "sales"]),
    ("Revenue", "USD", MetricKind.RESULT, ["sales revenue", "revenue won"]),
]


def normalize(name: str) -> str:
    """ "Referrals  Asked" and "referrals asked" are one name."""
    return re.sub(r"\s+", " ", name).strip().casefold()


class Metric(models.Model):
    """Something counted per person per day, with a unit; activity (done) or result (got)."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="metrics")
    name = models.CharField(max_length=60)
    unit = models.CharField(max_length=16, blank=True)
    kind = models.CharField(max_length=16, choices=MetricKind.choices, default=MetricKind.ACTIVITY)
    aliases = models.JSONField(
        default=list, blank=True, help_text="Other names a commitment's measure may use."
    )
    position = models.PositiveSmallIntegerField(default=100)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "name"], name="one_metric_per_name")
        ]

    def __str__(self) -> str:
        return self.name

    def names(self) -> set[str]:
        return {normalize(self.name), *(normalize(alias) for alias in self.aliases)}

    @classmethod
    def of(cls, workspace: Workspace) -> models.QuerySet[Metric]:
        """The workspace's metrics; a workspace that has none gets the defaults first."""
        metrics = cls.objects.filter(workspace=workspace)
        if not metrics.exists():
            Metric.objects.bulk_create(
                [
                    Metric(
                        workspace=workspace,
                        name=name,
                        unit=unit,
                        kind=kind,
                        aliases=aliases,
                        position=position,
                    )
                    for position, (name, unit, kind, aliases) in enumerate(DEFAULT_METRICS)
                ],
                ignore_conflicts=True,
            )
        return metrics.all()

    @classmethod
    def by_name(cls, workspace: Workspace) -> dict[str, Metric]:
        """Every name and alias of the workspace's metrics, normalised, to its metric. A name
        that is a metric's own name wins over another metric's alias."""
        found: dict[str, Metric] = {}
        metrics = list(cls.of(workspace))
        for metric in metrics:
            for alias in metric.aliases:
                found.setdefault(normalize(alias), metric)
        for metric in metrics:
            found[normalize(metric.name)] = metric
        return found


class EntrySource(models.TextChoices):
    LOG = "log", "Daily log"
    CHECKIN = "checkin", "Check-in answer"
    IMPORT = "import", "Import"


class Entry(models.Model):
    """A count of one metric for one person on one day (their local day)."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="entries")
    member = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="entries")
    metric = models.ForeignKey(Metric, on_delete=models.CASCADE, related_name="entries")
    day = models.DateField()
    value = models.DecimalField(max_digits=14, decimal_places=2)
    source = models.CharField(max_length=16, choices=EntrySource.choices, default=EntrySource.LOG)
    response = models.ForeignKey(
        "coaching.Response",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="entries",
        help_text="The check-in answer these numbers came from.",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-day", "metric__position"]
        verbose_name_plural = "entries"
        constraints = [
            # One logged number per person, metric and day: logging again corrects it.
            models.UniqueConstraint(
                fields=["member", "metric", "day"],
                condition=Q(source="log"),
                name="one_log_entry_per_day",
            ),
            # One entry per metric of a check-in answer: answering again corrects it.
            models.UniqueConstraint(
                fields=["response", "metric"],
                condition=Q(response__isnull=False),
                name="one_entry_per_answer_metric",
            ),
        ]
        indexes = [models.Index(fields=["member", "metric", "day"], name="entry_member_day")]

    def __str__(self) -> str:
        return f"{self.metric.name}: {self.value} on {self.day}"
