"""What the thread's and the reviews' events say on a History page. An event never carries a
note's words (they stay on the note, behind the thread's rules): only who and what kind."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy

from followthrough.events import verbs


def _with_time(sentence: Promise) -> Any:
    """A review's sentence, its time shown in the reader's time zone."""

    def say(data: dict[str, Any]) -> str:
        starts = parse_datetime(str(data.get("starts") or ""))
        when = date_format(timezone.localtime(starts), "D j M, H:i") if starts else ""
        return str(sentence).replace("{starts}", when)

    return say


def register_verbs() -> None:
    verbs.register("thread.noted", gettext_lazy("{actor} wrote a note in the coach–manager thread"))
    verbs.register("thread.shared", gettext_lazy("{actor} shared a note with {rep_name}"))
    verbs.register(
        "review.booked",
        _with_time(gettext_lazy("{actor} booked a review with {rep_name} for {starts}")),
    )
    verbs.register("review.moved", _with_time(gettext_lazy("{actor} moved the review to {starts}")))
    verbs.register(
        "review.cancelled", _with_time(gettext_lazy("{actor} cancelled the review of {starts}"))
    )
