"""One's own weekly digest subscription: read it, and change it as on the preferences page."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from django.http import HttpRequest
from ninja import Router, Schema
from pydantic import Field

from followthrough import permissions
from followthrough.api.conventions import ApiError, Id, Input, IsoDate, check_form, member_of
from followthrough.digests import actions, queries
from followthrough.digests.forms import PreferencesForm
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


class SubscriptionChange(Input):
    """Only the fields given change."""

    weekday: Annotated[int, Field(ge=0, le=6, description="0 is Monday.")] | None = None
    hour: Annotated[int, Field(ge=0, le=23, description="On the recipient's clock.")] | None = None
    time_zone: Annotated[str, Field(max_length=64)] | None = None
    scope: Scope | None = None
    reps: Annotated[list[Id], Field(max_length=500)] | None = None
    quiet_weeks: bool | None = None
    paused_until: IsoDate | None = None
    stopped: bool | None = Field(None, description="true stops the digest; false starts it again.")


@router.patch(
    "/digest-subscription", response=SubscriptionOut, url_name="api_digest_subscription_change"
)
def change_subscription(request: HttpRequest, payload: SubscriptionChange) -> Subscription:
    """Change one's own weekly digest (the first change sets it up), as on the preferences
    page: the next digest moves accordingly."""
    member = member_of(request)
    if not permissions.can_have_digest(member):
        raise ApiError(403, "Weekly digests are for those who coach or follow reps.")
    subscription = queries.subscription_of(member)
    given = payload.model_fields_set
    data = {
        "weekday": subscription.weekday,
        "hour": subscription.hour,
        "time_zone": subscription.time_zone,
        "scope": subscription.scope,
        "reps": [rep.pk for rep in subscription.reps.all()] if subscription.pk else [],
        "quiet_weeks": subscription.quiet_weeks,
        "paused_until": subscription.paused_until,
        "stop": subscription.is_stopped,
    }
    for name in given:
        data["stop" if name == "stopped" else name] = getattr(payload, name)
    if data["paused_until"] is None:
        data["paused_until"] = ""
    form = PreferencesForm(data, instance=subscription, choosable=queries.choosable_reps(member))
    check_form(form, {"stop": "stopped"})
    actions.change_preferences(subscription, member.user, **form.changes())
    return Subscription.objects.prefetch_related("reps").get(pk=subscription.pk)
