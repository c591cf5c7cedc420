"""Pages of the coaching loop: plans, sessions, commitments, to-dos, Today, the rep's page and
the check-in page that needs no login. Each view checks, calls one action, and renders."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from followthrough import permissions
from followthrough.accounts.models import Membership
from followthrough.coaching import actions
from followthrough.coaching.forms import (
    AnswerForm,
    CommitmentEditForm,
    CommitmentForm,
    FinishForm,
    MoveSessionForm,
    NotesForm,
    OutcomeForm,
    PlanForm,
    ReplyForm,
    SessionForm,
    ShareForm,
    TodoForm,
    quick_dates,
)
from followthrough.coaching.models import (
    CHECKIN_LINK_AGE,
    CHECKIN_SCOPE,
    Answer,
    Commitment,
    CommitmentState,
    Plan,
    Response,
    Session,
    SessionState,
    SharedWords,
    Source,
    followed_through,
)
from followthrough.followups.models import FollowUp, State
from followthrough.lib import signing
from followthrough.lib.errors import ActionRefused
from followthrough.progress import actions as progress_actions
from followthrough.progress import reports as progress_reports
from followthrough.progress.views.reports import pace_context
from followthrough.web.decorators import workspace_view
from followthrough.web.requests import attempt, current, is_htmx, signed_in


def words_context(member: Membership, plan: Plan) -> dict[str, Any]:
    """What the page may show of the rep's own words, who reads them, and who may share them."""
    return {
        "words": permissions.words_access(member, plan.rep, plan),
        "can_share": permissions.can_share_words(member, plan),
        "readers": permissions.word_readers(plan),
    }


def plan_for(request: HttpRequest, plan_id: int, *, run: bool = False) -> Plan:
    """The plan, if the visitor may see it (or run it); 403 for a member who may not."""
    member = current(request)
    plan = get_object_or_404(
        Plan.objects.select_related("rep__user__profile", "coach__user__profile", "workspace"),
        pk=plan_id,
        workspace=member.workspace,
    )
    allowed = permissions.can_run_plan if run else permissions.can_view_plan
    if not allowed(member, plan):
        raise PermissionDenied("This plan belongs to a rep you do not coach or follow.")
    return plan


def session_for(request: HttpRequest, session_id: int, *, run: bool = False) -> Session:
    member = current(request)
    session = get_object_or_404(Session, pk=session_id, workspace=member.workspace)
    session.plan = plan_for(request, session.plan_id, run=run)
    return session


def commitment_for(request: HttpRequest, commitment_id: int, *, run: bool = False) -> Commitment:
    member = current(request)
    commitment = get_object_or_404(
        Commitment.objects.select_related("owner__user__profile", "session"),
        pk=commitment_id,
        workspace=member.workspace,
    )
    commitment.plan = plan_for(request, commitment.plan_id, run=run)
    return commitment


# Plans ----------------------------------------------------------------------------------------


@workspace_view()
def plans(request: HttpRequest) -> HttpResponse:
    member = current(request)
    rows = (
        permissions.visible_plans(member)
        .select_related("rep__user", "coach__user", "workspace")
        .annotate(
            open_count=Count("commitments", filter=Q(commitments__state=CommitmentState.OPEN)),
            done_count=Count("commitments", filter=Q(commitments__state=CommitmentState.DONE)),
        )
    )
    return render(
        request,
        "coaching/plans.html",
        {
            "plans": rows,
            "can_start": permissions.can_start_plans(member),
            "today": timezone.localdate(),
        },
    )


@workspace_view(permissions.can_start_plans)
def plan_new(request: HttpRequest) -> HttpResponse:
    member = current(request)
    form = PlanForm(request.POST or None, member=member, initial={"rep": request.GET.get("rep")})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("new_metric")
        try:
            plan = actions.create_plan(
                coach=data.pop("coach"),
                rep=data.pop("rep"),
                stakeholders=data.pop("stakeholders"),
                new_metric=form.new_metric_to_add(),
                **data,
            )
        except ActionRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, "Plan opened. Schedule its first session below.")
            return redirect(plan)
    return render(request, "coaching/plan_form.html", {"form": form})


