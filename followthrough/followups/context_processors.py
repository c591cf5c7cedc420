from typing import Any

from django.db.models import Count, IntegerField, Min, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import HttpRequest
from django.utils import timezone

from followthrough import permissions
from followthrough.accounts.models import Membership, Role, Workspace
from followthrough.followups.models import Heartbeat


def dispatcher_health(request: HttpRequest) -> dict[str, Any]:
    """Admins and coaches see a warning on every page when no dispatcher is alive, and inside a
    workspace when follow-ups they may see wait for the mail server or have failed."""
    membership = getattr(request, "membership", None)
    user = getattr(request, "user", None)
    if membership is not None:
        if not membership.is_coach:
            return {}
        return health_in(membership)
    coaches = bool(
        user is not None
        and user.is_authenticated
        and Membership.objects.filter(
            user=user, is_active=True, role__in=[Role.ADMIN, Role.COACH]
        ).exists()
    )
    if not coaches:
        return {}
    last_seen = Heartbeat.objects.order_by("-last_seen").values_list("last_seen", flat=True).first()
    return {"dispatcher_silent": is_silent(last_seen), "dispatcher_last_seen": last_seen}


def health_in(member: Membership) -> dict[str, Any]:
    """The heartbeat and the member's waiting and failed follow-ups, in one query (every page
    runs it, and pages pin their query counts)."""
    visible = permissions.visible_followups(member).filter(workspace=OuterRef("pk")).order_by()

    def one(rows: Any, value: Any) -> Subquery:
        return Subquery(rows.values("workspace").annotate(value=value).values("value")[:1])

    row = (
        Workspace.objects.filter(pk=member.workspace_id)
        .values(
            last_seen=Subquery(Heartbeat.objects.order_by("-last_seen").values("last_seen")[:1]),
            failed=Coalesce(
                one(visible.failed(), Count("pk")), Value(0), output_field=IntegerField()
            ),
            waiting=Coalesce(
                one(visible.waiting_for_retry(), Count("pk")),
                Value(0),
                output_field=IntegerField(),
            ),
            waiting_since=one(visible.waiting_for_retry(), Min("first_attempt_at")),
        )
        .get()
    )
    return {
        "dispatcher_silent": is_silent(row["last_seen"]),
        "dispatcher_last_seen": row["last_seen"],
        "followups_failed": row["failed"],
        "followups_waiting": row["waiting"],
        "followups_waiting_since": row["waiting_since"],
    }


def is_silent(last_seen: Any) -> bool:
    return last_seen is None or timezone.now() - last_seen > Heartbeat.SILENCE
