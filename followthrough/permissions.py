"""Who may see or do what: the one place that answers, used by every view (and the API).

The access_* helpers fetch one object for one member, or refuse: NotFound (lib.errors) when
it is not in the member's workspace (an outsider learns nothing), NotAllowed when the member
may not see it (or change it, with for_change=True). They take no request, so pages, the API
and background tasks share them; the web layer turns the two into 404 and 403 pages.

Rules, in short:
- Nobody sees anything of a workspace they have no active membership in.
- Admins manage people and see everything in their workspace.
- Coaches see the people of their workspace; a rep's private data only if they coach the rep.
- A manager (a coach or an admin) may be coached too, in a manager-as-coach program: then
  their coach sees their plan as any coach sees a coached rep's, and they see and answer
  their own like a rep; peers and the manager's own reps do not see it. Being coached gives
  their coach nothing of the manager's reps (only coaching a rep does).
- Reps see themselves, their coaches and the stakeholders who follow them; never another rep.
- Stakeholders read figures about the reps they follow, the rep's own words only when
  shared (can_read_words), and write only in the coach-manager thread of the reps they follow.
- Programs (manager-as-coach): a cohort and its sessions are seen by the admins, its
  facilitator, its managers and the program's sponsors, and run by the admins and the
  facilitator; a manager's private note is the facilitator's and that manager's only.
- The coach-manager thread of a rep (sync app): the rep's coaches, the admins and the
  stakeholders who follow the rep; the rep reads only the notes shared with them.
- Rubrics and role-plays (programs): coaches read the workspace's rubrics, admins and
  facilitators write them; a cohort's facilitator and the admins create its role-plays and see
  every score with names; an enrolled manager sees their own role-plays with every score,
  scores their peers' and the calibrations, and sees the cohort's spread without names; the
  program's sponsors see totals, never remarks; reps see none of it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.db.models import Model, Q, QuerySet
from django.utils.translation import gettext as _

from followthrough.accounts.models import (
    CoachingRelationship,
    Following,
    Invitation,
    Membership,
    Role,
    User,
    Workspace,
)
from followthrough.api.models import ApiToken
from followthrough.clients.binder_models import BinderShare
from followthrough.clients.models import ClientCheckIn
from followthrough.clients.models import Contact as ClientContact
from followthrough.coaching.models import Commitment, Plan, Response, Session, SharedWords, Todo
from followthrough.events.models import Event, EventQuerySet
from followthrough.followups.models import FollowUp, FollowUpQuerySet, Suppression
from followthrough.lib.errors import NotAllowed, NotFound
from followthrough.metrics.models import ImportRun
from followthrough.pipeline.models import Opportunity
from followthrough.programs.models import (
    AssessorKind,
    Attendance,
    Cohort,
    Enrollment,
    Program,
    ProgramSession,
    RolePlay,
    Rubric,
)
from followthrough.sync.models import Review
from followthrough.webhooks.models import Endpoint, Message


def membership_of(user: User | AnonymousUser, workspace: Workspace) -> Membership | None:
    """The user's active membership in the workspace, or None for an outsider."""
    if not user.is_authenticated:
        return None
    return (
        Membership.objects.select_related("user", "workspace")
        .filter(workspace=workspace, user=user, is_active=True)
        .first()
    )


def can_write(member: Membership) -> bool:
    """Stakeholders read; everyone else may write their own things. (The one place a
    stakeholder writes, the coach-manager thread, has its own rule: can_write_thread.)"""
    return member.role != Role.STAKEHOLDER


def can_manage_members(member: Membership) -> bool:
    """Change roles, deactivate people, set who coaches and follows whom."""
    return member.role == Role.ADMIN


def can_view_people(member: Membership) -> bool:
    """The workspace's people list."""
    return member.role in (Role.ADMIN, Role.COACH)


def invitable_roles(member: Membership) -> list[Role]:
    """Admins invite anyone; coaches bring in reps and stakeholders; others invite nobody."""
    if member.role == Role.ADMIN:
        return list(Role)
    if member.role == Role.COACH:
        return [Role.REP, Role.STAKEHOLDER]
    return []


def can_invite(member: Membership, role: str | None = None) -> bool:
    roles = invitable_roles(member)
    return bool(roles) if role is None else role in roles


def coaches(coach: Membership, rep: Membership) -> bool:
    return CoachingRelationship.objects.filter(coach=coach, rep=rep).exists()


def follows(stakeholder: Membership, rep: Membership) -> bool:
    return Following.objects.filter(stakeholder=stakeholder, rep=rep).exists()


def can_view_member(viewer: Membership, target: Membership) -> bool:
    """A person's page: name, role, relationships, working hours."""
    if viewer.workspace_id != target.workspace_id:
        return False
    if viewer.pk == target.pk or viewer.role in (Role.ADMIN, Role.COACH):
        return True
    if viewer.role == Role.REP:
        # A rep sees the people around them, never another rep.
        return coaches(target, viewer) or follows(target, viewer)
    if viewer.role == Role.STAKEHOLDER:
        return target.role == Role.REP and follows(viewer, target)
    return False


def visible_members(viewer: Membership) -> QuerySet[Membership]:
    """The people whose names and pages this member may see; the same rule as
    can_view_member, as a queryset for the lists of names on a page."""
    people = Membership.objects.filter(workspace=viewer.workspace)
    if viewer.role in (Role.ADMIN, Role.COACH):
        return people
    if viewer.role == Role.REP:
        return people.filter(
            Q(pk=viewer.pk)
            | Q(pk__in=CoachingRelationship.objects.filter(rep=viewer).values("coach"))
            | Q(pk__in=Following.objects.filter(rep=viewer).values("stakeholder"))
        )
    return people.filter(
        Q(pk=viewer.pk)
        | Q(role=Role.REP, pk__in=Following.objects.filter(stakeholder=viewer).values("rep"))
    )


def sees_all_members(viewer: Membership) -> bool:
    """Whether a list of names filtered by visible_members is the whole list."""
    return viewer.role in (Role.ADMIN, Role.COACH)


def can_view_rep_private(viewer: Membership, rep: Membership) -> bool:
    """A rep's commitments, answers and numbers (what later pages show)."""
    if viewer.workspace_id != rep.workspace_id or not viewer.is_active:
        return False
    if viewer.pk == rep.pk or viewer.role == Role.ADMIN:
        return True
    if viewer.role == Role.COACH:
        return coaches(viewer, rep)
    if viewer.role == Role.STAKEHOLDER:
        return follows(viewer, rep)
    return False


def can_edit_rep_private(viewer: Membership, rep: Membership) -> bool:
    """Record things about a rep: a stakeholder may read them, never write."""
    return can_write(viewer) and can_view_rep_private(viewer, rep)


def can_view_outbox(member: Membership) -> bool:
    """The outbox page: admins see every follow-up, coaches those of their reps and their own."""
    return member.role in (Role.ADMIN, Role.COACH)