@workspace_view()
def plan_detail(request: HttpRequest, plan_id: int) -> HttpResponse:
    member = current(request)
    plan = plan_for(request, plan_id)
    commitments = plan.commitments.select_related("owner__user", "workspace").prefetch_related(
        "responses"
    )
    rep_today = timezone.localdate(timezone.now(), plan.rep.user.profile.zone)
    (plan_pace,) = progress_reports.plan_paces(plan.rep, [plan], rep_today)
    return render(
        request,
        "coaching/plan_detail.html",
        {
            "plan": plan,
            "pace": pace_context(plan_pace),
            "sessions": plan.sessions.select_related("workspace"),
            "commitments": commitments,
            "can_run": permissions.can_run_plan(member, plan),
            "session_form": SessionForm(),
            "today": timezone.localdate(),
            **words_context(member, plan),
        },
    )


@workspace_view()
def plan_edit(request: HttpRequest, plan_id: int) -> HttpResponse:
    member = current(request)
    plan = plan_for(request, plan_id, run=True)
    form = PlanForm(request.POST or None, instance=plan, member=member)
    form.fields["rep"].disabled = True
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Plan saved.")
        return redirect(plan)
    return render(request, "coaching/plan_form.html", {"form": form, "plan": plan})


# Sessions -------------------------------------------------------------------------------------


