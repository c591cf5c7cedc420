"""Demo of the role-plays of Harbor's "Manager as Sales Coach" program (story 004): the
coaching-conversation rubric, a calibration everyone scored in the workshop, then in each of
the first three phone calls one role-play per manager, scored by the facilitator, a peer and
the manager. Priya and Sam climb call after call; Helen, "still skeptical", stays flat, and
rates herself far above what the others saw.

`seed(cohort)` is called with the cohort the programs demo made (its workshop and three calls
held); it runs the real actions on the demo's clock (clock.py), at the end of each session,
and adds nothing to a cohort that has role-plays already.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from followthrough.accounts.models import Membership
from followthrough.demo import clock
from followthrough.programs.models import Cohort, Enrollment, ProgramSession, RolePlay, Rubric
from followthrough.programs.rubrics import actions

# Levels (0-3) per criterion of the coaching-conversation rubric, in its order: commitments
# reviewed, asked before telling, one measurable commitment, follow-up agreed, rep talked
# more, next step confirmed.
CALIBRATION_SCORES = {
    "facilitator": [2, 1, 2, 1, 0, 2],
    "priya": [2, 2, 2, 1, 1, 2],
    "sam": [3, 1, 2, 2, 0, 3],
    "helen": [3, 3, 3, 2, 2, 3],
}
# The facilitator's levels in calls 1, 2 and 3.
FACILITATOR_SCORES = {
    "priya": [[1, 0, 1, 1, 0, 1], [2, 1, 2, 2, 1, 2], [3, 2, 3, 2, 2, 3]],
    "sam": [[0, 1, 1, 0, 1, 1], [1, 2, 2, 1, 1, 2], [2, 2, 3, 2, 2, 2]],
    "helen": [[1, 0, 1, 0, 0, 1], [1, 1, 0, 1, 0, 1], [1, 0, 1, 1, 0, 0]],
}
# Who scores whom as the peer.
PEER_OF = {"priya": "sam", "sam": "helen", "helen": "priya"}
# Helen sees herself doing it all already.
HELEN_SELF = [3, 2, 3, 2, 2, 3]
SCENARIOS = {
    1: (
        "Call {n}: a rep who missed last week's calls",
        "Your rep promised 20 calls to lapsed accounts and made 8. Open the conversation, "
        "find out what got in the way, and leave with one commitment you can check.",
    ),
    2: (
        "Call {n}: a rep who wants the answer",
        "Your rep asks you to tell them how to handle a price objection from a school board. "
        "Help them find their own answer first.",
    ),
    3: (
        "Call {n}: the follow-up that slipped",
        "Two weeks ago your rep agreed to send three proposals; one went out. Review it, agree "
        "what comes next and when you will follow up.",
    ),
}
REMARKS = {
    ("priya", 3): "Asked three open questions before giving any advice.",
    ("sam", 2): "Good commitment; the follow-up date was left vague.",
    ("helen", 2): "Mostly told the rep what to do.",
}


def _key(member: Membership) -> str:
    return member.user.email.split("@")[0]


def _levels(rubric: Rubric, steps: list[int]) -> dict[int, int]:
    chosen = {}
    for criterion, step in zip(rubric.criteria.prefetch_related("levels"), steps, strict=True):
        chosen[criterion.pk] = sorted(criterion.levels.all(), key=lambda lv: lv.points)[step].pk
    return chosen


def _peer_steps(steps: list[int], call: int) -> list[int]:
    """A peer sees a little more than the facilitator on one criterion."""
    out = list(steps)
    out[call % len(out)] = min(3, out[call % len(out)] + 1)
    return out


def _self_steps(key: str, steps: list[int], call: int) -> list[int]:
    if key == "helen":
        return HELEN_SELF
    out = list(steps)
    out[(call + 2) % len(out)] = max(0, out[(call + 2) % len(out)] - 1)
    return out


def _held(cohort: Cohort, number: int) -> ProgramSession | None:
    session = cohort.sessions.filter(number=number).first()
    if session is None or session.ends_at > timezone.now():
        return None
    return session


def seed(cohort: Cohort) -> list[RolePlay]:
    """The cohort's role-plays and their scores; none added when it has some already."""
    if cohort.role_plays.exists():
        return []
    workspace = cohort.workspace
    facilitator = cohort.facilitator
    enrollments = {
        _key(e.manager): e
        for e in Enrollment.objects.filter(cohort=cohort).select_related("manager__user")
    }
    made: list[RolePlay] = []
    workshop = _held(cohort, 0)
    when = workshop.ends_at if workshop else timezone.now() - dt.timedelta(days=42)
    with clock.at(when, workspace):
        rubric = actions.default_rubric(workspace, facilitator)
        calibration = actions.create_role_play(
            cohort,
            facilitator,
            title="Calibration: Dana's Monday one-on-one",
            scenario="A recorded one-on-one: Dana, a sales manager, with her rep Luis. Everyone "
            "scores it before we talk about it.",
            rubric=rubric,
            played_on=timezone.localdate(),
            session=workshop,
        )
        made.append(calibration)
        for key, steps in CALIBRATION_SCORES.items():
            if key != "facilitator" and key not in enrollments:
                continue
            assessor = facilitator if key == "facilitator" else enrollments[key].manager
            actions.submit_assessment(calibration, assessor, levels=_levels(rubric, steps))
    for call in (1, 2, 3):
        session = _held(cohort, call)
        if session is None:
            continue
        with clock.at(session.ends_at, workspace):
            made += _call(cohort, session, rubric, enrollments, call)
    return made


def _call(
    cohort: Cohort,
    session: ProgramSession,
    rubric: Rubric,
    enrollments: dict[str, Enrollment],
    call: int,
) -> list[RolePlay]:
    made = []
    title, scenario = SCENARIOS[call]
    for key, calls in FACILITATOR_SCORES.items():
        enrollment = enrollments.get(key)
        if enrollment is None:
            continue
        role_play = actions.create_role_play(
            cohort,
            cohort.facilitator,
            title=title.format(n=call) + f" ({enrollment.manager.user.get_short_name()})",
            scenario=scenario,
            rubric=rubric,
            played_on=timezone.localdate(),
            session=session,
            manager=enrollment,
        )
        steps = calls[call - 1]
        remark = REMARKS.get((key, call), "")
        first = rubric.criteria.first()
        remarks = {first.pk: remark} if remark and first else {}
        actions.submit_assessment(
            role_play, cohort.facilitator, levels=_levels(rubric, steps), remarks=remarks
        )
        peer = enrollments.get(PEER_OF[key])
        if peer is not None:
            actions.submit_assessment(
                role_play, peer.manager, levels=_levels(rubric, _peer_steps(steps, call))
            )
        actions.submit_assessment(
            role_play, enrollment.manager, levels=_levels(rubric, _self_steps(key, steps, call))
        )
        made.append(role_play)
    return made
