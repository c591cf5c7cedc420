"""Helpers shared by the coaching tests: a plan for the world's coach and rep, in New York."""

from __future__ import annotations

import datetime as dt
import re
from email.message import EmailMessage

from followthrough.accounts.models import Profile
from followthrough.coaching import actions
from followthrough.coaching.models import Plan, Session
from tests.conftest import World

NEW_YORK = "America/New_York"


def live_in(world: World, key: str, zone: str, country: str = "US") -> None:
    Profile.objects.filter(user=world.user(key)).update(time_zone=zone, country=country)
    world.user(key).profile.refresh_from_db()  # the user object keeps its profile cached


def make_plan(world: World) -> Plan:
    return actions.create_plan(
        coach=world.members["coach"],
        rep=world.members["rep"],
        purpose="Keep the job: 60-day ultimatum",
        starts_on=dt.date(2026, 10, 1),
        deadline=dt.date(2026, 11, 30),
        target_metric="revenue",
        target_low=14000,
        target_high=16000,
        target_unit="USD",
    )


def make_session(
    world: World, plan: Plan | None = None, starts_at: dt.datetime | None = None
) -> Session:
    plan = plan or make_plan(world)
    return actions.schedule_session(
        plan, starts_at or dt.datetime(2026, 10, 29, 15, 0, tzinfo=dt.UTC), by=world.user("coach")
    )


def checkin_links(message: EmailMessage) -> dict[str, str]:
    """The four answer links of a check-in email's text part, by label."""
    part = message.get_body(preferencelist=("plain",))
    assert part is not None
    text = str(part.get_content())
    return dict(re.findall(r"^\s+(Done|Partly|Not yet|Let's talk): (\S+)\r?$", text, re.MULTILINE))
