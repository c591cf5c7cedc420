"""The API's permission matrix: every operation of /api/v1, for every role, another
workspace's token and an anonymous caller (no token). tests/test_api_matrix.py tries every row
as every visitor, each with a read-and-write token of their own; tests/test_routes_covered.py
fails when an API operation has no row here.

The world is that of tests/permission_matrix.py: the coach coaches "rep" and runs the rep's
plan, the stakeholder follows "rep", "outsider" is the admin of another workspace. A token acts
in its own workspace only, so an outsider's token finds none of acme's objects (404).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from followthrough.followups.models import FollowUp, State
from followthrough.metrics.models import Metric
from tests.binder_helpers import answer as quote_of
from tests.builders import (
    answer_of,
    commitment_of,
    followup_to,
    opportunity_of,
    plan_of,
    session_of,
)
from tests.clients_helpers import client_of, complaint_of
from tests.conftest import World
from tests.programs_helpers import PROGRAM_VISITORS, cohort_of
from tests.programs_helpers import session_of as program_session_of
from tests.programs_matrix import PROGRAM_VISITORS as COHORT_PEOPLE
from tests.rubrics_helpers import cohort_of as scored_cohort_of
from tests.rubrics_helpers import levels_of

VISITORS = ["admin", "coach", "rep", "other_rep", "stakeholder", "outsider", None]


@dataclass
class Row:
    name: str
    method: str
    path: str  # with {id} for the object `make` builds
    expected: dict[str | None, int]
    make: Callable[[World], Any] | None = None
    body: Callable[[World, Any], dict[str, Any]] | None = None
    # Programs have three more visitors (tests/programs_helpers.py): tried by test_api_matrix.
    programs: bool = False
    # Rubrics and role-plays: the cohort's four people of tests/rubrics_helpers.py.
    rubrics: bool = False

    def __str__(self) -> str:
        return self.name

    def url(self, world: World, made: Any = None) -> str:
        return "/api/v1" + self.path.format(id=getattr(made, "pk", ""))


def by_role(**statuses: int) -> dict[str | None, int]:
    table: dict[str | None, int] = {"outsider": 404, None: 401}
    table.update(statuses)
    return table


EVERYONE = {**{v: 200 for v in VISITORS}, None: 401}
VIEW_REP = by_role(admin=200, coach=200, rep=200, other_rep=403, stakeholder=200)
RUN = by_role(admin=200, coach=200, rep=403, other_rep=403, stakeholder=403)
OUTBOX = by_role(admin=200, coach=200, rep=403, other_rep=403, stakeholder=403)


def failed_followup(w: World) -> FollowUp:
    followup = followup_to(w, "rep")
    FollowUp.objects.filter(pk=followup.pk).update(state=State.FAILED)
    return followup


def in_a_week() -> str:
    return (timezone.localdate() + dt.timedelta(days=7)).isoformat()


ROWS = [
    Row("me", "get", "/me", EVERYONE),
    Row("members", "get", "/members", EVERYONE),
    Row(
        "member",
        "get",
        "/members/{id}",
        by_role(admin=200, coach=200, rep=200, other_rep=403, stakeholder=200),
        make=lambda w: w.members["rep"],
    ),
    Row("plans", "get", "/plans", EVERYONE),
    Row("plan", "get", "/plans/{id}", VIEW_REP, make=plan_of),
    Row("sessions", "get", "/sessions", EVERYONE),
    Row("session", "get", "/sessions/{id}", VIEW_REP, make=session_of),
    Row("commitments", "get", "/commitments?state=open", EVERYONE),
    Row("commitment", "get", "/commitments/{id}", VIEW_REP, make=commitment_of),
    Row(
        "commitment create",
        "post",
        "/commitments",
        by_role(admin=201, coach=201, rep=403, other_rep=403, stakeholder=403),
        make=session_of,
        body=lambda w, s: {
            "session_id": s.pk,
            "owner_id": w.members["rep"].pk,
            "text": "Ask for two referrals",
            "due_on": in_a_week(),
        },
    ),
    Row(
        "commitment change",
        "patch",
        "/commitments/{id}",
        RUN,
        make=commitment_of,
        body=lambda w, c: {"due_on": in_a_week()},
    ),
    Row(
        "commitment outcome",
        "post",
        "/commitments/{id}/outcome",
        RUN,
        make=commitment_of,
        body=lambda w, c: {"state": "missed", "note": "Ran out of time"},
    ),
    Row("commitment drop", "post", "/commitments/{id}/drop", RUN, make=commitment_of),
    Row("responses", "get", "/responses", EVERYONE),
    Row("response", "get", "/responses/{id}", VIEW_REP, make=answer_of),
    Row(
        "commitment answer",
        "post",
        "/commitments/{id}/responses",
        by_role(admin=403, coach=403, rep=201, other_rep=403, stakeholder=403),
        make=commitment_of,
        body=lambda w, c: {"answer": "done", "comment": "Booked three"},
    ),
    Row("followups", "get", "/followups", EVERYONE),
    Row("followup", "get", "/followups/{id}", OUTBOX, make=lambda w: followup_to(w, "rep")),
    Row(
        "followup cancel",
        "post",
        "/followups/{id}/cancel",
        OUTBOX,
        make=lambda w: followup_to(w, "rep"),
    ),
    Row(
        "followup reschedule",
        "post",
        "/followups/{id}/reschedule",
        OUTBOX,
        make=lambda w: followup_to(w, "rep"),
        body=lambda w, f: {"send_at": "2099-01-05T09:00:00+01:00"},
    ),
    Row(
        "followup send now",
        "post",
        "/followups/{id}/send-now",
        OUTBOX,
        make=lambda w: followup_to(w, "rep"),
    ),
    Row("followup retry", "post", "/followups/{id}/retry", OUTBOX, make=failed_followup),
    Row("metrics", "get", "/metrics", EVERYONE),
    Row("entries", "get", "/entries", EVERYONE),
    Row(
        "entry create",
        "post",
        "/entries",
        # Only reps log numbers; the outsider is an admin (of globex): refused for the role.
        by_role(admin=403, coach=403, rep=201, other_rep=201, stakeholder=403, outsider=403),
        make=lambda w: Metric.of(w.workspace).first(),
        body=lambda w, m: {"metric_id": m.pk, "day": timezone.localdate().isoformat(), "value": 4},
    ),
    Row("opportunities", "get", "/opportunities?stage=proposal", EVERYONE),
    Row("opportunity", "get", "/opportunities/{id}", VIEW_REP, make=opportunity_of),
    Row("opportunity stages", "get", "/opportunities/{id}/stages", VIEW_REP, make=opportunity_of),
    Row(
        "opportunity move",
        "post",
        "/opportunities/{id}/stage",
        by_role(admin=200, coach=200, rep=200, other_rep=403, stakeholder=403),
        make=opportunity_of,
        body=lambda w, o: {"stage": "won"},
    ),
    Row("client checkins", "get", "/client-checkins?state=answered", EVERYONE),
    Row(
        "client checkin",
        "get",
        "/client-checkins/{id}",
        # Not stakeholders: a complaint goes privately to the rep and the manager.
        by_role(admin=200, coach=200, rep=200, other_rep=403, stakeholder=403),
        make=complaint_of,
    ),
    Row(
        "digest subscription (none set up)",
        "get",
        "/digest-subscription",
        # Reps have no digest; the others have not set one up in this world.
        {**by_role(admin=404, coach=404, rep=403, other_rep=403, stakeholder=404)},
    ),
    Row("events", "get", "/events?verb=commitment.", EVERYONE),
    Row(
        "digest subscription change",
        "patch",
        "/digest-subscription",
        # One's own: the outsider changes theirs, in their own workspace.
        by_role(admin=200, coach=200, rep=403, other_rep=403, stakeholder=200, outsider=200),
        body=lambda w, _: {"hour": 7, "quiet_weeks": True},
    ),
    Row(
        "plan create",
        "post",
        "/plans",
        # The outsider's token names a rep of another workspace: not one to choose (409).
        by_role(admin=201, coach=201, rep=403, other_rep=403, stakeholder=403, outsider=409),
        body=lambda w, _: {
            "rep_id": w.members["rep"].pk,
            "purpose": "Double the referrals",
            "starts_on": timezone.localdate().isoformat(),
            "deadline": in_a_week(),
        },
    ),
    Row(
        "session schedule",
        "post",
        "/plans/{id}/sessions",
        by_role(admin=201, coach=201, rep=403, other_rep=403, stakeholder=403),
        make=plan_of,
        body=lambda w, p: {"starts_at": "2099-01-05T09:00:00+01:00"},
    ),
    Row(
        "session finish",
        "post",
        "/sessions/{id}/finish",
        RUN,
        make=lambda w: commitment_of(w).session,
        body=lambda w, s: {"held_now": True},
    ),
    Row("contacts", "get", "/contacts", EVERYONE),
    Row(
        "contact",
        "get",
        "/contacts/{id}",
        # Not stakeholders: they read figures, not clients' addresses and words.
        by_role(admin=200, coach=200, rep=200, other_rep=403, stakeholder=403),
        make=client_of,
    ),
    Row("quotes", "get", "/quotes?quote_state=candidate", EVERYONE),
    Row(
        "quote approve",
        "post",
        "/quotes/{id}/approve",
        by_role(admin=200, coach=200, rep=200, other_rep=403, stakeholder=403),
        make=quote_of,
        body=lambda w, q: {"text": ""},
    ),
    Row(
        "quote decline",
        "post",
        "/quotes/{id}/decline",
        by_role(admin=200, coach=200, rep=200, other_rep=403, stakeholder=403),
        make=quote_of,
    ),
]


# Manager-as-coach programs: as on the pages (tests/permission_matrix.py). "facilitator" runs the
# cohort, "manager" and "peer" are enrolled, the stakeholder is the program's sponsor; "coach"
# takes no part, reps never see programs.
def programs_by_role(**statuses: int) -> dict[str | None, int]:
    return by_role(**{"facilitator": 200, "manager": 200, "peer": 200, **statuses})


ALL_OF_PROGRAMS = {**{v: 200 for v in [*VISITORS, *PROGRAM_VISITORS]}, None: 401}
VIEW_PROGRAM = programs_by_role(admin=200, coach=403, rep=403, other_rep=403, stakeholder=200)
RUN_COHORT = programs_by_role(
    admin=200, coach=403, rep=403, other_rep=403, stakeholder=403, manager=403, peer=403
)


def coming_session(w: World) -> Any:
    return program_session_of(w, 2)


def next_month() -> str:
    return (timezone.now() + dt.timedelta(days=30)).replace(microsecond=0).isoformat()


ROWS += [
    Row("programs", "get", "/programs", ALL_OF_PROGRAMS, make=cohort_of, programs=True),
    Row(
        "program",
        "get",
        "/programs/{id}",
        VIEW_PROGRAM,
        make=lambda w: cohort_of(w).program,
        programs=True,
    ),
    Row("cohorts", "get", "/cohorts", ALL_OF_PROGRAMS, make=cohort_of, programs=True),
    Row("cohort", "get", "/cohorts/{id}", VIEW_PROGRAM, make=cohort_of, programs=True),
    Row(
        "cohort adoption",
        "get",
        "/cohorts/{id}/adoption",
        VIEW_PROGRAM,
        make=cohort_of,
        programs=True,
    ),
    Row(
        "program sessions",
        "get",
        "/program-sessions",
        ALL_OF_PROGRAMS,
        make=cohort_of,
        programs=True,
    ),
    Row(
        "program session",
        "get",
        "/program-sessions/{id}",
        VIEW_PROGRAM,
        make=coming_session,
        programs=True,
    ),
    Row(
        "program session move",
        "post",
        "/program-sessions/{id}/move",
        RUN_COHORT,
        make=coming_session,
        body=lambda w, s: {"starts_at": next_month()},
        programs=True,
    ),
    Row(
        "program session cancel",
        "post",
        "/program-sessions/{id}/cancel",
        RUN_COHORT,
        make=coming_session,
        programs=True,
    ),
]
PROGRAM_ROWS = [row for row in ROWS if row.programs]


# Rubrics and role-plays: the cohort of tests/rubrics_helpers.py ("facilitator", "manager" who
# played the role-play, "peer", "sponsor"); the world's coach, rep and stakeholder take no part.
def cohort_people(**statuses: int) -> dict[str | None, int]:
    return by_role(**{**{key: 200 for key in COHORT_PEOPLE}, **statuses})


SEES_ROLE_PLAYS = cohort_people(admin=200, coach=403, rep=403, other_rep=403, stakeholder=403)
EVERYONE_IN_COHORT = {**{v: 200 for v in [*VISITORS, *COHORT_PEOPLE]}, None: 401}


def top_levels(w: World, role_play: Any) -> dict[str, Any]:
    return {"levels": {str(c): lv for c, lv in levels_of(role_play.rubric, [3, 3]).items()}}


ROWS += [
    Row("rubrics", "get", "/rubrics", EVERYONE_IN_COHORT, make=scored_cohort_of, rubrics=True),
    Row(
        "rubric",
        "get",
        "/rubrics/{id}",
        cohort_people(admin=200, coach=200, rep=403, other_rep=403, stakeholder=403, sponsor=403),
        make=lambda w: scored_cohort_of(w).rubric,
        rubrics=True,
    ),
    Row(
        "role-plays",
        "get",
        "/cohorts/{id}/role-plays",
        SEES_ROLE_PLAYS,
        make=lambda w: scored_cohort_of(w).cohort,
        rubrics=True,
    ),
    Row(
        "role-play",
        "get",
        "/role-plays/{id}",
        SEES_ROLE_PLAYS,
        make=lambda w: scored_cohort_of(w).role_play,
        rubrics=True,
    ),
    Row(
        "role-play assessments",
        "get",
        "/role-plays/{id}/assessments",
        SEES_ROLE_PLAYS,
        make=lambda w: scored_cohort_of(w).role_play,
        rubrics=True,
    ),
    Row(
        "role-play assess",
        "post",
        "/role-plays/{id}/assessments",
        # The facilitator, the manager who played it (self) and the peer; admins do not score.
        cohort_people(
            admin=403,
            coach=403,
            rep=403,
            other_rep=403,
            stakeholder=403,
            facilitator=201,
            manager=201,
            peer=201,
            sponsor=403,
        ),
        make=lambda w: scored_cohort_of(w).role_play,
        body=top_levels,
        rubrics=True,
    ),
]
RUBRIC_ROWS = [row for row in ROWS if row.rubrics]
