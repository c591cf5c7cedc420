"""Rubrics (list, grid, write, change, copy, the default) and role-plays (a cohort's list,
setting one up, the side-by-side or calibration page, scoring)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from followthrough import permissions
from followthrough.lib.errors import ActionRefused
from followthrough.programs import scoring
from followthrough.programs.models import Assessment, AssessorKind, Rubric
from followthrough.programs.rubrics import actions, queries
from followthrough.programs.rubrics.forms import RolePlayForm, RubricForm, ScoreForm
from followthrough.web.decorators import workspace_view
from followthrough.web.requests import current

LOCKED = "programs/rubrics/form.html"


@workspace_view(permissions.can_view_rubrics)
def rubric_list(request: HttpRequest) -> HttpResponse:
    member = current(request)
    rubrics = list(queries.rubrics(member.workspace))
    context = {
        "rubrics": rubrics,
        "can_manage": permissions.can_manage_rubrics(member),
        "has_default": any(r.key == actions.defaults.KEY for r in rubrics),
    }
    return render(request, "programs/rubrics/list.html", context)


@workspace_view()
def rubric_detail(request: HttpRequest, rubric_id: int) -> HttpResponse:
    member = current(request)
    rubric = queries.rubric_grid(permissions.access_rubric(member, rubric_id))
    context = {
        "rubric": rubric,
        "can_manage": permissions.can_manage_rubrics(member),
        "scored": actions.has_scores(rubric),
    }
    return render(request, "programs/rubrics/detail.html", context)


@workspace_view(permissions.can_manage_rubrics)
def rubric_new(request: HttpRequest) -> HttpResponse:
    return _rubric_form(request, None)


@workspace_view()
def rubric_edit(request: HttpRequest, rubric_id: int) -> HttpResponse:
    rubric = permissions.access_rubric(current(request), rubric_id, for_change=True)
    return _rubric_form(request, rubric)


def _rubric_form(request: HttpRequest, rubric: Rubric | None) -> HttpResponse:
    """Write or change a rubric; "More rows" shows the form again with a blank criterion."""
    member = current(request)
    posted = request.method == "POST"
    more = posted and "more" in request.POST
    locked = rubric is not None and actions.has_scores(rubric)
    form = RubricForm(request.POST if posted else None, rubric=rubric, locked=locked, more=more)
    if posted and not more and form.is_valid():
        data = form.cleaned_data
        try:
            saved = actions.save_rubric(
                member.workspace,
                member,
                name=data["name"],
                description=data["description"],
                grid=data["grid"],
                rubric=rubric,
            )
        except ActionRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, _("Rubric saved."))
            return redirect(saved.get_absolute_url())
    status = 400 if posted and not more else 200
    return render(request, LOCKED, {"form": form, "rubric": rubric}, status=status)


@workspace_view()
@require_POST
def rubric_copy(request: HttpRequest, rubric_id: int) -> HttpResponse:
    member = current(request)
    rubric = permissions.access_rubric(member, rubric_id, for_change=True)
    copy = actions.copy_rubric(rubric, member)
    messages.success(request, _("Rubric copied: change the copy as you need."))
    return redirect("rubric_edit", member.workspace.slug, copy.pk)


@workspace_view(permissions.can_manage_rubrics)
@require_POST
def rubric_default(request: HttpRequest) -> HttpResponse:
    member = current(request)
    rubric = actions.default_rubric(member.workspace, member)
    return redirect(rubric.get_absolute_url())


@workspace_view()
def cohort_role_plays(request: HttpRequest, cohort_id: int) -> HttpResponse:
    member = current(request)
    cohort = permissions.access_cohort_role_plays(member, cohort_id)
    seat = permissions.cohort_seat(member, cohort)
    context = {
        "cohort": cohort,
        "lines": queries.cohort_role_plays(cohort, seat),
        "can_create": seat.runs,
        "kinds": AssessorKind.choices,
    }
    return render(request, "programs/role_plays/list.html", context)


@workspace_view()
def role_play_new(request: HttpRequest, cohort_id: int) -> HttpResponse:
    member = current(request)
    cohort = permissions.access_cohort_role_plays(member, cohort_id, for_change=True)
    form = RolePlayForm(request.POST or None, cohort=cohort)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            rubric = data["rubric"] or actions.default_rubric(member.workspace, member)
            role_play = actions.create_role_play(
                cohort,
                member,
                title=data["title"],
                scenario=data["scenario"],
                rubric=rubric,
                played_on=data["played_on"],
                session=data["session"],
                manager=data["manager"],
            )
        except ActionRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, _("Role-play set up. Its scorers can score it now."))
            return redirect(role_play.get_absolute_url())
    status = 400 if request.method == "POST" else 200
    return render(
        request, "programs/role_plays/form.html", {"form": form, "cohort": cohort}, status=status
    )


@workspace_view()
def role_play_detail(request: HttpRequest, role_play_id: int) -> HttpResponse:
    member = current(request)
    role_play, sight = permissions.access_role_play(member, role_play_id)
    role_play = queries.role_play_with_scores(role_play)
    context = {
        "role_play": role_play,
        "sight": sight,
        "scores_as": permissions.assessor_kind(member, role_play),
        "threshold": scoring.DISAGREEMENT_STEPS,
    }
    if role_play.is_calibration:
        context["calibration"] = queries.calibration(role_play, sight, member)
        return render(request, "programs/role_plays/calibration.html", context)
    context["grid"] = queries.side_by_side(role_play, sight, member)
    return render(request, "programs/role_plays/detail.html", context)


@workspace_view()
def role_play_score(request: HttpRequest, role_play_id: int) -> HttpResponse:
    member = current(request)
    role_play, _sight = permissions.access_role_play(member, role_play_id, for_scoring=True)
    role_play = queries.role_play_with_scores(role_play)
    mine = Assessment.objects.filter(role_play=role_play, assessor=member).first()
    criteria = list(role_play.rubric.criteria.all())
    form = ScoreForm(request.POST or None, criteria=criteria, initial=queries.initial_scores(mine))
    if request.method == "POST" and form.is_valid():
        try:
            actions.submit_assessment(
                role_play,
                member,
                levels=form.levels(),
                remarks=form.remarks(),
                note=form.cleaned_data["note"],
            )
        except ActionRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, _("Your scores are in."))
            return redirect(role_play.get_absolute_url())
    context = {
        "role_play": role_play,
        "form": form,
        "kind": permissions.assessor_kind(member, role_play),
        "editing": mine is not None,
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "programs/role_plays/score.html", context, status=status)
