"""Forms of the coaching loop. Dates a person types are in their own time zone (the middleware
activates it), so "today" here is their today."""

from __future__ import annotations

import datetime as dt
import difflib
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.db import transaction
from django.db.models import QuerySet
from django.utils import formats, timezone
from django.utils.translation import gettext, gettext_lazy
from django.utils.translation import gettext as _

from followthrough import permissions
from followthrough.accounts.models import Membership, Role
from followthrough.coaching.models import (
    MAX_MEASURE,
    Answer,
    Commitment,
    CommitmentState,
    Plan,
    Response,
    Session,
    format_number,
)
from followthrough.lib import shortdates
from followthrough.metrics import actions as progress_actions
from followthrough.metrics.models import Metric, MetricKind, normalize

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
MEASURE = re.compile(r"^\s*(?P<name>[^:]{1,40}?)\s*:\s*(?P<value>[^:]+?)\s*$")


def today() -> dt.date:
    return timezone.localdate()


def parse_measures(value: str) -> list[dict[str, object]]:
    """ "calls: 10, referrals asked: 30" (or one per line) into [{"name": "calls", "target": 10},
    ...]; every problem is named in the error."""
    measures: list[dict[str, object]] = []
    for part in re.split(r"[,\n;]", value):
        if not part.strip():
            continue
        match = MEASURE.match(part)
        if match is None:
            raise forms.ValidationError(
                _(
                    '"%(part)s" is not a measure: write a name, a colon and a number, '
                    'like "calls: 10".'
                )
                % {"part": part.strip()}
            )
        name, number = match["name"].strip(), check_number(match["value"], match["name"].strip())
        if any(m["name"] == name for m in measures):
            raise forms.ValidationError(_('"%(name)s" is there twice.') % {"name": name})
        measures.append({"name": name, "target": number})
    if len(measures) > 8:
        raise forms.ValidationError(_("At most eight measures for one commitment."))
    return measures


def check_number(raw: str, name: str) -> int | float:
    try:
        number = Decimal(raw.replace(",", "").strip())
    except InvalidOperation:
        raise forms.ValidationError(
            _('"%(raw)s" for %(name)s is not a number.') % {"raw": raw.strip(), "name": name}
        ) from None
    if not number.is_finite() or number < 0:
        raise forms.ValidationError(_("%(name)s cannot be negative.") % {"name": name})
    if number > MAX_MEASURE:
        raise forms.ValidationError(
            _("%(name)s: %(raw)s is more than %(max)s.")
            % {"name": name, "raw": raw.strip(), "max": f"{MAX_MEASURE:,}"}
        )
    return int(number) if number == number.to_integral_value() else float(number)


def measures_text(measures: list[dict[str, Any]]) -> str:
    return ", ".join(f"{m['name']}: {format_number(m['target'])}" for m in measures)


def quick_dates(start: dt.date) -> list[tuple[str, dt.date]]:
    """Quick choices for a due date, one per date, soonest first: tomorrow, in 3 days, the
    coming Monday, Thursday and Friday (the usual deadlines), in a week, in 2 weeks. When two
    fall on the same date (in 3 days is Thursday; in a week is Monday), the first named here
    stays: every chip shows its date with the weekday, so nothing is lost."""
    choices = [
        (gettext("Tomorrow"), start + dt.timedelta(days=1)),
        (gettext("In 3 days"), start + dt.timedelta(days=3)),
        (gettext("In a week"), start + dt.timedelta(days=7)),
        (gettext("In 2 weeks"), start + dt.timedelta(days=14)),
    ]
    for offset in range(2, 8):
        day = start + dt.timedelta(days=offset)
        if day.weekday() in (0, 3, 4):  # Monday, Thursday, Friday
            choices.append((formats.date_format(day, "l"), day))
    by_date: dict[dt.date, str] = {}
    for label, day in choices:
        by_date.setdefault(day, label)
    return sorted(((label, day) for day, label in by_date.items()), key=lambda c: c[1])


