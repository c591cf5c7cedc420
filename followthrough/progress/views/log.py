"""The rep's daily log of activity and results."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.db.models import Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from followthrough import permissions
from followthrough.accounts.actions import ActionRefused
from followthrough.accounts.decorators import workspace_view
from followthrough.accounts.requests import current, signed_in
from followthrough.progress import actions
from followthrough.progress.forms import DayLogForm
from followthrough.progress.models import Entry, EntrySource, Metric


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
    from_checkins = Entry.objects.filter(
        member=member, day=day, source=EntrySource.CHECKIN
    ).select_related("metric", "response__commitment")
    return render(
        request,
        "progress/day_log.html",
        {
            "form": form,
            "day": day,
            "today": today,
            "previous_day": day - dt.timedelta(days=1),
            "next_day": day + dt.timedelta(days=1) if day < today else None,
            "week": week,
            "from_checkins": from_checkins,
        },
        status=status,
    )


@workspace_view(permissions.can_log_activity)
def confidence(request: HttpRequest) -> HttpResponse:
    raise Http404("not yet")
