"""A cohort in the test world for the rubric and role-play tests and matrix rows.

In "acme": a facilitator (a coach from outside), two managers enrolled ("manager", who plays
the role-play, and "peer"), a sponsor of the program (a stakeholder); the world's coach, rep
and stakeholder have nothing to do with the cohort. A small rubric (two criteria, levels
0-3), a role-play played by "manager" scored three ways, and a calibration scored by all.
The texts are neither English nor the app's own words (the Spanish walk reads these pages).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from followthrough.accounts.models import Membership, Role, User, Workspace
from followthrough.programs.models import (
    Cohort,
    Enrollment,
    Program,
    ProgramSession,
    ProgramSessionKind,
    RolePlay,
    Rubric,
)
from followthrough.programs.rubrics import actions
from tests.conftest import PASSWORD, World

COHORT_NAME = "Grupo A"
PEOPLE = {
    "facilitator": ("Fátima Ortega", Role.COACH),
    "manager": ("Marta Gil", Role.COACH),
    "peer": ("Pedro Sanz", Role.COACH),
    "sponsor": ("Silvia Mora", Role.STAKEHOLDER),
}
CRITERIA = [
    ("Escuchó", ["Nada", "Poco", "Bastante", "Mucho"]),
    ("Preguntó", ["Ninguna vez", "Una vez", "Varias veces", "Siempre"]),
]
ROLE_PLAY = "Llamada con Ana"
CALIBRATION = "Grabación de Luis"
OTHER_ROLE_PLAY = "Llamada de Globex"


@dataclass
class CohortBits:
    cohort: Cohort
    program: Program
    rubric: Rubric
    role_play: RolePlay
    calibration: RolePlay
    workshop: ProgramSession

    def enrollment(self, key: str, w: World) -> Enrollment:
        return Enrollment.objects.get(cohort=self.cohort, manager=w.members[key])


def person(workspace: Workspace, key: str, name: str, role: Role) -> Membership:
    user = User.objects.filter(email=f"{key}@example.org").first() or User.objects.create_user(
        f"{key}@example.org", PASSWORD, name=name
    )
    return Membership.objects.create(workspace=workspace, user=user, role=role)


def grid(criteria: list[tuple[str, list[str]]] = CRITERIA) -> actions.Grid:
    return [(text, list(enumerate(levels))) for text, levels in criteria]


def small_rubric(workspace: Workspace, by: Membership, name: str = "Rúbrica breve") -> Rubric:
    return actions.save_rubric(workspace, by, name=name, description="", grid=grid())


def levels_of(rubric: Rubric, steps: list[int]) -> dict[int, int]:
    """Criterion id -> the id of its level at each step (0 = fewest points)."""
    chosen = {}
    for criterion, step in zip(rubric.criteria.prefetch_related("levels"), steps, strict=True):
        chosen[criterion.pk] = sorted(criterion.levels.all(), key=lambda lv: lv.points)[step].pk
    return chosen


def make_cohort(
    workspace: Workspace, facilitator: Membership, managers: list[Membership]
) -> Cohort:
    program = Program.objects.create(workspace=workspace, name="Gerentes que entrenan")
    cohort = Cohort.objects.create(
        workspace=workspace,
        program=program,
        name=COHORT_NAME,
        facilitator=facilitator,
        starts_on=dt.date(2026, 11, 2),
    )
    for manager in managers:
        Enrollment.objects.create(
            workspace=workspace, program=program, cohort=cohort, manager=manager
        )
    ProgramSession.objects.create(
        workspace=workspace,
        cohort=cohort,
        number=0,
        kind=ProgramSessionKind.WORKSHOP,
        topic="Taller",
        starts_at=timezone.make_aware(dt.datetime(2026, 11, 2, 9)),
    )
    return cohort


def cohort_of(w: World, scored: bool = True) -> CohortBits:
    """The cohort of the world (made the first time: the members, the rubric, the role-plays
    and, when `scored`, their scores)."""
    # Its own cohort: the programs' matrix rows may have cast the same people into another.
    for key, (name, role) in PEOPLE.items():
        known = w.members.get(key)
        if known is None or not Membership.objects.filter(pk=known.pk).exists():
            w.members[key] = Membership.objects.filter(
                workspace=w.workspace, user__email=f"{key}@example.org"
            ).first() or person(w.workspace, key, name, role)
    found = Cohort.objects.filter(workspace=w.workspace, name=COHORT_NAME).first()
    if found is None:
        found = make_cohort(
            w.workspace, w.members["facilitator"], [w.members["manager"], w.members["peer"]]
        )
        found.program.sponsors.add(w.members["sponsor"])
        _role_plays(w, found, scored)
    return CohortBits(
        cohort=found,
        program=found.program,
        rubric=Rubric.objects.get(workspace=w.workspace, name="Rúbrica breve"),
        role_play=RolePlay.objects.get(cohort=found, title=ROLE_PLAY),
        calibration=RolePlay.objects.get(cohort=found, title=CALIBRATION),
        workshop=found.sessions.get(number=0),
    )


def _role_plays(w: World, cohort: Cohort, scored: bool) -> None:
    facilitator = w.members["facilitator"]
    rubric = small_rubric(w.workspace, facilitator)
    manager = Enrollment.objects.get(cohort=cohort, manager=w.members["manager"])
    role_play = actions.create_role_play(
        cohort,
        facilitator,
        title=ROLE_PLAY,
        scenario="Ana no llegó a su meta; Marta la acompaña.",
        rubric=rubric,
        played_on=dt.date(2026, 11, 16),
        manager=manager,
    )
    calibration = actions.create_role_play(
        cohort,
        facilitator,
        title=CALIBRATION,
        scenario="Todos escuchan la grabación de Luis.",
        rubric=rubric,
        played_on=dt.date(2026, 11, 2),
        session=cohort.sessions.get(number=0),
    )
    if not scored:
        return
    for key, steps in [("facilitator", [2, 1]), ("peer", [3, 2]), ("manager", [0, 1])]:
        actions.submit_assessment(
            role_play, w.members[key], levels=levels_of(rubric, steps), remarks={}, note=""
        )
    for key, steps in [("facilitator", [2, 2]), ("manager", [3, 1]), ("peer", [0, 3])]:
        actions.submit_assessment(calibration, w.members[key], levels=levels_of(rubric, steps))


def other_workspace_role_play(w: World) -> RolePlay:
    """A role-play of "globex", whose admin (the outsider) facilitates it."""
    found = RolePlay.objects.filter(workspace=w.other_workspace).first()
    if found is not None:
        return found
    outsider = w.members["outsider"]
    cohort = make_cohort(w.other_workspace, outsider, [])
    rubric = small_rubric(w.other_workspace, outsider, name="Rúbrica de Globex")
    return actions.create_role_play(
        cohort,
        outsider,
        title=OTHER_ROLE_PLAY,
        scenario="Nada de Acme.",
        rubric=rubric,
        played_on=dt.date(2026, 11, 2),
    )
