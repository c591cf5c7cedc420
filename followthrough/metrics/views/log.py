"""The rep's daily log of activity and results."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from followthrough import permissions
from followthrough.coaching.forms import CONFIDENCE_CHOICES
from followthrough.lib.errors import ActionRefused
from followthrough.metrics import actions
from followthrough.metrics.forms import DayLogForm
from followthrough.metrics.models import Entry, EntrySource, Metric
from followthrough.web.decorators import workspace_view
from followthrough.web.requests import attempt, current, signed_in


@workspace_view(permissions.can_log_activity)
def day_log(request: HttpRequest) -> HttpResponse:
    member = current(request)
    metrics = list(Metric.of(member.workspace))
    today = timezone.localdate()
    try:
        day = dt.date.fromisoformat(request.GET.get("day", "")) if request.GET.get("day") else today
    except ValueError:
        day = today
    day = min(day, today)
    logged = {
        e.metric_id: e.value
        for e in Entry.objects.filter(member=member, day=day, source=EntrySource.LOG)
    }
    initial = {"day": day, **{f"metric_{pk}": value for pk, value in logged.items()}}
    form = DayLogForm(request.POST or None, metrics=metrics, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                count = actions.log_day(
                    member, form.cleaned_data["day"], form.values(), by=signed_in(request)
                )
            except ActionRefused as refusal:
                form.add_error(None, str(refusal))
            else:
                day = form.cleaned_data["day"]
                messages.success(
                    request, f"{count} number{'s' if count != 1 else ''} logged for {day:%a %d %b}."
                )
                return redirect(f"{request.path}?day={day.isoformat()}")
        status = 400
    week_starts = today - dt.timedelta(days=6)
    week = (
        Entry.objects.filter(member=member, day__gte=week_starts, day__lte=today)
        .values("metric__name", "metric__position")
        .annotate(total=Sum("value"))
        .order_by("metric__position")
    )
    # What counted by itself that day: check-in answers and won deals, so nobody logs it twice.
    counted = Entry.objects.filter(
        member=member, day=day, source__in=[EntrySource.CHECKIN, EntrySource.DEAL]
    ).select_related("metric", "response__commitment", "opportunity")
    return render(
        request,
        "metrics/day_log.html",
        {
            "form": form,
            "day": day,
            "today": today,
            "previous_day": day - dt.timedelta(days=1),
            "next_day": day + dt.timedelta(days=1) if day < today else None,
            "week": week,
            "counted": counted,
            "pulse_form": ConfidenceForm() if actions.pulse_due(member) else None,
            "last_rating": actions.last_rating(member),
        },
        status=status,
    )


class ConfidenceForm(forms.Form):
    """The weekly pulse, from the rep's own page."""

    rating = forms.TypedChoiceField(
        label="How confident are you that you will reach your plan's target?",
        choices=CONFIDENCE_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
        help_text="1 is not at all, 5 is very. Your coach sees it.",
    )
    comment = forms.CharField(
        label="What makes it so? (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


@require_POST
@workspace_view(permissions.can_log_activity)
def confidence(request: HttpRequest) -> HttpResponse:
    member = current(request)
    form = ConfidenceForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Pick how confident you are, from 1 to 5.")
    else:
        attempt(
            request,
            lambda: actions.rate_confidence(
                member, form.cleaned_data["rating"], comment=form.cleaned_data["comment"]
            ),
            "Thanks: your coach sees how you feel about the plan.",
        )
    return redirect("day_log", member.workspace.slug)
