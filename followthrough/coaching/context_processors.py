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
    since = membership.new_answers_since()  # the same window as the Today page's list
    return {"new_answer_count": answers.filter(updated_at__gt=since).count()}
