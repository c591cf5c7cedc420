"""Issue 11: short dates as each language writes them ("Fri 4 Dec", "vie 4 dic"), one home for
them (lib.shortdates, the |short filter), used by every template and by Python."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from django.template import Context, Template
from django.utils import timezone, translation

from followthrough.lib.shortdates import FORMATS, short

FRIDAY = dt.datetime(2026, 12, 4, 15, 30, tzinfo=dt.UTC)
TEMPLATES = Path(__file__).resolve().parent.parent / "followthrough" / "templates"


@pytest.mark.parametrize(
    ("fmt", "english", "spanish"),
    [
        ("D j M", "Fri 4 Dec", "vie 4 dic"),
        ("D j M, H:i", "Fri 4 Dec, 15:30", "vie 4 dic, 15:30"),
        ("j M Y", "4 Dec 2026", "4 dic 2026"),
        ("j M", "4 Dec", "4 dic"),
        ("D j M Y", "Fri 4 Dec 2026", "vie 4 dic 2026"),
        ("l j F", "Friday 4 December", "viernes 4 de diciembre"),
        ("l j F Y", "Friday 4 December 2026", "viernes 4 de diciembre de 2026"),
    ],
)
def test_short_dates_in_each_language(fmt: str, english: str, spanish: str) -> None:
    naive = FRIDAY.replace(tzinfo=None)
    with translation.override("en"):
        assert short(naive, fmt) == english
    with translation.override("es"):
        assert short(naive, fmt) == spanish


def test_every_short_format_has_its_spanish_with_lower_case_months() -> None:
    with translation.override("es"):
        for fmt, translated in FORMATS.items():
            assert str(translated) != fmt or "M" not in fmt, fmt
            assert "M" not in str(translated), fmt  # "b": "dic", never Django's "Dic"


def test_the_filter_in_templates_uses_the_readers_zone_and_language() -> None:
    template = Template('{{ moment|short:"D j M, H:i" }}')
    with translation.override("es"), timezone.override("America/New_York"):
        assert template.render(Context({"moment": FRIDAY})) == "vie 4 dic, 10:30"
    assert Template('{{ nothing|short:"D j M" }}').render(Context({"nothing": None})) == ""


def test_templates_write_dates_only_through_the_short_filter() -> None:
    """A |date with a month or weekday would give "Dic" in Spanish again."""
    for path in TEMPLATES.rglob("*"):
        if path.suffix in (".html", ".txt"):
            for fmt in re.findall(r'\|date:"([^"]+)"', path.read_text()):
                # Django's named formats (DATE_FORMAT) are each language's own.
                named = re.fullmatch(r"[A-Z_]+", fmt)
                assert named or not re.search(r"[DMlFbN]", fmt), f"{path.name}: |date:{fmt!r}"


def test_every_short_format_a_template_uses_is_known() -> None:
    """|short with a format shortdates does not list would fail the page (a KeyError)."""
    used = {
        fmt
        for path in TEMPLATES.rglob("*")
        if path.suffix in (".html", ".txt")
        for fmt in re.findall(r'\|short:"([^"]+)"', path.read_text())
    }
    assert used and used <= set(FORMATS), sorted(used - set(FORMATS))
