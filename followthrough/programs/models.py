"""Manager-as-coach programs (story 004): a workshop day and a series of phone sessions, run as
a cohort of enrolled managers with a facilitator; role-plays scored against a rubric.

The words:
- Program: the curriculum (name, goal, how many phone sessions, how far apart, their topics)
  and its sponsors, the people who bought it and read the cohort page.
- Cohort: one run of a program, with its facilitator (often a coach from outside the company)
  and the managers enrolled (Enrollment: a manager is in at most one cohort per program).
- ProgramSession: one meeting of the cohort, the workshop (number 0) or a phone session, with
  calendar invitations to the whole cohort, attendance (Attendance) and a debrief for the
  cohort; each Attendance keeps the facilitator's private note for that manager and the
  coaching session on the manager's own plan where their commitments were agreed.
- Rubric: criteria x levels, each level with a definition and its points (Moodle's shape).
- RolePlay: an exercise with a scenario, played by one manager (or, for calibration, a
  recording everyone scores), assessed by the facilitator, a peer and the manager themselves;
  Assessment holds one assessor's Fillings (one level per criterion).

Adoption figures are not stored: programs.adoption computes them from the coaching loop.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from functools import cached_property
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_lazy, pgettext_lazy

from followthrough.accounts.models import Membership, Workspace
from followthrough.coaching.models import Commitment
from followthrough.coaching.models import Session as CoachingSession
from followthrough.lib import dates, ical, signing

DEFAULT_PHONE_SESSIONS = 6
DEFAULT_WEEKS_BETWEEN = 2
WORKSHOP_MINUTES = 420
PHONE_MINUTES = 60


class Program(models.Model):
    """A manager-as-coach curriculum: one workshop day, then `phone_sessions` calls every
    `weeks_between` weeks, each with a topic (topics[0] is the workshop's)."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="programs")
    name = models.CharField(max_length=120)
    goal = models.TextField(blank=True)
    phone_sessions = models.PositiveSmallIntegerField(
        default=DEFAULT_PHONE_SESSIONS, validators=[MinValueValidator(0), MaxValueValidator(24)]
    )
    weeks_between = models.PositiveSmallIntegerField(
        default=DEFAULT_WEEKS_BETWEEN, validators=[MinValueValidator(1), MaxValueValidator(8)]
    )
    # One topic per session, the workshop's first; written in the workspace's language when
    # the program is made, then the facilitator's words.
    topics = models.JSONField(default=list, blank=True)
    sponsors = models.ManyToManyField(
        Membership,
        blank=True,
        related_name="programs_sponsored",
        help_text=gettext_lazy("Who bought the program: they read the cohort page."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("program_detail", args=[self.workspace.slug, self.pk])

    @staticmethod
    def default_topics(language: str, phone_sessions: int = DEFAULT_PHONE_SESSIONS) -> list[str]:
        """The workshop's topic and one per phone session, in `language` (the workspace's)."""
        with translation.override(language):
            topics = [
                gettext("Coaching model: an overview and the tools"),
                gettext("Listening"),
                gettext("Asking questions before telling"),
                gettext("Role-play: a coaching conversation"),
                gettext("Your real coaching sessions: debrief"),
                gettext("Metrics and accountability"),
                gettext("Making it stick"),
            ]
            more = [
                gettext("Phone session %(number)d") % {"number": n}
                for n in range(len(topics), phone_sessions + 1)
            ]
        return (topics + more)[: phone_sessions + 1]

    def topic_of(self, number: int) -> str:
        """The topic of session `number` (0 is the workshop), or "" when none was written."""
        return self.topics[number] if 0 <= number < len(self.topics) else ""


class Cohort(models.Model):
    """One run of a program: a facilitator and the managers enrolled."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="cohorts")
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="cohorts")
    name = models.CharField(max_length=120)
    facilitator = models.ForeignKey(
        Membership, on_delete=models.PROTECT, related_name="cohorts_facilitated"
    )
    starts_on = models.DateField(help_text=gettext_lazy("The workshop day."))
    closed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-starts_on", "-id"]

    def __str__(self) -> str:
        return f"{self.program.name}: {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("cohort_detail", args=[self.workspace.slug, self.pk])

    def active_enrollments(self) -> models.QuerySet[Enrollment]:
        return self.enrollments.filter(left_at=None, manager__is_active=True).select_related(
            "manager__user"
        )


class Enrollment(models.Model):
    """A manager in a cohort. One per program and manager (a manager enrolled twice in the
    same program is refused); leaving keeps the history."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="enrollments")
    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="enrollments")
    manager = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="enrollments")
    # The manager's own plan, coached by the facilitator: each call's commitments go there.
    plan = models.ForeignKey(
        "coaching.Plan", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    enrolled_at = models.DateTimeField(default=timezone.now)
    left_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["manager__user__name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "manager"], name="one_enrollment_per_program"
            )
        ]

    def __str__(self) -> str:
        return f"{self.manager.user} in {self.cohort}"

    @property
    def is_active(self) -> bool:
        return self.left_at is None and self.manager.is_active

    def frozen_at(self) -> dt.datetime | None:
        """When this manager's figures stop: when they left the cohort or were deactivated,
        whichever came first; None while they take part."""
        ends = [t for t in (self.left_at, self.manager.deactivated_at) if t is not None]
        return min(ends) if ends else None


class ProgramSessionKind(models.TextChoices):
    WORKSHOP = "workshop", pgettext_lazy("program session kind", "Workshop")
    PHONE = "phone", pgettext_lazy("program session kind", "Phone session")


class ProgramSessionState(models.TextChoices):
    SCHEDULED = "scheduled", pgettext_lazy("program session state", "Scheduled")
    HELD = "held", pgettext_lazy("program session state", "Held")
    CANCELLED = "cancelled", pgettext_lazy("program session state", "Cancelled")


class ProgramSession(models.Model):
    """One meeting of a cohort: the workshop (number 0) or a phone session. Invitations go to
    the facilitator and every manager enrolled; `debrief` is for the whole cohort."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="sessions")
    number = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=16, choices=ProgramSessionKind.choices)
    topic = models.CharField(max_length=200, blank=True)
    starts_at = models.DateTimeField()
    duration_minutes = models.PositiveSmallIntegerField(
        default=PHONE_MINUTES, validators=[MinValueValidator(5), MaxValueValidator(600)]
    )
    location = models.CharField(
        max_length=200, blank=True, help_text=gettext_lazy("A room, a phone, a link.")
    )
    state = models.CharField(
        max_length=16, choices=ProgramSessionState.choices, default=ProgramSessionState.SCHEDULED
    )
    debrief = models.TextField(
        blank=True, help_text=gettext_lazy("What the cohort learned: every manager reads it.")
    )
    invited = models.BooleanField(default=False)
    # iCalendar SEQUENCE: every move or cancel after an invitation counts up.
    sequence = models.PositiveIntegerField(default=0)
    held_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["cohort", "number"]
        constraints = [
            models.UniqueConstraint(fields=["cohort", "number"], name="one_session_number")
        ]

    def __str__(self) -> str:
        return f"{self.cohort} #{self.number}"

    def get_absolute_url(self) -> str:
        return reverse("program_session_detail", args=[self.workspace.slug, self.pk])

    @property
    def ends_at(self) -> dt.datetime:
        return self.starts_at + dt.timedelta(minutes=self.duration_minutes)

    @property
    def is_scheduled(self) -> bool:
        return self.state == ProgramSessionState.SCHEDULED

    @property
    def ical_uid(self) -> str:
        """Stable across updates, so calendars replace the event instead of adding one."""
        return f"program-session-{self.pk}@{settings.MESSAGE_ID_DOMAIN}"

    @property
    def has_started(self) -> bool:
        return self.starts_at <= timezone.now()

    def title(self) -> str:
        """ "Workshop: Coaching model" or "Phone session 3: Listening", in the active language."""
        if self.kind == ProgramSessionKind.WORKSHOP:
            label = gettext("Workshop")
        else:
            label = gettext("Phone session %(number)d") % {"number": self.number}
        return f"{label}: {self.topic}" if self.topic else label

    def attendees(self) -> list[Membership]:
        """Who the invitations go to: the facilitator and every manager still enrolled and
        active (one who left or was deactivated gets nothing more)."""
        managers = [e.manager for e in self.cohort.active_enrollments()]
        return [self.cohort.facilitator, *managers]

    def as_icalendar(self, method: str, sequence: int) -> str:
        """The event as an iCalendar object (METHOD:REQUEST or CANCEL, the UID never changes,
        SEQUENCE counts up), its times in the zone active while the message is built: the
        recipient's (FollowUp.build_message), with its VTIMEZONE (lib.ical)."""
        current = timezone.get_current_timezone()
        zone = current if isinstance(current, ZoneInfo) else ZoneInfo("UTC")
        facilitator = self.cohort.facilitator.user
        calendar = icalendar.Calendar()
        calendar.add("prodid", "-//Followthrough//Program sessions//EN")
        calendar.add("version", "2.0")
        calendar.add("method", method)
        event = icalendar.Event()
        event.add("uid", self.ical_uid)
        event.add("sequence", sequence)
        event.add("dtstamp", timezone.now())
        event.add("dtstart", ical.event_time(self.starts_at, zone))
        event.add("dtend", ical.event_time(self.ends_at, zone))
        event.add("summary", f"{self.cohort.program.name}: {self.title()}")
        if self.location:
            event.add("location", self.location)
        event.add("description", f"{settings.BASE_URL}{self.get_absolute_url()}")
        organizer = icalendar.vCalAddress(f"mailto:{facilitator.email}")
        organizer.params["cn"] = icalendar.vText(facilitator.name)
        event.add("organizer", organizer)
        for member in self.attendees():
            attendee = icalendar.vCalAddress(f"mailto:{member.user.email}")
            attendee.params["cn"] = icalendar.vText(member.user.name)
            attendee.params["role"] = icalendar.vText("REQ-PARTICIPANT")
            event.add("attendee", attendee)
        event.add("status", "CANCELLED" if method == "CANCEL" else "CONFIRMED")
        if any("TZID" in event[name].params for name in ("DTSTART", "DTEND")):
            calendar.add_component(ical.vtimezone(zone, self.starts_at, self.ends_at))
        calendar.add_component(event)
        return str(calendar.to_ical().decode())


class Attendance(models.Model):
    """A manager at one program session: whether they came (None: not recorded yet), the
    facilitator's private note for that manager, and the coaching session on the manager's own
    plan in which the commitments of this call were agreed."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    session = models.ForeignKey(
        ProgramSession, on_delete=models.CASCADE, related_name="attendances"
    )
    enrollment = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="attendances")
    present = models.BooleanField(null=True, blank=True)
    private_note = models.TextField(
        blank=True, help_text=gettext_lazy("Only the facilitator and this manager read it.")
    )
    coaching_session = models.OneToOneField(
        CoachingSession,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="program_attendance",
    )

    class Meta:
        ordering = ["session", "enrollment"]
        constraints = [
            models.UniqueConstraint(fields=["session", "enrollment"], name="one_attendance")
        ]

    def __str__(self) -> str:
        return f"{self.enrollment.manager.user} at {self.session}"


class Rubric(models.Model):
    """Criteria x levels (Moodle's rubric): each criterion has levels, each level a definition
    and its points. `key` names the rubric the app ships ("coaching_conversation")."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="rubrics")
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    key = models.SlugField(max_length=40, blank=True)  # i18n: not for people
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("rubric_detail", args=[self.workspace.slug, self.pk])

    def max_points(self) -> int:
        """The best possible total: the top level of every criterion."""
        return sum(
            max((lv.points for lv in c.levels.all()), default=0) for c in self.criteria.all()
        )

    def problems(self) -> list[str]:
        """Why this rubric cannot be used for scoring yet (empty when it can)."""
        found: list[str] = []
        criteria = list(self.criteria.all())
        if not criteria:
            found.append(gettext("A rubric needs at least one criterion."))
        for criterion in criteria:
            points = [level.points for level in criterion.levels.all()]
            if len(points) < 2:
                found.append(
                    gettext("“%(criterion)s” needs at least two levels.")
                    % {"criterion": criterion.description}
                )
            if len(points) != len(set(points)):
                found.append(
                    gettext("“%(criterion)s” has two levels with the same points.")
                    % {"criterion": criterion.description}
                )
        return found


class Criterion(models.Model):
    """One row of a rubric: an observable behaviour."""

    rubric = models.ForeignKey(Rubric, on_delete=models.CASCADE, related_name="criteria")
    sort_order = models.PositiveSmallIntegerField(default=0)
    description = models.CharField(max_length=300)

    class Meta:
        ordering = ["sort_order", "id"]

    def __str__(self) -> str:
        return self.description

    def top_points(self) -> int:
        return max((level.points for level in self.levels.all()), default=0)


class Level(models.Model):
    """One column of a criterion: what it looks like at this level, and its points. Two levels
    of one criterion never have the same points."""

    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="levels")
    points = models.PositiveSmallIntegerField(validators=[MaxValueValidator(100)])
    definition = models.CharField(max_length=300)

    class Meta:
        ordering = ["criterion", "points"]
        constraints = [
            models.UniqueConstraint(fields=["criterion", "points"], name="level_points_unique")
        ]

    def __str__(self) -> str:
        return f"{self.points}: {self.definition}"


class RolePlay(models.Model):
    """A role-play exercise: a scenario played by one enrolled manager (in the coach's seat),
    scored against a rubric. A calibration exercise is played by nobody in the cohort (a
    recording) and scored by everyone, to see how far apart the scores are."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="role_plays")
    session = models.ForeignKey(
        ProgramSession,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="role_plays",
    )
    rubric = models.ForeignKey(Rubric, on_delete=models.PROTECT, related_name="role_plays")
    manager = models.ForeignKey(
        Enrollment,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="role_plays",
        help_text=gettext_lazy("The manager in the coach's seat (none for calibration)."),
    )
    title = models.CharField(max_length=200)
    scenario = models.TextField()
    is_calibration = models.BooleanField(default=False)
    played_on = models.DateField()
    created_by = models.ForeignKey(
        Membership, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-played_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(is_calibration=True, manager=None)
                | models.Q(is_calibration=False, manager__isnull=False),
                name="roleplay_played_by_one_or_calibration",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("role_play_detail", args=[self.workspace.slug, self.pk])


class AssessorKind(models.TextChoices):
    FACILITATOR = "facilitator", pgettext_lazy("assessor", "Facilitator")
    PEER = "peer", pgettext_lazy("assessor", "Peer")
    SELF = "self", pgettext_lazy("assessor", "Self")


class Assessment(models.Model):
    """One person's scoring of a role-play: a Filling (a level) per criterion."""

    role_play = models.ForeignKey(RolePlay, on_delete=models.CASCADE, related_name="assessments")
    assessor = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=16, choices=AssessorKind.choices)
    note = models.TextField(blank=True)
    submitted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["role_play", "kind", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["role_play", "assessor"], name="one_assessment_per_assessor"
            )
        ]

    def __str__(self) -> str:
        return f"{self.assessor.user} on {self.role_play}"

    def total_points(self) -> int:
        return sum(filling.level.points for filling in self.fillings.all())

    def percent(self) -> Decimal:
        """The total as a share of the rubric's best, 0-100 with one decimal."""
        best = self.role_play.rubric.max_points()
        if not best:
            return Decimal(0)
        share = Decimal(100) * self.total_points() / best
        return share.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


