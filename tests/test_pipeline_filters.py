"""pipeline.filters: the one reading of the pipeline's query parameters (issue 10, item 3)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.http import QueryDict

from followthrough.pipeline import actions as pipeline
from followthrough.pipeline.filters import Filters
from followthrough.pipeline.models import Opportunity, Stage
from tests.conftest import World


def opportunity(world: World, rep: str, account: str, stage: str, value: int) -> Opportunity:
    return pipeline.create_opportunity(
        world.members[rep],
        by=world.user(rep),
        stage=stage,
        account=account,
        value=Decimal(value),
        currency="USD",
        expected_close_on=dt.date(2026, 12, 1),
    )


def test_filters_choose_owner_and_stage_and_sort(world: World) -> None:
    opportunity(world, "rep", "Small", Stage.LEAD, 100)
    big = opportunity(world, "rep", "Big", Stage.LEAD, 900)
    opportunity(world, "rep", "Later", Stage.PROPOSAL, 500)
    opportunity(world, "other_rep", "Theirs", Stage.LEAD, 700)
    admin, rep = world.members["admin"], world.members["rep"]

    filters = Filters.read(QueryDict(f"owner={rep.pk}&stage=lead&sort=-value"), admin)
    chosen = filters.apply(Opportunity.objects.all()).order_by(*filters.ordering())
    assert [o.account for o in chosen] == ["Big", "Small"]
    assert filters.query(sort="value") == f"owner={rep.pk}&stage=lead&sort=value"
    assert big in chosen


def test_what_does_not_fit_is_ignored(world: World) -> None:
    """An owner the visitor does not see, an unknown stage or sort: the unfiltered view."""
    other = world.members["other_rep"]
    filters = Filters.read(
        QueryDict(f"owner={other.pk}&stage=won-ish&sort=id"), world.members["coach"]
    )
    assert (filters.owner, filters.stage, filters.sort) == (None, "", "close")
    assert filters.query() == ""
