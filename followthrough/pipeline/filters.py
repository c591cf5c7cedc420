"""The one way opportunities are filtered and sorted: by owner, by stage, by close date or value.
The board, the list and (later) the API read the same query parameters through Filters, as
NetBox's filtersets do, so a filter means the same everywhere."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import F, OrderBy, QuerySet
from django.http import QueryDict

from followthrough import permissions
from followthrough.accounts.models import Membership
from followthrough.pipeline.models import Opportunity, Stage

# Opportunities with no expected close date come last either way, on every database.
SORTS = {
    "close": (F("expected_close_on").asc(nulls_last=True), F("id").asc()),
    "-close": (F("expected_close_on").desc(nulls_last=True), F("id").desc()),
    "value": (F("value").asc(), F("id").asc()),
    "-value": (F("value").desc(), F("id").desc()),
}


@dataclass
class Filters:
    """The board's and the list's filters, read from the query string; what does not fit is
    ignored (an owner the visitor does not see gives the unfiltered view, nothing of theirs)."""

    reps: list[Membership]
    owner: Membership | None = None
    stage: str = ""
    sort: str = "close"

    @classmethod
    def read(cls, query: QueryDict, member: Membership) -> Filters:
        reps = list(permissions.visible_reps(member).select_related("user"))
        filters = cls(reps=reps)
        owner = query.get("owner", "")
        filters.owner = next((rep for rep in reps if str(rep.pk) == owner), None)
        stage, sort = query.get("stage", ""), query.get("sort", "")
        if stage in Stage.values:
            filters.stage = stage
        if sort in SORTS:
            filters.sort = sort
        return filters

    def ordering(self) -> tuple[OrderBy, ...]:
        return SORTS[self.sort]

    def apply(self, rows: QuerySet[Opportunity]) -> QuerySet[Opportunity]:
        if self.owner is not None:
            rows = rows.filter(owner=self.owner)
        if self.stage:
            rows = rows.filter(stage=self.stage)
        return rows

    def query(self, **changes: str) -> str:
        """The query string of these filters, with `changes`."""
        values = {
            "owner": str(self.owner.pk) if self.owner else "",
            "stage": self.stage,
            "sort": self.sort if self.sort != "close" else "",
            **changes,
        }
        params = QueryDict(mutable=True)
        for name, value in values.items():
            if value:
                params[name] = value
        return params.urlencode()
