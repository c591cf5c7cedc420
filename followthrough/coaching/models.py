"""The coaching loop's nouns: Plan, Session, Commitment, Response, and the coach's Todo.

A plan is the engagement between a coach and a rep. Sessions are its meetings; in each, the two
agree on commitments. Finishing a session schedules a check-in for each commitment (see
actions.finish_session); the rep's answer is a Response; silence makes the commitment an open
loop on the coach's Today page. Rules about one object live here as methods; changes that touch
several rows are in actions.py.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any, NamedTuple

import icalendar
from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_lazy

from followthrough.accounts.models import Membership, Workspace
from followthrough.followups.models import FollowUp, Kind, State
from followthrough.lib import dates, ical, signing

if TYPE_CHECKING:
    from followthrough.lib.dates import WorkingTime

# A check-in link works for this long after the email went out.
CHECKIN_LINK_AGE = dt.timedelta(days=45)
CHECKIN_SCOPE = "checkin"
# The largest number a measure or an answer may carry: more is a typo, not a result.
MAX_MEASURE = Decimal("10000000")


class SharedWords(models.Model):
    """The rep's own words on a row (a plan's why, an answer's comment, a session's summary):
    their coaches read them; stakeholders only once the rep shares them (or the coach does,
    with the rep's agreement). Who may read is permissions.can_read_words."""

    words_shared = models.BooleanField(
        default=False,
        help_text=gettext_lazy("The rep's words here are shared with the stakeholders."),
    )
    words_shared_at = models.DateTimeField(null=True, blank=True)
    words_shared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        abstract = True

    def set_shared(self, shared: bool, by: Any) -> None:
        """Shares (or stops sharing) the words, remembering who and when."""
        self.words_shared = shared
        self.words_shared_at = timezone.now() if shared else None
        self.words_shared_by = by if shared else None
        self.save(update_fields=["words_shared", "words_shared_at", "words_shared_by"])


class Plan(SharedWords):
    """The engagement between a coach and a rep: why, by when, and what result counts.

    `rep` is the person coached: a rep, or a manager (a coach or an admin) coached in a
    manager-as-coach program (Membership.can_be_coached_by says who may coach whom)."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="plans")
    coach = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="plans_coached")
    rep = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="plans")
    purpose = models.CharField(
        max_length=200,
        help_text=gettext_lazy('What it is for, e.g. "Keep the job: 60-day ultimatum".'),
    )
    starts_on = models.DateField()
    deadline = models.DateField()
    target_metric = models.CharField(
        max_length=80, blank=True, help_text=gettext_lazy("e.g. revenue")
    )
    target_low = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    target_high = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    target_unit = models.CharField(
        max_length=16, blank=True, help_text=gettext_lazy("e.g. USD, calls")
    )
    why = models.TextField(
        blank=True, help_text=gettext_lazy("The rep's personal reason: what it is for them.")
    )
    long_term_goal = models.TextField(blank=True)
    sessions_per_week = models.PositiveSmallIntegerField(
        default=1, validators=[MinValueValidator(1), MaxValueValidator(14)]
    )
    stakeholders = models.ManyToManyField(Membership, blank=True, related_name="plans_followed")
    closed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-starts_on", "-id"]
        indexes = [models.Index(fields=["workspace", "coach"], name="plan_coach")]

    def __str__(self) -> str:
        return f"{self.rep.user.name}: {self.purpose}"

    def get_absolute_url(self) -> str:
        return reverse("plan_detail", args=[self.workspace.slug, self.pk])

    @property
    def is_active(self) -> bool:
        return self.closed_at is None

    def target_display(self) -> str:
        """ "revenue 14,000-16,000 USD", or "" when the plan has no target."""
        if self.target_low is None:
            return ""
        low = f"{self.target_low:,.0f}"
        span = (
            low if self.target_high in (None, self.target_low) else f"{low}-{self.target_high:,.0f}"
        )
        return " ".join(part for part in (self.target_metric, span, self.target_unit) if part)

    def step_owners(self) -> models.QuerySet[Membership]:
        """Who may own a step of this plan: the rep, the plan's coach, and any other coach of
        the rep (a manager who coaches too)."""
        return (
            Membership.objects.filter(workspace_id=self.workspace_id, is_active=True)
            .filter(
                models.Q(pk__in=[self.rep_id, self.coach_id])
                | models.Q(pk__in=self.rep.coaches().values("pk"))
            )
            .select_related("user")
            .order_by("user__name", "pk")
        )

    def days_left(self, today: dt.date) -> int:
        return (self.deadline - today).days

    def next_session(self) -> Session | None:
        return (
            self.sessions.filter(state=SessionState.SCHEDULED, starts_at__gte=timezone.now())
            .order_by("starts_at")
            .first()
        )


class SessionState(models.TextChoices):
    SCHEDULED = "scheduled", gettext_lazy("Scheduled")
    FINISHED = "finished", gettext_lazy("Finished")
    CANCELLED = "cancelled", gettext_lazy("Cancelled")


class Session(SharedWords):
    """One meeting of a plan. Its agenda is the plan's open commitments, found, not copied."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="sessions")
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="sessions")
    starts_at = models.DateTimeField()
    duration_minutes = models.PositiveSmallIntegerField(
        default=45, validators=[MinValueValidator(5), MaxValueValidator(480)]
    )
    location = models.CharField(
        max_length=200, blank=True, help_text=gettext_lazy("A room, a phone, a link.")
    )
    state = models.CharField(
        max_length=16, choices=SessionState.choices, default=SessionState.SCHEDULED
    )
    private_notes = models.TextField(
        blank=True, help_text=gettext_lazy("Only the coach sees these.")
    )
    summary = models.TextField(
        blank=True, help_text=gettext_lazy("Shared with the rep in the recap.")
    )
    invited = models.BooleanField(
        default=False,
        help_text=gettext_lazy("A calendar invitation went to the rep and the coach."),
    )
    # iCalendar SEQUENCE: every move or cancel after an invitation counts up.
    sequence = models.PositiveIntegerField(default=0)
    finished_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-starts_at", "-id"]
        indexes = [models.Index(fields=["plan", "state", "starts_at"], name="session_plan")]

    def __str__(self) -> str:
        return f"Session with {self.plan.rep.user.name} on {self.starts_at:%Y-%m-%d %H:%M} UTC"

    def get_absolute_url(self) -> str:
        return reverse("session_detail", args=[self.workspace.slug, self.pk])

    @property
    def ends_at(self) -> dt.datetime:
        return self.starts_at + dt.timedelta(minutes=self.duration_minutes)

    @property
    def is_scheduled(self) -> bool:
        return self.state == SessionState.SCHEDULED

    def has_started(self, now: dt.datetime | None = None) -> bool:
        """A session that has not started yet cannot have been held: finishing it is a
        mistake unless it took place early (see actions.finish_session's `held_now`)."""
        return self.starts_at <= (now or timezone.now())

    @property
    def ical_uid(self) -> str:
        """Stable across updates, so calendars replace the event instead of adding one."""
        return f"session-{self.pk}@{settings.MESSAGE_ID_DOMAIN}"

    def as_icalendar(self, method: str, sequence: int) -> str:
        """The event as an iCalendar object: METHOD:REQUEST for an invitation or an update,
        METHOD:CANCEL for a cancellation; the UID never changes, SEQUENCE counts up. Times are
        in the rep's time zone, with its VTIMEZONE (one sub-component per transition, see
        lib.ical), so calendars show the right hour on both sides of a daylight-saving change."""
        rep, coach = self.plan.rep.user, self.plan.coach.user
        zone = rep.profile.zone
        calendar = icalendar.Calendar()
        calendar.add("prodid", "-//Followthrough//Coaching sessions//EN")
        calendar.add("version", "2.0")
        calendar.add("method", method)
        event = icalendar.Event()
        event.add("uid", self.ical_uid)
        event.add("sequence", sequence)
        event.add("dtstamp", timezone.now())
        event.add("dtstart", ical.event_time(self.starts_at, zone))
        event.add("dtend", ical.event_time(self.ends_at, zone))
        # In the language active while the message is built: the recipient's.
        event.add(
            "summary",
            gettext("Coaching session: %(coach)s and %(rep)s")
            % {"coach": coach.name, "rep": rep.name},
        )
        if self.location:
            event.add("location", self.location)
        event.add(
            "description",
            gettext("Plan: %(purpose)s") % {"purpose": self.plan.purpose}
            + f"\n{settings.BASE_URL}{self.get_absolute_url()}",
        )
        organizer = icalendar.vCalAddress(f"mailto:{coach.email}")
        organizer.params["cn"] = icalendar.vText(coach.name)
        event.add("organizer", organizer)
        for person in (rep, coach):
            attendee = icalendar.vCalAddress(f"mailto:{person.email}")
            attendee.params["cn"] = icalendar.vText(person.name)
            attendee.params["role"] = icalendar.vText("REQ-PARTICIPANT")
            event.add("attendee", attendee)
        event.add("status", "CANCELLED" if method == "CANCEL" else "CONFIRMED")
        if any("TZID" in event[name].params for name in ("DTSTART", "DTEND")):
            calendar.add_component(ical.vtimezone(zone, self.starts_at, self.ends_at))
        calendar.add_component(event)
        return str(calendar.to_ical().decode())

    def agenda(self) -> models.QuerySet[Commitment]:
        """What carries forward: the plan's commitments from earlier sessions still without a
        final outcome (open or partly done), oldest due first, with their answers."""
        return (
            Commitment.objects.filter(plan_id=self.plan_id, state__in=CommitmentState.carried())
            .exclude(session_id=self.pk)
            .select_related("owner__user", "workspace")
            .prefetch_related("responses")
            .order_by("due_on", "id")
        )

    def agreed(self) -> models.QuerySet[Commitment]:
        """The commitments agreed in this session."""
        return self.commitments.select_related("owner__user", "workspace").order_by("due_on", "id")


