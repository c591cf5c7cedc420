"""Demo data drawn from the five stories Followthrough comes from.

Two client companies of one independent coach, Morgan Reyes:
- Brightline Software: Bob on his 60-day ultimatum (story 000) with his manager and the VP who
  wants weekly status updates; Alejandro and his ten past clients (story 001) with his manager
  Gustavo; Derek, the star performer whose follow-through after the sale is poor (story 002),
  and his manager in Minnesota.
- Harbor Office Supply: the managers of the "Manager as Coach" program (story 004), learning to
  coach their account reps; most embrace it, one stays skeptical.

At Brightline the coaching loop is under way, dated relative to today: Bob's plan shows every
state a commitment can be in (done, partly, not yet, let's talk, reminded, open loop, missed,
dropped, waiting) and an upcoming session whose agenda carries the open ones; Alejandro is
halfway through his ten calls; Derek has just agreed to call his clients 30 days after a sale.

Loading is idempotent: people and workspaces are found by email and slug, never duplicated;
the coaching loop is seeded only into a Brightline without plans.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from followthrough.accounts.actions import invite, set_relationships
from followthrough.accounts.models import Invitation, Membership, Profile, Role, User, Workspace
from followthrough.coaching import actions
from followthrough.coaching.models import (
    Answer,
    Commitment,
    CommitmentState,
    LoopTimes,
    Plan,
    Session,
    Source,
)
from followthrough.demo import activity as metrics_demo
from followthrough.demo import binder as binder_demo
from followthrough.demo import clients as clients_demo
from followthrough.demo import clock
from followthrough.demo import digests as digests_demo
from followthrough.demo import pipeline as pipeline_demo
from followthrough.demo import programs as programs_demo
from followthrough.demo import role_plays as role_plays_demo
from followthrough.demo import updates as updates_demo
from followthrough.lib import dates

DEMO_PASSWORD = "followthrough-demo"
DEMO_COACH_EMAIL = "morgan@example.com"
PENDING_INVITE = "nina.park@example.com"  # a new rep at Brightline, invited, not joined yet


@dataclass(frozen=True)
class Person:
    email: str
    name: str
    time_zone: str
    language: str = "en"
    work_starts: dt.time = dt.time(9, 0)
    work_ends: dt.time = dt.time(17, 30)


@dataclass(frozen=True)
class Seat:
    email: str
    role: Role
    title: str


PEOPLE = [
    Person(DEMO_COACH_EMAIL, "Morgan Reyes", "America/Chicago", work_starts=dt.time(8, 0)),
    Person("bob@example.com", "Bob Keller", "America/New_York"),
    Person("karen@example.com", "Karen Liu", "America/New_York"),
    Person("tom@example.com", "Tom Brandt", "America/New_York"),
    Person(
        "alejandro@example.com",
        "Alejandro Ruiz",
        "America/Argentina/Buenos_Aires",
        language="es",
        work_starts=dt.time(10, 0),
        work_ends=dt.time(19, 0),
    ),
    Person("gustavo@example.com", "Gustavo Pereyra", "America/Argentina/Buenos_Aires", "es"),
    Person("derek@example.com", "Derek Vance", "America/Chicago"),
    Person("linda@example.com", "Linda Sorensen", "America/Chicago"),
    Person("rachel@example.com", "Rachel Adler", "America/Toronto"),
    Person("priya@example.com", "Priya Natarajan", "America/Toronto"),
    Person("sam@example.com", "Sam Okafor", "America/Toronto"),
    Person("helen@example.com", "Helen Brooks", "America/Halifax"),
    Person("marco@example.com", "Marco Bianchi", "America/Toronto"),
    Person("jess@example.com", "Jess Tran", "America/Toronto"),
]

BRIGHTLINE = ("brightline", "Brightline Software")
HARBOR = ("harbor-office-supply", "Harbor Office Supply")

SEATS = {
    BRIGHTLINE: [
        Seat(DEMO_COACH_EMAIL, Role.ADMIN, "Independent sales coach"),
        Seat("bob@example.com", Role.REP, "Account Executive, new business"),
        Seat("karen@example.com", Role.COACH, "Sales Manager, East"),
        Seat("tom@example.com", Role.STAKEHOLDER, "VP of Sales"),
        Seat("alejandro@example.com", Role.REP, "Financial Advisor"),
        Seat("gustavo@example.com", Role.STAKEHOLDER, "Branch Sales Manager"),
        Seat("derek@example.com", Role.REP, "Senior Account Executive"),
        Seat("linda@example.com", Role.COACH, "Regional Sales Manager, Minnesota"),
    ],
    HARBOR: [
        Seat(DEMO_COACH_EMAIL, Role.ADMIN, "Facilitator, Manager as Sales Coach"),
        Seat("rachel@example.com", Role.STAKEHOLDER, "Director of Client Services"),
        Seat("priya@example.com", Role.COACH, "Account Manager lead, Retail"),
        Seat("sam@example.com", Role.COACH, "Account Manager lead, Healthcare"),
        Seat("helen@example.com", Role.COACH, "Account Manager lead, Education (skeptical)"),
        Seat("marco@example.com", Role.REP, "Account Representative"),
        Seat("jess@example.com", Role.REP, "Account Representative"),
    ],
}

# rep -> (coaches, stakeholders who follow)
RELATIONSHIPS = {
    BRIGHTLINE: {
        "bob@example.com": ([DEMO_COACH_EMAIL, "karen@example.com"], ["tom@example.com"]),
        "alejandro@example.com": ([DEMO_COACH_EMAIL], ["gustavo@example.com"]),
        "derek@example.com": (["linda@example.com"], ["tom@example.com"]),
    },
    HARBOR: {
        "marco@example.com": (["priya@example.com"], ["rachel@example.com"]),
        "jess@example.com": (["sam@example.com", "helen@example.com"], ["rachel@example.com"]),
    },
}

# Alejandro's ten past clients (story 001): he is to call each and ask for three referrals.
# They become pipeline contacts when the pipeline arrives; until then they live here.
ALEJANDRO_CLIENTS = [
    "Lucía Fernández",
    "Martín Gómez",
    "Sofía Herrera",
    "Diego Álvarez",
    "Valentina Castro",
    "Joaquín Romero",
    "Camila Navarro",
    "Tomás Ibarra",
    "Florencia Quiroga",
    "Nicolás Benítez",
]


def is_loaded() -> bool:
    return Workspace.objects.filter(slug=BRIGHTLINE[0]).exists()


@transaction.atomic
def load() -> None:
    users = {}
    for person in PEOPLE:
        user = User.objects.filter(email=person.email).first()
        if user is None:
            user = User.objects.create_user(person.email, DEMO_PASSWORD, name=person.name)
        Profile.objects.update_or_create(
            user=user,
            defaults={
                "time_zone": person.time_zone,
                "language": person.language,
                "work_starts": person.work_starts,
                "work_ends": person.work_ends,
            },
        )
        users[person.email] = user

    for (slug, name), seats in SEATS.items():
        workspace, _ = Workspace.objects.get_or_create(slug=slug, defaults={"name": name})
        members = {}
        for seat in seats:
            member, _ = Membership.objects.get_or_create(
                workspace=workspace,
                user=users[seat.email],
                defaults={"role": seat.role, "title": seat.title},
            )
            members[seat.email] = member
        for rep_email, (coach_emails, follower_emails) in RELATIONSHIPS[(slug, name)].items():
            set_relationships(
                members[rep_email],
                [members[email] for email in coach_emails],
                [members[email] for email in follower_emails],
            )

    brightline = Workspace.objects.get(slug=BRIGHTLINE[0])
    # Morgan hosts this Followthrough herself, so she may also open the Django admin.
    User.objects.filter(email=DEMO_COACH_EMAIL).update(is_staff=True, is_superuser=True)
    coach_profile = Profile.objects.get(user=users[DEMO_COACH_EMAIL])
    if coach_profile.last_workspace_id is None:
        coach_profile.last_workspace = Workspace.objects.get(slug=BRIGHTLINE[0])
        coach_profile.save(update_fields=["last_workspace"])

    # The loop is seeded once: a second run finds the plans and leaves them (and whatever
    # happened to them since) alone.
    if not Plan.objects.filter(workspace=brightline).exists():
        seed_coaching_loop(brightline)
        # Activity, results and the pipeline, drawn on the same weeks as the loop.
        pipeline_demo.seed(brightline)
        clients_demo.seed(brightline)
        binder_demo.seed(brightline)  # Linda approves Derek's quotes and shares his binder
        metrics_demo.seed(brightline)
        updates_demo.seed(brightline)  # Bob's weekly updates, on the same weeks
        digests_demo.seed(brightline, Workspace.objects.get(slug=HARBOR[0]))

    # Harbor's managers in the "Manager as Sales Coach" program (story 004): seeded once.
    # The cohort's role-plays, scored three ways: Priya and Sam rising, Helen flat.
    role_plays_demo.seed(programs_demo.seed(Workspace.objects.get(slug=HARBOR[0])))

    # Nina has been invited today and not answered yet: her invitation waits in the outbox for
    # the dispatcher of `make run` (invited after the stories, whose dispatcher sends only what
    # was due in the past).
    if not Invitation.objects.filter(workspace=brightline, email=PENDING_INVITE).exists():
        invite(brightline, users[DEMO_COACH_EMAIL], PENDING_INVITE, Role.REP)


def logins() -> list[tuple[str, str, str]]:
    """(who, email, password) for the lines `make run` prints, in the active language."""
    return [
        (gettext("Coach (admin of both workspaces, site admin)"), DEMO_COACH_EMAIL, DEMO_PASSWORD),
        (gettext("Rep on a 60-day ultimatum"), "bob@example.com", DEMO_PASSWORD),
        (gettext("Rep calling his ten past clients"), "alejandro@example.com", DEMO_PASSWORD),
        (gettext("Bob's manager, a coach"), "karen@example.com", DEMO_PASSWORD),
        (gettext("VP of Sales, a stakeholder"), "tom@example.com", DEMO_PASSWORD),
    ]


# The coaching loop ----------------------------------------------------------------------------
#
# Everything is made by the real actions (coaching/actions.py), so check-ins, reminders, to-dos,
# recaps and notices are exactly what the app would have written. The story happened over the
# last five weeks: each step runs at its moment on the demo's clock (clock.py), where the real
# dispatcher has sent what was due by then. Nothing of the loop is left scheduled in the past,
# so the dispatcher that `make run` starts has nothing to catch up on.

HOUR = dt.timedelta(hours=1)
DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class Step:
    """A next step agreed in a session, owned by the plan's rep."""

    text: str
    due_on: dt.date
    measures: list[dict[str, object]] = field(default_factory=list)


