import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from followthrough.coaching.models import Response, Source


def new_answers(request: HttpRequest) -> dict[str, Any]:
    """A coach sees on every page how many answers came in since they last looked at Today."""
    membership = getattr(request, "membership", None)
    if membership is None or not membership.is_coach:
        return {}
    answers = Response.objects.filter(commitment__plan__coach=membership).exclude(
        source=Source.COACH
    )
    # The same window as the Today page's list: since the last look, or the past week.
    since = membership.today_seen_at or timezone.now() - dt.timedelta(days=7)
    return {"new_answer_count": answers.filter(updated_at__gt=since).count()}