class CommitmentState(models.TextChoices):
    OPEN = "open", gettext_lazy("Open")
    DONE = "done", gettext_lazy("Done")
    PARTLY = "partly", gettext_lazy("Partly done")
    MISSED = "missed", gettext_lazy("Missed")
    DROPPED = "dropped", gettext_lazy("Dropped")

    @classmethod
    def carried(cls) -> list[str]:
        """States that carry into the next session's agenda."""
        return [cls.OPEN, cls.PARTLY]

    @classmethod
    def with_outcome(cls) -> list[str]:
        return [cls.DONE, cls.PARTLY, cls.MISSED]


class LoopTimes(NamedTuple):
    """When a round of a commitment's loop checks in, reminds, and turns into an open loop."""

    checkin_at: dt.datetime
    reminder_at: dt.datetime
    open_loop_at: dt.datetime


class Commitment(models.Model):
    """One agreed next step, with its due date, its measures and where its check-in stands.

    `round` counts check-ins: "not yet" with a new date starts a new round, so each answer of a
    round updates that round's one Response. `checkin_at` is when the current round's check-in
    goes out; `open_loop_at` is when silence turns it into an open loop (None once answered).
    """

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="commitments")
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="commitments")
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="commitments")
    owner = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="commitments")
    text = models.CharField(max_length=300)
    due_on = models.DateField()
    measures = models.JSONField(
        default=list,
        blank=True,
        help_text='[{"name": "calls", "target": 10}, ...]',  # i18n: not for people
    )
    followup_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text=gettext_lazy("A check-in time other than the workspace default."),
    )
    state = models.CharField(
        max_length=16, choices=CommitmentState.choices, default=CommitmentState.OPEN
    )
    outcome = models.TextField(
        blank=True, help_text=gettext_lazy("The coach's words on how it went.")
    )
    outcome_at = models.DateTimeField(null=True, blank=True)
    needs_talk = models.BooleanField(default=False)
    round = models.PositiveSmallIntegerField(default=1)
    checkin_at = models.DateTimeField(null=True, blank=True)
    open_loop_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [
            models.Index(fields=["plan", "state", "due_on"], name="commitment_plan"),
            models.Index(fields=["owner", "state", "due_on"], name="commitment_owner"),
            # The team dashboard counts each rep's commitments due in recent weeks, any state.
            models.Index(fields=["owner", "due_on"], name="commitment_owner_due"),
            models.Index(
                fields=["open_loop_at"],
                condition=models.Q(open_loop_at__isnull=False),
                name="commitment_open_loops",
            ),
        ]

    def __str__(self) -> str:
        return self.text

    def get_absolute_url(self) -> str:
        return reverse("commitment_detail", args=[self.workspace.slug, self.pk])

    @property
    def rep(self) -> Membership:
        return self.plan.rep

    @property
    def coach(self) -> Membership:
        return self.plan.coach

    @property
    def is_pending(self) -> bool:
        """Still waiting for a final word: open, or partly done and answerable again."""
        return self.state in CommitmentState.carried()

    @property
    def is_dropped(self) -> bool:
        return self.state == CommitmentState.DROPPED

    def is_overdue(self, today: dt.date) -> bool:
        return self.state == CommitmentState.OPEN and self.due_on < today

    def is_open_loop(self, now: dt.datetime | None = None) -> bool:
        """Checked in, reminded, and still silent."""
        now = now or timezone.now()
        return self.open_loop_at is not None and self.open_loop_at <= now

    def measures_display(self) -> str:
        return ", ".join(f"{m['name']}: {format_number(m['target'])}" for m in self.measures)

    def thread(self) -> list[Response | Reply]:
        """The rep's answers and the coaches' replies, oldest first."""
        entries: list[Response | Reply] = [
            *self.responses.select_related("recorded_by"),
            *self.replies.select_related("author__user", "response"),
        ]
        # At the same instant an answer comes before a reply (ids of two tables do not compare).
        return sorted(entries, key=lambda entry: (entry.thread_at, entry.is_reply, entry.pk))

    def measure_names(self) -> list[str]:
        return [str(m["name"]) for m in self.measures]

    def working_time(self) -> WorkingTime:
        """The owner's working time: check-ins go out in their day."""
        profile = self.owner.user.profile
        return dates.WorkingTime.for_profile(profile, self.workspace)

    def default_checkin_at(self) -> dt.datetime:
        """The workspace's rule: the n-th working day after the due date, at the set local time,
        in the owner's time zone and working week."""
        ws = self.workspace
        return dates.working_days_after(
            self.due_on, ws.checkin_working_days, self.working_time(), ws.checkin_time
        )

    def checkin_time(self) -> dt.datetime:
        return self.followup_at or self.default_checkin_at()

    def reminder_after(self, moment: dt.datetime) -> dt.datetime:
        """n working days after `moment`, at the same local time (moved into working hours)."""
        wt = self.working_time()
        local = moment.astimezone(wt.zone)
        return dates.working_days_after(
            local.date(),
            self.workspace.reminder_working_days,
            wt,
            local.time().replace(tzinfo=None),
        )

    def loop_times(self, checkin_at: dt.datetime) -> LoopTimes:
        """A round whose check-in goes out at `checkin_at`: the one reminder after it, and the
        moment silence makes it an open loop."""
        reminder_at = self.reminder_after(checkin_at)
        return LoopTimes(checkin_at, reminder_at, self.reminder_after(reminder_at))

    def checkin_token(self) -> str:
        return signing.make_token(CHECKIN_SCOPE, self.pk)

    def checkin_url(self, answer: str = "") -> str:
        url = settings.BASE_URL + reverse("checkin", args=[self.checkin_token()])
        return f"{url}?answer={answer}" if answer else url

    def checkin_links(self) -> list[tuple[str, str]]:
        """(label, url) for the four buttons of a check-in email."""
        return [(str(label), self.checkin_url(str(value))) for value, label in Answer.choices]

    def checkin_followup(self) -> FollowUp | None:
        """This round's check-in as it really is: its row is the truth, since "Send now" or a
        reschedule in the outbox moves it without touching `checkin_at`."""
        return (
            FollowUp.objects.about(self)
            .filter(kind=Kind.CHECK_IN)
            .exclude(state=State.CANCELLED)
            .order_by("-created_at", "-id")
            .first()
        )

    def checkin_went_out(self) -> bool:
        """This round's check-in has been sent (on time or by "Send now")."""
        checkin = self.checkin_followup()
        return checkin is not None and checkin.state in (State.SENDING, State.SENT)

    def current_response(self) -> Response | None:
        return self.responses.filter(round=self.round).first()

    def latest_response(self) -> Response | None:
        return self.responses.order_by("-updated_at", "-id").first()


