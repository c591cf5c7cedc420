"""Objects the permission matrix and the permission rules make in the test world.

Who is whose: the coach coaches "rep" and runs the rep's plan; the stakeholder follows "rep";
"other_rep" is coached and followed by nobody, and the admin runs their plan. The private
texts here ("Secret next step", "Account of") must never reach a visitor who is refused.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from followthrough.coaching import actions
from followthrough.coaching.models import Commitment, Plan, Response, Session
from followthrough.followups import actions as followups
from followthrough.followups.models import FollowUp, Kind
from followthrough.metrics import imports
from followthrough.metrics.models import ImportRun
from followthrough.pipeline import actions as pipeline
from followthrough.pipeline.models import Opportunity, Stage
from followthrough.sync import actions as sync
from followthrough.sync.models import Review
from tests.conftest import World

SOON = dt.datetime(2099, 1, 5, 15, 0, tzinfo=dt.UTC)


def next_week() -> str:
    return (timezone.localdate() + dt.timedelta(days=7)).isoformat()


# Coaching -------------------------------------------------------------------------------------


def plan_of(w: World, rep: str = "rep") -> Plan:
    coach = "coach" if rep == "rep" else "admin"
    return actions.create_plan(
        coach=w.members[coach],
        rep=w.members[rep],
        purpose=f"Plan of {rep}",
        starts_on=dt.date(2099, 1, 1),
        deadline=dt.date(2099, 3, 1),
    )


def session_of(w: World, rep: str = "rep") -> Session:
    return actions.schedule_session(plan_of(w, rep), SOON, by=w.user("admin"))


def commitment_of(w: World, rep: str = "rep") -> Commitment:
    session = session_of(w, rep)
    return actions.add_commitment(
        session,
        owner=w.members[rep],
        text="Call ten past clients",
        due_on=timezone.localdate() + dt.timedelta(days=3),
        measures=[{"name": "calls", "target": 10}],
        by=w.user("admin"),
    )


def answer_of(w: World) -> Response:
    commitment = commitment_of(w)
    return actions.record_response(commitment, answer="partly", comment="Between us")


# Follow-ups -----------------------------------------------------------------------------------


def followup_to(w: World, to: str) -> FollowUp:
    return followups.schedule(
        kind=Kind.CHECK_IN,
        template="notice",
        to_email=w.user(to).email,
        recipient=w.user(to),
        workspace=w.workspace,
        context={"subject": "How did it go?", "text": "Private to the rep and coach."},
    )


# Metrics --------------------------------------------------------------------------------------


def rows_of_rep() -> str:
    return f"email,date,metric,value\nrep@example.org,{timezone.localdate()},Calls made,3\n"


def run_of_rep(w: World, checked: bool = True) -> ImportRun:
    rep = w.members["rep"]
    run = imports.start(rep, "numbers.csv", imports.read(rows_of_rep().encode(), rep))
    return imports.check_all(run) if checked else run


# Pipeline -------------------------------------------------------------------------------------


def opportunity_of(w: World, rep: str = "rep") -> Opportunity:
    return pipeline.create_opportunity(
        w.members[rep],
        by=w.user(rep),
        account=f"Account of {rep}",
        value=Decimal(4200),
        stage=Stage.PROPOSAL,
        next_step=f"Secret next step of {rep}",
    )


def other_reps_opportunity(w: World) -> Opportunity:
    return opportunity_of(w, "other_rep")


# The coach-manager thread (sync) ---------------------------------------------------------------


def review_of(w: World, rep: str = "rep") -> Review:
    """A review booked by the rep's manager: the stakeholder for "rep", the admin for
    "other_rep", with a note for the manager in the thread."""
    manager = w.members["stakeholder" if rep == "rep" else "admin"]
    sync.write_note(
        w.members[rep], author=w.members["admin"], text="Secret next step", for_manager=True
    )
    return sync.book_review(w.members[rep], manager=manager, starts_at=SOON)
