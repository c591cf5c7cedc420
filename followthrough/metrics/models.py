"""Activity and results: the workspace's metrics and each rep's counted entries per day.

A number reaches an Entry in one of three ways: the rep's daily log, a check-in answer (the
numbers of a commitment's measures count by themselves, so nobody types them twice), or an
import. Each source keeps its own rows, so a corrected check-in answer corrects its entry.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from followthrough.accounts.models import Membership, Workspace

MAX_VALUE = Decimal("10000000")


class MetricKind(models.TextChoices):
    ACTIVITY = "activity", _("Activity")
    RESULT = "result", _("Result")


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
        default=list, blank=True, help_text=_("Other names a commitment's measure may use.")
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

    def unit_for(self, value: Decimal | int) -> str:
        """The unit as said of this amount: "1 deal", "2 deals". Units are words typed by
        people (calls, referrals, USD), with no singular of their own: a lower-case word ending
        in "s" drops it for exactly 1 (the default metrics' units all work so)."""
        unit = self.unit
        if value == 1 and unit.islower() and unit.endswith("s") and not unit.endswith("ss"):
            return unit[:-1]
        return unit

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
        return cls.named(list(cls.of(workspace)))

    @staticmethod
    def named(metrics: Sequence[Metric]) -> dict[str, Metric]:
        """As by_name, for metrics already fetched."""
        found: dict[str, Metric] = {}
        for metric in metrics:
            for alias in metric.aliases:
                found.setdefault(normalize(alias), metric)
        for metric in metrics:
            found[normalize(metric.name)] = metric
        return found


class EntrySource(models.TextChoices):
    LOG = "log", _("Daily log")
    CHECKIN = "checkin", _("Check-in answer")
    IMPORT = "import", _("Import")
    DEAL = "deal", _("Won opportunity")


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
    opportunity = models.ForeignKey(
        "pipeline.Opportunity",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="entries",
        help_text="The won opportunity these numbers came from (its deal and its revenue).",
    )
    import_run = models.ForeignKey(
        "ImportRun",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="entries",
        help_text="The CSV import that wrote this entry.",
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
            # A won opportunity counts once per metric (one deal, its value as revenue).
            models.UniqueConstraint(
                fields=["opportunity", "metric"],
                condition=Q(opportunity__isnull=False),
                name="one_entry_per_deal_metric",
            ),
        ]
        indexes = [
            models.Index(fields=["member", "metric", "day"], name="entry_member_day"),
            # The team dashboard sums a workspace's recent days.
            models.Index(fields=["workspace", "day"], name="entry_workspace_day"),
        ]

    def __str__(self) -> str:
        return f"{self.metric.name}: {self.value} on {self.day}"

    @property
    def unit_display(self) -> str:
        """The metric's unit as said of this value ("1 deal")."""
        return self.metric.unit_for(self.value)


class ConfidenceRating(models.Model):
    """The rep's answer to "how confident are you about your plan?", 1 (not at all) to 5.
    Asked with check-ins at most once a week; a drop of two points tells the coach at once."""

    workspace = models.ForeignKey(
        Workspace, on_delete=models.CASCADE, related_name="confidence_ratings"
    )
    member = models.ForeignKey(
        Membership, on_delete=models.CASCADE, related_name="confidence_ratings"
    )
    rating = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.TextField(blank=True)
    response = models.ForeignKey(
        "coaching.Response",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="confidence_ratings",
    )
    rated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-rated_at", "-id"]
        indexes = [models.Index(fields=["member", "rated_at"], name="confidence_member")]

    def __str__(self) -> str:
        return f"{self.rating}/5 on {self.rated_at:%Y-%m-%d}"

    # A fall of this many points from the rating before tells the rep's coaches at once, and
    # marks the rating on the rep's progress and the dashboard (story 000: one review "killed
    # him", and nobody noticed in time).
    ALARMING_DROP = 2

    @classmethod
    def is_alarming_drop(cls, change: int | None) -> bool:
        """Whether a change from the rating before (negative: a fall) needs the coach now."""
        return change is not None and change <= -cls.ALARMING_DROP


class ImportState(models.TextChoices):
    CHECKING = "checking", _("Checking")
    CHECKED = "checked", _("Checked")
    IMPORTED = "imported", _("Imported")
    FAILED = "failed", _("Could not be read")
    DISCARDED = "discarded", _("Discarded")


class ImportRun(models.Model):
    """One CSV upload: checked first (a dry run with a report per row), imported only when the
    person confirms, in one transaction."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="imports")
    member = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="imports")
    kind = models.CharField(
        max_length=16,
        default="entries",
        help_text="What the file holds: entries (numbers), or a kind an app registered "
        "(metrics.imports.register), such as crm_deals.",
    )
    filename = models.CharField(max_length=200)
    content = models.TextField(help_text="The uploaded file, decoded.")
    state = models.CharField(
        max_length=16, choices=ImportState.choices, default=ImportState.CHECKING
    )
    total_rows = models.PositiveIntegerField(default=0)
    checked_rows = models.PositiveIntegerField(default=0)
    good_rows = models.PositiveIntegerField(default=0)
    problems = models.JSONField(
        default=list, blank=True, help_text='[{"line": 3, "message": "..."}, ...]'
    )
    imported_rows = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.filename} ({self.get_state_display()})"