def format_number(value: Any) -> str:
    """10 not 10.0; 2.5 stays 2.5; thousands grouped."""
    number = Decimal(str(value))
    if number == number.to_integral_value():
        return f"{number:,.0f}"
    return f"{number.normalize():,f}"


class Answer(models.TextChoices):
    DONE = "done", gettext_lazy("Done")
    PARTLY = "partly", gettext_lazy("Partly")
    NOT_YET = "not_yet", gettext_lazy("Not yet")
    TALK = "talk", gettext_lazy("Let's talk")


class Source(models.TextChoices):
    LINK = "link", gettext_lazy("Check-in link")
    REP = "rep", gettext_lazy("Rep's page")
    COACH = "coach", gettext_lazy("Recorded by the coach")


class Response(SharedWords):
    """What the rep answered for one round of a commitment: submitting again updates it."""

    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="responses")
    round = models.PositiveSmallIntegerField()
    answer = models.CharField(max_length=16, choices=Answer.choices)
    numbers = models.JSONField(
        default=dict, blank=True, help_text='{"calls": 5}'
    )  # i18n: not for people
    comment = models.TextField(blank=True)
    new_due_on = models.DateField(null=True, blank=True)
    source = models.CharField(max_length=16, choices=Source.choices, default=Source.LINK)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-updated_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["commitment", "round"], name="one_response_per_round")
        ]
        indexes = [models.Index(fields=["updated_at"], name="response_updated")]

    def __str__(self) -> str:
        return f"{self.get_answer_display()}: {self.commitment}"

    def numbers_display(self) -> str:
        return ", ".join(f"{name}: {format_number(value)}" for name, value in self.numbers.items())

    @property
    def thread_at(self) -> dt.datetime:
        return self.updated_at

    @property
    def is_reply(self) -> bool:
        return False