def can_see_failed_tasks(member: Membership) -> bool:
    """Background tasks about the workspace that failed, with their errors: admins only (an
    error may name anything the task touched)."""
    return member.role == Role.ADMIN


def can_view_followup(member: Membership, followup: FollowUp) -> bool:
    if followup.workspace_id != member.workspace_id or not can_view_outbox(member):
        return False
    if member.role == Role.ADMIN:
        return True
    return visible_followups(member).filter(pk=followup.pk).exists()


def visible_followups(member: Membership) -> FollowUpQuerySet:
    """The workspace's follow-ups this member may list: all for an admin; for a coach, those
    to the reps they coach, to themselves, created by them, or to the clients of the reps they
    coach; and, of those to a manager they coach, the ones about the manager's own plans (not
    the notices about the manager's reps' answers)."""
    rows = FollowUp.objects.filter(workspace=member.workspace)
    if member.role == Role.ADMIN:
        return rows
    if member.role != Role.COACH:
        return rows.none()
    coached = Membership.objects.filter(coached_by__coach=member)
    reps = coached.filter(role=Role.REP)
    managers = coached.exclude(role=Role.REP)
    # The check-ins to the clients of the reps they coach, too (sent in the manager's name).
    client_checkins = Q(
        about_type=ContentType.objects.get_for_model(ClientCheckIn),
        about_id__in=ClientCheckIn.objects.filter(rep__in=reps).values("pk"),
    )
    managers_own = Q(recipient__in=managers.values("user_id")) & about_plans(
        Plan.objects.filter(rep__in=managers)
    )
    return rows.filter(
        Q(recipient__in=reps.values("user_id"))
        | Q(recipient=member.user)
        | Q(created_by=member.user)
        | client_checkins
        | managers_own
    )


def about_plans(plans: QuerySet[Plan]) -> Q:
    """Follow-ups about these plans' sessions, commitments and answers."""
    types = ContentType.objects.get_for_models(Session, Commitment, Response)
    return (
        Q(
            about_type=types[Session],
            about_id__in=Session.objects.filter(plan__in=plans).values("pk"),
        )
        | Q(
            about_type=types[Commitment],
            about_id__in=Commitment.objects.filter(plan__in=plans).values("pk"),
        )
        | Q(
            about_type=types[Response],
            about_id__in=Response.objects.filter(commitment__plan__in=plans).values("pk"),
        )
    )


def can_retry_failed_followups(member: Membership) -> bool:
    """ "Retry all failed" in the outbox: admins and coaches, for the rows they may see
    (visible_followups)."""
    return can_view_outbox(member) and can_write(member)


def can_manage_suppressions(member: Membership) -> bool:
    """The addresses held back after a bounce or a spam complaint, and lifting them: admins
    (an address held back may be anyone's in the workspace)."""
    return member.role == Role.ADMIN


def can_change_followup(member: Membership, followup: FollowUp) -> bool:
    """Cancel, reschedule, send now, retry: whoever may see it and may write."""
    return can_write(member) and can_view_followup(member, followup)


# The coaching loop ----------------------------------------------------------------------------


def can_start_plans(member: Membership) -> bool:
    """Admins and coaches open plans (a coach only for the people they coach)."""
    return member.is_coach


def can_have_own_coaching(member: Membership) -> bool:
    """A page of one's own plans and commitments to answer: whoever may be coached (reps, and
    managers coached in a program; Membership.can_be_coached)."""
    return member.is_active and member.can_be_coached


def can_run_plan(member: Membership, plan: Plan) -> bool:
    """Hold its sessions, add and change commitments, record outcomes: the plan's coach, an
    admin, or another coach of the rep (a manager standing in). Never the person coached
    (a coached manager or admin answers their plan like a rep; they do not run it)."""
    if plan.workspace_id != member.workspace_id or not member.is_coach:
        return False
    if member.pk == plan.rep_id:
        return False
    if member.role == Role.ADMIN or member.pk == plan.coach_id:
        return True
    return coaches(member, plan.rep)


def can_read_private_events(member: Membership, rep: Membership) -> bool:
    """Events marked private (a coach's notes) are for those who coach the rep, and admins."""
    if member.workspace_id != rep.workspace_id or not member.is_coach or member.pk == rep.pk:
        return False
    return member.role == Role.ADMIN or coaches(member, rep)


def can_view_plan(member: Membership, plan: Plan) -> bool:
    """The plan, its sessions' shared summaries and its commitments: those who run it, the
    rep, and the stakeholders who follow the rep or are named on the plan."""
    if plan.workspace_id != member.workspace_id:
        return False
    if can_run_plan(member, plan) or member.pk == plan.rep_id:
        return True
    if member.role == Role.STAKEHOLDER:
        return follows(member, plan.rep) or plan.stakeholders.filter(pk=member.pk).exists()
    return False


def can_view_private_notes(member: Membership, plan: Plan) -> bool:
    """A coach's private notes never reach the rep or the stakeholders."""
    return can_run_plan(member, plan)


def coached_plans(member: Membership) -> QuerySet[Plan]:
    """The plans whose loop this member follows as a coach: those they run, and those of every
    rep they coach (co-coaches of a rep see the same answers, open loops and to-dos)."""
    reps = Membership.objects.filter(coached_by__coach=member).values("pk")
    return Plan.objects.filter(workspace=member.workspace).filter(Q(coach=member) | Q(rep__in=reps))


def visible_plans(member: Membership) -> QuerySet[Plan]:
    plans = Plan.objects.filter(workspace=member.workspace)
    if member.role == Role.ADMIN:
        return plans
    if member.role == Role.COACH:  # and their own, when they are coached
        return plans.filter(Q(pk__in=coached_plans(member).values("pk")) | Q(rep=member))
    if member.role == Role.REP:
        return plans.filter(rep=member)
    followed = Membership.objects.filter(followed_by__stakeholder=member).values("pk")
    return plans.filter(Q(rep__in=followed) | Q(stakeholders=member)).distinct()


def visible_todos(member: Membership) -> QuerySet[Todo]:
    """A coach's own to-dos and those of their co-coaches about the reps they coach."""
    if not member.is_coach:
        return Todo.objects.none()
    return Todo.objects.filter(workspace=member.workspace).filter(
        Q(owner=member) | Q(commitment__plan__in=coached_plans(member))
    )


def can_reply(member: Membership, commitment: Commitment) -> bool:
    """Reply to a rep's answer: whoever runs the plan (its coach, a co-coach, an admin).
    Stakeholders never write."""
    return can_write(member) and can_run_plan(member, commitment.plan)


# The rep's own words -------------------------------------------------------------------------


