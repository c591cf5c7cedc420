"""The verbs of rubrics and role-plays. Each runs in one transaction and writes its event."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from followthrough import permissions
from followthrough.accounts.models import Membership, Workspace
from followthrough.events import actions as events
from followthrough.events.verbs import literal
from followthrough.lib.errors import ActionRefused
from followthrough.programs.models import (
    Assessment,
    Cohort,
    Criterion,
    Enrollment,
    Filling,
    Level,
    ProgramSession,
    RolePlay,
    Rubric,
)
from followthrough.programs.rubrics import defaults

# A rubric's grid as a form gives it: (criterion, [(points, definition), ...]) in order.
Grid = list[tuple[str, list[tuple[int, str]]]]
MAX_POINTS = 100


def has_scores(rubric: Rubric) -> bool:
    """A rubric someone scored with keeps its levels: changing them would change those scores."""
    return Assessment.objects.filter(role_play__rubric=rubric).exists()


def grid_of(rubric: Rubric) -> Grid:
    return [
        (c.description, [(lv.points, lv.definition) for lv in c.levels.all()])
        for c in rubric.criteria.prefetch_related("levels")
    ]


def _check_grid(grid: Grid) -> None:
    """What the form checks per row, checked again for any other caller (one refusal each)."""
    for description, levels in grid:
        if not description.strip() or any(not text.strip() for _points, text in levels):
            raise ActionRefused(_("Every criterion and every level needs a description."))
        if any(not 0 <= points <= MAX_POINTS for points, _text in levels):
            raise ActionRefused(_("Points go from 0 to %(max)d.") % {"max": MAX_POINTS})


def _write_grid(rubric: Rubric, grid: Grid) -> None:
    _check_grid(grid)
    rubric.criteria.all().delete()
    for order, (description, levels) in enumerate(grid):
        criterion = Criterion.objects.create(
            rubric=rubric, sort_order=order, description=description.strip()
        )
        Level.objects.bulk_create(
            Level(criterion=criterion, points=points, definition=text.strip())
            for points, text in levels
        )
    problems = rubric.problems()  # the model's rules: criteria, two levels, distinct points
    if problems:
        raise ActionRefused(" ".join(problems))


def _recorded(verb: str, rubric: Rubric, by: Membership | None, **data: object) -> None:
    events.record(
        verb,
        workspace=rubric.workspace,
        about=rubric,
        actor=by.user if by else None,
        data={"name": literal(rubric.name), **data},
    )


def save_rubric(
    workspace: Workspace,
    by: Membership,
    *,
    name: str,
    description: str,
    grid: Grid | None,
    rubric: Rubric | None = None,
) -> Rubric:
    """Writes a new rubric, or changes one. The grid of a rubric with scores stays as it is
    (a grid equal to it is accepted); None leaves the grid alone."""
    if not permissions.can_manage_rubrics(by):
        raise ActionRefused(_("Rubrics are written by admins and facilitators."))
    with transaction.atomic():
        if rubric is None:
            rubric = Rubric.objects.create(
                workspace=workspace, name=name.strip(), description=description.strip()
            )
            verb = "rubric.created"
        else:
            rubric = Rubric.objects.select_for_update().get(pk=rubric.pk)
            rubric.name, rubric.description = name.strip(), description.strip()
            rubric.save(update_fields=["name", "description"])
            verb = "rubric.changed"
            if grid is not None and grid == grid_of(rubric):
                grid = None
            if grid is not None and has_scores(rubric):
                raise ActionRefused(
                    _(
                        "Role-plays were scored with this rubric: changing its levels would "
                        "change their scores. Copy it and change the copy."
                    )
                )
        if grid is not None:
            _write_grid(rubric, grid)
        _recorded(verb, rubric, by)
    return rubric


def copy_rubric(rubric: Rubric, by: Membership) -> Rubric:
    """A new rubric with the same criteria and levels, free to change (no key: not the
    shipped one any more)."""
    if not permissions.can_manage_rubrics(by):
        raise ActionRefused(_("Rubrics are written by admins and facilitators."))
    with transaction.atomic():
        copy = Rubric.objects.create(
            workspace=rubric.workspace,
            name=_("Copy of %(name)s") % {"name": rubric.name},
            description=rubric.description,
        )
        _write_grid(copy, grid_of(rubric))
        _recorded("rubric.copied", copy, by, original=literal(rubric.name))
    return copy


def default_rubric(workspace: Workspace, by: Membership | None = None) -> Rubric:
    """The workspace's "coaching conversation" rubric, written in the workspace's language the
    first time it is asked for; the same one every time after (found by its key)."""
    with transaction.atomic():
        # One at a time per workspace, so two first requests never make two.
        Workspace.objects.select_for_update().filter(pk=workspace.pk).first()
        found = Rubric.objects.filter(workspace=workspace, key=defaults.KEY).first()
        if found is not None:
            return found
        with translation.override(workspace.language):
            rubric = Rubric.objects.create(
                workspace=workspace,
                key=defaults.KEY,
                name=str(defaults.NAME),
                description=str(defaults.DESCRIPTION),
            )
            grid = [
                (str(text), [(points, str(level)) for points, level in enumerate(levels)])
                for text, levels in defaults.CRITERIA
            ]
        _write_grid(rubric, grid)
        _recorded("rubric.created", rubric, by)
    return rubric


def create_role_play(
    cohort: Cohort,
    by: Membership,
    *,
    title: str,
    scenario: str,
    rubric: Rubric,
    played_on: dt.date,
    session: ProgramSession | None = None,
    manager: Enrollment | None = None,
) -> RolePlay:
    """A role-play in the cohort, played by one enrolled manager, or (no manager) a
    calibration that everyone scores."""
    if not permissions.can_create_role_plays(by, cohort):
        raise ActionRefused(_("Role-plays are set up by the cohort's facilitator and admins."))
    if rubric.workspace_id != cohort.workspace_id:
        raise ActionRefused(_("Choose one of this workspace's rubrics."))
    if problems := rubric.problems():
        raise ActionRefused(" ".join(problems))
    if session is not None and session.cohort_id != cohort.pk:
        raise ActionRefused(_("That session belongs to another cohort."))
    if manager is not None and (manager.cohort_id != cohort.pk or not manager.is_active):
        raise ActionRefused(_("Choose a manager enrolled in this cohort."))
    with transaction.atomic():
        role_play = RolePlay.objects.create(
            workspace=cohort.workspace,
            cohort=cohort,
            session=session,
            rubric=rubric,
            manager=manager,
            title=title.strip(),
            scenario=scenario.strip(),
            is_calibration=manager is None,
            played_on=played_on,
            created_by=by,
        )
        events.record(
            "role_play.created",
            workspace=cohort.workspace,
            about=role_play,
            actor=by.user,
            data={"title": literal(role_play.title)},
        )
    return role_play


def submit_assessment(
    role_play: RolePlay,
    assessor: Membership,
    *,
    levels: Mapping[int, int],
    remarks: Mapping[int, str] | None = None,
    note: str = "",
) -> Assessment:
    """The assessor's scores: one level per criterion (criterion id -> level id), a remark for
    any. Their seat (facilitator, peer, self) comes from who they are; scoring again changes
    the same assessment."""
    kind = permissions.assessor_kind(assessor, role_play)
    if kind is None:
        raise ActionRefused(_("Only the facilitator and the cohort's managers score a role-play."))
    remarks = remarks or {}
    criteria = list(role_play.rubric.criteria.prefetch_related("levels"))
    for criterion in criteria:
        if criterion.pk not in levels:
            raise ActionRefused(
                _("Choose a level for “%(criterion)s”.") % {"criterion": criterion.description}
            )
        if levels[criterion.pk] not in {level.pk for level in criterion.levels.all()}:
            raise ActionRefused(
                _("That level is not one of “%(criterion)s”.")
                % {"criterion": criterion.description}
            )
    if levels.keys() - {criterion.pk for criterion in criteria}:
        raise ActionRefused(_("Those criteria are not in this role-play's rubric."))
    with transaction.atomic():
        # One submission at a time per role-play and assessor.
        RolePlay.objects.select_for_update().filter(pk=role_play.pk).first()
        assessment, created = Assessment.objects.update_or_create(
            role_play=role_play,
            assessor=assessor,
            defaults={"kind": kind, "note": note.strip(), "submitted_at": timezone.now()},
        )
        assessment.fillings.all().delete()
        Filling.objects.bulk_create(
            Filling(
                assessment=assessment,
                criterion=criterion,
                level_id=levels[criterion.pk],
                remark=remarks.get(criterion.pk, "").strip(),
            )
            for criterion in criteria
        )
        events.record(
            "assessment.submitted" if created else "assessment.changed",
            workspace=role_play.workspace,
            about=assessment,
            actor=assessor.user,
            data={"title": literal(role_play.title), "kind": kind},
        )
    return assessment
