from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from followthrough.accounts.models import Membership, Role
from followthrough.followups.models import Heartbeat


def dispatcher_health(request: HttpRequest) -> dict[str, Any]:
    """Admins and coaches see a warning on every page when no dispatcher is alive."""
    membership = getattr(request, "membership", None)
    user = getattr(request, "user", None)
    if membership is not None:
        coaches = membership.is_coach
    else:
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
    silent = last_seen is None or timezone.now() - last_seen > Heartbeat.SILENCE
    return {"dispatcher_silent": silent, "dispatcher_last_seen": last_seen}