def can_read_words(
    viewer: Membership, rep: Membership, shared: bool, plan: Plan | None = None
) -> bool:
    """The rep's own words (a plan's why, an answer's comment, a session's summary, the
    confidence pulse's comment): the rep, their coaches and admins always; a stakeholder who
    follows the rep (or is named on the plan) only when the words are shared; nobody else."""
    if viewer.workspace_id != rep.workspace_id or not viewer.is_active:
        return False
    if viewer.role == Role.STAKEHOLDER:
        if not shared:
            return False
        named = plan is not None and plan.stakeholders.filter(pk=viewer.pk).exists()
        return named or follows(viewer, rep)
    if plan is not None and can_run_plan(viewer, plan):
        return True
    return can_view_rep_private(viewer, rep)


@dataclass(frozen=True)
class WordsAccess:
    """What one viewer may read of one rep's words on a page: all of them, or only the shared
    ones (worked out once per page, then asked per row)."""

    unshared: bool
    shared: bool

    def may_read(self, thing: SharedWords | object) -> bool:
        return self.unshared or (self.shared and bool(getattr(thing, "words_shared", False)))


def words_access(viewer: Membership, rep: Membership, plan: Plan | None = None) -> WordsAccess:
    return WordsAccess(
        unshared=can_read_words(viewer, rep, False, plan),
        shared=can_read_words(viewer, rep, True, plan),
    )


def can_share_words(member: Membership, plan: Plan) -> bool:
    """Share (or stop sharing) the rep's words on this plan: the rep, or whoever runs the plan
    (with the rep's agreement, which the action asks for)."""
    return member.is_active and (member.pk == plan.rep_id or can_run_plan(member, plan))


@dataclass(frozen=True)
class Readers:
    """Who reads what a rep writes on a plan: coaches and admins always, stakeholders only
    what is shared. Shown to the rep where they write."""

    coaches: list[Membership]
    admins: list[Membership]
    stakeholders: list[Membership]


def word_readers(plan: Plan) -> Readers:
    people = Membership.objects.filter(workspace_id=plan.workspace_id, is_active=True).exclude(
        pk=plan.rep_id
    )
    coach_ids = {plan.coach_id, *plan.rep.coaches().values_list("pk", flat=True)}
    coaches = list(people.filter(pk__in=coach_ids).select_related("user"))
    admins = list(people.filter(role=Role.ADMIN).exclude(pk__in=coach_ids).select_related("user"))
    stakeholders = list(
        people.filter(role=Role.STAKEHOLDER)
        .filter(
            Q(pk__in=Following.objects.filter(rep_id=plan.rep_id).values("stakeholder"))
            | Q(pk__in=plan.stakeholders.values("pk"))
        )
        .select_related("user")
    )
    return Readers(coaches=coaches, admins=admins, stakeholders=stakeholders)


def update_readers(rep: Membership) -> Readers:
    """Who reads a rep's weekly update: as for the words on their open plan; without one, their
    coaches and admins, and the stakeholders who follow them only when shared."""
    plan = Plan.objects.filter(rep=rep, closed_at=None).order_by("-starts_on", "-id").first()
    if plan is not None:
        return word_readers(plan)
    people = Membership.objects.filter(workspace_id=rep.workspace_id, is_active=True).exclude(
        pk=rep.pk
    )
    coach_ids = list(rep.coaches().values_list("pk", flat=True))
    return Readers(
        coaches=list(people.filter(pk__in=coach_ids).select_related("user")),
        admins=list(
            people.filter(role=Role.ADMIN).exclude(pk__in=coach_ids).select_related("user")
        ),
        stakeholders=list(
            people.filter(
                role=Role.STAKEHOLDER,
                pk__in=Following.objects.filter(rep=rep).values("stakeholder"),
            ).select_related("user")
        ),
    )


def can_write_weekly_update(member: Membership) -> bool:
    """The weekly update is the rep's own: only an active rep writes theirs."""
    return member.is_active and member.role == Role.REP


def can_report_on(member: Membership, commitment: Commitment) -> bool:
    """The owner reports progress on their own commitment from their page."""
    return member.pk == commitment.owner_id and member.is_active


# Progress ---------------------------------------------------------------------------------------


def can_log_activity(member: Membership) -> bool:
    """Reps log their own day's counts."""
    return member.role == Role.REP


def can_manage_metrics(member: Membership) -> bool:
    """Add, rename and order the workspace's metrics."""
    return member.role == Role.ADMIN


def can_add_target_metric(member: Membership) -> bool:
    """Add a metric while opening or editing a plan, for the plan's target: whoever runs plans
    (the metric is the target's name, not a change to the others)."""
    return member.is_coach


def can_import_entries(member: Membership) -> bool:
    """A rep imports their own numbers; a coach those of the reps they coach; an admin anyone's."""
    return member.role in (Role.ADMIN, Role.COACH, Role.REP)


def visible_reps(member: Membership) -> QuerySet[Membership]:
    """The reps whose progress this member may see: all for an admin, those coached for a
    coach, those followed for a stakeholder, oneself for a rep."""
    reps = Membership.objects.filter(workspace=member.workspace, role=Role.REP, is_active=True)
    if member.role == Role.ADMIN:
        return reps
    if member.role == Role.COACH:
        return reps.filter(coached_by__coach=member)
    if member.role == Role.STAKEHOLDER:
        return reps.filter(followed_by__stakeholder=member)
    return reps.filter(pk=member.pk)


def visible_events(member: Membership) -> EventQuerySet:
    """The event log through the API: an admin's whole workspace; anyone else the events of
    the reps whose history they may read (visible_reps, oneself for a rep), private ones
    (a coach's notes) only for the reps they coach (can_read_private_events)."""
    rows = Event.objects.filter(workspace=member.workspace)
    if member.role == Role.ADMIN:
        return rows
    rows = rows.filter(rep__in=visible_reps(member))
    if member.role != Role.COACH:
        rows = rows.filter(private=False)
    return rows


def can_view_dashboard(member: Membership) -> bool:
    """The team dashboard: coaches, admins, and managers (stakeholders) of the reps they follow."""
    return member.role in (Role.ADMIN, Role.COACH, Role.STAKEHOLDER)


def can_view_pipeline(member: Membership) -> bool:
    """The pipeline pages; which opportunities show depends on visible_reps."""
    return True


def can_edit_opportunity_of(member: Membership, owner: Membership) -> bool:
    """The owner keeps their own pipeline; their coaches and admins may too; stakeholders read."""
    return can_edit_rep_private(member, owner)


def can_edit_opportunity(member: Membership, opportunity: Opportunity) -> bool:
    """Change or move one opportunity: its owner, or whoever may edit the owner's pipeline."""
    return member.pk == opportunity.owner_id or can_edit_opportunity_of(member, opportunity.owner)


# The coach-manager thread and reviews (sync) ---------------------------------------------------


