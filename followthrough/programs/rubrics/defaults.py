"""The rubric Followthrough ships: a coaching conversation, six observable behaviours, each
from 0 (not done) to 3 (done well). Its words are translated; a workspace's copy is written in
the workspace's language when it is made (actions.default_rubric), then it is the workspace's;
while a text is still the shipped one, each person reads it in their own language (read)."""

from __future__ import annotations

import functools

from django.conf import settings
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

KEY = "coaching_conversation"
NAME = _("Coaching conversation")
DESCRIPTION = _(
    "Six behaviours of a coaching conversation, each scored from 0 (not done) to 3 (done well)."
)

# (criterion, [definition of 0, 1, 2, 3 points])
CRITERIA: list[tuple[Promise, list[Promise]]] = [
    (
        _("Reviewed the commitments from last time"),
        [
            _("Not done: did not mention last time's commitments."),
            _("Attempted: mentioned them without asking how each one went."),
            _("Done: went through each commitment and asked how it went."),
            _("Done well: went through each one, asked what was learned, carried the open ones."),
        ],
    ),
    (
        _("Asked before telling"),
        [
            _("Not done: told the rep what to do from the start."),
            _("Attempted: asked one question, then gave the answer."),
            _("Done: asked open questions before offering advice."),
            _("Done well: asked until the rep found the answer; advised only when needed."),
        ],
    ),
    (
        _("Set one measurable commitment with a date"),
        [
            _("Not done: no commitment was set."),
            _("Attempted: a vague commitment, with no number or no date."),
            _("Done: one commitment with a number and a date."),
            _("Done well: one commitment with a number and a date, in the rep's own words."),
        ],
    ),
    (
        _("Agreed when to follow up"),
        [
            _("Not done: no follow-up was agreed."),
            _("Attempted: said they would check in, with no date."),
            _("Done: agreed on a date to follow up."),
            _("Done well: agreed on the date and the way (a check-in, a meeting), written down."),
        ],
    ),
    (
        _("The rep talked more than the manager"),
        [
            _("Not done: the manager talked most of the time."),
            _("Attempted: about half and half."),
            _("Done: the rep talked more than the manager."),
            _("Done well: the rep talked most of the time; the manager listened and summed up."),
        ],
    ),
    (
        _("Confirmed the next step"),
        [
            _("Not done: the conversation ended with no next step."),
            _("Attempted: a next step was implied, not said."),
            _("Done: the manager stated the next step."),
            _("Done well: the rep said the next step back in their own words."),
        ],
    ),
]


def _texts() -> list[Promise]:
    return [NAME, DESCRIPTION, *(t for text, levels in CRITERIA for t in (text, *levels))]


@functools.cache
def _shipped(language: str) -> dict[str, Promise]:
    """The shipped texts as written in `language` -> the translatable text."""
    with translation.override(language):
        return {str(text): text for text in _texts()}


def read(text: str) -> str:
    """A rubric's words for the reader: a shipped text still as shipped (in any language) is
    read in the reader's language, like a default metric's name; anything people wrote is
    theirs, as written."""
    for code, _name in settings.LANGUAGES:
        found = _shipped(code).get(text)
        if found is not None:
            return str(found)
    return text