class PlanForm(forms.ModelForm):
    """A plan. Its target names one of the workspace's metrics (by its name or another name),
    or, when asked, a new metric made with the plan: free text would let a typo count nothing.
    """

    new_metric = forms.ChoiceField(
        required=False,
        label=gettext_lazy("Is the target's metric new?"),
        choices=[
            ("", gettext_lazy("No: it is one of the workspace's metrics")),
            (MetricKind.RESULT, gettext_lazy("Yes: add it as a new result (something got)")),
            (MetricKind.ACTIVITY, gettext_lazy("Yes: add it as a new activity (something done)")),
        ],
        help_text=gettext_lazy("A new metric is added to the workspace with the plan."),
    )

    class Meta:
        model = Plan
        fields = [
            "rep",
            "coach",
            "purpose",
            "starts_on",
            "deadline",
            "target_metric",
            "target_low",
            "target_high",
            "target_unit",
            "why",
            "long_term_goal",
            "sessions_per_week",
            "stakeholders",
        ]
        widgets = {
            "starts_on": DATE,
            "deadline": DATE,
            "why": forms.Textarea(attrs={"rows": 3}),
            "long_term_goal": forms.Textarea(attrs={"rows": 3}),
            "stakeholders": forms.CheckboxSelectMultiple,
        }
        # The model's field names and help in the reader's language, the English as it was.
        labels = {
            "rep": gettext_lazy("Rep"),
            "coach": gettext_lazy("Coach"),
            "purpose": gettext_lazy("Purpose"),
            "starts_on": gettext_lazy("Starts on"),
            "deadline": gettext_lazy("Deadline"),
            "target_metric": gettext_lazy("Target metric"),
            "target_unit": gettext_lazy("Target unit"),
            "long_term_goal": gettext_lazy("Long term goal"),
            "stakeholders": gettext_lazy("Stakeholders"),
            "why": gettext_lazy("The rep's personal why"),
            "target_low": gettext_lazy("Target, low"),
            "target_high": gettext_lazy("Target, high"),
            "sessions_per_week": gettext_lazy("Sessions a week"),
        }
        help_texts = {
            "purpose": gettext_lazy('What it is for, e.g. "Keep the job: 60-day ultimatum".'),
            "target_unit": gettext_lazy("e.g. USD, calls"),
        }

    def __init__(self, *args: Any, member: Membership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        people = Membership.objects.filter(
            workspace=member.workspace, is_active=True
        ).select_related("user")
        self.offer_coached(member, people)
        self.fields["coach"].queryset = people.filter(role__in=[Role.ADMIN, Role.COACH])  # type: ignore[attr-defined]
        self.fields["stakeholders"].queryset = people.filter(role=Role.STAKEHOLDER)  # type: ignore[attr-defined]
        self.fields["stakeholders"].help_text = _(
            "They read the plan's figures and progress; the rep's own words only when shared."
        )
        self.fields["why"].help_text = _(
            "The rep's coaches read it; stakeholders only if the rep shares it."
        )
        if member.role != Role.ADMIN:
            self.fields["coach"].queryset = people.filter(pk=member.pk)  # type: ignore[attr-defined]
        if not self.instance.pk:
            self.initial.setdefault("coach", member.pk)
            self.initial.setdefault("starts_on", today())
        for name in ("rep", "coach", "purpose", "starts_on", "deadline"):
            self.fields[name].widget.attrs["required"] = True
        self.workspace = member.workspace
        if not permissions.can_add_target_metric(member):
            del self.fields["new_metric"]
        self.metrics = Metric.by_name(member.workspace)  # every name and other name
        # The names offered as one types (a datalist in the page); other names match too.
        self.metric_names = sorted({m.label for m in self.metrics.values()}, key=str.casefold)
        target = self.fields["target_metric"]
        target.widget.attrs.update({"list": "plan-metrics", "autocomplete": "off"})
        target.help_text = _("One of the workspace's metrics, by its name or another name.")
        before = self.Meta.fields[: self.Meta.fields.index("target_metric") + 1]
        self.order_fields([*before, "new_metric"])  # the choice right under the name

    def offer_coached(self, member: Membership, people: QuerySet[Membership]) -> None:
        """Whom the plan may be for: the reps, then the managers (coaches, admins) coached in
        a program, each group labelled; a coach is offered only the people they coach, an
        admin everyone who may be coached (Membership.can_be_coached_by has the rule)."""
        coached = people.filter(role__in=Membership.COACHABLE_ROLES)
        if member.role == Role.COACH:
            coached = coached.filter(coached_by__coach=member).exclude(pk=member.pk)
        if self.instance.pk:  # the plan's person stays valid while it is edited
            coached = coached | people.filter(pk=self.instance.rep_id)
        coached = coached.distinct()
        field = self.fields["rep"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = coached
        field.label = gettext_lazy("Person coached")
        reps = [(m.pk, m.user.name) for m in coached if m.is_rep]
        managers = [(m.pk, m.user.name) for m in coached if not m.is_rep]
        field.choices = [("", "---------"), (_("Reps"), reps)] + (
            [(_("Managers you coach") if member.role == Role.COACH else _("Managers"), managers)]
            if managers
            else []
        )

    def clean_target_metric(self) -> str:
        """The text as typed, spaces tidied: a metric's name or other name (checked in clean(),
        which also knows whether a new metric was asked for)."""
        return re.sub(r"\s+", " ", self.cleaned_data.get("target_metric") or "").strip()

    def closest_metric(self, typed: str) -> Metric | None:
        """The metric whose name or other name is nearest to a mistyped one."""
        found = difflib.get_close_matches(normalize(typed), list(self.metrics), n=1, cutoff=0.6)
        return self.metrics[found[0]] if found else None

    def new_metric_to_add(self) -> Metric | None:
        """The metric to add with the plan (unsaved), if one was asked for and is new."""
        name = self.cleaned_data.get("target_metric") or ""
        kind = self.cleaned_data.get("new_metric") or ""
        if not name or not kind or normalize(name) in self.metrics:
            return None
        return Metric(workspace=self.workspace, name=name, kind=kind)

    def save(self, commit: bool = True) -> Plan:
        """The plan, and the new metric it asked for, in one transaction."""
        with transaction.atomic():
            metric = self.new_metric_to_add()
            if metric is not None and commit:
                metric.save()
            plan: Plan = super().save(commit=commit)
        return plan

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        starts, deadline = data.get("starts_on"), data.get("deadline")
        if starts and deadline and deadline <= starts:
            self.add_error("deadline", _("The deadline must come after the start."))
        low, high = data.get("target_low"), data.get("target_high")
        for name, value in (("target_low", low), ("target_high", high)):
            if value is not None and (value < 0 or value > Decimal("1e11")):
                self.add_error(name, _("Give a target between 0 and 100,000,000,000."))
        if low is None and high is not None:
            self.add_error("target_low", _("Give the low end of the target too."))
        if low is not None and high is not None and high < low:
            self.add_error("target_high", _("The high end cannot be below the low end."))
        name = data.get("target_metric") or ""
        if name and normalize(name) not in self.metrics and not data.get("new_metric"):
            nearest = self.closest_metric(name)
            message = _("“%(name)s” is not one of the workspace's metrics.") % {"name": name}
            if nearest is not None:
                message += " " + _("Did you mean “%(metric)s”?") % {"metric": nearest.label}
            message += " " + _("Or say below that it is a new metric, to add it.")
            self.add_error("target_metric", message)
        if len(name) > 60 and data.get("new_metric"):
            self.add_error("target_metric", _("A metric's name has 60 characters at most."))
        rep, coach = data.get("rep"), data.get("coach")
        if rep is not None and coach is not None and rep.pk == coach.pk:
            self.add_error(
                "coach", _("Nobody coaches themselves: choose another coach for this plan.")
            )
        return data


# How far back a session that took place may be recorded.
RECORD_SESSIONS_SINCE = dt.timedelta(days=366)


class SessionForm(forms.Form):
    starts_at = forms.DateTimeField(
        label=gettext_lazy("Starts"),
        widget=DATETIME,
        help_text=gettext_lazy(
            "Your time. A time already past records a session that took place (no invitation)."
        ),
    )
    duration_minutes = forms.IntegerField(
        label=gettext_lazy("Minutes"), min_value=5, max_value=480, initial=45
    )
    location = forms.CharField(
        label=gettext_lazy("Location"),
        max_length=200,
        required=False,
        help_text=gettext_lazy("A room, a phone number, a link."),
    )
    invite = forms.BooleanField(
        required=False,
        initial=True,
        label=gettext_lazy("Send a calendar invitation to the rep and to me"),
    )

    def clean_starts_at(self) -> dt.datetime:
        value: dt.datetime = self.cleaned_data["starts_at"]
        if value < timezone.now() - RECORD_SESSIONS_SINCE:
            raise forms.ValidationError(gettext("Pick a time within the last year, or to come."))
        return value


class MoveSessionForm(SessionForm):
    invite = None  # type: ignore[assignment]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["starts_at"].help_text = gettext("Your time.")

    def clean_starts_at(self) -> dt.datetime:
        value: dt.datetime = self.cleaned_data["starts_at"]
        if value < timezone.now() - dt.timedelta(hours=12):
            raise forms.ValidationError(_("That is in the past. Pick a time to come."))
        return value


class NotesForm(forms.Form):
    private_notes = forms.CharField(
        label=gettext_lazy("Private notes"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=gettext_lazy("Only coaches see these. Markdown."),
    )
    summary = forms.CharField(
        label=gettext_lazy("Summary"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=gettext_lazy("Goes to the rep in the recap. Markdown."),
    )


class CommitmentForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("Next step"),
        max_length=300,
        error_messages={"required": gettext_lazy("Say what will be done.")},
        widget=forms.TextInput(
            attrs={"placeholder": gettext_lazy("Call 10 past clients and ask each for 3 referrals")}
        ),
    )
    owner = forms.ChoiceField(label=gettext_lazy("Who"), choices=[])
    due_on = forms.DateField(label=gettext_lazy("By"), widget=DATE)
    measures = forms.CharField(
        label=gettext_lazy("Measures"),
        required=False,
        max_length=400,
        widget=forms.TextInput(
            attrs={"placeholder": gettext_lazy("calls: 10, referrals asked: 30")}
        ),
        help_text=gettext_lazy('Optional numbers to report: "name: number", separated by commas.'),
    )
    followup_at = forms.DateTimeField(
        label=gettext_lazy("Check in at"),
        required=False,
        widget=DATETIME,
        help_text=gettext_lazy(
            "Leave empty for the usual time (the second working day after, 09:00 theirs)."
        ),
    )

    def __init__(self, *args: Any, plan: Plan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.plan = plan
        # The rep, or any coach of the rep: a manager who coaches may own a step too.
        self.owners = {owner.pk: owner for owner in plan.step_owners()}
        self.fields["owner"].choices = [  # type: ignore[attr-defined]
            (str(pk), f"{owner.user.name} ({_('rep') if pk == plan.rep_id else _('coach')})")
            for pk, owner in sorted(self.owners.items(), key=lambda item: item[0] != plan.rep_id)
        ]
        self.fields["text"].widget.attrs["required"] = True

    def clean_text(self) -> str:
        text = " ".join(self.cleaned_data["text"].split())
        if not text:
            raise forms.ValidationError(_("Say what will be done."))
        return text

    def clean_due_on(self) -> dt.date:
        value: dt.date = self.cleaned_data["due_on"]
        if value < today():
            raise forms.ValidationError(_("The due date is in the past. Pick today or later."))
        if value > today() + dt.timedelta(days=366):
            raise forms.ValidationError(_("Pick a date within a year."))
        return value

    def clean_measures(self) -> list[dict[str, object]]:
        return parse_measures(self.cleaned_data["measures"])

    def clean_followup_at(self) -> dt.datetime | None:
        value: dt.datetime | None = self.cleaned_data["followup_at"]
        if value is not None and value < timezone.now():
            raise forms.ValidationError(_("The check-in time is in the past."))
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        due, at = data.get("due_on"), data.get("followup_at")
        if due and at and timezone.localtime(at).date() < due:
            self.add_error("followup_at", _("Check in on or after the due date, not before."))
        return data

    def owner_membership(self) -> Membership:
        return self.owners[int(self.cleaned_data["owner"])]


class FinishForm(forms.Form):
    next_starts_at = forms.DateTimeField(
        label=gettext_lazy("Next session"),
        required=False,
        widget=DATETIME,
        help_text=gettext_lazy("Optional; your time."),
    )
    held_now = forms.BooleanField(
        required=False, label=gettext_lazy("It took place now: record it as held now")
    )

    def __init__(self, *args: Any, session: Session, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.session = session
        if session.has_started():
            del self.fields["held_now"]  # only a session still to come needs the question
        else:
            when = shortdates.short(timezone.localtime(session.starts_at), "D j M, H:i")
            text = (
                gettext(
                    "It is set for %(when)s and has not happened yet. Ticked, its start moves "
                    "to now and the calendar invitations follow."
                )
                if session.invited
                else gettext(
                    "It is set for %(when)s and has not happened yet. Ticked, its start moves "
                    "to now."
                )
            )
            self.fields["held_now"].help_text = text % {"when": when}

    def clean_next_starts_at(self) -> dt.datetime | None:
        value: dt.datetime | None = self.cleaned_data["next_starts_at"]
        if value is not None and value < timezone.now():
            raise forms.ValidationError(_("The next session cannot be in the past."))
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "held_now" in self.fields and not data.get("held_now"):
            self.add_error(
                "held_now",
                gettext(
                    "This session has not started yet. If it took place already, tick the box "
                    "to record it as held now; otherwise finish it after it is held."
                ),
            )
        return data


CONFIDENCE_CHOICES = [
    (1, gettext_lazy("1 · not at all")),
    (2, "2"),
    (3, "3"),
    (4, "4"),
    (5, gettext_lazy("5 · very")),
]


class AnswerForm(forms.Form):
    """A check-in answer: one of four, a number for each measure, a comment, a new date."""

    answer = forms.ChoiceField(
        choices=Answer.choices, widget=forms.RadioSelect, label=gettext_lazy("How did it go?")
    )
    comment = forms.CharField(
        required=False,
        max_length=4000,
        label=gettext_lazy("Comment"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    new_due_on = forms.DateField(
        required=False,
        label=gettext_lazy("New date"),
        widget=DATE,
        help_text=gettext_lazy('For "not yet": by when?'),
    )

    def __init__(
        self,
        *args: Any,
        commitment: Commitment,
        today: dt.date,
        ask_confidence: bool = False,
        readers: permissions.Readers | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.commitment, self.today = commitment, today
        # Said plainly where the rep writes: who reads the comment, and who only if shared.
        self.readers = readers or permissions.word_readers(commitment.plan)
        if self.readers.stakeholders:
            names = ", ".join(s.user.name for s in self.readers.stakeholders)
            self.fields["share"] = forms.BooleanField(
                required=False,
                label=_("Share my comment with %(names)s") % {"names": names},
                initial=self.initial.get("share", False),
            )
        if ask_confidence:
            # The weekly pulse (story 000): a fall is the coach's cue to call.
            self.fields["confidence"] = forms.TypedChoiceField(
                label=_("How confident are you that you will reach your plan's target?"),
                choices=CONFIDENCE_CHOICES,
                coerce=int,
                empty_value=None,
                required=False,
                widget=forms.RadioSelect,
                help_text=_("1 is not at all, 5 is very. Your coach sees it."),
            )
        for index, measure in enumerate(commitment.measures):
            self.fields[f"measure_{index}"] = forms.DecimalField(
                label=_("%(name)s (aim: %(target)s)")
                % {"name": measure["name"], "target": format_number(measure["target"])},
                required=False,
                min_value=0,
                max_value=MAX_MEASURE,
                max_digits=14,
                decimal_places=2,
            )

    @classmethod
    def for_checkin(
        cls,
        data: Any,
        *,
        commitment: Commitment,
        today: dt.date,
        existing: Response | None,
        answer: str | None = None,
    ) -> AnswerForm:
        """The check-in page's form: the answer picked in the email's link (or the one given
        before), and the rest of an earlier answer to change it."""
        initial: dict[str, Any] = {
            "answer": (answer if answer in Answer.values else None)
            or (existing.answer if existing else None)
        }
        if existing:
            initial["comment"] = existing.comment
            initial["share"] = existing.words_shared
            for i, m in enumerate(commitment.measures):
                if m["name"] in existing.numbers:
                    initial[f"measure_{i}"] = existing.numbers[m["name"]]
        # The weekly confidence pulse rides on check-ins: asked when due, and shown again to
        # change the rating given with this answer.
        rated = existing.confidence_ratings.first() if existing else None
        if rated:
            initial["confidence"] = rated.rating
        return cls(
            data,
            commitment=commitment,
            today=today,
            initial=initial,
            ask_confidence=rated is not None or progress_actions.pulse_due(commitment.owner),
        )

    def measure_fields(self) -> list[forms.BoundField]:
        return [self[f"measure_{i}"] for i in range(len(self.commitment.measures))]

    def confidence_field(self) -> forms.BoundField | None:
        return self["confidence"] if "confidence" in self.fields else None

    def confidence(self) -> int | None:
        value = self.cleaned_data.get("confidence")
        return int(value) if value else None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("answer") == Answer.NOT_YET:
            new = data.get("new_due_on")
            if new is None and "new_due_on" not in self.errors:
                self.add_error("new_due_on", _('For "not yet", give the new date.'))
            elif new is not None and new < self.today:
                self.add_error("new_due_on", _("The new date cannot be before today."))
            elif new is not None and new > self.today + dt.timedelta(days=366):
                self.add_error("new_due_on", _("Pick a date within a year."))
        return data

    def share_field(self) -> forms.BoundField | None:
        return self["share"] if "share" in self.fields else None

    def share(self) -> bool | None:
        """The rep's choice to share the comment; None when nobody could read it anyway."""
        return bool(self.cleaned_data.get("share")) if "share" in self.fields else None

    def numbers(self) -> dict[str, Decimal]:
        return {
            str(m["name"]): self.cleaned_data[f"measure_{i}"]
            for i, m in enumerate(self.commitment.measures)
            if self.cleaned_data.get(f"measure_{i}") is not None
        }


class OutcomeForm(forms.Form):
    state = forms.ChoiceField(
        label=gettext_lazy("Outcome"),
        choices=[(s, CommitmentState(s).label) for s in CommitmentState.with_outcome()],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=gettext_lazy("Note"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class CommitmentEditForm(CommitmentForm):
    owner = None  # type: ignore[assignment]

    def __init__(self, *args: Any, commitment: Commitment, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial",
            {
                "text": commitment.text,
                "due_on": commitment.due_on,
                "measures": measures_text(commitment.measures),
                "followup_at": timezone.localtime(commitment.followup_at)
                if commitment.followup_at
                else None,
            },
        )
        forms.Form.__init__(self, *args, **kwargs)
        self.plan = commitment.plan
        self.commitment = commitment

    def clean_due_on(self) -> dt.date:
        value: dt.date = self.cleaned_data["due_on"]
        if value == self.commitment.due_on:
            return value  # an old date may stay as it was
        return super().clean_due_on()


class TodoForm(forms.Form):
    text = forms.CharField(max_length=300, label=gettext_lazy("To-do"))
    due_on = forms.DateField(required=False, label=gettext_lazy("By"), widget=DATE)

    def clean_text(self) -> str:
        text = " ".join(self.cleaned_data["text"].split())
        if not text:
            raise forms.ValidationError(_("Say what to do."))
        return text


class ShareForm(forms.Form):
    """Share the rep's words with the stakeholders, or stop; a coach confirms the rep agreed."""

    shared = forms.BooleanField(required=False)
    rep_agreed = forms.BooleanField(required=False)


class ReplyForm(forms.Form):
    """The coach's reply to an answer."""

    response = forms.IntegerField(widget=forms.HiddenInput)
    text = forms.CharField(
        label=gettext_lazy("Your reply"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": gettext_lazy("Write your reply.")},
    )

    def clean_text(self) -> str:
        text = str(self.cleaned_data["text"]).strip()
        if not text:
            raise forms.ValidationError(_("Write your reply."))
        return text
