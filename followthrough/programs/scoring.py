"""Rubric arithmetic: totals, percents, averages, the spread of a criterion and where
assessors disagree. One home for each rule; pages (programs.rubrics) and the adoption figures
(percent_by_role_play) read them from here.

A level's *step* is its place in its criterion, counted from 0 by points (0, 1, 2, 3 for the
default rubric, whatever the points): disagreement and distances are counted in steps, so a
rubric with points 0/5/10/20 is judged like one with 0/1/2/3.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Max, Sum

from followthrough.programs.models import Criterion, Filling, Level, RolePlay

# Two scores of one criterion disagree when their levels are this many steps apart or more
# (with four levels: "not done" against "done", "attempted" against "done well").
DISAGREEMENT_STEPS = 2
ONE_DECIMAL = Decimal("0.1")


def percent_of(total: int, best: int) -> Decimal:
    """`total` as a share of `best`, 0-100 with one decimal, halves up (Assessment.percent)."""
    if not best:
        return Decimal(0)
    return (Decimal(100) * total / best).quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)


def average(values: Sequence[Decimal | int]) -> Decimal | None:
    """The mean with one decimal, halves up; None for no values."""
    if not values:
        return None
    mean = sum((Decimal(v) for v in values), Decimal(0)) / len(values)
    return mean.quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)


def median(values: Sequence[int]) -> Decimal | None:
    """The middle value (the mean of the two middle ones for an even count); None for none."""
    if not values:
        return None
    return Decimal(str(statistics.median(values))).quantize(ONE_DECIMAL)


def steps_of(criterion: Criterion) -> dict[int, int]:
    """Level id -> its step in the criterion (0 for the fewest points)."""
    levels = sorted(criterion.levels.all(), key=lambda level: level.points)
    return {level.pk: step for step, level in enumerate(levels)}


def disagree(steps: Collection[int]) -> bool:
    """Whether these levels of one criterion are DISAGREEMENT_STEPS or more apart."""
    return len(steps) > 1 and max(steps) - min(steps) >= DISAGREEMENT_STEPS


@dataclass(frozen=True)
class Spread:
    """How everyone scored one criterion: the points' least, most and median, and how many
    chose each level (every level listed, the unchosen with 0)."""

    lowest: int | None
    highest: int | None
    middle: Decimal | None
    counts: list[tuple[Level, int]]


def spread(criterion: Criterion, chosen: Iterable[Level]) -> Spread:
    chosen = list(chosen)
    points = [level.points for level in chosen]
    tally = Counter(level.pk for level in chosen)
    levels = sorted(criterion.levels.all(), key=lambda level: level.points)
    return Spread(
        lowest=min(points, default=None),
        highest=max(points, default=None),
        middle=median(points),
        counts=[(level, tally[level.pk]) for level in levels],
    )


def distance(steps: dict[int, int], mine: dict[int, int], reference: dict[int, int]) -> int:
    """How far one assessment is from the reference (the facilitator's): the steps between
    their levels, summed over the criteria both scored (Moodle Workshop's "comparison with the
    best assessment", in steps). `mine` and `reference` map criterion id -> level id."""
    return sum(
        abs(steps[mine[criterion]] - steps[reference[criterion]])
        for criterion in mine.keys() & reference.keys()
    )


def percent_by_role_play(
    role_plays: Iterable[RolePlay | int], kinds: Collection[str] | None = None
) -> dict[int, Decimal]:
    """Role-play id -> the mean of its assessments' percents (each as Assessment.percent: one
    decimal, halves up), the mean again to one decimal, halves up. Every assessment counts
    (facilitator, peers, self) unless `kinds` names the AssessorKind values to keep.
    Role-plays with no assessment are left out. Three queries, whatever the number of
    role-plays (for the adoption figures' rubric trend)."""
    ids = [rp if isinstance(rp, int) else rp.pk for rp in role_plays]
    if not ids:
        return {}
    rubric_of = dict(RolePlay.objects.filter(pk__in=ids).values_list("pk", "rubric_id"))
    best: dict[int, int] = defaultdict(int)
    tops = (
        Level.objects.filter(criterion__rubric_id__in=set(rubric_of.values()))
        .values("criterion_id", "criterion__rubric_id")
        .annotate(top=Max("points"))
    )
    for top in tops:
        best[top["criterion__rubric_id"]] += top["top"]
    fillings = Filling.objects.filter(assessment__role_play_id__in=ids)
    if kinds is not None:
        fillings = fillings.filter(assessment__kind__in=list(kinds))
    percents: dict[int, list[Decimal]] = defaultdict(list)
    totals = fillings.values("assessment_id", "assessment__role_play_id").annotate(
        total=Sum("level__points")
    )
    for total in totals.order_by("assessment_id"):
        role_play = total["assessment__role_play_id"]
        percents[role_play].append(percent_of(total["total"], best[rubric_of[role_play]]))
    return {rp: mean for rp, values in percents.items() if (mean := average(values)) is not None}
