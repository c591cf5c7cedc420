"""A rep's progress page: each plan's pace, activity by week, conversion, confidence."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext

from followthrough import permissions
from followthrough.accounts.models import Membership, Role
from followthrough.insights import presenters
from followthrough.metrics.models import ConfidenceRating
from followthrough.web.decorators import workspace_view
from followthrough.web.requests import current


@workspace_view()
def rep_progress(request: HttpRequest, member_id: int) -> HttpResponse:
    viewer = current(request)
    rep = get_object_or_404(
        Membership.objects.select_related("user__profile", "workspace"),
        pk=member_id,
        workspace=viewer.workspace,
        role=Role.REP,
    )
    if not permissions.can_view_rep_private(viewer, rep):
        raise PermissionDenied(
            gettext("You may see the progress of yourself or the reps you coach or follow.")
        )
    today = timezone.localdate(timezone.now(), rep.user.profile.zone)
    return render(
        request,
        "insights/rep_progress.html",
        {
            "rep": rep,
            "today": today,
            **presenters.progress(rep, today),
            "is_self": viewer.pk == rep.pk,
            # The pulse's comment is the rep's own words, never shared with stakeholders.
            "reads_words": permissions.can_read_words(viewer, rep, shared=False),
            "alarming_drop": ConfidenceRating.ALARMING_DROP,
        },
    )
