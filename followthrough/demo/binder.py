"""Derek's praise binder (story 002): his manager Linda reviews the quotes his happy clients
allowed, approves most (one shortened, in the client's own words), leaves the newest for the
review page, and shares his binder with the senior executive team through a link that expires
in a month. Told with the real actions on the demo's clock, after the clients' story
(demo/clients.py), whose answers it reads."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from followthrough.accounts.models import Membership, Workspace
from followthrough.clients import binder
from followthrough.clients.binder_models import BinderShare, Scope
from followthrough.clients.models import ClientCheckIn
from followthrough.demo import clock

DEREK = "derek@example.com"
LINDA = "linda@example.com"
# Linda shortens this client's quote for the binder, keeping the client's words.
SHORTENED = {
    "Hennepin Orthopedics": "Derek understood our scheduling mess better than we did. … he "
    "still checks in.",
}


def seed(workspace: Workspace) -> None:
    """Once: a workspace whose binder was already shared is left alone."""
    people = {
        m.user.email: m
        for m in Membership.objects.filter(
            workspace=workspace, user__email__in=[DEREK, LINDA]
        ).select_related("user__profile", "workspace")
    }
    derek, linda = people.get(DEREK), people.get(LINDA)
    if derek is None or linda is None or BinderShare.objects.filter(member=derek).exists():
        return
    candidates = list(
        ClientCheckIn.objects.candidates()
        .filter(rep=derek)
        .select_related("opportunity", "contact")
        .order_by("answered_at", "id")
    )
    if not candidates:
        return
    # The newest stays waiting: the review page has something to show.
    *reviewed, _waiting = candidates
    with transaction.atomic():
        for checkin in reviewed:
            assert checkin.answered_at is not None
            with clock.at(checkin.answered_at + dt.timedelta(days=1), workspace):
                binder.approve_quote(
                    checkin,
                    by=linda.user,
                    text=SHORTENED.get(checkin.opportunity.account, ""),
                )
        with clock.at(timezone.now() - dt.timedelta(days=2), workspace):
            binder.share(Scope.REP, derek, by=linda, days=30, note="Senior executive team")
