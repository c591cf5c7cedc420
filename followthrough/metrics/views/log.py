"""The rep's daily log of activity and results."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import dateformat, timezone
from django.utils.translation import gettext, ngettext
from django.views.decorators.http import require_POST

from followthrough import permissions
from followthrough.lib.errors import ActionRefused
from followthrough.metrics import actions, queries
from followthrough.metrics.forms import ConfidenceForm, DayLogForm, chosen_day
from followthrough.metrics.models import Metric
from followthrough.web.decorators import workspace_view
from followthrough.web.requests import attempt, current, signed_in


@workspace_view(permissions.can_log_activity)
def day_log(request: HttpRequest) -> HttpResponse:
    member = current(request)
    today = timezone.localdate()
    day = chosen_day(request.GET.get("day"), today)
    initial = {"day": day, **queries.logged_initial(member, day)}
    form = DayLogForm(
        request.POST or None, metrics=list(Metric.of(member.workspace)), initial=initial
    )
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
                logged = ngettext(
                    "%(count)s number logged for %(day)s.",
                    "%(count)s numbers logged for %(day)s.",
                    count,
                ) % {"count": count, "day": dateformat.format(day, "D d M")}
                messages.success(request, logged)
                return redirect(f"{request.path}?day={day.isoformat()}")
        status = 400
    context = {
        "form": form,
        "day": day,
        "today": today,
        "previous_day": day - dt.timedelta(days=1),
        "next_day": day + dt.timedelta(days=1) if day < today else None,
        "week": queries.week_totals(member, today),
        "counted": queries.counted_by_itself(member, day),
        "pulse_form": ConfidenceForm() if actions.pulse_due(member) else None,
        "last_rating": actions.last_rating(member),
    }
    return render(request, "metrics/day_log.html", context, status=status)


@require_POST
@workspace_view(permissions.can_log_activity)
def confidence(request: HttpRequest) -> HttpResponse:
    member = current(request)
    form = ConfidenceForm(request.POST)
    if not form.is_valid():
        messages.error(request, gettext("Pick how confident you are, from 1 to 5."))
    else:
        attempt(
            request,
            lambda: actions.rate_confidence(
                member,
                form.cleaned_data["rating"],
                comment=form.cleaned_data["comment"],
                by=signed_in(request),
            ),
            gettext("Thanks: your coach sees how you feel about the plan."),
        )
    return redirect("day_log", member.workspace.slug)
