"""Every action of accounts, follow-ups, metrics and the pipeline writes its event in its own
transaction (an action that fails leaves none), and the rep's History reads them back by the
same rules as every other page."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from types import ModuleType
from typing import Any

import pytest
import time_machine
from django.urls import reverse

from followthrough.accounts import actions as accounts
from followthrough.accounts import events as accounts_events
from followthrough.accounts.models import Invitation, Membership, Role
from followthrough.events.models import Event
from followthrough.followups import actions as followups
from followthrough.followups import events as followups_events
from followthrough.followups.models import FollowUp, Kind, State
from followthrough.metrics import actions as metrics
from followthrough.metrics import events as metrics_events
from followthrough.metrics import imports
from followthrough.metrics.models import Metric
from followthrough.pipeline import actions as pipeline
from followthrough.pipeline import events as pipeline_events
from followthrough.pipeline.models import Opportunity, Stage
from tests.conftest import World

NOW = dt.datetime(2026, 12, 1, 15, 0, tzinfo=dt.UTC)

Written = list[tuple[str, str | None, str | None]]


def written(since: int) -> Written:
    """(verb, actor's email, rep's email) of the events written after event `since`."""
    rows = Event.objects.filter(pk__gt=since).order_by("id")
    return list(rows.values_list("verb", "actor__email", "rep__user__email"))


def last_event() -> int:
    return Event.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def fail_after_logging(
    monkeypatch: pytest.MonkeyPatch, module: ModuleType, name: str = "log"
) -> None:
    """The app's event helper writes its event, then the action fails: its transaction must
    take the event back with the change."""
    real: Callable[..., Any] = getattr(module, name)

    def log_then_fail(*args: Any, **kwargs: Any) -> Any:
        real(*args, **kwargs)
        raise RuntimeError("the action failed after writing its event")

    monkeypatch.setattr(module, name, log_then_fail)


def history(world: World, reader: str, rep: str = "rep") -> Any:
    return world.client(reader).get(reverse("rep_history", args=["acme", world.members[rep].pk]))


# accounts -----------------------------------------------------------------------------------


def test_accounts_actions_write_their_events(world: World) -> None:
    admin, rep = world.user("admin"), world.members["rep"]
    since = last_event()
    accounts.create_workspace(admin, "Admin's own")
    invitation = accounts.invite(world.workspace, admin, "new@example.org", Role.REP)
    accounts.resend_invitation(invitation, by=admin)
    newcomer = accounts.accept_invitation(invitation, name="Nina New", password="x" * 12)
    other = accounts.invite(world.workspace, admin, "later@example.org", Role.COACH)
    accounts.revoke_invitation(other, by=admin)
    accounts.set_relationships(rep, [world.members["coach"], world.members["admin"]], [], by=admin)
    accounts.set_relationships(rep, [world.members["coach"], world.members["admin"]], [], by=admin)
    accounts.deactivate_member(rep, by=world.members["admin"])
    accounts.reactivate_member(rep, by=admin)
    accounts.change_role(newcomer, Role.STAKEHOLDER, by=admin)
    assert written(since) == [
        ("workspace.created", "admin@example.org", None),
        ("invitation.sent", "admin@example.org", None),
        ("invitation.resent", "admin@example.org", None),
        ("invitation.accepted", "new@example.org", "new@example.org"),
        ("invitation.sent", "admin@example.org", None),
        ("invitation.revoked", "admin@example.org", None),
        # Saving the same choices twice is one line.
        ("member.relationships_set", "admin@example.org", "rep@example.org"),
        ("member.deactivated", "admin@example.org", "rep@example.org"),
        ("member.reactivated", "admin@example.org", "rep@example.org"),
        ("member.role_changed", "admin@example.org", None),  # a stakeholder has no History
    ]
    page = history(world, "coach").text
    assert "Admin set who works with Rep: coached by Admin, Coach, followed by nobody" in page
    assert "Admin ended Rep&#x27;s access" in page and "Admin gave Rep access again" in page


def test_an_accounts_action_that_fails_leaves_no_event(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    admin = world.user("admin")
    invitation = accounts.invite(world.workspace, admin, "new@example.org", Role.REP)
    since = last_event()
    fail_after_logging(monkeypatch, accounts_events)
    with pytest.raises(RuntimeError):
        accounts.revoke_invitation(invitation, by=admin)
    with pytest.raises(RuntimeError):
        accounts.change_role(world.members["coach"], Role.ADMIN, by=admin)
    assert written(since) == []
    assert Invitation.objects.get(pk=invitation.pk).is_pending
    assert Membership.objects.get(pk=world.members["coach"].pk).role == Role.COACH


# follow-ups ---------------------------------------------------------------------------------


def to_rep(world: World, send_at: dt.datetime | None = None) -> FollowUp:
    return followups.schedule(
        kind=Kind.NOTICE,
        template="notice",
        to_email="rep@example.org",
        recipient=world.user("rep"),
        workspace=world.workspace,
        send_at=send_at,
        context={"subject": "How did it go?", "text": "Did you get the result?"},
    )


def test_what_a_person_does_to_a_follow_up_is_logged_for_the_coaches(world: World) -> None:
    coach = world.user("coach")
    with time_machine.travel(NOW, tick=False):
        later = to_rep(world, NOW + dt.timedelta(days=2))
        since = last_event()
        followups.reschedule(later, NOW + dt.timedelta(days=3), by=coach)
        followups.send_now(later, by=coach)
        followups.cancel(later, by=coach)
        followups.cancel(later, by=coach)  # already cancelled: nothing happened, no line
        failed = to_rep(world)
        FollowUp.objects.filter(pk=failed.pk).update(state=State.FAILED)
        followups.retry(failed, by=coach)
        FollowUp.objects.filter(pk=failed.pk).update(state=State.FAILED)
        assert followups.retry_all(FollowUp.objects.all(), by=coach, workspace=world.workspace)
    assert written(since) == [
        ("followup.rescheduled", "coach@example.org", "rep@example.org"),
        ("followup.sent_now", "coach@example.org", "rep@example.org"),
        ("followup.cancelled", "coach@example.org", "rep@example.org"),
        ("followup.retried", "coach@example.org", "rep@example.org"),
        ("followup.retried_all", "coach@example.org", None),
    ]
    page = history(world, "coach").text
    assert "Coach moved the notice to rep@example.org to Fri 4 Dec, 15:00" in page
    assert "Coach cancelled the notice to rep@example.org" in page
    # The outbox is for those who run the loop: not on the History the rep's followers read.
    for reader in ("stakeholder", "rep"):
        assert "notice to" not in history(world, reader).text, reader


def test_the_outbox_buttons_log_who_pressed_them(world: World) -> None:
    followup = to_rep(world, dt.datetime(2099, 1, 1, tzinfo=dt.UTC))
    since = last_event()
    world.client("admin").post(reverse("followup_cancel", args=["acme", followup.pk]))
    assert written(since) == [("followup.cancelled", "admin@example.org", "rep@example.org")]


def test_a_follow_up_change_that_fails_leaves_no_event(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    followup = to_rep(world, dt.datetime(2099, 1, 1, tzinfo=dt.UTC))
    since = last_event()
    fail_after_logging(monkeypatch, followups_events)
    with pytest.raises(RuntimeError):
        followups.cancel(followup, by=world.user("coach"))
    assert written(since) == []
    assert FollowUp.objects.get(pk=followup.pk).state == State.SCHEDULED


# metrics ------------------------------------------------------------------------------------


def test_metrics_actions_write_figures_never_words(world: World) -> None:
    rep, rep_user, admin = world.members["rep"], world.user("rep"), world.user("admin")
    calls = Metric.of(world.workspace).get(name="Calls made")
    since = last_event()
    with time_machine.travel(NOW, tick=False):
        metrics.log_day(rep, dt.date(2026, 11, 30), {calls: Decimal(12)}, by=rep_user)
        metrics.log_day(rep, dt.date(2026, 11, 30), {calls: None}, by=rep_user)
        metrics.log_day(rep, dt.date(2026, 11, 30), {calls: None}, by=rep_user)  # no news
        metrics.rate_confidence(rep, 4, comment="I worry about the CFO", by=rep_user)
        added = metrics.save_metric(
            Metric(workspace=world.workspace, name="Demos", unit="demos", position=20), by=admin
        )
        added.name = "Demos given"
        metrics.save_metric(added, by=admin)
        text = "Date,Email,Metric,Value\n2026-11-30,rep@example.org,Calls made,5\n"
        upload = imports.read(text.encode(), world.members["admin"])
        run = imports.check_all(imports.start(world.members["admin"], "week.csv", upload))
        assert imports.confirm(run, by=admin) == 1
    assert written(since) == [
        ("log.saved", "rep@example.org", "rep@example.org"),
        ("log.saved", "rep@example.org", "rep@example.org"),
        ("confidence.rated", "rep@example.org", "rep@example.org"),
        ("metric.added", "admin@example.org", None),
        ("metric.renamed", "admin@example.org", None),
        ("import.confirmed", "admin@example.org", None),
    ]
    assert "I worry" not in str(list(Event.objects.values_list("data", flat=True)))
    page = history(world, "stakeholder").text
    assert "Rep logged Mon 30 Nov: Calls made 12" in page
    assert "Rep cleared the log of Mon 30 Nov" in page
    assert "Rep rated confidence in the plan 4 of 5" in page and "I worry" not in page


def test_a_metrics_action_that_fails_leaves_no_event(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    rep = world.members["rep"]
    calls = Metric.of(world.workspace).get(name="Calls made")
    since = last_event()
    fail_after_logging(monkeypatch, metrics_events)
    with time_machine.travel(NOW, tick=False):
        with pytest.raises(RuntimeError):
            metrics.log_day(rep, dt.date(2026, 11, 30), {calls: Decimal(12)}, by=rep.user)
        with pytest.raises(RuntimeError):
            metrics.rate_confidence(rep, 4)
        with pytest.raises(RuntimeError):
            metrics.save_metric(Metric(workspace=world.workspace, name="Demos"), by=rep.user)
    assert written(since) == []
    assert not rep.entries.exists() and not rep.confidence_ratings.exists()
    assert not Metric.objects.filter(name="Demos").exists()


# pipeline -----------------------------------------------------------------------------------


def test_pipeline_actions_write_their_events(world: World) -> None:
    coach = world.user("coach")
    since = last_event()
    opportunity = pipeline.create_opportunity(
        world.members["rep"], by=world.user("rep"), account="Castle Dental", value=Decimal(3000)
    )
    pipeline.update_opportunity(opportunity, by=coach, value=Decimal(4200), next_step="Call")
    pipeline.move_opportunity(opportunity, Stage.PROPOSAL, by=coach)
    pipeline.move_opportunity(opportunity, Stage.PROPOSAL, by=coach)  # already there: no line
    pipeline.move_opportunity(opportunity, Stage.WON, by=world.user("rep"))
    assert written(since) == [
        ("opportunity.created", "rep@example.org", "rep@example.org"),
        ("opportunity.updated", "coach@example.org", "rep@example.org"),
        ("opportunity.moved", "coach@example.org", "rep@example.org"),
        ("opportunity.won", "rep@example.org", "rep@example.org"),
    ]
    for reader in ("coach", "stakeholder", "rep", "admin"):
        page = history(world, reader).text
        assert "Rep added Castle Dental at Lead (3,000 USD)" in page, reader
        assert "Coach moved Castle Dental to Proposal sent (4,200 USD)" in page, reader
        assert "Rep won Castle Dental (4,200 USD)" in page, reader
    # What the rep typed as the next step is not in the log; only what the lines need.
    for data in Event.objects.filter(verb__startswith="opportunity.").values_list(
        "data", flat=True
    ):
        assert set(data) <= {"account", "value", "currency", "from_stage", "to_stage"}
    assert history(world, "outsider").status_code == 404
    assert history(world, "other_rep").status_code == 403  # a rep never sees another rep


def test_a_pipeline_action_that_fails_leaves_no_event(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    opportunity = pipeline.create_opportunity(
        world.members["rep"], by=world.user("rep"), account="Castle Dental"
    )
    since = last_event()
    fail_after_logging(monkeypatch, pipeline_events)
    with pytest.raises(RuntimeError):
        pipeline.move_opportunity(opportunity, Stage.WON, by=world.user("coach"))
    with pytest.raises(RuntimeError):
        pipeline.create_opportunity(world.members["rep"], by=None, account="Harlow")
    assert written(since) == []
    assert Opportunity.objects.get(pk=opportunity.pk).stage == Stage.LEAD
    assert not Opportunity.objects.filter(account="Harlow").exists()
