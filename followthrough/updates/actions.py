"""Verbs of the weekly update: plan the week's asks, write (or edit) the update, set when a rep
is asked, and stop asking a rep who left.

plan_asks is the planner the dispatchers run now and then (followups.planners): it writes the
week's ask of each rep on an active plan, with its follow-up and its one reminder, in one
transaction per rep. The unique (rep, week) row makes it idempotent: a second dispatcher, a
restart or a re-run finds the row there and writes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from followthrough.accounts.models import Membership, Role, User, Workspace
from followthrough.coaching.models import Plan
from followthrough.events import actions as events
from followthrough.followups import actions as followups
from followthrough.followups.models import CHANGEABLE, FollowUp
from followthrough.lib import dates
from followthrough.lib.errors import ActionRefused
from followthrough.metrics import actions as metrics
from followthrough.updates.models import (
    AskSetting,
    UpdateAsk,
    WeeklyUpdate,
    rep_zone,
    week_of_rep,
)
from followthrough.weeks.figures import week_of

ASK = "weekly_update_ask"
REMINDER = "weekly_update_reminder"
ASK_KINDS = [ASK, REMINDER]
# A planner that runs late (every dispatcher down for a while) still asks within this long of
# the rep's hour; later than that, the week is let go rather than asked on the weekend.
LATE_ASK = dt.timedelta(hours=12)
MAX_WORDS = 4000


# The week's asks --------------------------------------------------------------------------------


def eligible_reps(workspace: Workspace | None = None) -> QuerySet[Membership]:
    """Active reps with an open plan: the people asked each week."""
    reps = Membership.objects.filter(
        role=Role.REP, is_active=True, plans__closed_at=None
    ).distinct()
    if workspace is not None:
        reps = reps.filter(workspace=workspace)
    return reps.select_related("user__profile", "workspace").prefetch_related("plans")


def covering_plan(rep: Membership, day: dt.date) -> Plan | None:
    """The rep's open plan running on `day` (from its start to its deadline), if any."""
    for plan in rep.plans.all():  # prefetched
        if plan.closed_at is None and plan.starts_on <= day <= plan.deadline:
            return plan
    return None


def plan_asks(
    now: dt.datetime | None = None,
    *,
    workspace: Workspace | None = None,
    reps: Iterable[Membership] | None = None,
) -> int:
    """Writes this week's ask for each rep on an active plan who has none yet; returns how many
    were written. Idempotent; safe to run from any number of processes at once."""
    now = now or timezone.now()
    stop_asking_inactive(now)
    candidates = list(reps) if reps is not None else list(eligible_reps(workspace))
    if not candidates:
        return 0
    recent = now.date() - dt.timedelta(days=8)  # covers every zone's current Monday
    asked = set(
        UpdateAsk.objects.filter(rep__in=candidates, week__gte=recent).values_list("rep_id", "week")
    )
    settings = {s.rep_id: s for s in AskSetting.objects.filter(rep__in=candidates)}
    written = 0
    for rep in candidates:
        week = week_of_rep(rep, now)
        if (rep.pk, week) in asked:
            continue
        setting = settings.get(rep.pk) or AskSetting(rep=rep)
        ask_at = setting.moment(week, rep_zone(rep))
        if now > ask_at + LATE_ASK:
            continue  # this week's hour is long gone: next week's ask comes next week
        if covering_plan(rep, ask_at.astimezone(rep_zone(rep)).date()) is None:
            continue
        if _write_ask(rep, week, max(ask_at, now)) is not None:
            written += 1
    return written


def _write_ask(rep: Membership, week: dt.date, ask_at: dt.datetime) -> UpdateAsk | None:
    """The ask row with its follow-up and reminder, all or nothing; None when another planner
    wrote it first."""
    try:
        with transaction.atomic():
            ask = UpdateAsk.objects.create(
                workspace=rep.workspace, rep=rep, week=week, ask_at=ask_at
            )
            if WeeklyUpdate.objects.filter(rep=rep, week=week).exists():
                return ask  # written before the ask went out: nothing to ask
            context: dict[str, object] = {"time_zone": rep.user.profile.time_zone, "url": ask.url()}
            ask.followup, ask.reminder = (
                followups.schedule(
                    kind=kind,
                    template=kind,  # each kind has its own templates, named alike
                    send_at=send_at,
                    workspace=rep.workspace,
                    recipient=rep.user,
                    to_email=rep.user.email,
                    about=ask,
                    context=context,
                )
                for kind, send_at in ((ASK, ask_at), (REMINDER, reminder_time(rep, ask_at)))
            )
            ask.save(update_fields=["followup", "reminder"])
            events.record(
                "update.asked",
                workspace=rep.workspace,
                about=ask,
                rep=rep,
                data={"week": week.isoformat()},
            )
            return ask
    except IntegrityError:
        return None


def reminder_time(rep: Membership, ask_at: dt.datetime) -> dt.datetime:
    """The one reminder: the start of the rep's next working day after the ask."""
    wt = rep.user.profile.working_time(rep.workspace)
    day = ask_at.astimezone(wt.zone).date()
    return dates.working_days_after(day, 1, wt)


