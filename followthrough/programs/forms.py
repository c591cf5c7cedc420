"""The forms of programs, cohorts and their sessions."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from followthrough.accounts.models import Membership, Role, Workspace
from followthrough.coaching.forms import DATE, DATETIME
from followthrough.programs.actions import Present
from followthrough.programs.models import (
    DEFAULT_PHONE_SESSIONS,
    DEFAULT_WEEKS_BETWEEN,
    Cohort,
    Enrollment,
    Program,
    ProgramSession,
)


def _name(member: Membership) -> str:
    return member.user.name


class ProgramForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=120)
    goal = forms.CharField(
        label=gettext_lazy("Goal"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("The purpose of each manager's plan."),
    )
    phone_sessions = forms.IntegerField(
        label=gettext_lazy("Phone sessions"),
        min_value=0,
        max_value=24,
        initial=DEFAULT_PHONE_SESSIONS,
    )
    weeks_between = forms.IntegerField(
        label=gettext_lazy("Weeks between sessions"),
        min_value=1,
        max_value=8,
        initial=DEFAULT_WEEKS_BETWEEN,
    )
    topics = forms.CharField(
        label=gettext_lazy("Topics"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=gettext_lazy(
            "One a line: the workshop's first, then one per phone session. Empty: the usual ones."
        ),
    )
    sponsors = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Sponsors"),
        queryset=Membership.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("Who bought the program: they read its cohorts' pages."),
    )

    def __init__(
        self, *args: Any, workspace: Workspace, program: Program | None = None, **kwargs: Any
    ) -> None:
        if program is not None:
            kwargs.setdefault(
                "initial",
                {
                    "name": program.name,
                    "goal": program.goal,
                    "phone_sessions": program.phone_sessions,
                    "weeks_between": program.weeks_between,
                    "topics": "\n".join(program.topics),
                    "sponsors": list(program.sponsors.all()),
                },
            )
        super().__init__(*args, **kwargs)
        self.workspace = workspace
        sponsors = self.fields["sponsors"]
        assert isinstance(sponsors, forms.ModelMultipleChoiceField)
        sponsors.queryset = (
            Membership.objects.filter(
                workspace=workspace, is_active=True, role__in=[Role.ADMIN, Role.STAKEHOLDER]
            )
            .select_related("user")
            .order_by("user__name")
        )
        sponsors.label_from_instance = _name  # type: ignore[method-assign,assignment]
        if program is not None:  # the schedule of running cohorts is set: not changed here
            del self.fields["phone_sessions"]
            del self.fields["weeks_between"]

    def clean_topics(self) -> list[str] | None:
        lines = [line.strip()[:200] for line in self.cleaned_data["topics"].splitlines()]
        lines = [line for line in lines if line]
        return lines or None


class CohortForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=120)
    facilitator = forms.ModelChoiceField(
        label=gettext_lazy("Facilitator"), queryset=Membership.objects.none()
    )
    starts_on = forms.DateField(
        label=gettext_lazy("Workshop day"),
        widget=DATE,
        help_text=gettext_lazy(
            "09:00 the facilitator's time; the calls follow on the same weekday."
        ),
    )
    location = forms.CharField(
        label=gettext_lazy("Location"),
        max_length=200,
        required=False,
        help_text=gettext_lazy("A room, a phone number, a link."),
    )

    def __init__(self, *args: Any, workspace: Workspace, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["facilitator"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = coaches_of(workspace)
        field.label_from_instance = _name  # type: ignore[method-assign,assignment]

    def clean_starts_on(self) -> dt.date:
        day: dt.date = self.cleaned_data["starts_on"]
        if day < timezone.localdate():
            raise forms.ValidationError(gettext("The workshop day cannot be in the past."))
        return day


def coaches_of(workspace: Workspace) -> Any:
    return (
        Membership.objects.filter(
            workspace=workspace, is_active=True, role__in=[Role.ADMIN, Role.COACH]
        )
        .select_related("user__profile")
        .order_by("user__name")
    )


class EnrollForm(forms.Form):
    manager = forms.ModelChoiceField(
        label=gettext_lazy("Manager"), queryset=Membership.objects.none()
    )

    def __init__(self, *args: Any, cohort: Cohort, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.cohort = cohort
        field = self.fields["manager"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = coaches_of(cohort.workspace).exclude(pk=cohort.facilitator_id)
        field.label_from_instance = _name  # type: ignore[method-assign,assignment]

    def clean_manager(self) -> Membership:
        manager: Membership = self.cleaned_data["manager"]
        already = (
            Enrollment.objects.filter(program_id=self.cohort.program_id, manager=manager)
            .select_related("cohort")
            .first()
        )
        if already is not None:
            raise forms.ValidationError(
                gettext("%(name)s is already enrolled in this program (cohort “%(cohort)s”).")
                % {"name": manager.user.name, "cohort": already.cohort.name}
            )
        return manager


class MoveForm(forms.Form):
    starts_at = forms.DateTimeField(
        label=gettext_lazy("Starts"), widget=DATETIME, help_text=gettext_lazy("Your time.")
    )
    duration_minutes = forms.IntegerField(label=gettext_lazy("Minutes"), min_value=5, max_value=600)
    location = forms.CharField(label=gettext_lazy("Location"), max_length=200, required=False)

    def clean_starts_at(self) -> dt.datetime:
        value: dt.datetime = self.cleaned_data["starts_at"]
        if value <= timezone.now():
            raise forms.ValidationError(gettext("That is in the past. Pick a time to come."))
        return value


class HeldForm(forms.Form):
    """The debrief, then per manager: present, a private note, and up to two commitments."""

    debrief = forms.CharField(
        label=gettext_lazy("Debrief for the cohort"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=gettext_lazy("Every manager of the cohort reads it."),
    )

    COMMITMENTS = 2

    def __init__(self, *args: Any, session: ProgramSession, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.enrollments = list(session.cohort.active_enrollments())
        due = timezone.localdate() + dt.timedelta(weeks=session.cohort.program.weeks_between)
        for e in self.enrollments:
            name = e.manager.user.name
            self.fields[f"present_{e.pk}"] = forms.BooleanField(
                label=gettext("%(name)s was present") % {"name": name}, required=False
            )
            self.fields[f"note_{e.pk}"] = forms.CharField(
                label=gettext("Private note for %(name)s") % {"name": name},
                required=False,
                max_length=10000,
                widget=forms.Textarea(attrs={"rows": 2}),
                help_text=gettext_lazy("Only you and this manager read it."),
            )
            for n in range(self.COMMITMENTS):
                self.fields[f"commitment_{e.pk}_{n}"] = forms.CharField(
                    label=gettext("Commitment"), required=False, max_length=300
                )
                self.fields[f"due_{e.pk}_{n}"] = forms.DateField(
                    label=gettext("By"), required=False, widget=DATE, initial=due
                )

    def rows(self) -> list[tuple[Enrollment, list[forms.BoundField]]]:
        """Each manager with their fields, for the template."""
        return [
            (e, [self[name] for name in self.fields if name.split("_")[1:2] == [str(e.pk)]])
            for e in self.enrollments
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        today = timezone.localdate()
        for e in self.enrollments:
            for n in range(self.COMMITMENTS):
                text, due = data.get(f"commitment_{e.pk}_{n}"), data.get(f"due_{e.pk}_{n}")
                if text and not due:
                    self.add_error(f"due_{e.pk}_{n}", gettext("Say by when."))
                elif text and due and due < today:
                    self.add_error(f"due_{e.pk}_{n}", gettext("The date cannot be in the past."))
                elif text and not data.get(f"present_{e.pk}"):
                    self.add_error(
                        f"commitment_{e.pk}_{n}",
                        gettext("Commitments are for the managers present."),
                    )
        return data

    def managers(self) -> dict[int, Present]:
        """What was said for each manager, for actions.record_held."""
        data = self.cleaned_data
        said = {}
        for e in self.enrollments:
            commitments = [
                (data[f"commitment_{e.pk}_{n}"], data[f"due_{e.pk}_{n}"])
                for n in range(self.COMMITMENTS)
                if data.get(f"commitment_{e.pk}_{n}")
            ]
            said[e.pk] = Present(
                present=bool(data.get(f"present_{e.pk}")),
                private_note=data.get(f"note_{e.pk}", ""),
                commitments=commitments,
            )
        return said