@workspace_view()
@require_POST
def session_new(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = plan_for(request, plan_id, run=True)
    form = SessionForm(request.POST)
    if not form.is_valid():
        member = current(request)
        return render(
            request,
            "coaching/plan_detail.html",
            {
                "plan": plan,
                "sessions": plan.sessions.select_related("workspace"),
                "commitments": plan.commitments.select_related("owner__user", "workspace"),
                "can_run": permissions.can_run_plan(member, plan),
                "session_form": form,
                "today": timezone.localdate(),
                **words_context(member, plan),
            },
            status=400,
        )
    data = form.cleaned_data
    session = actions.schedule_session(
        plan,
        data["starts_at"],
        by=signed_in(request),
        duration_minutes=data["duration_minutes"],
        location=data["location"],
        invite=data["invite"],
    )
    if not session.has_started():
        messages.success(
            request,
            "Session scheduled" + (", invitations on their way." if session.invited else "."),
        )
    else:
        messages.success(
            request, gettext("Session recorded; it took place, so no invitation is sent.")
        )
    return redirect(session)


def session_context(request: HttpRequest, session: Session, **extra: Any) -> dict[str, Any]:
    member = current(request)
    plan = session.plan
    today = timezone.localdate()
    return {
        "session": session,
        "plan": plan,
        "agenda": session.agenda(),
        "agreed": session.agreed().prefetch_related("responses"),
        "can_run": permissions.can_run_plan(member, plan),
        "can_see_notes": permissions.can_view_private_notes(member, plan),
        "notes_form": NotesForm(
            initial={"private_notes": session.private_notes, "summary": session.summary}
        ),
        "commitment_form": CommitmentForm(plan=plan, initial={"owner": plan.rep_id}),
        **words_context(member, plan),
        "finish_form": FinishForm(session=session),
        "move_form": MoveSessionForm(
            initial={
                "starts_at": timezone.localtime(session.starts_at),
                "duration_minutes": session.duration_minutes,
                "location": session.location,
            }
        ),
        "quick_dates": quick_dates(today),
        "today": today,
        **extra,
    }


@workspace_view()
def session_detail(request: HttpRequest, session_id: int) -> HttpResponse:
    session = session_for(request, session_id)
    return render(request, "coaching/session_detail.html", session_context(request, session))


@workspace_view()
@require_POST
def session_notes(request: HttpRequest, session_id: int) -> HttpResponse:
    session = session_for(request, session_id, run=True)
    form = NotesForm(request.POST)
    if not form.is_valid():
        return render(
            request,
            "coaching/session_detail.html",
            session_context(request, session, notes_form=form),
            status=400,
        )
    actions.save_notes(session, **form.cleaned_data, by=signed_in(request))
    if is_htmx(request):
        return HttpResponse(f'<span class="saved">Saved at {timezone.localtime():%H:%M}</span>')
    messages.success(request, "Notes saved.")
    return redirect(session)


@workspace_view()
@require_POST
def commitment_add(request: HttpRequest, session_id: int) -> HttpResponse:
    session = session_for(request, session_id, run=True)
    form = CommitmentForm(request.POST, plan=session.plan)
    commitment = None
    if form.is_valid():
        try:
            commitment = actions.add_commitment(
                session,
                owner=form.owner_membership(),
                text=form.cleaned_data["text"],
                due_on=form.cleaned_data["due_on"],
                measures=form.cleaned_data["measures"],
                followup_at=form.cleaned_data["followup_at"],
                by=signed_in(request),
            )
        except ActionRefused as refusal:
            form.add_error(None, str(refusal))
    if is_htmx(request):
        context = session_context(request, session)
        if commitment is not None:
            context["commitment_form"] = CommitmentForm(
                plan=session.plan, initial={"owner": session.plan.rep_id}
            )
            context["just_added"] = commitment
        else:
            context["commitment_form"] = form
        # htmx swaps only 2xx answers: a form with errors comes back as 200 to be shown in place.
        return render(request, "coaching/_commitments.html", context)
    if commitment is None:
        return render(
            request,
            "coaching/session_detail.html",
            session_context(request, session, commitment_form=form),
            status=400,
        )
    messages.success(request, "Commitment added.")
    return redirect(session)


@workspace_view()
@require_POST
def session_finish(request: HttpRequest, session_id: int) -> HttpResponse:
    session = session_for(request, session_id, run=True)
    form = FinishForm(request.POST, session=session)
    if not form.is_valid():
        return render(
            request,
            "coaching/session_detail.html",
            session_context(request, session, finish_form=form),
            status=400,
        )
    if not session.commitments.exists() and not request.POST.get("confirm_empty"):
        messages.error(
            request, "No commitments were agreed. Add one, or finish anyway with the box ticked."
        )
        return redirect(session)
    try:
        next_session = actions.finish_session(
            session,
            by=signed_in(request),
            next_starts_at=form.cleaned_data["next_starts_at"],
            held_now=form.cleaned_data.get("held_now", False),
        )
    except ActionRefused as refusal:
        messages.info(request, str(refusal))
        return redirect(session)
    count = session.commitments.filter(state=CommitmentState.OPEN).count()
    text = f"Session finished: recap sent, {count} check-in{'s' if count != 1 else ''} scheduled"
    if next_session is not None:
        starts = timezone.localtime(next_session.starts_at)
        text += f", next session on {starts:%a %d %b at %H:%M} with invitations"
    messages.success(request, text + ".")
    return redirect(session)


@workspace_view()
@require_POST
def session_move(request: HttpRequest, session_id: int) -> HttpResponse:
    session = session_for(request, session_id, run=True)
    form = MoveSessionForm(request.POST)
    if not form.is_valid():
        return render(
            request,
            "coaching/session_detail.html",
            session_context(request, session, move_form=form),
            status=400,
        )
    data = form.cleaned_data
    attempt(
        request,
        lambda: actions.move_session(
            session,
            data["starts_at"],
            by=signed_in(request),
            duration_minutes=data["duration_minutes"],
            location=data["location"],
        ),
        "Session moved" + (": updated invitations are on their way." if session.invited else "."),
    )
    return redirect(session)


@workspace_view()
@require_POST
def session_cancel(request: HttpRequest, session_id: int) -> HttpResponse:
    session = session_for(request, session_id, run=True)
    attempt(
        request,
        lambda: actions.cancel_session(session, by=signed_in(request)),
        "Session cancelled"
        + (": the calendar cancellation is on its way." if session.invited else "."),
    )
    return redirect(session)


# Commitments ----------------------------------------------------------------------------------


@workspace_view()
def commitment_detail(request: HttpRequest, commitment_id: int) -> HttpResponse:
    member = current(request)
    commitment = commitment_for(request, commitment_id)
    can_run = permissions.can_run_plan(member, commitment.plan)
    return render(
        request,
        "coaching/commitment_detail.html",
        {
            "commitment": commitment,
            "checkin": commitment.checkin_followup(),
            "plan": commitment.plan,
            "thread": commitment.thread(),
            "can_reply": permissions.can_reply(member, commitment),
            **words_context(member, commitment.plan),
            "followups": FollowUp.objects.about(commitment).order_by("send_at", "id")
            if can_run
            else [],
            "can_run": can_run,
            "can_report": permissions.can_report_on(member, commitment),
            "edit_form": CommitmentEditForm(commitment=commitment),
            "outcome_form": OutcomeForm(),
            "answer_form": AnswerForm(commitment=commitment, today=timezone.localdate()),
            "quick_dates": quick_dates(timezone.localdate()),
            "now": timezone.now(),
        },
    )


@workspace_view()
@require_POST
def commitment_edit(request: HttpRequest, commitment_id: int) -> HttpResponse:
    commitment = commitment_for(request, commitment_id, run=True)
    form = CommitmentEditForm(request.POST, commitment=commitment)
    if not form.is_valid():
        for field, errors in form.errors.items():
            for error in errors:
                messages.error(
                    request,
                    f"{form.fields[field].label if field in form.fields else ''}: {error}".lstrip(
                        ": "
                    ),
                )
        return redirect(commitment)
    attempt(
        request,
        lambda: actions.change_commitment(
            commitment,
            text=form.cleaned_data["text"],
            due_on=form.cleaned_data["due_on"],
            measures=form.cleaned_data["measures"],
            followup_at=form.cleaned_data["followup_at"],
            by=signed_in(request),
        ),
        "Commitment saved; its follow-ups follow the new date.",
    )
    return redirect(commitment)


@workspace_view()
@require_POST
def commitment_drop(request: HttpRequest, commitment_id: int) -> HttpResponse:
    commitment = commitment_for(request, commitment_id, run=True)
    attempt(
        request,
        lambda: actions.drop_commitment(commitment, by=signed_in(request)),
        "Commitment dropped; its follow-ups are cancelled.",
    )
    return redirect(commitment)


@workspace_view()
@require_POST
def commitment_outcome(request: HttpRequest, commitment_id: int) -> HttpResponse:
    commitment = commitment_for(request, commitment_id, run=True)
    form = OutcomeForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Pick an outcome: done, partly done or missed.")
        return redirect(commitment)
    attempt(
        request,
        lambda: actions.record_outcome(
            commitment,
            state=form.cleaned_data["state"],
            note=form.cleaned_data["note"],
            by=signed_in(request),
        ),
        "Outcome recorded.",
    )
    return redirect(commitment)


@workspace_view()
@require_POST
def commitment_report(request: HttpRequest, commitment_id: int) -> HttpResponse:
    """The owner reports progress from their own page, whenever they like."""
    member = current(request)
    commitment = commitment_for(request, commitment_id)
    if not permissions.can_report_on(member, commitment):
        raise PermissionDenied("Only the person who owns this commitment reports on it.")
    form = AnswerForm(request.POST, commitment=commitment, today=timezone.localdate())
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect(commitment)
    attempt(
        request,
        lambda: actions.record_response(
            commitment,
            answer=form.cleaned_data["answer"],
            numbers=form.numbers(),
            comment=form.cleaned_data["comment"],
            new_due_on=form.cleaned_data["new_due_on"],
            source=Source.REP,
            by=signed_in(request),
            share=form.share(),
        ),
        "Thanks, your coach has it.",
    )
    if request.POST.get("next") == "home":
        return redirect("workspace_home", member.workspace.slug)
    return redirect(commitment)


# To-dos ---------------------------------------------------------------------------------------


@workspace_view(permissions.can_start_plans)
def todos(request: HttpRequest) -> HttpResponse:
    member = current(request)
    form = TodoForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        actions.add_todo(member, **form.cleaned_data)
        messages.success(request, "To-do added.")
        return redirect("todos", member.workspace.slug)
    return render(
        request,
        "coaching/todos.html",
        {
            "form": form,
            "open_loops": open_loops(member),
            "todos": permissions.visible_todos(member)
            .filter(done_at=None)
            .select_related("commitment__workspace", "workspace", "owner__user"),
            "done": permissions.visible_todos(member)
            .exclude(done_at=None)
            .select_related("owner__user")
            .order_by("-done_at")[:20],
            "today": timezone.localdate(),
        },
        status=400 if request.method == "POST" else 200,
    )


@workspace_view(permissions.can_start_plans)
@require_POST
def todo_tick(request: HttpRequest, todo_id: int) -> HttpResponse:
    member = current(request)
    todo = get_object_or_404(permissions.visible_todos(member), pk=todo_id)
    actions.tick_todo(todo, done=request.POST.get("done", "1") == "1")
    if is_htmx(request):
        return render(request, "coaching/_todo.html", {"todo": todo, "today": timezone.localdate()})
    if request.POST.get("next") == "home":
        return redirect("workspace_home", member.workspace.slug)
    return redirect("todos", member.workspace.slug)


# Home pages -----------------------------------------------------------------------------------


def coached_commitments(member: Membership) -> QuerySet[Commitment]:
    """Commitments of the plans this member coaches: those they run and those of every rep
    they coach, so co-coaches see the same loop."""
    return Commitment.objects.filter(plan__in=permissions.coached_plans(member)).select_related(
        "owner__user", "plan__rep__user", "workspace"
    )


def open_loops(member: Membership) -> QuerySet[Commitment]:
    return (
        coached_commitments(member)
        .filter(open_loop_at__lte=timezone.now(), state__in=CommitmentState.carried())
        .order_by("open_loop_at")
    )


def rates(member: Membership, today: dt.date) -> dict[str, int | None]:
    """Follow-through: share of due commitments (not dropped) with an outcome or an answer.
    Completion: share of them done."""
    due = (
        coached_commitments(member).filter(due_on__lt=today).exclude(state=CommitmentState.DROPPED)
    )
    counts = due.aggregate(
        total=Count("id", distinct=True),
        answered=Count("id", distinct=True, filter=followed_through()),
        done=Count("id", distinct=True, filter=Q(state=CommitmentState.DONE)),
    )
    total = counts["total"]
    if not total:
        return {"follow_through": None, "completion": None, "due": 0}
    return {
        "follow_through": round(100 * counts["answered"] / total),
        "completion": round(100 * counts["done"] / total),
        "due": total,
    }


def today_page(request: HttpRequest) -> HttpResponse:
    member = current(request)
    now = timezone.now()
    today = timezone.localdate()
    day_starts = timezone.make_aware(dt.datetime.combine(today, dt.time()))
    day_ends = timezone.make_aware(dt.datetime.combine(today + dt.timedelta(days=1), dt.time()))
    since = member.today_seen_at or now - dt.timedelta(days=7)
    answers = (
        Response.objects.filter(
            commitment__plan__in=permissions.coached_plans(member), updated_at__gt=since
        )
        .exclude(source=Source.COACH)
        .select_related("commitment__owner__user", "commitment__workspace")
        .order_by("-updated_at")
    )
    context = {
        "due_today": coached_commitments(member).filter(due_on=today, state=CommitmentState.OPEN),
        "overdue": coached_commitments(member).filter(
            due_on__lt=today, state=CommitmentState.OPEN, open_loop_at=None, checkin_at=None
        ),
        "answers": list(answers[:30]),
        "since": member.today_seen_at,
        "open_loops": open_loops(member),
        "talks": coached_commitments(member).filter(needs_talk=True),
        "todos": permissions.visible_todos(member)
        .filter(done_at=None)
        .filter(Q(due_on__lte=today) | Q(due_on=None))
        .select_related("commitment__workspace", "workspace", "owner__user"),
        "upcoming": Session.objects.filter(
            plan__coach=member,
            state=SessionState.SCHEDULED,
            starts_at__gte=now - dt.timedelta(hours=2),
        )
        .select_related("plan__rep__user", "workspace")
        .order_by("starts_at")[:10],
        "going_out": permissions.visible_followups(member)
        .filter(state=State.SCHEDULED, send_at__gte=day_starts, send_at__lt=day_ends)
        .select_related("recipient", "workspace")
        .order_by("send_at")[:50],
        "rates": rates(member, today),
        "reps": member.coached_reps(),
        "planned": set(
            Plan.objects.filter(coach=member, closed_at=None).values_list("rep_id", flat=True)
        ),
        "today": today,
        "now": now,
    }
    response = render(request, "coaching/today.html", context)
    Membership.objects.filter(pk=member.pk).update(today_seen_at=now)
    return response


def rep_home(request: HttpRequest) -> HttpResponse:
    member = current(request)
    today = timezone.localdate()
    mine = (
        Commitment.objects.filter(owner=member)
        .select_related("plan", "session", "workspace")
        .prefetch_related("responses")
    )
    plans_ = list(
        Plan.objects.filter(rep=member, closed_at=None).select_related("coach__user", "workspace")
    )
    next_session = (
        Session.objects.filter(
            plan__rep=member, state=SessionState.SCHEDULED, starts_at__gte=timezone.now()
        )
        .select_related("plan__coach__user")
        .order_by("starts_at")
        .first()
    )
    pending = list(mine.filter(state__in=CommitmentState.carried()).order_by("due_on"))
    readers: dict[int, permissions.Readers] = {}
    for c in pending:  # once per plan, not per commitment
        if c.plan_id not in readers:
            readers[c.plan_id] = permissions.word_readers(c.plan)
    return render(
        request,
        "coaching/rep_home.html",
        {
            "pending": [
                (
                    c,
                    AnswerForm(
                        commitment=c,
                        today=today,
                        auto_id=f"c{c.pk}_%s",
                        readers=readers[c.plan_id],
                    ),
                )
                for c in pending
            ],
            "finished": mine.exclude(state__in=CommitmentState.carried()).order_by("-updated_at")[
                :10
            ],
            "plans": plans_,
            "paces": [
                pace_context(p)
                for p in progress_reports.plan_paces(
                    member, plans_, timezone.localdate(timezone.now(), member.user.profile.zone)
                )
            ],
            "next_session": next_session,
            # The plan's why, with who reads it and the rep's control to share it.
            "whys": [(p, permissions.word_readers(p)) for p in plans_ if p.why],
            "words": permissions.WordsAccess(unshared=True, shared=True),
            "coaches": member.coaches(),
            "followers": member.followers(),
            "today": today,
        },
    )


# The check-in page: no login, a signed link ---------------------------------------------------


def checkin(request: HttpRequest, token: str) -> HttpResponse:
    try:
        commitment_id = signing.read_token(CHECKIN_SCOPE, token, CHECKIN_LINK_AGE)
    except signing.ExpiredToken:
        return link_problem(
            request,
            "This check-in link has expired.",
            "Links work for 45 days. Your coach can send a new one, or answer from your own "
            "page after logging in.",
        )
    except signing.BadToken:
        return link_problem(
            request,
            "This check-in link is not valid.",
            "It may have been cut short when it was copied. Open it from the email again.",
        )
    commitment = (
        Commitment.objects.select_related(
            "owner__user__profile", "plan__coach__user", "workspace", "session"
        )
        .filter(pk=commitment_id)
        .first()
    )
    if commitment is None:
        return link_problem(
            request,
            "This commitment no longer exists.",
            "Your coach removed it; there is nothing to answer.",
        )
    if commitment.state == CommitmentState.DROPPED:
        return link_problem(
            request,
            "This commitment was dropped.",
            f"{commitment.plan.coach.user.name} took it off the list, so there is nothing to "
            "answer. Thanks for checking.",
            status=410,
        )
    zone = commitment.owner.user.profile.zone
    timezone.activate(zone)  # the rep's dates, whoever opens the link
    today = timezone.localdate()
    initial_answer = (
        request.GET.get("answer") if request.GET.get("answer") in Answer.values else None
    )
    existing = commitment.current_response()
    initial: dict[str, Any] = {"answer": initial_answer or (existing.answer if existing else None)}
    if existing:
        initial["comment"] = existing.comment
        initial["share"] = existing.words_shared
        for i, m in enumerate(commitment.measures):
            if m["name"] in existing.numbers:
                initial[f"measure_{i}"] = existing.numbers[m["name"]]
    # The weekly confidence pulse rides on check-ins: asked when due, and shown again to change
    # the rating given with this answer.
    rated = existing.confidence_ratings.first() if existing else None
    if rated:
        initial["confidence"] = rated.rating
    form = AnswerForm(
        request.POST or None,
        commitment=commitment,
        today=today,
        initial=initial,
        ask_confidence=rated is not None or progress_actions.pulse_due(commitment.owner),
    )
    if request.method == "POST":
        if form.is_valid():
            try:
                response = actions.record_response(
                    commitment,
                    answer=form.cleaned_data["answer"],
                    numbers=form.numbers(),
                    comment=form.cleaned_data["comment"],
                    new_due_on=form.cleaned_data["new_due_on"],
                    source=Source.LINK,
                    confidence=form.confidence(),
                    share=form.share(),
                )
            except ActionRefused as refusal:
                form.add_error(None, str(refusal))
            else:
                commitment.refresh_from_db()
                return render(
                    request,
                    "coaching/checkin_thanks.html",
                    {"commitment": commitment, "response": response, "token": token},
                )
        return render(
            request,
            "coaching/checkin.html",
            {"commitment": commitment, "form": form, "existing": existing},
            status=400,
        )
    return render(
        request,
        "coaching/checkin.html",
        {"commitment": commitment, "form": form, "existing": existing},
    )


def link_problem(request: HttpRequest, title: str, detail: str, status: int = 400) -> HttpResponse:
    return render(request, "link_problem.html", {"title": title, "message": detail}, status=status)


# Sharing the rep's words, and the coach's replies ------------------------------------------------


def share(request: HttpRequest, thing: SharedWords, plan: Plan, back: str) -> HttpResponse:
    """Shares the rep's words on `thing` (a plan, a session, an answer) or stops sharing."""
    member = current(request)
    if not permissions.can_share_words(member, plan):
        raise PermissionDenied(_("Only the rep and their coaches decide what is shared."))
    form = ShareForm(request.POST)
    form.is_valid()
    shared = bool(form.cleaned_data.get("shared"))
    attempt(
        request,
        lambda: actions.share_words(
            thing,
            plan=plan,
            by=member,
            shared=shared,
            rep_agreed=bool(form.cleaned_data.get("rep_agreed")),
        ),
        _("Shared with the stakeholders.") if shared else _("No longer shared."),
    )
    return redirect(back)


@workspace_view()
@require_POST
def plan_share(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = plan_for(request, plan_id)
    back = plan.get_absolute_url()
    if request.POST.get("next") == "home":
        back = reverse("workspace_home", args=[plan.workspace.slug])
    return share(request, plan, plan, back)


@workspace_view()
@require_POST
def session_share(request: HttpRequest, session_id: int) -> HttpResponse:
    session = session_for(request, session_id)
    return share(request, session, session.plan, session.get_absolute_url())


@workspace_view()
@require_POST
def response_share(request: HttpRequest, response_id: int) -> HttpResponse:
    response = get_object_or_404(
        Response, pk=response_id, commitment__workspace=current(request).workspace
    )
    commitment = commitment_for(request, response.commitment_id)
    return share(request, response, commitment.plan, commitment.get_absolute_url())


@workspace_view()
@require_POST
def commitment_reply(request: HttpRequest, commitment_id: int) -> HttpResponse:
    """A coach answers a rep's answer; the rep gets it by email, the thread keeps it."""
    member = current(request)
    commitment = commitment_for(request, commitment_id)
    if not permissions.can_reply(member, commitment):
        raise PermissionDenied(_("Only the rep's coaches reply to an answer."))
    back = (
        redirect("workspace_home", member.workspace.slug)
        if request.POST.get("next") == "today"
        else redirect(commitment)
    )
    form = ReplyForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return back
    response = get_object_or_404(commitment.responses, pk=form.cleaned_data["response"])
    attempt(
        request,
        lambda: actions.reply_to_answer(response, author=member, text=form.cleaned_data["text"]),
        _("Reply sent to %(name)s.") % {"name": commitment.owner.user.get_short_name()},
    )
    return back