def stop_asking(rep: Membership) -> int:
    """Cancels the rep's asks and reminders not sent yet (a rep deactivated, a plan closed)."""
    pending = FollowUp.objects.filter(
        kind__in=ASK_KINDS, workspace_id=rep.workspace_id, recipient_id=rep.user_id
    ).filter(state__in=CHANGEABLE)
    cancelled = 0
    for followup in pending:
        cancelled += followups.cancel(followup) == followups.Outcome.CANCELLED
    return cancelled


def stop_asking_inactive(now: dt.datetime) -> int:
    """Pending asks of reps who left or whose plans all closed since they were planned."""
    recent = now.date() - dt.timedelta(days=8)
    open_plan = Plan.objects.filter(rep=OuterRef("rep"), closed_at=None)
    asks = (
        UpdateAsk.objects.filter(week__gte=recent)
        .filter(Q(followup__state__in=CHANGEABLE) | Q(reminder__state__in=CHANGEABLE))
        .filter(Q(rep__is_active=False) | ~Exists(open_plan))
        .select_related("rep")
    )
    return sum(stop_asking(ask.rep) for ask in asks)


def set_ask_time(rep: Membership, weekday: int, hour: int, by: User | None) -> AskSetting:
    """When the rep is asked from now on; this week's ask, not sent yet, moves with it."""
    if not (0 <= weekday <= 6 and 0 <= hour <= 23):
        raise ActionRefused(_("Pick a day of the week and an hour from 0 to 23."))
    with transaction.atomic():
        setting, _created = AskSetting.objects.update_or_create(
            rep=rep, defaults={"weekday": weekday, "hour": hour}
        )
        ask = UpdateAsk.objects.filter(rep=rep, week=week_of_rep(rep, timezone.now())).first()
        if ask is not None and ask.followup is not None and ask.followup.is_changeable:
            new_at = max(setting.moment(ask.week, rep_zone(rep)), timezone.now())
            followups.reschedule(ask.followup, new_at, by)
            if ask.reminder is not None and ask.reminder.is_changeable:
                followups.reschedule(ask.reminder, reminder_time(rep, new_at), by)
        events.record_for_member(
            "update.ask_time_set",
            rep.workspace,
            setting,
            by,
            member=rep,
            weekday=weekday,
            hour=hour,
        )
    return setting


# Writing the update -----------------------------------------------------------------------------


def write_update(
    rep: Membership,
    week: dt.date,
    *,
    wins: str = "",
    next_steps: str = "",
    help_needed: str = "",
    confidence: int | None = None,
    share: bool | None = None,
    by: User | None = None,
) -> WeeklyUpdate:
    """The rep's update of the week holding `week`: written, or edited when there is one.
    A confidence answer is recorded as the rep's confidence rating too (edited with the
    update, not doubled); `share` None leaves the sharing as it is. The week's ask and its
    reminder, if not sent yet, are cancelled: there is nothing left to ask."""
    if not rep.is_active or rep.role != Role.REP:
        raise ActionRefused(_("Only an active rep writes a weekly update."))
    texts = [wins.strip(), next_steps.strip(), help_needed.strip()]
    if any(len(text) > MAX_WORDS for text in texts):
        raise ActionRefused(_("Keep each answer under 4000 characters."))
    week = week_of(week)
    now = timezone.now()
    with transaction.atomic():
        update = WeeklyUpdate.objects.select_for_update().filter(rep=rep, week=week).first()
        created = update is None
        if update is None:
            update = _new_update(rep, week)
        update.wins, update.next_steps, update.help_needed = texts
        if confidence is not None:
            update.confidence_rating = metrics.rate_confidence(
                rep, confidence, by=by or rep.user, replacing=update.confidence_rating
            )
        elif update.confidence_rating is not None:
            update.confidence_rating.delete()
            update.confidence_rating = None
        update.confidence = confidence
        update.updated_at = now
        update.save()
        if share is not None and share != update.words_shared:
            update.set_shared(share, by or rep.user)
        for ask in UpdateAsk.objects.filter(rep=rep, week=week):
            followups.cancel_about(ask, ASK_KINDS)  # type: ignore[arg-type]
        plan = Plan.objects.filter(rep=rep, closed_at=None).order_by("-starts_on").first()
        events.record(
            "update.written" if created else "update.edited",
            workspace=rep.workspace,
            about=update,
            actor=by or rep.user,
            rep=rep,
            plan_id=plan.pk if plan else None,
            # The week and whether a rating came with it; the words stay on their row.
            data={"week": week.isoformat(), "confidence": confidence},
        )
    return update


def _new_update(rep: Membership, week: dt.date) -> WeeklyUpdate:
    """A new row, or the one a simultaneous first write just made (locked either way)."""
    try:
        with transaction.atomic():
            return WeeklyUpdate.objects.create(workspace=rep.workspace, rep=rep, week=week)
    except IntegrityError:
        return WeeklyUpdate.objects.select_for_update().get(rep=rep, week=week)
