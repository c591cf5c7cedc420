"""Which page a person lands on in a workspace, by role: the one place that knows every app's
home page."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse

from followthrough.accounts import views as accounts_views
from followthrough.coaching.views import home as coaching_home
from followthrough.web.decorators import workspace_view
from followthrough.web.requests import current


@workspace_view()
def workspace_home(request: HttpRequest) -> HttpResponse:
    """Coaches land on Today, reps on their own page, stakeholders on the reps they follow."""
    member = current(request)
    if member.is_coach:
        return coaching_home.today_page(request)
    if member.is_rep:
        return coaching_home.rep_home(request)
    return accounts_views.overview(request)