def seed_coaching_loop(workspace: Workspace) -> None:
    people = {
        m.user.email: m for m in workspace.memberships.select_related("user__profile", "workspace")
    }
    bob_keeps_his_job(workspace, people)
    alejandro_calls_his_clients(workspace, people)
    derek_follows_through(workspace, people)
    # Check-ins and reminders whose time has come went out; the rest waits for the dispatcher.
    clock.deliver_until(timezone.now(), workspace)


def bob_keeps_his_job(workspace: Workspace, people: dict[str, Membership]) -> None:
    """Story 000: five weeks into the 60 days, about three sessions a week (six shown here)."""
    morgan, bob = people[DEMO_COACH_EMAIL], people["bob@example.com"]
    now = timezone.now()
    today = _today(bob)
    kickoff, second, third, fourth, fifth, sixth = (
        dates.weekday_on_or_before(today - dt.timedelta(days=n)) for n in (34, 27, 22, 16, 11, 4)
    )
    upcoming = dates.weekday_on_or_after(today + DAY)

    with clock.at(_at(kickoff - DAY, 15, morgan), workspace):
        plan = actions.create_plan(
            coach=morgan,
            rep=bob,
            stakeholders=[people["tom@example.com"]],  # Karen is his coach, not a stakeholder
            purpose="Keep the job: 60-day ultimatum",
            starts_on=kickoff,
            deadline=kickoff + dt.timedelta(days=60),
            target_metric="revenue",
            target_low=Decimal(14000),
            target_high=Decimal(16000),
            target_unit="USD",
            why=(
                "The $14-16K pays off the credit card from the move and puts three months of "
                "rent in the bank, so Dana and the kids stop hearing about money at dinner."
            ),
            long_term_goal=(
                "Be the account executive Karen hands the big channel accounts to: senior AE "
                "within two years, and never on notice again."
            ),
            sessions_per_week=3,
        )
        session = actions.schedule_session(
            plan, _at(kickoff, 10, bob), by=morgan.user, location="Phone", invite=True
        )

    (calls, evaluation, territory), session = _hold_session(
        session,
        summary=(
            "Kick-off. We started with **why**: what the $14-16K is for (see the plan). Then the "
            "pipeline: too thin to make the number, so the first two weeks are about "
            "*backfilling* it.\n\n- 40 calls to the channel partner list\n"
            "- the evaluation, before anything else\n- a territory plan"
        ),
        notes="Confident on the phone, vague about the numbers. Karen says he rushes demos.",
        steps=[
            Step(
                "Make 40 prospecting calls to the channel partner list",
                _due(kickoff, 4),
                [{"name": "calls", "target": 40}],
            ),
            Step("Finish the sales evaluation (the link from Morgan)", _due(kickoff, 1)),
            Step("Rebuild the territory plan in a spreadsheet", _due(kickoff, 8)),
        ],
        next_starts_at=_at(second, 10, bob),
    )
    _answer(evaluation, _after_checkin(evaluation, -20), answer=Answer.DONE, source=Source.REP)
    _answer(
        calls,
        _after_checkin(calls, 2),
        answer=Answer.DONE,
        numbers={"calls": 43},
        comment="43 in the end. Nine asked for a meeting next week.",
    )

    (meetings, status_update), session = _hold_session(
        session,
        summary=(
            "43 calls, 9 interested: the calls work. Now turn them into meetings.\n\n"
            "Tom wants a **weekly status update**: Bob sends it on Fridays.\n\n"
            "Dropped the territory plan: Karen keeps one, Bob uses hers."
        ),
        steps=[
            Step(
                "Book 5 discovery meetings from the channel calls",
                _due(second, 4),
                [{"name": "meetings", "target": 5}],
            ),
            Step("Send Tom the first weekly status update", _due(second, 2)),
        ],
        next_starts_at=_at(third, 10, bob),
    )
    _drop(territory, at=_at(second, 10, bob) + dt.timedelta(minutes=30))
    _answer(status_update, _after_checkin(status_update, 1), answer=Answer.DONE)
    _answer(
        meetings,
        _after_checkin(meetings, 5),
        answer=Answer.PARTLY,
        numbers={"meetings": 3},
        comment="Three booked. Two said to call back after their budget meeting.",
    )

    open_loop_due = _latest_due_on(
        bob, third + dt.timedelta(days=3), lambda t: t.open_loop_at < now - DAY
    )
    (_silent_proposals, ask_karen), session = _hold_session(
        session,
        summary=(
            "Three discovery meetings; Northwind Freight and Castle Dental want proposals.\n\n"
            "Practised the pricing conversation twice. Bob asks Karen to join Castle Dental: "
            "she has sold to dental groups before."
        ),
        steps=[
            Step(
                "Send proposals to Northwind Freight and Castle Dental",
                open_loop_due,
                [{"name": "proposals", "target": 2}],
            ),
            Step("Ask Karen to join the Castle Dental call", _due(third, 2)),
        ],
        next_starts_at=_at(fourth, 10, bob),
    )
    _coach_records(
        ask_karen,
        at=_at(fourth, 10, bob) + dt.timedelta(minutes=40),
        state=CommitmentState.MISSED,
        note="He did not ask: he was afraid it would look as if he cannot close alone.",
    )

    (renewal,), session = _hold_session(
        session,
        summary=(
            "Harlow Logistics wants to renew for $4,200: the first real money of the 60 days. "
            "Bob closes it this week.\n\nWe talked about asking for help: it is a skill, "
            "not a weakness."
        ),
        notes="Still nothing on the proposals. Did he send them? Ask next time.",
        steps=[
            Step(
                "Close the Harlow Logistics renewal",
                _due(fourth, 3),
                [{"name": "revenue", "target": 4200}],
            )
        ],
        next_starts_at=_at(fifth, 10, bob),
    )
    _answer(
        renewal,
        _after_checkin(renewal, 3),
        answer=Answer.NOT_YET,
        new_due_on=_due(today, 3),
        comment="Their CFO is travelling; the signature is promised for the new date.",
    )

    reminded_due = _latest_due_on(
        bob,
        today - DAY,
        lambda t: t.reminder_at < now - HOUR and t.open_loop_at > now + HOUR,
    )
    (referrals, _reminded_callbacks), session = _hold_session(
        session,
        summary=(
            "Backfill: happy customers are the cheapest source of new ones. Bob asks three of "
            "them for a referral.\n\nAnd the two who said *after our budget meeting*: their "
            "meeting is over, so call them back."
        ),
        steps=[
            Step(
                "Ask three happy customers for a referral",
                _due(fifth, 3),
                [{"name": "referrals asked", "target": 3}],
            ),
            Step(
                "Call back the two prospects who waited for their budget meeting",
                reminded_due,
                [{"name": "calls", "target": 2}],
            ),
        ],
        next_starts_at=_at(sixth, 10, bob),
    )
    _answer(
        referrals,
        _after_checkin(referrals, 27),
        answer=Answer.TALK,
        comment="Two of the three are Karen's accounts. How do I ask without stepping on her?",
    )

    (webinar_leads, _review), session = _hold_session(
        session,
        summary=(
            "Four weeks in. Karen, Tom and Morgan all see more confidence on the phone.\n\n"
            "Bob's review with Karen is coming: he brings the **numbers**, three wins and one "
            "ask. The webinar leads are warm: call them all this week."
        ),
        notes="Worried about the review. He hears 'two weeks left' where Karen means progress.",
        steps=[
            Step(
                "Call the 12 leads from the channel webinar",
                _due(today, 3),
                [{"name": "calls", "target": 12}, {"name": "meetings", "target": 2}],
            ),
            Step("Bring your numbers and three wins to the review with Karen", upcoming),
        ],
        next_starts_at=_at(upcoming, 10, bob),
    )
    # A progress report before the due date: partly done, and the check-in still goes out.
    _answer(
        webinar_leads,
        _at(today - DAY, 17, bob),
        answer=Answer.PARTLY,
        numbers={"calls": 7, "meetings": 1},
        comment="Seven so far, one demo booked. The other five tomorrow.",
        source=Source.REP,
    )
    actions.add_todo(
        morgan, text="Call Karen before Bob's review: share the numbers and the wins", due_on=today
    )


