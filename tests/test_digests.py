"""The weekly digest: subscriptions, the planner, what it says, unsubscribe, preview."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from followthrough import permissions
from followthrough.accounts import actions as accounts
from followthrough.accounts.models import Following, Membership, Role
from followthrough.coaching import actions as coaching
from followthrough.digests import actions, compose
from followthrough.digests.models import (
    ROLLUP_CAP,
    Digest,
    Outcome,
    Scope,
    Subscription,
)
from followthrough.followups import actions as followups
from followthrough.followups.dispatcher import Dispatcher
from followthrough.followups.models import FollowUp, State
from followthrough.lib import signing
from followthrough.updates import actions as updates
from tests.conftest import World, make_member

UTC = dt.UTC


def at(text: str, zone: str = "UTC") -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=ZoneInfo(zone))


def zone_of(member: Membership, name: str) -> None:
    profile = member.user.profile
    profile.time_zone = name
    profile.save()


def subscribe(member: Membership, now: dt.datetime, **fields: Any) -> Subscription:
    """A subscription as ensure_subscriptions makes it, with `fields` changed."""
    with time_machine.travel(now, tick=False):
        actions.ensure_subscriptions(member.workspace_id)
        sub = Subscription.objects.get(recipient=member)
        if fields:
            actions.change_preferences(sub, None, **fields)
    sub.refresh_from_db()
    return sub


def digests_to(member: Membership) -> list[FollowUp]:
    return list(
        FollowUp.objects.filter(kind="weekly_digest", recipient=member.user).order_by("send_at")
    )


# Who gets one ---------------------------------------------------------------------------------


def test_default_subscriptions_for_followers_and_coaches_only(world: World) -> None:
    created = actions.ensure_subscriptions()
    recipients = set(Subscription.objects.values_list("recipient__user__email", flat=True))
    assert recipients == {"stakeholder@example.org", "coach@example.org"}
    assert created == 2
    assert actions.ensure_subscriptions() == 0  # idempotent
    sub = Subscription.objects.get(recipient=world.members["stakeholder"])
    assert (sub.weekday, sub.hour, sub.time_zone, sub.scope) == (0, 8, "", Scope.FOLLOWED)
    # An admin who opens a plan for a rep gets one too.
    coaching.create_plan(
        coach=world.members["admin"],
        rep=world.members["other_rep"],
        purpose="Grow",
        starts_on=dt.date(2026, 1, 1),
        deadline=dt.date(2026, 3, 1),
    )
    assert actions.ensure_subscriptions() == 1


def test_a_new_follow_subscribes_at_once(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    vp = make_member(world.workspace, "vp", Role.STAKEHOLDER)
    with django_capture_on_commit_callbacks(execute=True):
        accounts.set_relationships(world.members["other_rep"], [], [vp], by=world.user("admin"))
    assert Subscription.objects.filter(recipient=vp).exists()


def test_a_stopped_subscription_stays_stopped(world: World) -> None:
    sub = subscribe(world.members["stakeholder"], at("2026-03-04 12:00"))
    actions.unsubscribe(sub)
    assert actions.ensure_subscriptions() == 0
    sub.refresh_from_db()
    assert sub.is_stopped and sub.next_send_at is None


# When -----------------------------------------------------------------------------------------


def test_monday_eight_is_sunday_in_utc_for_a_recipient_far_east(world: World) -> None:
    member = world.members["stakeholder"]
    zone_of(member, "Pacific/Kiritimati")  # UTC+14
    sub = subscribe(member, at("2026-03-04 12:00"))
    assert sub.next_send_at == at("2026-03-08 18:00")  # a Sunday in UTC
    assert sub.next_send_at.astimezone(sub.zone).strftime("%a %H:%M") == "Mon 08:00"
    assert sub.week_of(sub.next_send_at) == dt.date(2026, 3, 9)


def test_a_subscription_made_midweek_waits_for_its_next_moment(world: World) -> None:
    sub = subscribe(world.members["stakeholder"], at("2026-03-04 12:00"))  # a Wednesday
    with time_machine.travel(at("2026-03-04 12:05"), tick=False):
        actions.plan_digests()
    assert not Digest.objects.exists()
    assert sub.next_send_at == at("2026-03-09 08:00")


def test_a_second_run_or_a_second_planner_writes_nothing_more(world: World) -> None:
    sub = subscribe(world.members["stakeholder"], at("2026-03-04 12:00"))
    with time_machine.travel(at("2026-03-09 08:01"), tick=False):
        first = actions.plan_digests()
        again = actions.plan_digests()
        # A planner that read the subscription before the first one moved it on.
        Subscription.objects.filter(pk=sub.pk).update(next_send_at=at("2026-03-09 08:00"))
        stale = actions.plan_digests()
    # The coach's subscription (made by the same ensure) fell due too.
    assert (first.sent, again.examined, stale.sent) == (2, 0, 0)
    assert len(digests_to(world.members["stakeholder"])) == 1
    sub.refresh_from_db()
    assert sub.next_send_at == at("2026-03-16 08:00")


def run_dispatchers(start: dt.datetime, days: int, dispatchers: list[Dispatcher]) -> None:
    """Two dispatchers, each running its loop (planners included) every STEP of frozen time."""
    for step in range(days * 24 // STEP_HOURS):
        with time_machine.travel(start + dt.timedelta(hours=step * STEP_HOURS), tick=False):
            for dispatcher in dispatchers:
                dispatcher.run(once=True)


STEP_HOURS = 4
# (zone, weekday, hour, the local hours each week's digest goes out at)
SPRING = [
    # New York springs forward on Sunday 8 March 2026: 02:00 does not exist that day.
    ("America/New_York", 6, 2, ["03:00", "02:00", "02:00", "02:00", "02:00"]),
    ("America/New_York", 6, 8, ["08:00"] * 5),
    # Madrid on Sunday 29 March, at 02:00 too; its Monday 08:00 the day after.
    ("Europe/Madrid", 6, 2, ["02:00", "02:00", "02:00", "03:00", "02:00"]),
    ("Europe/Madrid", 0, 8, ["08:00"] * 5),
    # Monday 08:00 here is Sunday 18:00 in UTC.
    ("Pacific/Kiritimati", 0, 8, ["08:00"] * 5),
]
AUTUMN = [
    # Madrid falls back on Sunday 25 October, New York on Sunday 1 November 2026: 01:00 and
    # 02:00 happen twice (the first one counts).
    ("America/New_York", 6, 1, ["01:00"] * 3),
    ("Europe/Madrid", 6, 2, ["02:00"] * 3),
    ("America/Los_Angeles", 0, 8, ["08:00"] * 3),
]


@pytest.mark.parametrize(
    ("start", "days", "cases"),
    [("2026-03-02 00:00", 35, SPRING), ("2026-10-19 00:00", 21, AUTUMN)],
    ids=["spring", "autumn"],
)
def test_once_a_week_at_the_local_hour_across_daylight_saving_through_smtp(
    world: World, smtp_server: Any, start: str, days: int, cases: list[Any]
) -> None:
    begin = at(start)
    people = []
    for n, (zone, weekday, hour, _hours) in enumerate(cases):
        member = make_member(world.workspace, f"reader_{n}", Role.STAKEHOLDER)
        Following.objects.create(
            workspace=world.workspace, stakeholder=member, rep=world.members["rep"]
        )
        zone_of(member, zone)
        subscribe(member, begin, weekday=weekday, hour=hour)
        people.append(member)
    run_dispatchers(begin, days, [Dispatcher(worker="one"), Dispatcher(worker="two")])
    for member, (zone, weekday, _hour, local_hours) in zip(people, cases, strict=True):
        sent = digests_to(member)
        assert [f.state for f in sent] == [State.SENT] * len(local_hours), zone
        local = [f.send_at.astimezone(ZoneInfo(zone)) for f in sent]
        assert [moment.strftime("%H:%M") for moment in local] == local_hours, zone
        assert [moment.weekday() for moment in local] == [weekday] * len(local_hours)
        assert len({moment.isocalendar()[:2] for moment in local}) == len(local_hours)
        received = [m for m in smtp_server.messages if m["To"] == member.user.email]
        assert sorted(m["Message-ID"] for m in received) == sorted(
            f.message_id_header for f in sent
        )
        for followup in sent:  # when due (within a step of the loop), never early
            assert followup.sent_at is not None
            assert (
                followup.send_at
                <= followup.sent_at
                <= followup.send_at + dt.timedelta(hours=STEP_HOURS)
            )
    headers = next(m for m in smtp_server.messages if m["To"] == people[0].user.email)
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert str(headers["List-Unsubscribe"]).startswith("<http")
    assert "/digest/unsubscribe/" in str(headers["List-Unsubscribe"])
    assert "digest.acme." in str(headers["List-Id"])
    assert headers["Auto-Submitted"] == "auto-generated"


# What it says ---------------------------------------------------------------------------------


def week_with_update(world: World, *, shared: bool, wins: str = "Closed the Baker deal") -> None:
    rep = world.members["rep"]
    updates.write_update(
        rep, dt.date(2026, 3, 2), wins=wins, help_needed="Pricing questions", share=shared
    )


def composed_for(member: Membership, now: dt.datetime) -> compose.Composed:
    sub = subscribe(member, now - dt.timedelta(days=1))
    with time_machine.travel(now, tick=False):
        return compose.compose(sub, send_at=at("2026-03-09 08:00"))


@pytest.mark.parametrize(("shared", "reads"), [(False, False), (True, True)])
def test_a_stakeholder_reads_the_update_only_when_shared(
    world: World, shared: bool, reads: bool
) -> None:
    with time_machine.travel(at("2026-03-06 15:00"), tick=False):
        week_with_update(world, shared=shared)
    digest = composed_for(world.members["stakeholder"], at("2026-03-09 07:00"))
    part = digest.parts[0]
    assert part.update is not None and part.update_readable is reads
    html = render(digest)
    assert ("Closed the Baker deal" in html) is reads
    assert ("has not shared its words" in html) is not reads
    # The coach always reads them.
    coach = composed_for(world.members["coach"], at("2026-03-09 07:00"))
    assert "Closed the Baker deal" in render(coach)


def render(composed: compose.Composed) -> str:
    from django.template.loader import render_to_string

    return render_to_string("digests/_digest.html", {"c": composed})


def test_html_in_an_update_is_harmless(world: World) -> None:
    with time_machine.travel(at("2026-03-06 15:00"), tick=False):
        week_with_update(world, shared=True, wins='<script>alert("x")</script><b onclick=1>hi</b>')
    html = render(composed_for(world.members["stakeholder"], at("2026-03-09 07:00")))
    assert "<script>" not in html and "<b onclick" not in html
    assert "&lt;script&gt;" in html


def test_no_update_this_week_is_said(world: World) -> None:
    from followthrough.metrics import actions as metrics

    with time_machine.travel(at("2026-03-04 10:00"), tick=False):  # not a quiet week
        metrics.rate_confidence(world.members["rep"], 4, by=world.user("rep"))
    html = render(composed_for(world.members["stakeholder"], at("2026-03-09 07:00")))
    assert "No update this week." in html


def test_rollup_puts_reps_needing_attention_first_and_caps_with_a_link(world: World) -> None:
    vp = make_member(world.workspace, "vp", Role.STAKEHOLDER)
    reps = [make_member(world.workspace, f"rep_{n:02d}", Role.REP) for n in range(ROLLUP_CAP + 3)]
    Following.objects.bulk_create(
        Following(workspace=world.workspace, stakeholder=vp, rep=rep) for rep in reps
    )
    # The last rep by name fell in confidence.
    from followthrough.metrics import actions as metrics

    with time_machine.travel(at("2026-03-03 10:00"), tick=False):
        metrics.rate_confidence(reps[-1], 5, by=reps[-1].user)
    with time_machine.travel(at("2026-03-05 10:00"), tick=False):
        metrics.rate_confidence(reps[-1], 2, by=reps[-1].user)
    digest = composed_for(vp, at("2026-03-09 07:00"))
    assert digest.rollup and digest.total == ROLLUP_CAP + 3
    assert len(digest.parts) == ROLLUP_CAP and digest.hidden == 3
    assert digest.parts[0].rep == reps[-1]
    assert "confidence fell" in digest.parts[0].needs[0]
    html = render(digest)
    assert reverse("team_dashboard", args=["acme"]) in html
    assert "And 3 more reps" in html


def test_a_rollup_costs_the_same_queries_for_2_reps_as_for_30(world: World) -> None:
    def cost(count: int) -> int:
        vp = make_member(world.workspace, f"vp{count}", Role.STAKEHOLDER)
        reps = [make_member(world.workspace, f"r{count}_{n}", Role.REP) for n in range(count)]
        for rep in reps:
            Following.objects.create(workspace=world.workspace, stakeholder=vp, rep=rep)
            coaching.create_plan(
                coach=world.members["coach"],
                rep=rep,
                purpose="Grow",
                starts_on=dt.date(2026, 2, 1),
                deadline=dt.date(2026, 4, 1),
                target_metric="Revenue",
                target_low=1000,
            )
        sub = subscribe(vp, at("2026-03-08 07:00"))
        with (
            time_machine.travel(at("2026-03-09 07:00"), tick=False),
            CaptureQueriesContext(connection) as queries,
        ):
            digest = compose.compose(sub, send_at=at("2026-03-09 08:00"))
            render(digest)
        assert digest.total == count
        return len(queries)

    assert cost(2) == cost(30)


# Quiet weeks ----------------------------------------------------------------------------------


def test_quiet_weeks_manager_gets_three_lines_vp_nothing_then_a_heartbeat(world: World) -> None:
    vp = make_member(world.workspace, "vp", Role.STAKEHOLDER)
    for rep in ("rep", "other_rep"):
        Following.objects.create(workspace=world.workspace, stakeholder=vp, rep=world.members[rep])
    manager = world.members["stakeholder"]  # follows one rep
    subscribe(vp, at("2026-03-01 12:00"))
    subscribe(manager, at("2026-03-01 12:00"))
    outcomes: dict[str, list[str]] = {"vp": [], "manager": []}
    for week in range(5):
        with time_machine.travel(at("2026-03-02 09:00") + dt.timedelta(weeks=week), tick=False):
            actions.plan_digests()
    for name, member in (("vp", vp), ("manager", manager)):
        outcomes[name] = list(
            Digest.objects.filter(subscription__recipient=member)
            .order_by("week")
            .values_list("outcome", flat=True)
        )
    assert outcomes["manager"] == [Outcome.QUIET] * 5
    assert outcomes["vp"] == [Outcome.SKIPPED] * 3 + [Outcome.HEARTBEAT, Outcome.SKIPPED]
    assert len(digests_to(vp)) == 1 and len(digests_to(manager)) == 5
    # A VP who asked for quiet weeks gets them.
    sub = Subscription.objects.get(recipient=vp)
    with time_machine.travel(at("2026-04-06 07:00"), tick=False):
        actions.change_preferences(sub, None, quiet_weeks=True)
    with time_machine.travel(at("2026-04-06 09:00"), tick=False):
        actions.plan_digests()
    latest = Digest.objects.filter(subscription=sub).order_by("-week").first()
    assert latest is not None and latest.outcome == Outcome.QUIET


def test_the_quiet_email_is_three_lines(world: World) -> None:
    manager = world.members["stakeholder"]
    subscribe(manager, at("2026-03-01 12:00"))
    with time_machine.travel(at("2026-03-02 09:00"), tick=False):
        actions.plan_digests()
        message = digests_to(manager)[0].build_message()
    assert "A quiet week" in message.subject
    body = message.body.split("You receive this weekly digest")[0].strip()
    assert len(body.splitlines()) == 3


# Unsubscribe ----------------------------------------------------------------------------------


def unsubscribe_url(sub: Subscription) -> str:
    return reverse("digest_unsubscribe", args=[sub.unsubscribe_token()])


def test_a_link_scanner_opening_the_link_changes_nothing(world: World) -> None:
    sub = subscribe(world.members["stakeholder"], at("2026-03-04 12:00"))
    response = Client().get(unsubscribe_url(sub))
    assert response.status_code == 200
    assert b"Unsubscribe from the weekly digest?" in response.content
    sub.refresh_from_db()
    assert not sub.is_stopped


def test_one_click_post_as_a_mail_provider_sends_it(world: World) -> None:
    sub = subscribe(world.members["stakeholder"], at("2026-03-04 12:00"))
    provider = Client(enforce_csrf_checks=True)  # no session, no CSRF token
    response = provider.post(
        unsubscribe_url(sub),
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    sub.refresh_from_db()
    assert sub.is_stopped
    with time_machine.travel(at("2026-03-16 09:00"), tick=False):
        actions.plan_digests()
    assert not digests_to(world.members["stakeholder"])


def test_the_confirmation_page_unsubscribes_and_can_subscribe_again(world: World) -> None:
    sub = subscribe(world.members["stakeholder"], at("2026-03-04 12:00"))
    client = Client()
    response = client.post(unsubscribe_url(sub), {})
    assert b"You are unsubscribed" in response.content
    sub.refresh_from_db()
    assert sub.is_stopped
    response = client.post(unsubscribe_url(sub), {"again": "1"})
    sub.refresh_from_db()
    assert not sub.is_stopped and sub.next_send_at is not None


@pytest.mark.parametrize("problem", ["tampered", "expired", "other_scope", "other_holder"])
def test_a_bad_unsubscribe_link_gets_a_clear_page(world: World, problem: str) -> None:
    sub = subscribe(world.members["stakeholder"], at("2026-03-04 12:00"))
    token = sub.unsubscribe_token()
    if problem == "tampered":
        token = token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb")
    elif problem == "expired":
        with time_machine.travel(dt.datetime.now(UTC) - dt.timedelta(days=200)):
            token = sub.unsubscribe_token()
    elif problem == "other_scope":
        token = signing.make_token("checkin", sub.pk, holder=sub.recipient_id)
    else:
        token = signing.make_token("digest_unsubscribe", sub.pk, holder=world.members["coach"].pk)
    for method in ("get", "post"):
        response = getattr(Client(), method)(reverse("digest_unsubscribe", args=[token]))
        assert response.status_code in (400, 404)
        body = response.content.decode()
        assert "Traceback" not in body
        assert "expired" in body if problem == "expired" else True
    sub.refresh_from_db()
    assert not sub.is_stopped


def planned_digest(world: World) -> tuple[Subscription, FollowUp]:
    sub = subscribe(world.members["coach"], at("2026-03-04 12:00"))
    with time_machine.travel(at("2026-03-09 08:00"), tick=False):
        actions.plan_digests()
    return sub, digests_to(world.members["coach"])[0]


def test_unsubscribing_while_a_dispatcher_holds_the_claim_cancels_it(world: World) -> None:
    sub, followup = planned_digest(world)
    with time_machine.travel(at("2026-03-09 08:00:30"), tick=False):
        dispatcher = Dispatcher(worker="slow")
        claimed = dispatcher.claim()
        assert followup.pk in [row.pk for row in claimed]  # (the stakeholder's is there too)
        assert actions.unsubscribe(sub) == followups.Outcome.CANCELLED
        mail.outbox.clear()
        counts = dispatcher.deliver(claimed)
    assert counts.skipped == 1
    assert world.user("coach").email not in [m.to[0] for m in mail.outbox]
    followup.refresh_from_db()
    assert followup.state == State.CANCELLED


def test_unsubscribing_once_sending_began_is_too_late(world: World) -> None:
    sub, followup = planned_digest(world)
    FollowUp.objects.filter(pk=followup.pk).update(state=State.SENDING)
    assert actions.unsubscribe(sub) == followups.Outcome.TOO_LATE
    response = Client().post(unsubscribe_url(sub), {})
    assert response.status_code == 200  # already stopped: the page says so


def test_a_deactivated_recipient_gets_nothing(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    sub, followup = planned_digest(world)
    with django_capture_on_commit_callbacks(execute=True):
        accounts.deactivate_member(world.members["coach"], by=world.members["admin"])
    followup.refresh_from_db()
    assert followup.state == State.CANCELLED
    with time_machine.travel(at("2026-03-16 09:00"), tick=False):
        actions.plan_digests()
    assert Digest.objects.filter(subscription=sub).count() == 1
    assert len(digests_to(world.members["coach"])) == 1


# Who may read whose words: the bulk rule agrees with the one-by-one rule --------------------


def test_digest_words_access_agrees_with_words_access(world: World) -> None:
    for name in ("admin", "coach", "stakeholder"):
        member = world.members[name]
        for rep_id in permissions.visible_rep_ids([member])[member.pk]:
            rep = Membership.objects.get(pk=rep_id)
            assert permissions.digest_words_access(member) == permissions.words_access(
                member, rep
            ), (name, rep)


def test_visible_rep_ids_agrees_with_visible_reps(world: World) -> None:
    members = list(Membership.objects.filter(workspace=world.workspace))
    found = permissions.visible_rep_ids(members)
    for member in members:
        assert found[member.pk] == set(
            permissions.visible_reps(member).values_list("pk", flat=True)
        )


# Preview --------------------------------------------------------------------------------------


def test_the_rep_previews_only_their_own_row_of_a_rollup(world: World) -> None:
    vp = world.members["vp"] = make_member(world.workspace, "vp", Role.STAKEHOLDER)
    for rep in ("rep", "other_rep"):
        Following.objects.create(workspace=world.workspace, stakeholder=vp, rep=world.members[rep])
    sub = subscribe(vp, at("2026-03-04 12:00"))
    with time_machine.travel(at("2026-03-05 12:00"), tick=False):
        week_with_update(world, shared=False)
        url = reverse("digest_preview", args=["acme", sub.pk])
        as_vp = world.client("vp").get(url).content.decode()
        as_rep = world.client("rep").get(url).content.decode()
    assert "Rep" in as_vp and "Other Rep" in as_vp
    assert "What Vp receives on" in as_rep
    assert "Other Rep" not in as_rep
    assert "Only your part of it is shown" in as_rep


# The demo -------------------------------------------------------------------------------------


def test_the_demo_tells_toms_monday_rollup_and_a_quiet_week(db: Any) -> None:
    from followthrough.demo import stories

    stories.load()
    tom = FollowUp.objects.filter(kind="weekly_digest", to_email="tom@example.com", state="sent")
    assert tom.count() == 2
    latest = tom.order_by("-send_at").first()
    assert latest is not None
    assert "Bob" in latest.body_text and "Derek" in latest.body_text
    assert latest.send_at.astimezone(ZoneInfo("America/New_York")).strftime("%a %H:%M") == (
        "Mon 08:00"
    )
    priya = FollowUp.objects.filter(kind="weekly_digest", to_email="priya@example.com")
    assert priya.exists() and all("A quiet week" in f.subject for f in priya)
    rachel = Digest.objects.filter(subscription__recipient__user__email="rachel@example.com")
    assert {d.outcome for d in rachel} == {Outcome.SKIPPED}


def test_rendered_in_the_recipients_language_and_zone(world: World) -> None:
    manager = world.members["stakeholder"]
    profile = manager.user.profile
    profile.language, profile.time_zone = "es", "America/Mexico_City"
    profile.save()
    subscribe(manager, at("2026-03-01 12:00"))
    with time_machine.travel(at("2026-03-02 15:00"), tick=False):
        actions.plan_digests()
        followup = digests_to(manager)[0]
        message = followup.build_message()
    assert followup.send_at == at("2026-03-02 08:00", "America/Mexico_City")
    assert "Una semana tranquila" in message.subject
    assert "Darte de baja:" in message.body


# The client's newest quote ------------------------------------------------------------------


def test_the_newest_approved_quote_is_in_the_digest_and_its_preview(world: World) -> None:
    from tests.binder_helpers import answer, approved

    with time_machine.travel(at("2026-02-20 10:00"), tick=False):
        approved(world, "An older quote.")
        approved(world, "Another rep's quote.", rep="other_rep")
    with time_machine.travel(at("2026-03-03 10:00"), tick=False):
        approved(world, 'Derek fixed our renewal <script>alert("x")</script>')
    with time_machine.travel(at("2026-03-05 10:00"), tick=False):
        answer(world, "A newer candidate, never approved.")
        answer(world, "Approved but consent withdrawn.", consent=False)
    manager = world.members["stakeholder"]  # follows the rep
    digest = composed_for(manager, at("2026-03-09 07:00"))
    html = render(digest)
    assert digest.parts[0].quote is not None
    assert "Derek fixed our renewal &lt;script&gt;" in html and "<script>" not in html
    assert "Pat Client" in html  # the credit the client chose
    for absent in ("An older quote", "Another rep", "never approved", "consent withdrawn"):
        assert absent not in html
    sub = Subscription.objects.get(recipient=manager)
    with time_machine.travel(at("2026-03-09 07:00"), tick=False):
        preview = world.client("stakeholder").get(reverse("digest_preview", args=["acme", sub.pk]))
    assert preview.status_code == 200
    assert "Derek fixed our renewal &lt;script&gt;" in preview.content.decode()


def test_no_quote_line_without_an_approved_quote(world: World) -> None:
    from tests.binder_helpers import answer

    with time_machine.travel(at("2026-03-05 10:00"), tick=False):
        answer(world, "A candidate waiting for review.")
    digest = composed_for(world.members["stakeholder"], at("2026-03-09 07:00"))
    assert digest.parts[0].quote is None
    assert "A client&#x27;s words" not in render(digest) and "A candidate" not in render(digest)


def test_the_quote_goes_out_in_the_email_through_the_dispatcher(world: World) -> None:
    from tests.binder_helpers import approved

    with time_machine.travel(at("2026-03-03 10:00"), tick=False):
        approved(world, "Derek called back the same day.")
    subscribe(world.members["stakeholder"], at("2026-03-04 12:00"))
    with time_machine.travel(at("2026-03-09 08:00"), tick=False):
        actions.plan_digests()
        followup = digests_to(world.members["stakeholder"])[0]
        message = followup.build_message()
    assert "Derek called back the same day." in message.body
    html = str(message.alternatives[0][0])
    assert "Derek called back the same day." in html


# Bad input ------------------------------------------------------------------------------------


def test_a_rep_with_no_plan_gets_a_digest_that_says_so(world: World) -> None:
    from followthrough.coaching.models import Plan

    assert not Plan.objects.filter(rep=world.members["rep"]).exists()
    with time_machine.travel(at("2026-03-06 15:00"), tick=False):
        week_with_update(world, shared=True)  # not a quiet week: the full digest
    digest = composed_for(world.members["stakeholder"], at("2026-03-09 07:00"))
    assert digest.parts[0].plan is None and digest.parts[0].pace is None
    assert "no plan yet" in render(digest)


def test_a_vp_following_500_reps_gets_one_email_with_the_table_capped(world: World) -> None:
    vp = make_member(world.workspace, "vp", Role.STAKEHOLDER)
    reps = [make_member(world.workspace, f"many_{n:03}", Role.REP) for n in range(500)]
    Following.objects.bulk_create(
        Following(workspace=world.workspace, stakeholder=vp, rep=rep) for rep in reps
    )
    with time_machine.travel(at("2026-03-05 10:00"), tick=False):
        updates.write_update(reps[-1], dt.date(2026, 3, 2), wins="Closed one", share=True)
    subscribe(vp, at("2026-03-04 12:00"))
    with time_machine.travel(at("2026-03-09 08:00"), tick=False):
        actions.plan_digests()
        sent = digests_to(vp)
        assert len(sent) == 1
        message = sent[0].build_message()
    html = str(message.alternatives[0][0])
    assert html.count("<tr>") == ROLLUP_CAP + 1  # the heading row and ROLLUP_CAP reps
    assert "And 450 more reps" in html and "And 450 more reps" in message.body
    assert reverse("team_dashboard", args=["acme"]) in html
    assert "Many 499" in html  # the one with news comes before the quiet ones
    assert message.to == ["vp@example.org"]


def test_a_deactivated_rep_leaves_the_rollup(world: World) -> None:
    vp = make_member(world.workspace, "vp", Role.STAKEHOLDER)
    for rep in ("rep", "other_rep"):
        Following.objects.create(workspace=world.workspace, stakeholder=vp, rep=world.members[rep])
    accounts.deactivate_member(world.members["other_rep"], by=world.members["admin"])
    digest = composed_for(vp, at("2026-03-09 07:00"))
    assert [part.rep for part in digest.parts] == [world.members["rep"]]
