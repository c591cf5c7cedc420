"""One's own weekly digest subscription (read only here; the preferences page changes it)."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Router, Schema

from followthrough import permissions
from followthrough.api.conventions import ApiError, member_of
from followthrough.digests.models import Scope, Subscription

router = Router(tags=["digests"])


class SubscriptionOut(Schema):
    id: int
    scope: Scope
    reps: list[int]
    weekday: int
    hour: int
    time_zone: str
    quiet_weeks: bool
    paused_until: dt.date | None
    stopped_at: dt.datetime | None
    next_send_at: dt.datetime | None

    @staticmethod
    def resolve_reps(obj: Subscription) -> list[int]:
        return sorted(rep.pk for rep in obj.reps.all())


@router.get("/digest-subscription", response=SubscriptionOut, url_name="api_digest_subscription")
def my_subscription(request: HttpRequest) -> Subscription:
    """The caller's weekly digest: when it comes and about whom (404 before they set one)."""
    member = member_of(request)
    if not permissions.can_have_digest(member):
        raise ApiError(403, "Weekly digests are for those who coach or follow reps.")
    found = Subscription.objects.filter(recipient=member).prefetch_related("reps").first()
    if found is None:
        raise ApiError(404, "No weekly digest set up yet: choose one on the preferences page.")
    return found