def alejandro_calls_his_clients(workspace: Workspace, people: dict[str, Membership]) -> None:
    """Story 001: call the ten past clients, ask each for three referrals. He called five and
    got four; the coach asks again until it is done."""
    morgan, alejandro = people[DEMO_COACH_EMAIL], people["alejandro@example.com"]
    today = _today(alejandro)
    first, second = (dates.weekday_on_or_before(today - dt.timedelta(days=n)) for n in (12, 3))

    with clock.at(_at(first - DAY, 16, morgan), workspace):
        plan = actions.create_plan(
            coach=morgan,
            rep=alejandro,
            stakeholders=[people["gustavo@example.com"]],
            # Story 001 is told in Spanish: what Alejandro and Morgan write together is Spanish.
            purpose="Referidos de mis diez clientes",
            starts_on=first,
            deadline=first + dt.timedelta(days=60),
            target_metric="referrals asked",
            target_low=Decimal(30),
            target_unit="",
            why="Que mi carrera siga viva: clientes propios, pase lo que pase en el juicio.",
            long_term_goal="Una cartera de clientes que me recomienden a sus amigos y familia.",
            sessions_per_week=1,
        )
        session = actions.schedule_session(
            plan, _at(first, 11, alejandro), by=morgan.user, location="Teléfono", invite=True
        )

    clients = ", ".join(ALEJANDRO_CLIENTS)
    (ten_calls,), session = _hold_session(
        session,
        summary=(
            "¿De dónde salen los clientes? De los que ya tienes. Llama a los diez y pídele a "
            "cada uno **tres** referidos, con la intención de conseguirlos.\n\n"
            f"Los diez: {clients}."
        ),
        notes="Afraid of what they will think. The court case weighs on everything.",
        steps=[
            Step(
                "Llamar a tus 10 clientes anteriores y pedirle 3 referidos a cada uno",
                _due(first, 2),
                [{"name": "calls", "target": 10}, {"name": "referrals asked", "target": 30}],
            )
        ],
        next_starts_at=_at(second, 11, alejandro),
    )
    _answer(
        ten_calls,
        _after_checkin(ten_calls, 6),
        answer=Answer.PARTLY,
        numbers={"calls": 5, "referrals asked": 4},
        comment="Llamé a 5 y me dieron 4 referidos. A los otros no los llamé: pensé que iban a "
        "pensar mal de mí.",
    )

    _steps, session = _hold_session(
        session,
        summary=(
            "Cinco llamadas, cuatro referidos: funciona. A los otros cinco no los llamaste porque "
            "*pensaste* que les iba a molestar. No tienen voto hasta que les preguntes.\n\n"
            "Llama a los otros cinco esta semana."
        ),
        steps=[
            Step(
                "Llamar a los otros 5 clientes anteriores y pedirle 3 referidos a cada uno",
                _due(today, 2),
                [{"name": "calls", "target": 5}, {"name": "referrals asked", "target": 15}],
            )
        ],
        next_starts_at=_at(dates.weekday_on_or_after(second + dt.timedelta(days=7)), 11, alejandro),
    )


