"""insights.presenters: what the pages show, built outside the views (issue 10, item 3)."""

from __future__ import annotations

from followthrough.insights import presenters


def test_a_sorted_column_turns_round_and_the_others_start_ascending() -> None:
    headers = {h["key"]: h for h in presenters.sort_headers("pace", descending=False)}
    assert next(iter(headers)) == presenters.DEFAULT_SORT
    assert (headers["pace"]["link"], headers["pace"]["aria_sort"]) == ("-pace", "ascending")
    assert (headers["done"]["link"], headers["done"]["aria_sort"]) == ("done", "")
    turned = {h["key"]: h for h in presenters.sort_headers("pace", descending=True)}
    assert (turned["pace"]["link"], turned["pace"]["aria_sort"]) == ("pace", "descending")


def test_the_trend_arrow_says_its_words_to_screen_readers() -> None:
    assert "▲" in presenters.trend("up") and "visually-hidden" in presenters.trend("up")
    assert presenters.trend("same") == ""
