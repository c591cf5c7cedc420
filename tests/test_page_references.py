"""Every aria-describedby (and aria-labelledby, label for) on the key pages of the loop names an
id that is in the page: "Only coaches see these" must reach a screen reader."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from followthrough.coaching import actions
from followthrough.coaching.models import Commitment, Session
from followthrough.followups.models import FollowUp
from tests.coaching_helpers import make_plan
from tests.conftest import World
from tests.html_checks import missing_references

NOW = dt.datetime(2026, 10, 27, 14, 0, tzinfo=dt.UTC)
STARTS = dt.datetime(2026, 10, 29, 15, 0, tzinfo=dt.UTC)


def test_the_check_finds_a_dangling_reference() -> None:
    page = '<p id="a">x</p><input aria-describedby="a b"><label for="c">C</label>'
    assert missing_references(page) == ['<input aria-describedby="b">', '<label for="c">']


def loop(world: World) -> tuple[Session, Session, Commitment]:
    """A scheduled session, and a finished one with a commitment and its follow-ups."""
    plan = make_plan(world)
    coach = world.user("coach")
    scheduled = actions.schedule_session(plan, STARTS, by=coach, invite=True)
    finished = actions.schedule_session(plan, NOW, by=coach)
    commitment = actions.add_commitment(
        finished,
        owner=world.members["rep"],
        text="Call ten past clients",
        due_on=dt.date(2026, 11, 2),
        measures=[{"name": "calls", "target": 10}],
        by=coach,
    )
    actions.finish_session(finished, by=coach)
    return scheduled, finished, commitment


PAGES = [
    ("coach", "get", lambda s, f, c: reverse("session_detail", args=["acme", s.pk]), {}),
    ("coach", "get", lambda s, f, c: reverse("session_detail", args=["acme", f.pk]), {}),
    ("rep", "get", lambda s, f, c: reverse("session_detail", args=["acme", f.pk]), {}),
    # Forms shown again with their errors: the error ids must be there too.
    (
        "coach",
        "post",
        lambda s, f, c: reverse("session_notes", args=["acme", s.pk]),
        {"private_notes": "x" * 20001, "summary": "x" * 20001},
    ),
    (
        "coach",
        "post",
        lambda s, f, c: reverse("commitment_add", args=["acme", s.pk]),
        {"text": "", "due_on": "2020-01-01", "measures": "calls", "followup_at": "x"},
    ),
    (
        "coach",
        "post",
        lambda s, f, c: reverse("session_finish", args=["acme", s.pk]),
        {"next_starts_at": "2020-01-01T10:00"},
    ),
    ("coach", "get", lambda s, f, c: reverse("commitment_detail", args=["acme", c.pk]), {}),
    ("rep", "get", lambda s, f, c: reverse("commitment_detail", args=["acme", c.pk]), {}),
    ("coach", "get", lambda s, f, c: reverse("plan_detail", args=["acme", s.plan_id]), {}),
    ("coach", "get", lambda s, f, c: reverse("plan_new", args=["acme"]), {}),
    ("coach", "get", lambda s, f, c: reverse("workspace_home", args=["acme"]), {}),
    ("rep", "get", lambda s, f, c: reverse("workspace_home", args=["acme"]), {}),
    ("coach", "get", lambda s, f, c: reverse("todos", args=["acme"]), {}),
    ("rep", "get", lambda s, f, c: reverse("day_log", args=["acme"]), {}),
    (None, "get", lambda s, f, c: c.checkin_url().removeprefix("http://testserver"), {}),
    (
        "coach",
        "get",
        lambda s, f, c: FollowUp.objects.about(c).first().get_absolute_url(),  # type: ignore[union-attr]
        {},
    ),
]


@pytest.mark.parametrize(("who", "method", "path", "data"), PAGES)
def test_every_described_by_names_an_id_of_the_page(
    world: World, who: str | None, method: str, path: object, data: dict[str, str]
) -> None:
    with time_machine.travel(NOW, tick=False):
        scheduled, finished, commitment = loop(world)
        url = path(scheduled, finished, commitment)  # type: ignore[operator]
        client = world.client(who)
        response = client.post(url, data) if method == "post" else client.get(url)
        assert response.status_code in (200, 400), url
        assert missing_references(response.text) == [], url