def derek_follows_through(workspace: Workspace, people: dict[str, Membership]) -> None:
    """Story 002: the star closer whose clients feel forgotten after the sale."""
    linda, derek = people["linda@example.com"], people["derek@example.com"]
    today = _today(derek)
    first = dates.weekday_on_or_before(today - dt.timedelta(days=3))

    with clock.at(_at(first - DAY, 16, linda), workspace):
        plan = actions.create_plan(
            coach=linda,
            rep=derek,
            stakeholders=[people["tom@example.com"]],
            purpose="Follow-through after the sale: every client called 30 days later",
            starts_on=first,
            deadline=first + dt.timedelta(days=90),
            why="Clients who call him back, and a binder of their praise for the senior team.",
            long_term_goal="Lead the enterprise team.",
            sessions_per_week=1,
        )
        session = actions.schedule_session(plan, _at(first, 10, derek), by=linda.user)
    _hold_session(
        session,
        summary=(
            "You are the best closer on the team, and the clients you close feel forgotten a "
            "month later. From now on every client hears from you **30 days after the sale**; "
            "what they praise goes into a binder the senior team reads."
        ),
        steps=[
            Step(
                "Call each client closed last month and ask how it is going",
                _due(today, 7),
                [{"name": "clients called", "target": 6}],
            )
        ],
        next_starts_at=_at(dates.weekday_on_or_after(first + dt.timedelta(days=7)), 10, derek),
    )


