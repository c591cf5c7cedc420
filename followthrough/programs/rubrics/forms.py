"""The rubric form (a grid of rows: criteria, and under each its levels), the role-play form and
the scoring form. Every row keeps what was typed, with its own error, so nothing is lost."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from followthrough.programs.models import Cohort, Criterion, Enrollment, ProgramSession, Rubric
from followthrough.programs.rubrics import defaults
from followthrough.programs.rubrics.actions import MAX_POINTS, Grid

MIN_LEVEL_SLOTS = 5  # the default rubric's four levels and one more
MAX_ROWS = 30
MAX_COLUMNS = 10


@dataclass
class LevelSlot:
    points: str = ""
    definition: str = ""
    errors: list[str] = field(default_factory=list)

    @property
    def blank(self) -> bool:
        return not self.points.strip() and not self.definition.strip()


@dataclass
class CriterionSlot:
    description: str = ""
    levels: list[LevelSlot] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def blank(self) -> bool:
        return not self.description.strip() and all(level.blank for level in self.levels)


def _count(data: Mapping[str, Any], name: str, low: int, high: int, default: int) -> int:
    try:
        return min(max(int(data.get(name, default)), low), high)
    except (TypeError, ValueError):
        return default


def slots_from_post(data: Mapping[str, Any], more: bool) -> list[CriterionSlot]:
    """The rows as typed: `rows` criteria of `columns` levels each (c0, c0l0p, c0l0d...);
    "More rows" adds a blank criterion."""
    rows = _count(data, "rows", 1, MAX_ROWS, 1)
    columns = _count(data, "columns", 2, MAX_COLUMNS, MIN_LEVEL_SLOTS)
    slots = [
        CriterionSlot(
            description=str(data.get(f"c{i}", "")),
            levels=[
                LevelSlot(str(data.get(f"c{i}l{j}p", "")), str(data.get(f"c{i}l{j}d", "")))
                for j in range(columns)
            ],
        )
        for i in range(rows)
    ]
    if more and rows < MAX_ROWS:
        slots.append(CriterionSlot(levels=[LevelSlot() for _ in range(columns)]))
    return slots


def slots_of(rubric: Rubric | None) -> list[CriterionSlot]:
    """A rubric's rows and one blank criterion to add; a new rubric starts with three."""
    criteria = list(rubric.criteria.prefetch_related("levels")) if rubric else []
    columns = max([MIN_LEVEL_SLOTS, *(c.levels.count() + 1 for c in criteria)])
    slots = [
        CriterionSlot(
            description=c.description,
            levels=[LevelSlot(str(lv.points), lv.definition) for lv in c.levels.all()],
        )
        for c in criteria
    ]
    for slot in slots:
        slot.levels += [LevelSlot() for _ in range(columns - len(slot.levels))]
    blank = 1 if criteria else 3
    return slots + [
        CriterionSlot(levels=[LevelSlot() for _ in range(columns)]) for _ in range(blank)
    ]


def _check_level(level: LevelSlot) -> int | None:
    """The level's points, or None with the level's error noted."""
    if not level.definition.strip():
        level.errors.append(_("Describe what this level looks like."))
    try:
        points = int(level.points.strip())
    except ValueError:
        points = -1
    if not 0 <= points <= MAX_POINTS:
        level.errors.append(_("Points are a whole number from 0 to %(max)d.") % {"max": MAX_POINTS})
        return None
    return None if level.errors else points


def check_slots(slots: list[CriterionSlot]) -> tuple[Grid, bool]:
    """The grid the rows make, and whether every row is right (the errors are on the rows).
    Blank rows and blank levels are left out."""
    grid: Grid = []
    right = True
    for slot in slots:
        if slot.blank:
            continue
        levels = [(level, _check_level(level)) for level in slot.levels if not level.blank]
        if not slot.description.strip():
            slot.errors.append(_("Describe this criterion."))
        if len(levels) < 2:
            slot.errors.append(_("A criterion needs at least two levels."))
        points = [p for _level, p in levels if p is not None]
        for twin in sorted({p for p in points if points.count(p) > 1}):
            slot.errors.append(
                _("Two levels have the same points (%(points)d).") % {"points": twin}
            )
        if slot.errors or any(level.errors for level, _p in levels):
            right = False
            continue
        grid.append(
            (
                slot.description.strip(),
                [(p, lv.definition.strip()) for lv, p in levels if p is not None],
            )
        )
    return grid, right


