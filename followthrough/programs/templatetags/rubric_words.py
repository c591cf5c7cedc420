"""{{ text|rubric_words }}: a rubric's words as the reader reads them (rubrics.defaults.read)."""

from __future__ import annotations

from django import template

from followthrough.programs.rubrics import defaults

register = template.Library()


@register.filter
def rubric_words(text: str) -> str:
    return defaults.read(str(text))