def is_in_thread(member: Membership, rep: Membership) -> bool:
    """Takes part in the rep's private coach-manager thread: an admin, a coach of the rep, or
    a stakeholder who follows the rep. Never the rep, never another rep."""
    if member.workspace_id != rep.workspace_id or not member.is_active or not rep.is_rep:
        return False
    if member.role == Role.ADMIN:
        return True
    if member.role == Role.COACH:
        return coaches(member, rep)
    if member.role == Role.STAKEHOLDER:
        return follows(member, rep)
    return False


def can_view_thread(member: Membership, rep: Membership) -> bool:
    """The thread's page: those in it see every note; the rep sees the notes shared with them
    (thread_notes_for filters)."""
    return is_in_thread(member, rep) or (member.pk == rep.pk and member.is_active)


def can_write_thread(member: Membership, rep: Membership) -> bool:
    """Write in the thread: everyone in it, stakeholders included (the one place they
    write)."""
    return is_in_thread(member, rep)


def can_mark_for_manager(member: Membership) -> bool:
    """A note "for the manager" is a coach's note that the review brief shows."""
    return member.is_coach


def can_book_review(member: Membership, rep: Membership) -> bool:
    """A manager books a review with the rep: a co-coach (or an admin) or a stakeholder who
    follows the rep."""
    return is_in_thread(member, rep)


def thread_members(rep: Membership) -> QuerySet[Membership]:
    """The people of the rep's thread who hear of its notes: the rep's coaches and the
    stakeholders who follow the rep. (Admins may read and write in any thread, but are not
    emailed about every rep's.)"""
    return (
        Membership.objects.filter(workspace_id=rep.workspace_id, is_active=True)
        .filter(
            Q(pk__in=CoachingRelationship.objects.filter(rep=rep).values("coach"))
            | Q(
                role=Role.STAKEHOLDER,
                pk__in=Following.objects.filter(rep=rep).values("stakeholder"),
            )
        )
        .exclude(role=Role.REP)
        .select_related("user__profile")
    )


# Manager-as-coach programs ---------------------------------------------------------------------
# A program is seen by the admins, the facilitators of its cohorts, the managers enrolled and its
# sponsors; a cohort and its sessions by the admins, its facilitator, its managers and the
# program's sponsors. Admins and the cohort's facilitator run it. A manager's private note is
# for the facilitator and that manager only: not the admins, the peers or the sponsors.


def can_view_programs(member: Membership) -> bool:
    """The programs page: everyone but reps (programs are about their managers)."""
    return member.role != Role.REP


def can_create_programs(member: Membership) -> bool:
    return member.role == Role.ADMIN


def visible_programs(member: Membership) -> QuerySet[Program]:
    programs = Program.objects.filter(workspace=member.workspace)
    if member.role == Role.ADMIN:
        return programs
    return programs.filter(
        Q(cohorts__facilitator=member) | Q(enrollments__manager=member) | Q(sponsors=member)
    ).distinct()


def can_view_program(member: Membership, program: Program) -> bool:
    if program.workspace_id != member.workspace_id or not member.is_active:
        return False
    return member.role == Role.ADMIN or visible_programs(member).filter(pk=program.pk).exists()


def visible_cohorts(member: Membership, program: Program) -> QuerySet[Cohort]:
    """The program's cohorts this member may open: all for admins and sponsors; else those
    they facilitate or are enrolled in."""
    cohorts = Cohort.objects.filter(program=program, workspace=member.workspace)
    if member.role == Role.ADMIN or program.sponsors.filter(pk=member.pk).exists():
        return cohorts
    return cohorts.filter(Q(facilitator=member) | Q(enrollments__manager=member)).distinct()


def can_change_program(member: Membership, program: Program) -> bool:
    """Its name, goal, topics and sponsors: admins and the facilitators of its cohorts."""
    if program.workspace_id != member.workspace_id or not can_write(member):
        return False
    return member.role == Role.ADMIN or program.cohorts.filter(facilitator=member).exists()


def can_view_cohort(member: Membership, cohort: Cohort) -> bool:
    if cohort.workspace_id != member.workspace_id or not member.is_active:
        return False
    if member.role == Role.ADMIN or cohort.facilitator_id == member.pk:
        return True
    if cohort.enrollments.filter(manager=member).exists():
        return True
    return cohort.program.sponsors.filter(pk=member.pk).exists()


def can_run_cohort(member: Membership, cohort: Cohort) -> bool:
    """Enroll managers, move and cancel sessions, record them as held."""
    if cohort.workspace_id != member.workspace_id or not member.is_active:
        return False
    return member.role == Role.ADMIN or cohort.facilitator_id == member.pk


def can_read_private_note(member: Membership, attendance: Attendance) -> bool:
    """The facilitator's note for one manager: the facilitator and that manager."""
    session = attendance.session
    return member.pk in (session.cohort.facilitator_id, attendance.enrollment.manager_id)


def can_see_attendance_commitments(member: Membership, attendance: Attendance) -> bool:
    """The commitments a manager agreed on a call live on their plan: its coach (the
    facilitator), the manager and the admins; peers and sponsors do not see them."""
    if member.role == Role.ADMIN and member.workspace_id == attendance.workspace_id:
        return True
    return can_read_private_note(member, attendance)


def access_program(member: Membership, program_id: int, *, for_change: bool = False) -> Program:
    program = _one(member, Program.objects.all(), program_id)
    allowed = can_change_program if for_change else can_view_program
    if not allowed(member, program):
        raise NotAllowed(_("This program is not one you take part in."))
    return program


def access_cohort(member: Membership, cohort_id: int, *, for_change: bool = False) -> Cohort:
    cohort = _one(
        member,
        Cohort.objects.select_related("program", "facilitator__user__profile", "workspace"),
        cohort_id,
    )
    allowed = can_run_cohort if for_change else can_view_cohort
    if not allowed(member, cohort):
        raise NotAllowed(_("This cohort is not one you take part in."))
    return cohort


def access_program_session(
    member: Membership, session_id: int, *, for_change: bool = False
) -> ProgramSession:
    session = _one(member, ProgramSession.objects.all(), session_id)
    session.cohort = access_cohort(member, session.cohort_id, for_change=for_change)
    return session


def access_enrollment(member: Membership, enrollment_id: int) -> Enrollment:
    """An enrollment, to change: whoever runs its cohort."""
    enrollment = _one(member, Enrollment.objects.select_related("manager__user"), enrollment_id)
    enrollment.cohort = access_cohort(member, enrollment.cohort_id, for_change=True)
    return enrollment


# Fetch or refuse: one object for one member, with no request -----------------------------------


def _one[M: Model](member: Membership, rows: QuerySet[M], pk: int, **in_workspace: Any) -> M:
    """The row with this id in the member's workspace, or NotFound (for an outsider, a row of
    another workspace and a missing row alike)."""
    if not member.is_active:
        raise NotFound("No such workspace")
    lookup = in_workspace or {"workspace_id": member.workspace_id}
    found = rows.filter(pk=pk, **lookup).first()
    if found is None:
        raise NotFound(f"No {rows.model._meta.object_name} {pk} here")
    return found


