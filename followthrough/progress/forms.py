from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone

from followthrough.progress.models import MAX_VALUE, Metric


class DayLogForm(forms.Form):
    """A day's counts: one number per metric, in the order the workspace lists them."""

    day = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))

    def __init__(self, *args: Any, metrics: list[Metric], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.metrics = metrics
        for index, metric in enumerate(metrics):
            self.fields[f"metric_{metric.pk}"] = forms.DecimalField(
                label=metric.name,
                required=False,
                min_value=0,
                max_value=MAX_VALUE,
                max_digits=14,
                decimal_places=2,
                help_text=metric.unit,
                widget=forms.NumberInput(
                    attrs={"inputmode": "decimal", "min": 0, "step": "any", "autofocus": index == 0}
                ),
            )

    def clean_day(self) -> dt.date:
        day: dt.date = self.cleaned_data["day"]
        today = timezone.localdate()
        if day > today:
            raise forms.ValidationError("That day has not happened yet: log today or earlier.")
        if day < today - dt.timedelta(days=366):
            raise forms.ValidationError("Log a day within the last year.")
        return day

    def values(self) -> dict[Metric, Decimal | None]:
        return {m: self.cleaned_data.get(f"metric_{m.pk}") for m in self.metrics}

    def metric_fields(self) -> list[forms.BoundField]:
        return [self[f"metric_{m.pk}"] for m in self.metrics]
