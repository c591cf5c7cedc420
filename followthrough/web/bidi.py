"""Names in a sentence, kept whole whatever their script (a template filter every template
has: settings.TEMPLATES' builtins).

An Arabic or Hebrew name in an English or Spanish sentence reorders the words around it
("Coach ya tiene tu respuesta" with the name before it would read backwards from the name on).
`{{ name|bdi }}` isolates such a name: <bdi> in HTML, the Unicode isolates FSI…PDI in plain
text (text emails, subjects). A name with no right-to-left letter is left as it is: it cannot
reorder a left-to-right sentence, and pages stay byte for byte as they were.
"""

from __future__ import annotations

import unicodedata

from django import template
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString

register = template.Library()
FIRST_STRONG_ISOLATE, POP_DIRECTIONAL_ISOLATE = "\u2068", "\u2069"


def right_to_left(text: str) -> bool:
    """Whether any letter is written right to left (Hebrew, Arabic, Syriac, Thaana...)."""
    return any(unicodedata.bidirectional(char) in ("R", "AL") for char in text)


@register.filter(needs_autoescape=True)
def bdi(value: object, autoescape: bool = True) -> str | SafeString:
    text = str(value)
    if not right_to_left(text):
        return conditional_escape(text) if autoescape else text
    if autoescape:
        return format_html("<bdi>{}</bdi>", text)
    return f"{FIRST_STRONG_ISOLATE}{text}{POP_DIRECTIONAL_ISOLATE}"