def access_plan(member: Membership, plan_id: int, *, for_change: bool = False) -> Plan:
    """The plan, if the member may see it (or run it, for_change)."""
    plan = _one(
        member,
        Plan.objects.select_related("rep__user__profile", "coach__user__profile", "workspace"),
        plan_id,
    )
    allowed = can_run_plan if for_change else can_view_plan
    if not allowed(member, plan):
        raise NotAllowed(_("This plan belongs to a rep you do not coach or follow."))
    return plan


def access_session(member: Membership, session_id: int, *, for_change: bool = False) -> Session:
    """The session, if the member may see its plan (or run it, for_change)."""
    session = _one(member, Session.objects.all(), session_id)
    session.plan = access_plan(member, session.plan_id, for_change=for_change)
    return session


def access_commitment(
    member: Membership, commitment_id: int, *, for_change: bool = False
) -> Commitment:
    """The commitment, if the member may see its plan (or run it, for_change)."""
    commitment = _one(
        member,
        Commitment.objects.select_related("owner__user__profile", "session"),
        commitment_id,
    )
    commitment.plan = access_plan(member, commitment.plan_id, for_change=for_change)
    return commitment


def access_response(member: Membership, response_id: int, *, for_change: bool = False) -> Response:
    """A rep's answer, if the member may see its commitment's plan (or run it, for_change)."""
    response = _one(
        member,
        Response.objects.all(),
        response_id,
        commitment__workspace_id=member.workspace_id,
    )
    response.commitment = access_commitment(member, response.commitment_id, for_change=for_change)
    return response


def access_todo(member: Membership, todo_id: int) -> Todo:
    """A to-do of the member's or of a co-coach's about a rep they coach; others are not found
    (a to-do list is nobody else's business, not even its existence)."""
    return _one(member, visible_todos(member), todo_id)


def access_member(viewer: Membership, member_id: int) -> Membership:
    """A person's membership, if the viewer may see their page (can_view_member)."""
    target = _one(viewer, Membership.objects.select_related("user", "user__profile"), member_id)
    if not can_view_member(viewer, target):
        raise NotAllowed(_("You cannot see this person's page."))
    return target


def access_rep(viewer: Membership, member_id: int) -> Membership:
    """A rep whose private figures and history the viewer may see (can_view_rep_private);
    anyone who is not a rep is not found here."""
    rep = _one(viewer, Membership.objects.select_related("user__profile", "workspace"), member_id)
    if not rep.is_rep:
        raise NotFound("Only reps have figures and a history of their coaching.")
    if not can_view_rep_private(viewer, rep):
        raise NotAllowed(_("You do not coach or follow this rep."))
    return rep


def access_thread(viewer: Membership, member_id: int, *, for_change: bool = False) -> Membership:
    """The rep whose coach-manager thread the viewer may read (or write in, for_change)."""
    rep = _one(viewer, Membership.objects.select_related("user__profile", "workspace"), member_id)
    if not rep.is_rep:
        raise NotFound("Only reps have a coach–manager thread.")
    allowed = can_write_thread if for_change else can_view_thread
    if not allowed(viewer, rep):
        raise NotAllowed(_("This thread is for the rep's coaches and managers."))
    return rep


def access_review(viewer: Membership, review_id: int, *, for_change: bool = False) -> Review:
    """A review and its brief: for those in the rep's thread (the brief carries the coach's
    notes for the manager, so not for the rep). Moving or cancelling it (for_change): its
    manager, the rep's coaches and admins."""
    review = _one(
        viewer,
        Review.objects.select_related("rep__user__profile", "manager__user__profile"),
        review_id,
    )
    if not is_in_thread(viewer, review.rep):
        raise NotAllowed(_("This review's brief is for the rep's coaches and managers."))
    if for_change and not (viewer.pk == review.manager_id or viewer.is_coach):
        raise NotAllowed(_("Only the manager who booked it and the rep's coaches change it."))
    return review


def access_invitation(member: Membership, invitation_id: int) -> Invitation:
    """An invitation of the workspace, if the member may invite people of its role."""
    invitation = _one(member, Invitation.objects.all(), invitation_id)
    if not can_invite(member, invitation.role):
        raise NotAllowed(_("You cannot manage invitations for this role."))
    return invitation


def access_followup(member: Membership, followup_id: int, *, for_change: bool = False) -> FollowUp:
    """A follow-up, if the member may see it (or cancel, reschedule and send it, for_change)."""
    followup = _one(member, FollowUp.objects.all(), followup_id)
    if not can_view_followup(member, followup):
        raise NotAllowed(_("This follow-up concerns a rep you do not coach."))
    if for_change and not can_change_followup(member, followup):
        raise NotAllowed(_("You may not change this follow-up."))
    return followup


def access_suppression(member: Membership, suppression_id: int) -> Suppression:
    """A held-back address of the member's workspace, for an admin."""
    suppression = _one(member, Suppression.objects.all(), suppression_id)
    if not can_manage_suppressions(member):
        raise NotAllowed(_("Only an admin may let mail go to an address again."))
    return suppression


def access_opportunity(
    member: Membership, opportunity_id: int, *, for_change: bool = False
) -> Opportunity:
    """An opportunity, if the member sees its owner's pipeline (and may change it, for_change)."""
    opportunity = _one(
        member,
        Opportunity.objects.select_related("owner__user__profile", "workspace"),
        opportunity_id,
    )
    if not visible_reps(member).filter(pk=opportunity.owner_id).exists():
        raise NotAllowed(_("This opportunity belongs to a rep whose pipeline you do not see."))
    if for_change and not can_edit_opportunity(member, opportunity):
        raise NotAllowed(_("You may read this pipeline, not change it."))
    return opportunity


def access_import_run(member: Membership, run_id: int) -> ImportRun:
    """A CSV import, for the member who uploaded it or an admin; anyone else finds nothing
    (an import names people and numbers, and its existence is not confirmed)."""
    run = _one(
        member,
        # The content (up to 20 MB) is read only by the steps that need it.
        ImportRun.objects.select_related("member__user__profile", "workspace").defer("content"),
        run_id,
    )
    if run.member_id != member.pk and member.role != Role.ADMIN:
        raise NotFound(f"No ImportRun {run_id} here")
    return run


# -- clients after the sale (story 002)


def can_view_contacts(member: Membership) -> bool:
    """The client contacts pages: admins, coaches and reps. Stakeholders read figures, not
    clients' addresses and words."""
    return member.role in (Role.ADMIN, Role.COACH, Role.REP)


def can_change_client_settings(member: Membership) -> bool:
    """When and in whose name clients are asked after a sale: admins, like the workspace's
    other settings."""
    return member.role == Role.ADMIN