# Playing the story: each step is a real action, dated at the moment it happened ---------------


def _hold_session(
    session: Session,
    *,
    summary: str,
    steps: list[Step],
    next_starts_at: dt.datetime,
    notes: str = "",
) -> tuple[list[Commitment], Session]:
    """The session took place: notes, the steps agreed, Finish (which books the next one), all
    at its end. Returns the commitments, with their check-in times, and the next session."""
    coach = session.plan.coach.user
    with clock.at(session.ends_at, session.workspace):
        actions.save_notes(session, private_notes=notes, summary=summary, by=coach)
        agreed = [
            actions.add_commitment(
                session,
                owner=session.plan.rep,
                text=step.text,
                due_on=step.due_on,
                measures=step.measures,
                by=coach,
            )
            for step in steps
        ]
        next_session = actions.finish_session(session, by=coach, next_starts_at=next_starts_at)
    assert next_session is not None  # finish_session books it when given a time
    for commitment in agreed:
        commitment.refresh_from_db()
    return agreed, next_session


def _answer(
    commitment: Commitment,
    at: dt.datetime,
    *,
    answer: Answer,
    numbers: dict[str, int] | None = None,
    comment: str = "",
    new_due_on: dt.date | None = None,
    source: Source = Source.LINK,
) -> None:
    """The rep answers at `at` (by the check-in's link, unless `source` says otherwise): what
    went out before was sent, the answer cancels the rest, and the coach's notice goes out."""
    at = min(at, timezone.now() - dt.timedelta(minutes=30))
    with clock.at(at, commitment.workspace):
        actions.record_response(
            commitment,
            answer=answer,
            numbers=numbers,
            comment=comment,
            new_due_on=new_due_on,
            source=source,
            by=None if source == Source.LINK else commitment.owner.user,
        )


