"""What each verb says on a History page. Apps register their own verbs (coaching/events.py),
so the log knows no app above it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext as _

from followthrough.events.models import Event

# A verb's sentence: a translatable text with {placeholders} filled from the event's data,
# {actor} and {event_at}, or a function of those for sentences with plurals or choices.
Sentence = str | Promise | Callable[[dict[str, Any]], str]

_sentences: dict[str, Sentence] = {}


def register(verb: str, sentence: Sentence) -> None:
    _sentences[verb] = sentence


class _Blank(dict[str, Any]):
    """A placeholder the event's data lacks reads as empty, never an error on a page."""

    def __missing__(self, key: str) -> str:
        return ""


def describe(event: Event) -> str:
    """The event in one plain sentence ("Bob Ruiz answered Partly: calls 5")."""
    actor = event.actor.name if event.actor else _("Followthrough")
    values = _Blank(event.data, actor=actor, event_at=event.at.isoformat())
    sentence = _sentences.get(event.verb)
    if sentence is None:
        return _("%(actor)s: %(verb)s") % {"actor": actor, "verb": event.verb}
    text = sentence(values) if callable(sentence) else str(sentence)
    return text.format_map(values).strip()


def literal(text: str) -> str:
    """A name or label put into a sentence before its placeholders are filled: its braces are
    text, not placeholders."""
    return text.replace("{", "{{").replace("}", "}}")