def visible_contacts(member: Membership) -> QuerySet[ClientContact]:
    """The contacts a member may see and change: every one for an admin; for a coach or a rep,
    the clients on deals of the reps whose pipeline they keep (can_edit_opportunity_of), and the
    ones they typed themselves and named on no deal yet."""
    contacts = ClientContact.objects.filter(workspace=member.workspace)
    if not can_view_contacts(member):
        return contacts.none()
    if member.role == Role.ADMIN:
        return contacts
    owners = visible_reps(member).values("pk")
    on_deals = ClientContact.objects.filter(deals__owner__in=owners).values("pk")
    return contacts.filter(Q(pk__in=on_deals) | Q(created_by=member.user))


def access_contact(
    member: Membership, contact_id: int, *, for_change: bool = False
) -> ClientContact:
    """A client contact the member may see (and change: the same people, who must write)."""
    contact = _one(member, ClientContact.objects.select_related("workspace"), contact_id)
    if not visible_contacts(member).filter(pk=contact.pk).exists():
        raise NotAllowed(_("This client belongs to a rep whose pipeline you do not see."))
    if for_change and not can_write(member):
        raise NotAllowed(_("You may read this, not change it."))
    return contact


def can_view_client_answers(member: Membership, opportunity: Opportunity) -> bool:
    """A deal's clients and their check-ins (scores, comments, complaints): whoever keeps the
    rep's pipeline (the rep, their coaches, admins), not stakeholders: a complaint goes
    privately to the rep and the manager."""
    return can_edit_opportunity(member, opportunity)


def access_client_checkin(member: Membership, checkin_id: int) -> ClientCheckIn:
    """A client check-in the member may act on (mark the client called back)."""
    checkin = _one(
        member,
        ClientCheckIn.objects.select_related("opportunity__owner", "contact", "callback"),
        checkin_id,
    )
    if not can_view_client_answers(member, checkin.opportunity):
        raise NotAllowed(_("This client belongs to a rep whose pipeline you do not see."))
    return checkin


def visible_client_checkins(member: Membership) -> QuerySet[ClientCheckIn]:
    """The client check-ins (answers, quotes) of the deals whose clients the member sees: the
    same people as can_view_client_answers (who keeps the rep's pipeline), as a queryset."""
    rows = ClientCheckIn.objects.filter(workspace=member.workspace)
    if member.role == Role.ADMIN:
        return rows
    if member.role == Role.COACH:
        coached = CoachingRelationship.objects.filter(coach=member).values("rep")
        return rows.filter(Q(opportunity__owner=member) | Q(opportunity__owner__in=coached))
    if member.role == Role.REP:
        return rows.filter(opportunity__owner=member)
    return rows.none()


def visible_opportunities_of_contact(
    member: Membership, contact: ClientContact
) -> QuerySet[Opportunity]:
    """The deals of a contact that the member sees the clients of."""
    return Opportunity.objects.filter(
        client_contacts=contact, owner__in=visible_reps(member)
    ).select_related("owner__user")


# The praise binder (clients) --------------------------------------------------------------------


def can_review_quotes(member: Membership) -> bool:
    """The page of quotes waiting for approval: a rep reviews their own, a coach those of the
    reps they coach, an admin anyone's; stakeholders read binders, they do not make them."""
    return member.role in (Role.ADMIN, Role.COACH, Role.REP)


def reviewing_reps(member: Membership) -> QuerySet[Membership]:
    """The reps whose quotes this member may approve, shorten or decline."""
    if member.role == Role.STAKEHOLDER:
        return Membership.objects.none()
    return visible_reps(member)


def can_import_deals(member: Membership) -> bool:
    """Past won deals from a CRM export: a rep their own, a coach those of the reps they coach,
    an admin anyone's (each row's owner is checked)."""
    return member.role in (Role.ADMIN, Role.COACH, Role.REP)


def can_view_binders(member: Membership) -> bool:
    """Binder pages inside the workspace (which binders: access_binder)."""
    return True


def access_quote(member: Membership, checkin_id: int) -> ClientCheckIn:
    """A client's answer, to decide on its quote: by the rep it is about, their coaches or an
    admin (can_edit_rep_private)."""
    checkin = _one(
        member,
        ClientCheckIn.objects.select_related("rep__user", "contact", "opportunity", "workspace"),
        checkin_id,
    )
    if not can_edit_rep_private(member, checkin.rep):
        raise NotAllowed(_("This client answer is about a rep you do not coach."))
    return checkin


def access_binder(
    member: Membership, scope: str, member_id: int, *, for_change: bool = False
) -> Membership:
    """Whose binder: a rep's (read by whoever sees the rep's figures; shared by the rep's
    coaches and admins) or a coach's team's (read and shared by that coach and admins)."""
    people = Membership.objects.select_related("user__profile", "workspace")
    target = _one(member, people, member_id)
    if scope == "rep":
        if not target.is_rep:
            raise NotFound("Only reps have a binder of their own.")
        if not can_view_rep_private(member, target):
            raise NotAllowed(_("You do not coach or follow this rep."))
        if for_change and not (
            member.role == Role.ADMIN or (member.role == Role.COACH and coaches(member, target))
        ):
            raise NotAllowed(_("Only the rep's coaches and admins share this binder."))
        return target
    if scope == "team":
        if not CoachingRelationship.objects.filter(coach=target, rep__role=Role.REP).exists():
            raise NotFound("Only a coach of reps has a team binder.")
        if member.pk != target.pk and member.role != Role.ADMIN:
            raise NotAllowed(_("Only the team's coach and admins see this binder."))
        return target
    raise NotFound("No such binder.")


def access_binder_share(member: Membership, share_id: int) -> BinderShare:
    """A binder's link, for whoever may share that binder (to revoke it)."""
    link = _one(member, BinderShare.objects.select_related("member__user"), share_id)
    access_binder(member, link.scope, link.member_id, for_change=True)
    return link


# Weekly digests ---------------------------------------------------------------------------------


