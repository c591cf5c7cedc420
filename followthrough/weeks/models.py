"""The stored weekly summary of each rep: what figures.compute finds in the source rows for one
rep and one ISO week, kept so that the dashboard, the weekly update and the digests read a row
per rep instead of scanning entries. Receivers (weeks.receivers) recompute a week when one of
its source rows changes; `followthrough rebuild_weeks` recomputes them all. A stored week always
equals what compute() gives from the rows (tests/test_weeks_store.py).

What depends on the clock rather than on the rows is not stored: open loops (a check-in turns
into one when its time passes, without any write) are counted when read.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from followthrough.accounts.models import Membership, Workspace
from followthrough.metrics.models import Metric

DIGITS = 16  # a week's total of daily values of at most 14 digits


class WeekSummary(models.Model):
    """One rep's ISO week (`week` is its Monday). Moments count in the rep's local week."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    rep = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="week_summaries")
    week = models.DateField()
    done = models.PositiveIntegerField(default=0, help_text="Closed done or partly that week.")
    missed = models.PositiveIntegerField(default=0, help_text="Closed missed that week.")
    open = models.PositiveIntegerField(default=0, help_text="Open at the week's end (or now).")
    sessions = models.PositiveIntegerField(default=0, help_text="Sessions finished that week.")
    moves = models.PositiveIntegerField(default=0, help_text="Stage changes that week.")
    pipeline_changes = models.JSONField(
        default=dict, blank=True, help_text='Open pipeline change per currency: {"USD": "-4000"}'
    )
    confidence = models.PositiveSmallIntegerField(null=True, blank=True)
    confidence_before = models.PositiveSmallIntegerField(null=True, blank=True)
    rated = models.BooleanField(default=False, help_text="A new rating that week.")
    # The dashboard's follow-through counts of the commitments due that week (not dropped).
    due = models.PositiveIntegerField(default=0)
    answered = models.PositiveIntegerField(default=0)
    due_done = models.PositiveIntegerField(default=0)
    due_missed = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["rep", "week"], name="one_summary_per_rep_week")
        ]
        indexes = [models.Index(fields=["workspace", "week"], name="summary_workspace_week")]

    def __str__(self) -> str:
        return f"Week of {self.week} for {self.rep_id}"


class WeekMetric(models.Model):
    """One rep's daily totals of one metric over one ISO week (every source), Monday (d0) to
    Sunday (d6), and the week's total. Only weeks with something counted have a row; a week's
    rows are complete whenever its WeekSummary exists."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    rep = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="+")
    metric = models.ForeignKey(Metric, on_delete=models.CASCADE, related_name="+")
    week = models.DateField()
    d0 = models.DecimalField(max_digits=DIGITS, decimal_places=2, default=0)
    d1 = models.DecimalField(max_digits=DIGITS, decimal_places=2, default=0)
    d2 = models.DecimalField(max_digits=DIGITS, decimal_places=2, default=0)
    d3 = models.DecimalField(max_digits=DIGITS, decimal_places=2, default=0)
    d4 = models.DecimalField(max_digits=DIGITS, decimal_places=2, default=0)
    d5 = models.DecimalField(max_digits=DIGITS, decimal_places=2, default=0)
    d6 = models.DecimalField(max_digits=DIGITS, decimal_places=2, default=0)
    total = models.DecimalField(max_digits=DIGITS, decimal_places=2, default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["rep", "week", "metric"], name="one_week_metric_per_rep"
            )
        ]

    def __str__(self) -> str:
        return f"{self.metric_id} in the week of {self.week} for {self.rep_id}"

    DAYS = ("d0", "d1", "d2", "d3", "d4", "d5", "d6")
