from typing import Any

from django.http import HttpRequest

from followthrough.coaching import queries


def new_answers(request: HttpRequest) -> dict[str, Any]:
    """A coach sees on every page how many answers came in since they last looked at Today:
    the same answers, and the same window, as Today's list (co-coached reps included)."""
    membership = getattr(request, "membership", None)
    if membership is None or not membership.is_coach:
        return {}
    answers = queries.new_answers(membership, membership.new_answers_since())
    return {"new_answer_count": answers.count()}