def visible_rep_ids(members: Sequence[Membership]) -> dict[int, set[int]]:
    """visible_reps for many members at once, as ids, in a fixed number of queries: every
    active rep of the workspace for an admin, the reps coached for a coach, those followed for
    a stakeholder, oneself for a rep."""
    found: dict[int, set[int]] = {member.pk: set() for member in members}
    by_role: dict[str, list[Membership]] = defaultdict(list)
    for member in members:
        if member.is_active:
            by_role[member.role].append(member)
    reps = Membership.objects.filter(role=Role.REP, is_active=True)
    if by_role[Role.ADMIN]:
        workspaces = {member.workspace_id for member in by_role[Role.ADMIN]}
        per_workspace: dict[int, set[int]] = defaultdict(set)
        for rep_id, workspace_id in reps.filter(workspace_id__in=workspaces).values_list(
            "pk", "workspace_id"
        ):
            per_workspace[workspace_id].add(rep_id)
        for member in by_role[Role.ADMIN]:
            found[member.pk] = set(per_workspace[member.workspace_id])
    if by_role[Role.COACH]:
        rows = CoachingRelationship.objects.filter(
            coach__in=[m.pk for m in by_role[Role.COACH]], rep__in=reps
        ).values_list("coach_id", "rep_id")
        for coach_id, rep_id in rows:
            found[coach_id].add(rep_id)
    if by_role[Role.STAKEHOLDER]:
        followed = Following.objects.filter(
            stakeholder__in=[m.pk for m in by_role[Role.STAKEHOLDER]], rep__in=reps
        ).values_list("stakeholder_id", "rep_id")
        for stakeholder_id, rep_id in followed:
            found[stakeholder_id].add(rep_id)
    for member in by_role[Role.REP]:
        found[member.pk] = {member.pk}
    return found


def digest_rep_ids(members: Sequence[Membership]) -> dict[int, set[int]]:
    """The reps a member's weekly digest tells about by default: those they follow (a
    stakeholder), coach, or run an open plan for (a coach, an admin), narrowed to the reps they
    may see (visible_rep_ids). A fixed number of queries for any number of members."""
    visible = visible_rep_ids(members)
    ids = [member.pk for member in members]
    mine: dict[int, set[int]] = defaultdict(set)
    for stakeholder_id, rep_id in Following.objects.filter(stakeholder__in=ids).values_list(
        "stakeholder_id", "rep_id"
    ):
        mine[stakeholder_id].add(rep_id)
    for coach_id, rep_id in CoachingRelationship.objects.filter(coach__in=ids).values_list(
        "coach_id", "rep_id"
    ):
        mine[coach_id].add(rep_id)
    for coach_id, rep_id in Plan.objects.filter(coach__in=ids, closed_at=None).values_list(
        "coach_id", "rep_id"
    ):
        mine[coach_id].add(rep_id)
    return {member_id: mine[member_id] & visible[member_id] for member_id in ids}


def digest_words_access(recipient: Membership) -> WordsAccess:
    """What a digest's recipient may read of the words of a rep it tells about (one of
    visible_rep_ids): the same answer as words_access for such a rep, without a query per rep.
    Coaches and admins read the rep's words; a stakeholder (who follows the rep) only those
    shared."""
    if not recipient.is_active:
        return WordsAccess(unshared=False, shared=False)
    return WordsAccess(unshared=recipient.role != Role.STAKEHOLDER, shared=True)


def digest_parts_visible_to(viewer: Membership, recipient: Membership) -> set[int] | None:
    """Whose part of `recipient`'s digest the viewer may preview: all of it (None) for the
    recipient; else the reps the viewer sees as a coach, an admin or the rep themselves (a rep
    sees only their own row, never another rep's). Another stakeholder sees none."""
    if viewer.pk == recipient.pk:
        return None
    if viewer.workspace_id != recipient.workspace_id or viewer.role == Role.STAKEHOLDER:
        return set()
    return visible_rep_ids([viewer])[viewer.pk]


def can_have_digest(member: Membership) -> bool:
    """The weekly digest's preferences: those who follow or coach reps (a rep has none)."""
    return member.role in (Role.ADMIN, Role.COACH, Role.STAKEHOLDER)


def can_preview_digests(member: Membership) -> bool:
    """The list of digests one may preview: one's own, and those about oneself (a rep) or about
    the reps one coaches."""
    return member.is_active


def access_digest(member: Membership, subscription_id: int) -> tuple[Any, set[int] | None]:
    """A subscription whose next digest the member may preview, and whose parts: None for the
    whole (the recipient), else the reps the member may see of those it tells about (a rep:
    only themselves; a coach: the reps they coach). Nobody else finds it."""
    from followthrough.digests.compose import reps_of
    from followthrough.digests.models import Subscription

    subscription = _one(
        member,
        Subscription.objects.select_related("recipient__user__profile", "workspace"),
        subscription_id,
    )
    only = digest_parts_visible_to(member, subscription.recipient)
    if only is None:
        return subscription, None
    about = {rep.pk for rep in reps_of([subscription])[subscription.pk]} & only
    if not about:
        raise NotAllowed(_("This digest tells about no rep you coach or are."))
    return subscription, about


# -- personal API tokens


def access_api_token(user: User, token_id: int) -> ApiToken:
    """A personal API token is its owner's alone: anyone else finds nothing."""
    token = ApiToken.objects.filter(pk=token_id, membership__user=user).first()
    if token is None:
        raise NotFound(f"No ApiToken {token_id} here")
    return token


# Webhooks ---------------------------------------------------------------------------------------


def can_manage_webhooks(member: Membership) -> bool:
    """Webhook endpoints send the workspace's events out of it, signed: admins only."""
    return member.role == Role.ADMIN


def access_endpoint(member: Membership, endpoint_id: int) -> Endpoint:
    endpoint = _one(member, Endpoint.objects.select_related("workspace"), endpoint_id)
    if not can_manage_webhooks(member):
        raise NotAllowed(_("Only the workspace's admins manage webhooks."))
    return endpoint


def access_webhook_message(member: Membership, endpoint_id: int, message_id: int) -> Message:
    endpoint = access_endpoint(member, endpoint_id)
    return _one(member, Message.objects.all(), message_id, endpoint=endpoint)


# Programs: a cohort's adoption page ------------------------------------------------------------


def sees_whole_cohort(member: Membership, cohort: Any) -> bool:
    """Every manager's figures of a cohort: its facilitator, the program's sponsors and the
    admins. (Figures only: the managers' reps' words and private notes are not on the page.)"""
    if member.workspace_id != cohort.workspace_id or not member.is_active:
        return False
    if member.role == Role.ADMIN or cohort.facilitator_id == member.pk:
        return True
    return cohort.program.sponsors.filter(pk=member.pk).exists()


def access_cohort_adoption(member: Membership, cohort_id: int) -> tuple[Any, Any]:
    """The cohort and whose row the member may see: (cohort, None) for the whole page; (cohort,
    their Enrollment) for a manager enrolled in it, who sees their own row and the cohort's
    anonymised spread. Anyone else of the workspace is refused (reps, other coaches, a
    stakeholder who is not a sponsor)."""
    from followthrough.programs.models import Cohort, Enrollment

    cohort = _one(
        member, Cohort.objects.select_related("program", "workspace", "facilitator"), cohort_id
    )
    if sees_whole_cohort(member, cohort):
        return cohort, None
    own = (
        Enrollment.objects.filter(cohort=cohort, manager=member)
        .select_related("manager__user__profile")
        .first()
    )
    if own is None:
        raise NotAllowed(
            _(
                "This cohort's adoption is for its facilitator, the program's sponsors, the "
                "admins and the managers enrolled."
            )
        )
    return cohort, own


