"""Making and revoking personal API tokens, each with its Event."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from followthrough.accounts.models import Membership, User
from followthrough.api import tokens
from followthrough.api.models import EXPIRY_DAYS, ApiToken, Scope
from followthrough.events import actions as events
from followthrough.lib.errors import ActionRefused


def create_token(
    membership: Membership, *, name: str, scope: Scope | str, expiry_days: int, by: User
) -> tuple[ApiToken, str]:
    """A new token for the membership's owner; the token itself is returned this once and
    never stored (only its hash)."""
    if membership.user_id != by.pk or not membership.is_active:
        raise ActionRefused(_("A token is made by its owner, in a workspace they belong to."))
    if expiry_days not in dict(EXPIRY_DAYS):
        raise ActionRefused(_("Choose when the token expires."))
    secret = tokens.generate()
    now = timezone.now()
    with transaction.atomic():
        token = ApiToken.objects.create(
            membership=membership,
            name=name,
            scope=Scope(scope),
            hash=tokens.hash_of(secret),
            start=secret[:8],
            created_at=now,
            expires_at=now + dt.timedelta(days=expiry_days),
        )
        events.record_for_member(
            "api_token.created",
            membership.workspace,
            token,
            by,
            name=name,
            scope=token.scope,
            expires_at=token.expires_at.isoformat(),
        )
    return token, secret


def revoke_token(token: ApiToken, *, by: User) -> ApiToken:
    """It stops working at once; it stays listed as revoked."""
    if token.revoked_at is not None:
        raise ActionRefused(_("This token was already revoked."))
    with transaction.atomic():
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        events.record_for_member(
            "api_token.revoked", token.membership.workspace, token, by, name=token.name
        )
    return token
