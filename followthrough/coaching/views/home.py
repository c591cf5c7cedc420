"""The pages people land on in a workspace (see web.home): a coach's Today, a rep's own page."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from followthrough import permissions
from followthrough.accounts.models import Membership
from followthrough.coaching import queries
from followthrough.coaching.forms import AnswerForm
from followthrough.coaching.models import Commitment
from followthrough.insights.presenters import pace_context
from followthrough.web.decorators import workspace_view
from followthrough.web.requests import current


def today_page(request: HttpRequest) -> HttpResponse:
    member = current(request)
    now = timezone.now()
    response = render(request, "coaching/today.html", queries.today(member, now))
    member.saw_today(now)
    return response


def rep_home(request: HttpRequest) -> HttpResponse:
    """A rep's own page (their home); a coached manager's own coaching (my_coaching)."""
    member = current(request)
    now = timezone.now()
    context = queries.rep_home(member, now)
    today = timezone.localdate(now)
    context.update(
        pending=answer_forms(queries.pending_commitments(member), today),
        paces=[pace_context(p) for p in context.pop("plan_paces")],
        today=today,
    )
    return render(request, "coaching/rep_home.html", context)


@workspace_view(permissions.can_have_own_coaching)
def my_coaching(request: HttpRequest) -> HttpResponse:
    """A coached manager's own plans and commitments, answered as a rep answers (a rep finds
    the same on their home page)."""
    return rep_home(request)


def own_coaching_url(member: Membership) -> str:
    """Where one answers one's own commitments: a rep's home, a manager's own coaching page."""
    name = "workspace_home" if member.is_rep else "my_coaching"
    return reverse(name, args=[member.workspace.slug])


def answer_forms(pending: list[Commitment], today: dt.date) -> list[tuple[Commitment, AnswerForm]]:
    """Each commitment waiting for the rep's word, with its answer form."""
    readers: dict[int, permissions.Readers] = {}
    for c in pending:  # once per plan, not per commitment
        if c.plan_id not in readers:
            readers[c.plan_id] = permissions.word_readers(c.plan)
    return [
        (
            c,
            AnswerForm(
                commitment=c, today=today, auto_id=f"c{c.pk}_%s", readers=readers[c.plan_id]
            ),
        )
        for c in pending
    ]