def access_adoption_subscription(member: Membership, cohort_id: int) -> Any:
    """A cohort whose adoption page the member may receive weekly: only those who read the
    whole page (an enrolled manager reads their row on the page itself)."""
    cohort, own = access_cohort_adoption(member, cohort_id)
    if own is not None:
        raise NotAllowed(_("The weekly email of a cohort's adoption is for its readers."))
    return cohort


# Rubrics and role-plays (programs) -------------------------------------------------------------


def _facilitates_any(member: Membership) -> bool:
    return Cohort.objects.filter(facilitator=member).exists()


def _enrollment_in(member: Membership, cohort: Cohort) -> Enrollment | None:
    """The member's enrollment in the cohort (kept after they leave, for their history)."""
    return Enrollment.objects.filter(cohort=cohort, manager=member).first()


def _sponsors(member: Membership, cohort: Cohort) -> bool:
    return cohort.program.sponsors.filter(pk=member.pk).exists()


def can_view_rubrics(member: Membership) -> bool:
    """The workspace's rubrics: whoever coaches, facilitates or is enrolled to be scored."""
    if not member.is_active:
        return False
    if member.is_coach or _facilitates_any(member):
        return True
    return Enrollment.objects.filter(manager=member).exists()


def can_manage_rubrics(member: Membership) -> bool:
    """Write, change and copy rubrics: admins and the facilitators of a cohort."""
    return member.is_active and (member.role == Role.ADMIN or _facilitates_any(member))


def can_create_role_plays(member: Membership, cohort: Cohort) -> bool:
    """A cohort's role-plays are set up by its facilitator and the admins."""
    if member.workspace_id != cohort.workspace_id or not member.is_active:
        return False
    return member.role == Role.ADMIN or member.pk == cohort.facilitator_id


def can_view_cohort_role_plays(member: Membership, cohort: Cohort) -> bool:
    """The list of a cohort's role-plays: its facilitator, admins, its managers (also after
    leaving: their history) and the program's sponsors."""
    if can_create_role_plays(member, cohort):
        return True
    if member.workspace_id != cohort.workspace_id or not member.is_active:
        return False
    return _enrollment_in(member, cohort) is not None or _sponsors(member, cohort)


@dataclass(frozen=True)
class CohortSeat:
    """Where a member sits in a cohort, worked out once for a page of its role-plays: one who
    runs it (facilitator, admin), a manager enrolled (also after leaving), a sponsor."""

    member: Membership
    runs: bool
    is_facilitator: bool
    enrollment: Enrollment | None
    sponsor: bool


def cohort_seat(member: Membership, cohort: Cohort) -> CohortSeat:
    inside = member.workspace_id == cohort.workspace_id and member.is_active
    return CohortSeat(
        member=member,
        runs=can_create_role_plays(member, cohort),
        is_facilitator=inside and member.pk == cohort.facilitator_id,
        enrollment=_enrollment_in(member, cohort) if inside else None,
        sponsor=inside and _sponsors(member, cohort),
    )


def seat_kind(seat: CohortSeat, role_play: RolePlay) -> AssessorKind | None:
    """In which seat the member scores this role-play, or None when they may not: the cohort's
    facilitator as facilitator; the manager who played it as self; another manager still
    enrolled as peer (in a calibration every manager is a peer). Admins do not score."""
    if seat.is_facilitator:
        return AssessorKind.FACILITATOR
    if seat.enrollment is None or seat.enrollment.left_at is not None:
        return None
    if not role_play.is_calibration and seat.enrollment.pk == role_play.manager_id:
        return AssessorKind.SELF
    return AssessorKind.PEER


def assessor_kind(member: Membership, role_play: RolePlay) -> AssessorKind | None:
    return seat_kind(cohort_seat(member, role_play.cohort), role_play)


@dataclass(frozen=True)
class RolePlaySight:
    """What one viewer sees of a role-play's scores: assessors' names, remarks and notes, the
    level of each criterion (else totals only), and whether only their own assessment."""

    names: bool
    remarks: bool
    criteria: bool
    only_own: bool


FULL_SIGHT = RolePlaySight(names=True, remarks=True, criteria=True, only_own=False)
# A manager on a calibration: the spread, nobody named but the viewer.
SPREAD_SIGHT = RolePlaySight(names=False, remarks=False, criteria=True, only_own=False)
# A manager on a peer's role-play: their own scores only.
OWN_SIGHT = RolePlaySight(names=True, remarks=True, criteria=True, only_own=True)
# A sponsor: totals, no names, no remarks.
TOTALS_SIGHT = RolePlaySight(names=False, remarks=False, criteria=False, only_own=False)


def seat_sight(seat: CohortSeat, role_play: RolePlay) -> RolePlaySight | None:
    """None when the member may not open the role-play at all."""
    if seat.runs:
        return FULL_SIGHT
    if seat.enrollment is not None:
        if role_play.is_calibration:
            return SPREAD_SIGHT
        return FULL_SIGHT if seat.enrollment.pk == role_play.manager_id else OWN_SIGHT
    return TOTALS_SIGHT if seat.sponsor else None


def role_play_sight(member: Membership, role_play: RolePlay) -> RolePlaySight | None:
    return seat_sight(cohort_seat(member, role_play.cohort), role_play)


def access_rubric(member: Membership, rubric_id: int, *, for_change: bool = False) -> Rubric:
    rubric = _one(member, Rubric.objects.all(), rubric_id)
    allowed = can_manage_rubrics if for_change else can_view_rubrics
    if not allowed(member):
        raise NotAllowed(_("Rubrics are for the coaches and facilitators of this workspace."))
    return rubric


def access_cohort_role_plays(
    member: Membership, cohort_id: int, *, for_change: bool = False
) -> Cohort:
    """The cohort, for its role-plays: to list them, or to create one (for_change)."""
    cohort = _one(member, Cohort.objects.select_related("program", "facilitator__user"), cohort_id)
    allowed = can_create_role_plays if for_change else can_view_cohort_role_plays
    if not allowed(member, cohort):
        raise NotAllowed(_("The role-plays of this cohort are for its facilitator and managers."))
    return cohort


def access_role_play(
    member: Membership, role_play_id: int, *, for_scoring: bool = False
) -> tuple[RolePlay, RolePlaySight]:
    """The role-play and what the member sees of it; for_scoring, only for who may score it."""
    role_play = _one(
        member,
        RolePlay.objects.select_related(
            "cohort__program", "cohort__facilitator__user", "manager__manager__user", "rubric"
        ),
        role_play_id,
    )
    sight = role_play_sight(member, role_play)
    if sight is None:
        raise NotAllowed(_("This role-play is for its cohort's facilitator and managers."))
    if for_scoring and assessor_kind(member, role_play) is None:
        raise NotAllowed(_("Only the facilitator and the cohort's managers score a role-play."))
    return role_play, sight