def _after_checkin(commitment: Commitment, hours: int) -> dt.datetime:
    assert commitment.checkin_at is not None  # set when its session was finished
    return commitment.checkin_at + dt.timedelta(hours=hours)


def _coach_records(
    commitment: Commitment, *, at: dt.datetime, state: CommitmentState, note: str
) -> None:
    """The coach writes down the outcome, in the next session."""
    with clock.at(at, commitment.workspace):
        actions.record_outcome(commitment, state=state, note=note, by=commitment.plan.coach.user)


def _drop(commitment: Commitment, *, at: dt.datetime) -> None:
    with clock.at(at, commitment.workspace):
        actions.drop_commitment(commitment, by=commitment.plan.coach.user)


# Dates: relative to today, on working days, in each person's own time zone -------------------


def _latest_due_on(
    owner: Membership, latest: dt.date, fits: Callable[[LoopTimes], bool]
) -> dt.date:
    """The latest due date, at most `latest`, whose check-in, reminder and open-loop times
    (by the workspace's rule, for this owner) fit: the weekdays of "now" decide which."""
    for back in range(60):
        due_on = latest - dt.timedelta(days=back)
        probe = Commitment(workspace=owner.workspace, owner=owner, due_on=due_on)
        if fits(probe.loop_times(probe.default_checkin_at())):
            return due_on
    return latest - dt.timedelta(days=14)  # settings no date can fit: any past date tells it


def _today(member: Membership) -> dt.date:
    return timezone.localdate(timezone.now(), member.user.profile.zone)


def _at(day: dt.date, hour: int, member: Membership) -> dt.datetime:
    """`hour` o'clock on `day` where the member lives, in UTC."""
    return dates.local_datetime(day, dt.time(hour), member.user.profile.zone).astimezone(dt.UTC)


def _due(day: dt.date, days: int) -> dt.date:
    """`days` after `day`, moved off a weekend: people promise things for working days."""
    return dates.weekday_on_or_after(day + dt.timedelta(days=days))