class Filling(models.Model):
    """The level one assessor chose for one criterion, with an optional remark."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="fillings")
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="+")
    level = models.ForeignKey(Level, on_delete=models.PROTECT, related_name="+")
    remark = models.TextField(blank=True)

    class Meta:
        ordering = ["criterion__sort_order", "criterion_id"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "criterion"], name="one_filling")
        ]

    def __str__(self) -> str:
        return f"{self.criterion}: {self.level.points}"

    def clean(self) -> None:
        if self.level.criterion_id != self.criterion_id:
            raise ValidationError(gettext_lazy("That level belongs to another criterion."))


class CommitmentCheckIns(Commitment):
    """A commitment with its follow-ups (check-ins, reminders) as a relation, so the adoption
    figures count check-ins by joining them rather than by a subquery per follow-up. A proxy:
    no table, and the coaching app's Commitment keeps its own behaviour (a GenericRelation on
    it would also delete the follow-ups of a deleted commitment)."""

    followups = GenericRelation(
        "followups.FollowUp", content_type_field="about_type", object_id_field="about_id"
    )

    class Meta:
        proxy = True


# The sponsor's weekly email of the cohort's adoption page --------------------------------------

ADOPTION_UNSUBSCRIBE_SCOPE = "adoption_unsubscribe"
ADOPTION_WEEKDAY = 0  # Monday
ADOPTION_HOUR = 8


class AdoptionSubscription(models.Model):
    """Someone who reads a cohort's adoption page (a sponsor, the facilitator, an admin) and
    receives it by email every Monday at 08:00 on their own clock, as the weekly digest goes:
    one AdoptionDigest per ISO week, written by the planner with its follow-up."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="subscriptions")
    recipient = models.ForeignKey(
        Membership, on_delete=models.CASCADE, related_name="adoption_subscriptions"
    )
    stopped_at = models.DateTimeField(null=True, blank=True)
    # The next Monday 08:00 (UTC) it falls due; None once stopped.
    next_send_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["cohort", "recipient"], name="one_adoption_subscription"
            )
        ]
        indexes = [
            models.Index(
                fields=["next_send_at"],
                condition=models.Q(stopped_at=None),
                name="adoption_subscription_due",
            )
        ]

    def __str__(self) -> str:
        return f"{self.recipient.user} reads {self.cohort}"

    @property
    def is_stopped(self) -> bool:
        return self.stopped_at is not None

    def next_moment(self, after: dt.datetime) -> dt.datetime:
        """The first Monday 08:00 on the recipient's clock strictly after `after` (a
        daylight-saving change moves nothing: the wall time stays 08:00)."""
        zone = self.recipient.user.profile.zone
        local = after.astimezone(zone).date()
        monday = local - dt.timedelta(days=local.weekday() - ADOPTION_WEEKDAY)
        while True:
            moment = dates.local_datetime(monday, dt.time(ADOPTION_HOUR), zone)
            if moment > after:
                return moment.astimezone(dt.UTC)
            monday += dt.timedelta(weeks=1)

    def unsubscribe_token(self) -> str:
        return signing.make_token(ADOPTION_UNSUBSCRIBE_SCOPE, self.pk, holder=self.recipient_id)

    def unsubscribe_url(self) -> str:
        return settings.BASE_URL + reverse("adoption_unsubscribe", args=[self.unsubscribe_token()])

    def page_url(self) -> str:
        return settings.BASE_URL + reverse(
            "cohort_adoption", args=[self.workspace.slug, self.cohort_id]
        )


class AdoptionDigest(models.Model):
    """One week's email of one adoption subscription (FollowUp.about is this row); the unique
    (subscription, week) pair makes a second planner or a re-run send nothing more."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    subscription = models.ForeignKey(
        AdoptionSubscription, on_delete=models.CASCADE, related_name="digests"
    )
    week = models.DateField()
    send_at = models.DateTimeField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["subscription", "week"], name="one_adoption_digest")
        ]

    def __str__(self) -> str:
        return f"Adoption of {self.subscription.cohort} for the week of {self.week}"

    def email_headers(self) -> dict[str, str]:
        """One-click unsubscribe (RFC 8058, RFC 2369) and the list's id (RFC 2919)."""
        subscription = self.subscription
        return {
            "List-Unsubscribe": f"<{subscription.unsubscribe_url()}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "List-Id": f"Cohort adoption <adoption.{subscription.cohort_id}."
            f"{self.workspace.slug}.{settings.MESSAGE_ID_DOMAIN}>",
        }

    @cached_property
    def page(self) -> Any:
        """What it says, computed when it is sent (in the recipient's language and zone), once
        for its three templates."""
        from followthrough.programs import adoption

        return adoption.page(self.subscription.cohort, None)
