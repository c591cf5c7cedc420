from typing import Any

from django.http import HttpRequest

from followthrough.coaching.models import Response, Source


def new_answers(request: HttpRequest) -> dict[str, Any]:
    """A coach sees on every page how many answers came in since they last looked at Today."""
    membership = getattr(request, "membership", None)
    if membership is None or not membership.is_coach:
        return {}
    answers = Response.objects.filter(commitment__plan__coach=membership).exclude(
        source=Source.COACH
    )
    if membership.today_seen_at is not None:
        answers = answers.filter(updated_at__gt=membership.today_seen_at)
    return {"new_answer_count": answers.count()}
