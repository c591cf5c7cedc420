"""The weekly update's pages: the signed link (no login; tampered, expired; the rep's language;
words harmless), the rep's own page from their home, and who reads the update."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from followthrough import permissions
from followthrough.accounts import actions as accounts
from followthrough.accounts.models import Profile
from followthrough.coaching import actions as coaching
from followthrough.events.models import Event
from followthrough.lib import signing
from followthrough.lib.errors import ActionRefused
from followthrough.metrics import actions as metrics
from followthrough.metrics.models import Metric, MetricKind
from followthrough.updates import actions
from followthrough.updates.models import UpdateAsk, WeeklyUpdate
from tests.conftest import World

UTC = dt.UTC
WEDNESDAY = dt.datetime(2026, 11, 4, 10, tzinfo=UTC)
MONDAY = dt.date(2026, 11, 2)


@pytest.fixture
def asked(world: World) -> UpdateAsk:
    coaching.create_plan(
        coach=world.members["coach"],
        rep=world.members["rep"],
        purpose="Keep the job",
        starts_on=dt.date(2026, 10, 1),
        deadline=dt.date(2026, 12, 31),
    )
    with time_machine.travel(WEDNESDAY, tick=False):
        actions.plan_asks()
    return UpdateAsk.objects.get(rep=world.members["rep"])


def link(ask: UpdateAsk) -> str:
    return reverse("weekly_update_link", args=[ask.token()])


def test_the_link_page_shows_the_weeks_figures_filled_in(world: World, asked: UpdateAsk) -> None:
    calls = Metric.objects.create(workspace=world.workspace, name="calls", kind=MetricKind.ACTIVITY)
    with time_machine.travel(WEDNESDAY, tick=False):
        metrics.log_day(world.members["rep"], MONDAY, {calls: Decimal(12)}, by=world.user("rep"))
        page = world.client(None).get(link(asked))
    assert page.status_code == 200
    text = page.content.decode()
    assert "My weekly update" in text and "The week of 2 November to 8 November 2026" in text
    assert "Your week in figures" in text
    assert "<dd>12 " in text  # the activity, not asked again
    assert 'name="wins"' in text and 'name="confidence"' in text
    # Who reads it, said where the rep writes, and the choice to share with the stakeholder.
    assert "Your coach Coach reads this." in text
    assert "Share my update with Stakeholder" in text


def test_the_link_needs_no_login_and_saves_the_update(world: World, asked: UpdateAsk) -> None:
    with time_machine.travel(WEDNESDAY, tick=False):
        page = world.client(None).post(
            link(asked),
            {"wins": "Closed Dana", "next_steps": "Call Lee", "help_needed": "", "share": "1"},
        )
    assert page.status_code == 200
    assert "Thanks, Rep." in page.content.decode()
    update = WeeklyUpdate.objects.get()
    assert (update.week, update.wins, update.next_steps, update.words_shared) == (
        MONDAY,
        "Closed Dana",
        "Call Lee",
        True,
    )
    assert update.words_shared_by == world.user("rep")
    event = Event.objects.get(verb="update.written")
    assert event.rep == world.members["rep"] and "Closed Dana" not in str(event.data)


def test_an_empty_update_is_refused_with_a_message(world: World, asked: UpdateAsk) -> None:
    with time_machine.travel(WEDNESDAY, tick=False):
        page = world.client(None).post(link(asked), {"wins": "  "})
    assert page.status_code == 400
    assert "Write at least one line" in page.content.decode()
    assert not WeeklyUpdate.objects.exists()


def test_a_tampered_link_gets_a_clear_page(world: World, asked: UpdateAsk) -> None:
    token = asked.token()
    page = world.client(None).get(reverse("weekly_update_link", args=[token[:-3] + "abc"]))
    assert page.status_code == 400
    assert "This weekly update link is not valid." in page.content.decode()
    # A check-in link's token, for the same id, does not open an update page.
    other = signing.make_token("checkin", asked.pk)
    page = world.client(None).get(reverse("weekly_update_link", args=[other]))
    assert page.status_code == 400


def test_an_expired_link_gets_a_clear_page(world: World, asked: UpdateAsk) -> None:
    with time_machine.travel(WEDNESDAY, tick=False):
        token = asked.token()
    with time_machine.travel(WEDNESDAY + dt.timedelta(days=22), tick=False):
        page = world.client(None).post(
            reverse("weekly_update_link", args=[token]), {"wins": "late"}
        )
    assert page.status_code == 400
    assert "This weekly update link has expired." in page.content.decode()
    assert not WeeklyUpdate.objects.exists()


def test_a_deactivated_reps_link_writes_nothing(world: World, asked: UpdateAsk) -> None:
    accounts.deactivate_member(world.members["rep"], by=world.members["admin"])
    page = world.client(None).post(link(asked), {"wins": "x"})
    assert page.status_code == 410
    assert "no longer asked for" in page.content.decode()
    assert not WeeklyUpdate.objects.exists()


def test_html_and_scripts_in_the_update_are_harmless(world: World, asked: UpdateAsk) -> None:
    script = '<script>alert(1)</script><img src=x onerror="alert(2)">'
    with time_machine.travel(WEDNESDAY, tick=False):
        world.client(None).post(link(asked), {"wins": script})
        page = world.client(None).get(link(asked)).content.decode()
        mine = world.client("rep").get(reverse("weekly_update", args=["acme"])).content.decode()
    for text in (page, mine):
        assert "<script>alert(1)" not in text and "<img src=x" not in text
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text


def test_the_link_page_speaks_the_reps_language(world: World, asked: UpdateAsk) -> None:
    Profile.objects.filter(user=world.user("rep")).update(language="es")
    with time_machine.travel(WEDNESDAY, tick=False):
        page = world.client(None).get(link(asked)).content.decode()
        english = world.client(None).get(link(asked) + "?lang=en").content.decode()
        thanks = world.client(None).post(link(asked), {"wins": "Cerré a Dana"}).content.decode()
    assert "Mi actualización semanal" in page and "Mis logros de esta semana" in page
    assert "Tu semana en cifras" in page and "Compartir mi actualización con" in page
    assert "My weekly update" in english
    assert "Tu actualización semanal quedó guardada." in thanks
    expired = world.client(None).get(reverse("weekly_update_link", args=["nope"])).content
    assert "This weekly update link is not valid." in expired.decode()  # no rep known: English


def test_the_reps_home_card_writes_then_edits_this_weeks_update(world: World) -> None:
    rep = world.client("rep")
    with time_machine.travel(WEDNESDAY, tick=False):
        home = rep.get(reverse("workspace_home", args=["acme"])).content.decode()
        assert "Write this week's update" in home
        page = rep.get(reverse("weekly_update", args=["acme"]))
        assert page.status_code == 200
        saved = rep.post(reverse("weekly_update", args=["acme"]), {"wins": "A", "confidence": "4"})
        assert saved.status_code == 302
        home = rep.get(reverse("workspace_home", args=["acme"])).content.decode()
        assert "Edit this week's update" in home
        rep.post(reverse("weekly_update", args=["acme"]), {"wins": "B", "confidence": "2"})
    update = WeeklyUpdate.objects.get()
    assert (update.wins, update.confidence) == ("B", 2)
    # The rating is the rep's confidence for the rest of the app, edited, not doubled.
    assert [r.rating for r in world.members["rep"].confidence_ratings.all()] == [2]
    verbs = sorted(Event.objects.filter(verb__startswith="update.").values_list("verb", flat=True))
    assert verbs == ["update.edited", "update.written"]
    # Next week, a new update.
    with time_machine.travel(WEDNESDAY + dt.timedelta(days=7), tick=False):
        rep.post(reverse("weekly_update", args=["acme"]), {"wins": "C"})
    assert WeeklyUpdate.objects.count() == 2


def test_the_rep_sets_when_they_are_asked(world: World) -> None:
    page = world.client("rep").post(
        reverse("weekly_update_ask_time", args=["acme"]), {"weekday": "0", "hour": "9"}
    )
    assert page.status_code == 302
    assert world.members["rep"].update_ask.weekday == 0
    bad = world.client("rep").post(
        reverse("weekly_update_ask_time", args=["acme"]), {"weekday": "9", "hour": "30"}
    )
    assert bad.status_code == 302
    assert world.members["rep"].update_ask.hour == 9


def test_stakeholders_read_the_update_only_when_shared(world: World) -> None:
    rep, stakeholder = world.members["rep"], world.members["stakeholder"]
    with time_machine.travel(WEDNESDAY, tick=False):
        update = actions.write_update(rep, MONDAY, wins="Mine", by=rep.user)
    assert not permissions.can_read_words(stakeholder, rep, update.words_shared)
    assert permissions.can_read_words(world.members["coach"], rep, update.words_shared)
    with time_machine.travel(WEDNESDAY, tick=False):
        update = actions.write_update(rep, MONDAY, wins="Mine", share=True, by=rep.user)
    assert permissions.can_read_words(stakeholder, rep, update.words_shared)
    assert not permissions.can_read_words(world.members["other_rep"], rep, update.words_shared)
    readers = permissions.update_readers(rep)
    assert [s.pk for s in readers.stakeholders] == [stakeholder.pk]


def test_only_an_active_rep_writes_an_update(world: World) -> None:
    with pytest.raises(ActionRefused):
        actions.write_update(world.members["coach"], MONDAY, wins="x")
    with pytest.raises(ActionRefused):
        actions.write_update(world.members["rep"], MONDAY, wins="x" * 4001)
