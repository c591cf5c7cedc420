"""Who is calling, their workspace, and the people they may see with their relationships."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema

from followthrough import permissions
from followthrough.accounts.models import CoachingRelationship, Following, Membership, Role
from followthrough.api.conventions import Id, Page, member_of, paginate
from followthrough.api.routers.coaching import PageParams

router = Router(tags=["people"])


class WorkspaceOut(Schema):
    id: int
    name: str
    slug: str
    country: str
    language: str


class MeOut(Schema):
    membership_id: Id
    name: str
    email: str
    role: Role
    time_zone: str
    workspace: WorkspaceOut
    token_scope: str
    token_expires_at: dt.datetime


@router.get("/me", response=MeOut, url_name="api_me")
def me(request: HttpRequest) -> dict[str, Any]:
    """The token's owner and the one workspace the token acts in."""
    member = member_of(request)
    token = request.api_token  # type: ignore[attr-defined]
    return {
        "membership_id": member.pk,
        "name": member.user.name,
        "email": member.user.email,
        "role": member.role,
        "time_zone": member.user.profile.time_zone,
        "workspace": member.workspace,
        "token_scope": token.scope,
        "token_expires_at": token.expires_at,
    }


class MemberOut(Schema):
    id: int
    name: str
    role: Role
    is_active: bool

    @staticmethod
    def resolve_name(obj: Membership) -> str:
        return obj.user.name


class RelationshipsOut(Schema):
    coaches: list[int]
    coached: list[int]
    followers: list[int]
    follows: list[int]


class MemberDetailOut(MemberOut):
    relationships: RelationshipsOut


@router.get("/members", response=Page[MemberOut], url_name="api_members")
def list_members(request: HttpRequest, filters: Query[PageParams]) -> dict[str, Any]:
    rows = permissions.visible_members(member_of(request)).select_related("user")
    items, link = paginate(request, rows, limit=filters.limit, cursor=filters.cursor)
    return {"items": items, "next": link}


@router.get("/members/{member_id}", response=MemberDetailOut, url_name="api_member")
def get_member(request: HttpRequest, member_id: Id) -> Membership:
    """A person and who coaches and follows whom, limited to the people the caller sees."""
    viewer = member_of(request)
    target = permissions.access_member(viewer, member_id)
    seen = set(permissions.visible_members(viewer).values_list("pk", flat=True))

    def ids(rows: Any, field: str) -> list[int]:
        return sorted(pk for pk in rows.values_list(field, flat=True) if pk in seen)

    target.relationships = {  # type: ignore[attr-defined]
        "coaches": ids(CoachingRelationship.objects.filter(rep=target), "coach_id"),
        "coached": ids(CoachingRelationship.objects.filter(coach=target), "rep_id"),
        "followers": ids(Following.objects.filter(rep=target), "stakeholder_id"),
        "follows": ids(Following.objects.filter(stakeholder=target), "rep_id"),
    }
    return target
