"""The confidence pulse: asked with check-ins at most once a week, or from the rep's day page;
a fall of two points tells the coach at once (an email over real SMTP and a to-do)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.urls import clear_script_prefix, reverse, set_script_prefix

from followthrough.coaching import actions as coaching
from followthrough.coaching.models import Commitment, Todo
from followthrough.followups.models import FollowUp, Kind
from followthrough.lib.errors import ActionRefused
from followthrough.metrics import actions
from followthrough.metrics.models import ConfidenceRating
from tests.coaching_helpers import NEW_YORK, live_in, make_session
from tests.conftest import Inbox, World, dispatch, text_body

MONDAY = dt.datetime(2026, 11, 16, 15, 0, tzinfo=dt.UTC)  # 10:00 in New York
LEGEND = "How confident are you that you will reach your plan"


def commitment(world: World, text: str = "Call ten past clients") -> Commitment:
    session = make_session(world)
    return coaching.add_commitment(
        session,
        owner=world.members["rep"],
        text=text,
        due_on=dt.date(2026, 11, 20),
        measures=[{"name": "calls", "target": 10}],
        by=world.user("coach"),
    )


def checkin_url(c: Commitment) -> str:
    return reverse("checkin", args=[c.checkin_token()])


def test_the_checkin_asks_once_a_week_and_answering_again_changes_the_rating(
    world: World,
) -> None:
    live_in(world, "rep", NEW_YORK)
    with time_machine.travel(MONDAY, tick=False) as clock:
        first, second = commitment(world), commitment(world, "Ask for three referrals")
        page = world.client(None).get(checkin_url(first))
        assert LEGEND in page.text
        answer = {"answer": "partly", "measure_0": "6", "comment": "", "confidence": "4"}
        assert world.client(None).post(checkin_url(first), answer).status_code == 200
        [rating] = ConfidenceRating.objects.filter(member=world.members["rep"])
        assert rating.rating == 4 and rating.response == first.current_response()

        # The same check-in again: the question is there, with the rating given, to change it.
        clock.shift(dt.timedelta(hours=2))
        again = world.client(None).get(checkin_url(first))
        assert LEGEND in again.text
        assert re.search(r'name="confidence" value="4"[^>]*checked', again.text)
        world.client(None).post(checkin_url(first), {**answer, "confidence": "3"})
        assert [r.rating for r in ConfidenceRating.objects.all()] == [3]

        # Another check-in within the week does not ask again.
        assert LEGEND not in world.client(None).get(checkin_url(second)).text
        clock.shift(dt.timedelta(days=7))
        assert LEGEND in world.client(None).get(checkin_url(second)).text


def test_a_fall_of_two_points_tells_the_coach_at_once(world: World, smtp_server: Inbox) -> None:
    live_in(world, "rep", NEW_YORK)
    rep = world.members["rep"]
    with time_machine.travel(MONDAY, tick=False) as clock:
        actions.rate_confidence(rep, 4)
        clock.shift(dt.timedelta(days=7))
        c = commitment(world)
        world.client(None).post(checkin_url(c), {"answer": "talk", "confidence": "2"})
        [todo] = Todo.objects.filter(owner=world.members["coach"], text__contains="confidence")
        assert todo.text == "Talk to Rep: confidence fell from 4 to 2 of 5"
        assert todo.due_on == dt.date(2026, 11, 23)
        [notice] = FollowUp.objects.filter(template="confidence_drop")
        assert notice.kind == Kind.NOTICE and notice.to_email == "coach@example.org"
        assert notice.send_at == MONDAY + dt.timedelta(days=7)  # now, not later
        dispatch()
        [message] = [
            m for m in smtp_server.wait_for(2) if "confidence" in str(m["Subject"])
        ]  # the answer notice went too
        assert str(message["Subject"]) == "Rep's confidence fell from 4 to 2 of 5"
        body = text_body(message)
        assert "down from 4" in body
        assert f"http://testserver/w/acme/progress/{rep.pk}/" in body
        [answered] = [m for m in smtp_server.messages if "answered" in str(m["Subject"])]
        assert "Confidence in the plan: 2 of 5" in text_body(answered)


def test_the_drop_notice_links_through_the_url_map(world: World) -> None:
    """The link is the rep_progress route's, wherever the site is mounted (issue 10, item 5)."""
    rep = world.members["rep"]
    with time_machine.travel(MONDAY, tick=False) as clock:
        actions.rate_confidence(rep, 4)
        clock.shift(dt.timedelta(days=7))
        set_script_prefix("/followthrough/")
        try:
            actions.rate_confidence(rep, 2)
        finally:
            clear_script_prefix()
    [notice] = FollowUp.objects.filter(template="confidence_drop")
    assert notice.context["progress_path"] == f"/followthrough/w/acme/progress/{rep.pk}/"


def test_a_fall_of_one_point_or_a_rise_tells_nobody(world: World) -> None:
    rep = world.members["rep"]
    with time_machine.travel(MONDAY, tick=False) as clock:
        for rating in (2, 5, 4, 3):
            actions.rate_confidence(rep, rating)
            clock.shift(dt.timedelta(days=7))
    assert not FollowUp.objects.filter(template="confidence_drop").exists()
    assert not Todo.objects.filter(text__contains="confidence").exists()
    # 5 -> 3 over two weeks is two single steps: only the rating before counts.
    assert ConfidenceRating.objects.count() == 4


@pytest.mark.parametrize("rating", [0, 6, -1])
def test_a_rating_out_of_range_is_refused(world: World, rating: int) -> None:
    with pytest.raises(ActionRefused, match="from 1"):
        actions.rate_confidence(world.members["rep"], rating)
    assert not ConfidenceRating.objects.exists()


def test_the_rep_rates_from_the_day_page(world: World) -> None:
    live_in(world, "rep", NEW_YORK)
    url = reverse("confidence", args=["acme"])
    log = reverse("day_log", args=["acme"])
    with time_machine.travel(MONDAY, tick=False) as clock:
        rep = world.client("rep")
        assert LEGEND in rep.get(log).text
        for bad in ({"rating": "9"}, {"rating": "abc"}, {}):
            response = rep.post(url, bad, follow=True)
            assert "Pick how confident you are" in response.text
        assert not ConfidenceRating.objects.exists()
        response = rep.post(url, {"rating": "3", "comment": "<b>fine</b>"}, follow=True)
        assert "your coach sees how you feel" in response.text
        assert "Last time: <strong>3 of 5</strong>" in response.text
        assert LEGEND not in response.text  # asked again next week
        [rating] = ConfidenceRating.objects.all()
        assert (rating.rating, rating.comment, rating.response) == (3, "<b>fine</b>", None)
        clock.shift(dt.timedelta(days=6, minutes=1))
        assert LEGEND in rep.get(log).text


@pytest.mark.parametrize(
    ("visitor", "status"),
    [("coach", 403), ("admin", 403), ("stakeholder", 403), ("outsider", 404), (None, 302)],
)
def test_only_a_rep_rates_their_own_confidence(
    world: World, visitor: str | None, status: int
) -> None:
    response = world.client(visitor).post(reverse("confidence", args=["acme"]), {"rating": "3"})
    assert response.status_code == status
    assert not ConfidenceRating.objects.exists()


def test_the_pulse_takes_posts_only(world: World) -> None:
    assert world.client("rep").get(reverse("confidence", args=["acme"])).status_code == 405
