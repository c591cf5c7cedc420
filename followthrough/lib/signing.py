"""Signed, expiring link tokens scoped to one kind of object.

A token names its scope (what kind of link it is) and one object id. A token made for one scope
never reads as another, so an invitation token cannot open a check-in page.
"""

import datetime as dt

from django.core import signing


class BadToken(Exception):
    """The token was tampered with, truncated, or made for another kind of link."""


class ExpiredToken(BadToken):
    """The token was genuine but is older than its scope allows."""


def _signer(scope: str) -> signing.TimestampSigner:
    return signing.TimestampSigner(salt=f"followthrough.{scope}")


def make_token(scope: str, object_id: int | None, holder: int | None = None) -> str:
    """A token for one object; with `holder`, for one object and one person (an unsubscribe
    link is one recipient's, for one subscription): read_holder_token gives both back."""
    if object_id is None:
        raise ValueError("save the object before making a token for it")
    payload = {"id": object_id} if holder is None else {"id": object_id, "holder": holder}
    return _signer(scope).sign_object(payload)


def read_token(scope: str, token: str, max_age: dt.timedelta) -> int:
    """Returns the object id, or raises ExpiredToken / BadToken."""
    return read_holder_token(scope, token, max_age)[0]


def read_holder_token(scope: str, token: str, max_age: dt.timedelta) -> tuple[int, int | None]:
    """Returns (object id, holder id or None), or raises ExpiredToken / BadToken."""
    try:
        payload = _signer(scope).unsign_object(token, max_age=max_age)
    except signing.SignatureExpired as error:
        raise ExpiredToken(str(error)) from None
    except signing.BadSignature as error:
        raise BadToken(str(error)) from None
    object_id = payload.get("id") if isinstance(payload, dict) else None
    if not isinstance(object_id, int):
        raise BadToken("token carries no object id")
    holder = payload.get("holder")
    if holder is not None and not isinstance(holder, int):
        raise BadToken("token carries a bad holder")
    return object_id, holder