class RubricForm(forms.Form):
    """Name, description and the grid. A rubric with scores (locked) keeps its grid: only its
    name and description change."""

    name = forms.CharField(label=gettext_lazy("Name"), max_length=120)
    description = forms.CharField(
        label=gettext_lazy("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(
        self,
        data: Mapping[str, Any] | None = None,
        *,
        rubric: Rubric | None = None,
        locked: bool = False,
        more: bool = False,
    ) -> None:
        """`more`: the rows as typed and one blank criterion, unchecked (nothing is saved)."""
        initial = {"name": rubric.name, "description": rubric.description} if rubric else None
        if more and data is not None:
            initial = {"name": data.get("name", ""), "description": data.get("description", "")}
        super().__init__(None if more else data, initial=initial)
        self.locked = locked
        typed = data is not None and not locked
        self.slots = slots_from_post(data, more) if typed else slots_of(rubric)  # type: ignore[arg-type]
        self.columns = len(self.slots[0].levels) if self.slots else MIN_LEVEL_SLOTS

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.locked:
            cleaned["grid"] = None
            return cleaned
        grid, right = check_slots(self.slots)
        if not right:
            raise forms.ValidationError(_("Some rows need a fix: each says what, below."))
        if not grid:
            raise forms.ValidationError(_("A rubric needs at least one criterion."))
        cleaned["grid"] = grid
        return cleaned


class EnrollmentChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.manager.user.name)


class SessionChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return _("Session %(number)d: %(topic)s") % {"number": obj.number, "topic": obj.topic}


class RolePlayForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    scenario = forms.CharField(
        label=gettext_lazy("Scenario"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("Who plays the rep, what happened since last time, the goal."),
    )
    rubric = forms.ModelChoiceField(
        label=gettext_lazy("Rubric"),
        queryset=Rubric.objects.none(),
        required=False,
        empty_label=gettext_lazy("Coaching conversation (the default rubric)"),
    )
    played_on = forms.DateField(
        label=gettext_lazy("Played on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    session = SessionChoice(
        label=gettext_lazy("Session"),
        queryset=ProgramSession.objects.none(),
        required=False,
        empty_label=gettext_lazy("None"),
    )
    manager = EnrollmentChoice(
        label=gettext_lazy("In the coach's seat"),
        queryset=Enrollment.objects.none(),
        required=False,
        empty_label=gettext_lazy("Nobody: a calibration, everyone scores it"),
    )

    def __init__(self, data: Mapping[str, Any] | None = None, *, cohort: Cohort) -> None:
        super().__init__(data)
        rubrics = Rubric.objects.filter(workspace_id=cohort.workspace_id)
        self.fields["rubric"].queryset = rubrics.exclude(key=defaults.KEY)  # type: ignore[attr-defined]
        self.fields["session"].queryset = cohort.sessions.all()  # type: ignore[attr-defined]
        self.fields["manager"].queryset = cohort.active_enrollments()  # type: ignore[attr-defined]


class ScoreForm(forms.Form):
    """A level per criterion (radio buttons: points and definition), a remark for any, a note."""

    note = forms.CharField(
        label=gettext_lazy("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(
        self,
        data: Mapping[str, Any] | None = None,
        *,
        criteria: list[Criterion],
        initial: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(data, initial=initial)
        self.criteria = criteria
        for criterion in criteria:
            self.fields[f"level_{criterion.pk}"] = forms.TypedChoiceField(
                label=defaults.read(criterion.description),
                coerce=int,
                widget=forms.RadioSelect,
                choices=[
                    (
                        level.pk,
                        _("%(points)d points: %(definition)s")
                        % {"points": level.points, "definition": defaults.read(level.definition)},
                    )
                    for level in criterion.levels.all()
                ],
                error_messages={
                    "required": _("Choose a level for this criterion."),
                    "invalid_choice": _("Choose one of this criterion's levels."),
                },
            )
            self.fields[f"remark_{criterion.pk}"] = forms.CharField(
                label=_("Remark"), required=False, widget=forms.Textarea(attrs={"rows": 1})
            )

    def rows(self) -> list[tuple[Criterion, forms.BoundField, forms.BoundField]]:
        return [(c, self[f"level_{c.pk}"], self[f"remark_{c.pk}"]) for c in self.criteria]

    def levels(self) -> dict[int, int]:
        return {c.pk: self.cleaned_data[f"level_{c.pk}"] for c in self.criteria}

    def remarks(self) -> dict[int, str]:
        return {c.pk: self.cleaned_data[f"remark_{c.pk}"] for c in self.criteria}