class Reply(models.Model):
    """A coach's answer to a rep's answer (story 003: feedback on the results). It is kept on
    the commitment's thread and emailed to the rep. Stakeholders read it only when the answer
    it replies to is shared: a reply is about the rep's words."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="replies")
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="replies")
    author = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(max_length=4000)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name_plural = gettext_lazy("replies")

    def __str__(self) -> str:
        return f"{self.author.user.name} on {self.commitment}"

    @property
    def thread_at(self) -> dt.datetime:
        return self.created_at

    @property
    def is_reply(self) -> bool:
        return True

    @property
    def words_shared(self) -> bool:
        return self.response.words_shared


class TodoKind(models.TextChoices):
    FOLLOW_UP = "follow_up", gettext_lazy("Follow up")
    BOOK_TALK = "book_talk", gettext_lazy("Book a talk")
    TALK = "talk", gettext_lazy("Talk")  # a rep's confidence fell
    CALLBACK = "callback", gettext_lazy("Call back")  # a client's low score
    OWN = "own", gettext_lazy("To-do")


# The sentence of each kind the app writes by itself, filled from the to-do's params when it is
# read: a to-do reads in its reader's language, whoever's language was active when it was written.
TODO_SENTENCES = {
    TodoKind.FOLLOW_UP: gettext_lazy("Follow up with %(name)s: %(text)s"),
    TodoKind.BOOK_TALK: gettext_lazy("Book a talk with %(name)s: %(text)s"),
    TodoKind.TALK: gettext_lazy(
        "Talk to %(name)s: confidence fell from %(before)s to %(after)s of 5"
    ),
    TodoKind.CALLBACK: gettext_lazy(
        "Call %(client)s (%(account)s) back within one working day: %(score)s/10 from "
        "%(rep)s's client"
    ),
}


class Todo(models.Model):
    """Something the coach has to do; the loop writes most of them, the coach may add more."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="todos")
    owner = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="todos")
    kind = models.CharField(max_length=16, choices=TodoKind.choices, default=TodoKind.OWN)
    # A person's own to-do is its text; one the app wrote keeps its sentence's parameters and
    # its English text (read only where the parameters are missing: rows older than them).
    text = models.CharField(max_length=300)
    params = models.JSONField(default=dict, blank=True)
    due_on = models.DateField(null=True, blank=True)
    commitment = models.ForeignKey(
        Commitment, null=True, blank=True, on_delete=models.CASCADE, related_name="todos"
    )
    done_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["done_at", "due_on", "id"]
        indexes = [models.Index(fields=["owner", "done_at", "due_on"], name="todo_owner")]

    def __str__(self) -> str:
        return self.text

    @property
    def is_done(self) -> bool:
        return self.done_at is not None

    @classmethod
    def written(cls, kind: TodoKind, **params: str | int) -> Todo:
        """An unsaved to-do of a kind the app writes, its English text kept beside the params."""
        with translation.override(settings.LANGUAGE_CODE):
            text = str(TODO_SENTENCES[kind]) % params
        return cls(kind=kind, params=params, text=text[:300])

    @property
    def words(self) -> str:
        """What the to-do says, in the active language (the reader's)."""
        sentence = TODO_SENTENCES.get(self.kind)  # type: ignore[call-overload]
        if sentence is None or not self.params:
            return self.text
        try:
            return str(sentence) % self.params
        except (KeyError, TypeError, ValueError):
            return self.text


# The follow-through rate counts the commitments due in this many recent weeks, on Today and on
# the team dashboard alike: it tells how a rep is doing now, not two years ago (and stays fast
# with a long past).
FOLLOW_THROUGH_WEEKS = 12


def due_for_follow_through(today: dt.date) -> models.Q:
    """The follow-through rate's denominator: the commitments due in the FOLLOW_THROUGH_WEEKS
    weeks before today that were not dropped (every other state spelled out, so that an
    (owner, state, due_on) index serves it)."""
    return models.Q(
        state__in=[s for s in CommitmentState.values if s != CommitmentState.DROPPED],
        due_on__gte=today - dt.timedelta(weeks=FOLLOW_THROUGH_WEEKS),
        due_on__lt=today,
    )


def followed_through() -> models.Q:
    """The follow-through rate's numerator, for a queryset of due commitments: those with an
    outcome (done, partly, missed) or an answer from the rep. Today and the team dashboard
    count it the same way, over due_for_follow_through."""
    return models.Q(state__in=CommitmentState.with_outcome()) | models.Q(
        models.Exists(Response.objects.filter(commitment=models.OuterRef("pk")))
    )
