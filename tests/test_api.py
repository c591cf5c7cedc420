"""The API's conventions and its tokens: the format and checksum, the hash only stored, shown
once, expiry, revocation, last use; problem+json for every error; strict input; the body
limit; cursor pages; ETag; Idempotency-Key; the rate limit; the docs page under the CSP."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

import pytest
import time_machine
from django.core import signing
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from followthrough.api import tokens
from followthrough.api.actions import create_token
from followthrough.api.models import ApiToken, IdempotentRequest, Scope
from followthrough.coaching.models import Commitment
from followthrough.events.models import Event
from followthrough.metrics.models import Entry, Metric
from tests.api_helpers import call, token_of
from tests.builders import commitment_of, session_of
from tests.conftest import World


def commitment_body(world: World, session_id: int, text: str = "Ask for referrals") -> dict:
    return {
        "session_id": session_id,
        "owner_id": world.members["rep"].pk,
        "text": text,
        "due_on": (timezone.localdate() + dt.timedelta(days=7)).isoformat(),
    }


def assert_problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    assert body["status"] == status and body["title"] and body["type"] == "about:blank"
    return body


# Tokens ---------------------------------------------------------------------------------------


def test_token_format_and_checksum() -> None:
    token = tokens.generate()
    assert token.startswith("ft_") and len(token) == 3 + 32 + 6
    assert tokens.is_well_formed(token)
    # One character changed breaks the checksum: a scanner tells a token from random text.
    changed = token[:10] + ("a" if token[10] != "a" else "b") + token[11:]
    assert not tokens.is_well_formed(changed)
    assert tokens.generate() != token


def test_only_the_hash_is_stored_and_the_token_is_shown_once(world: World) -> None:
    client = world.client("rep")
    membership = world.members["rep"]
    page = client.post(
        reverse("api_tokens"),
        {"name": "CRM sync", "membership": membership.pk, "scope": "read", "expiry_days": 90},
    )
    assert page.status_code == 201
    assert page["Cache-Control"] == "no-store"
    secret = page.text.split('id="new-token">')[1].split("<")[0]
    assert tokens.is_well_formed(secret)
    stored = ApiToken.objects.get()
    assert stored.hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in json.dumps(list(ApiToken.objects.values()), default=str)
    assert stored.start == secret[:8] and stored.scope == Scope.READ
    assert stored.expires_at - stored.created_at == dt.timedelta(days=90)
    # The list shows the name and the start, never the token again.
    again = client.get(reverse("api_tokens")).text
    assert "CRM sync" in again and secret not in again and stored.start in again
    assert Event.objects.filter(verb="api_token.created").count() == 1
    # It works, as the rep.
    me = call(secret, "get", "/me").json()
    assert (me["membership_id"], me["role"], me["token_scope"]) == (membership.pk, "rep", "read")


def test_the_form_refuses_a_missing_expiry_and_another_persons_workspace(world: World) -> None:
    client = world.client("rep")
    page = client.post(
        reverse("api_tokens"),
        {"name": "CRM", "membership": world.members["outsider"].pk, "scope": "read"},
    )
    assert page.status_code == 400
    assert not ApiToken.objects.exists()


def test_wrong_expired_and_revoked_tokens_are_401(world: World) -> None:
    secret = token_of(world, "rep")
    assert call(secret, "get", "/me").status_code == 200
    assert_problem(call(None, "get", "/me"), 401)
    assert_problem(call("ft_nonsense", "get", "/me"), 401)
    assert_problem(call(tokens.generate(), "get", "/me"), 401)  # well formed, unknown
    wrong = secret[:-1] + ("y" if secret.endswith("x") else "x")  # another last character
    body = assert_problem(call(wrong, "get", "/me"), 401)
    assert "Bearer" in body["detail"]
    with time_machine.travel(timezone.now() + dt.timedelta(days=31)):
        assert_problem(call(secret, "get", "/me"), 401)
    token = ApiToken.objects.get()
    page = world.client("rep").post(reverse("api_token_revoke", args=[token.pk]))
    assert page.status_code == 302
    assert_problem(call(secret, "get", "/me"), 401)
    assert Event.objects.filter(verb="api_token.revoked").count() == 1
    # Nor does a deactivated member's token work.
    other = token_of(world, "coach")
    world.members["coach"].is_active = False
    world.members["coach"].save()
    assert_problem(call(other, "get", "/me"), 401)


def test_last_used_is_recorded(world: World) -> None:
    secret = token_of(world, "rep")
    assert ApiToken.objects.get().last_used_at is None
    with time_machine.travel(timezone.now() + dt.timedelta(days=2), tick=False):
        call(secret, "get", "/me")
        assert ApiToken.objects.get().last_used_at == timezone.now()


def test_a_read_token_cannot_write(world: World) -> None:
    session = session_of(world)
    secret = token_of(world, "coach", scope=Scope.READ)
    assert call(secret, "get", "/commitments").status_code == 200
    body = assert_problem(
        call(secret, "post", "/commitments", commitment_body(world, session.pk)), 403
    )
    assert "read" in body["detail"]
    assert not Commitment.objects.exists()


def test_a_token_of_another_workspace_finds_nothing_of_this_one(world: World) -> None:
    commitment = commitment_of(world)
    secret = token_of(world, "outsider")
    assert_problem(call(secret, "get", f"/commitments/{commitment.pk}"), 404)
    assert_problem(call(secret, "post", f"/commitments/{commitment.pk}/drop", {}), 404)
    assert call(secret, "get", "/commitments").json() == {"items": [], "next": None}
    commitment.refresh_from_db()
    assert commitment.state == "open"


# Writes go through the actions: Events are written --------------------------------------------


def test_create_read_and_answer_a_commitment(world: World) -> None:
    session = session_of(world)
    coach, rep = token_of(world, "coach"), token_of(world, "rep")
    created = call(coach, "post", "/commitments", commitment_body(world, session.pk))
    assert created.status_code == 201
    commitment = created.json()
    assert Event.objects.filter(verb="commitment.agreed").count() == 1
    read = call(rep, "get", f"/commitments/{commitment['id']}").json()
    assert read == commitment
    # Times carry their offset.
    assert read["created_at"].endswith(("Z", "+00:00"))
    answer = call(
        rep,
        "post",
        f"/commitments/{commitment['id']}/responses",
        {"answer": "done", "comment": "3"},
    )
    assert answer.status_code == 201, answer.content
    assert answer.json()["answer"] == "done"
    assert Event.objects.filter(verb="commitment.answered").count() == 1
    assert call(rep, "get", f"/commitments/{commitment['id']}").json()["state"] == "done"


def test_the_stakeholder_reads_only_shared_comments(world: World) -> None:
    commitment = commitment_of(world)
    rep = token_of(world, "rep")
    call(
        rep,
        "post",
        f"/commitments/{commitment.pk}/responses",
        {"answer": "partly", "comment": "Between us"},
    )
    stakeholder = token_of(world, "stakeholder")
    [item] = call(stakeholder, "get", "/responses").json()["items"]
    assert item["comment"] is None
    [mine] = call(rep, "get", "/responses").json()["items"]
    assert mine["comment"] == "Between us"


def test_a_rep_logs_an_entry(world: World) -> None:
    metric = Metric.of(world.workspace).first()
    assert metric is not None
    rep = token_of(world, "rep")
    today = timezone.localdate().isoformat()
    created = call(rep, "post", "/entries", {"metric_id": metric.pk, "day": today, "value": 4.5})
    assert created.status_code == 201, created.content
    assert Entry.objects.get().value == 4.5
    assert Event.objects.filter(verb="log.saved").exists()
    future = (timezone.localdate() + dt.timedelta(days=2)).isoformat()
    body = assert_problem(
        call(rep, "post", "/entries", {"metric_id": metric.pk, "day": future, "value": 1}), 409
    )
    assert "not happened yet" in body["detail"]


# Bad input ------------------------------------------------------------------------------------


def test_malformed_json_wrong_types_and_unknown_fields(world: World) -> None:
    session = session_of(world)
    coach = token_of(world, "coach")
    assert_problem(call(coach, "post", "/commitments", raw="{not json"), 400)
    wrong = assert_problem(
        call(
            coach, "post", "/commitments", {**commitment_body(world, session.pk), "due_on": "soon"}
        ),
        422,
    )
    assert [e["field"] for e in wrong["errors"]] == ["due_on"]
    unknown = assert_problem(
        call(coach, "post", "/commitments", {**commitment_body(world, session.pk), "admin": True}),
        422,
    )
    assert [e["field"] for e in unknown["errors"]] == ["admin"]
    typed = assert_problem(call(coach, "get", "/commitments?limit=many"), 422)
    assert typed["errors"][0]["field"] == "limit"
    assert_problem(call(coach, "get", "/commitments?limit=101"), 422)
    assert_problem(call(coach, "get", "/commitments/abc"), 422)
    assert not Commitment.objects.exists()


def test_a_huge_body_is_413(world: World) -> None:
    coach = token_of(world, "coach")
    huge = json.dumps({"text": "x" * 300_000})
    body = assert_problem(call(coach, "post", "/commitments", raw=huge), 413)
    assert "at most" in body["detail"]


def test_every_error_under_api_is_a_problem(world: World) -> None:
    rep = token_of(world, "rep")
    assert_problem(call(rep, "get", "/nowhere"), 404)
    assert_problem(call(rep, "get", "/api/v1/"), 404)
    assert_problem(call(rep, "get", "/commitments/999999"), 404)
    not_allowed = assert_problem(call(rep, "delete", "/commitments"), 405)
    assert not_allowed["title"] == "Method Not Allowed"


def test_a_crash_is_a_500_problem_without_a_trace(world: World, monkeypatch: Any) -> None:
    from followthrough.api.routers import people

    def boom(*args: Any) -> None:
        raise RuntimeError("secret internals")

    monkeypatch.setattr(people.permissions, "visible_members", boom)
    response = call(token_of(world, "rep"), "get", "/members")
    body = assert_problem(response, 500)
    assert "secret internals" not in response.text and "Traceback" not in response.text
    assert body["detail"]


# Pages, ETag, idempotency, rate limit ---------------------------------------------------------


def test_cursor_pages_and_a_tampered_cursor(world: World) -> None:
    session = session_of(world)
    coach = token_of(world, "coach")
    for n in range(5):
        call(coach, "post", "/commitments", commitment_body(world, session.pk, f"Step {n}"))
    first = call(coach, "get", "/commitments?limit=2")
    page = first.json()
    assert [c["text"] for c in page["items"]] == ["Step 4", "Step 3"]
    assert first["Link"] == f'<{page["next"]}>; rel="next"'
    seen = [c["text"] for c in page["items"]]
    while page["next"]:
        page = call(coach, "get", page["next"]).json()
        seen += [c["text"] for c in page["items"]]
    assert seen == [f"Step {n}" for n in range(4, -1, -1)]
    cursor = first.json()["next"].split("cursor=")[1]
    tampered = cursor[:-3] + ("abc" if not cursor.endswith("abc") else "xyz")
    body = assert_problem(call(coach, "get", f"/commitments?limit=2&cursor={tampered}"), 400)
    assert "cursor" in body["detail"]
    forged = signing.dumps({"before": 10**9}, salt="another.salt")
    assert_problem(call(coach, "get", f"/commitments?cursor={forged}"), 400)


def test_etag_and_if_none_match(world: World) -> None:
    commitment = commitment_of(world)
    rep = token_of(world, "rep")
    first = call(rep, "get", f"/commitments/{commitment.pk}")
    etag = first["ETag"]
    again = call(rep, "get", f"/commitments/{commitment.pk}", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and not again.content
    call(token_of(world, "coach"), "patch", f"/commitments/{commitment.pk}", {"text": "New words"})
    changed = call(rep, "get", f"/commitments/{commitment.pk}", HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag


def test_idempotency_key_replays_and_refuses_another_body(world: World) -> None:
    session = session_of(world)
    coach = token_of(world, "coach")
    body = commitment_body(world, session.pk)
    first = call(coach, "post", "/commitments", body, HTTP_IDEMPOTENCY_KEY="k-1")
    again = call(coach, "post", "/commitments", body, HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json() and again["Idempotent-Replayed"] == "true"
    assert Commitment.objects.count() == 1
    other = call(
        coach, "post", "/commitments", {**body, "text": "Another"}, HTTP_IDEMPOTENCY_KEY="k-1"
    )
    assert "another request" in assert_problem(other, 422)["detail"]
    assert Commitment.objects.count() == 1
    # A key is the token's own: another token's same key is a new request.
    admin = token_of(world, "admin")
    assert call(admin, "post", "/commitments", body, HTTP_IDEMPOTENCY_KEY="k-1").status_code == 201
    assert Commitment.objects.count() == 2
    # After a day the key may be used afresh.
    with time_machine.travel(timezone.now() + dt.timedelta(hours=25)):
        later = call(coach, "post", "/commitments", body, HTTP_IDEMPOTENCY_KEY="k-1")
    assert later.status_code == 201 and "Idempotent-Replayed" not in later
    assert Commitment.objects.count() == 3
    assert IdempotentRequest.objects.filter(key="k-1").count() == 2


@override_settings(API_RATE_LIMIT=3)
def test_the_rate_limit_per_token(world: World) -> None:
    from django.core.cache import cache

    cache.clear()
    rep, coach = token_of(world, "rep"), token_of(world, "coach")
    minute = (timezone.now() + dt.timedelta(days=1)).replace(second=0, microsecond=0)
    with time_machine.travel(minute + dt.timedelta(seconds=15), tick=False):
        assert [call(rep, "get", "/me").status_code for _ in range(3)] == [200] * 3
        refused = call(rep, "get", "/me")
        assert_problem(refused, 429)
        assert refused["Retry-After"] == "45"
        assert call(coach, "get", "/me").status_code == 200  # per token
    with time_machine.travel(minute + dt.timedelta(seconds=61), tick=False):
        assert call(rep, "get", "/me").status_code == 200


# The OpenAPI document and the docs page -------------------------------------------------------


def test_openapi_document_and_docs_page_under_the_csp(db: Any) -> None:
    client = Client()
    schema = client.get("/api/v1/openapi.json")
    assert schema.status_code == 200
    document = schema.json()
    assert document["openapi"].startswith("3.1")
    assert "/api/v1/commitments" in document["paths"]
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    csp = page["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    html = page.text
    # Our own static files, no CDN; the only <script> without src is a JSON data block.
    assert "/static/ninja/swagger-ui-bundle.js" in html and "cdn" not in html.lower()
    for tag in html.split("<script")[1:]:
        head = tag.split(">", 1)[0]
        assert "src=" in head or 'type="application/json"' in head
    assert " on" not in html.split("<body", 1)[1].split(">", 1)[0]
    for static in (
        "ninja/swagger-ui-bundle.js",
        "ninja/swagger-ui-init.js",
        "ninja/swagger-ui.css",
    ):
        assert client.get(f"/static/{static}").status_code == 200


@pytest.mark.parametrize("scope", [Scope.READ, Scope.READ_WRITE])
def test_create_token_refuses_another_persons_membership(world: World, scope: str) -> None:
    from followthrough.lib.errors import ActionRefused

    with pytest.raises(ActionRefused):
        create_token(
            world.members["rep"], name="x", scope=scope, expiry_days=30, by=world.user("coach")
        )


def test_opportunities_share_the_pages_filters_and_moves_write_history(world: World) -> None:
    from followthrough.pipeline.models import StageChange
    from tests.builders import opportunity_of, other_reps_opportunity

    mine, theirs = opportunity_of(world), other_reps_opportunity(world)
    admin, coach = token_of(world, "admin"), token_of(world, "coach")
    listed = call(admin, "get", f"/opportunities?owner={world.members['rep'].pk}").json()
    assert [o["id"] for o in listed["items"]] == [mine.pk]
    assert [o["id"] for o in call(admin, "get", "/opportunities").json()["items"]] == [
        theirs.pk,
        mine.pk,
    ]
    # The coach does not see other_rep's pipeline: asking for it lists nothing.
    other = world.members["other_rep"].pk
    assert call(coach, "get", f"/opportunities?owner={other}").json()["items"] == []
    assert_problem(call(coach, "get", "/opportunities?stage=nonsense"), 422)
    moved = call(coach, "post", f"/opportunities/{mine.pk}/stage", {"stage": "won"})
    assert moved.status_code == 200 and moved.json()["stage"] == "won"
    stages = call(coach, "get", f"/opportunities/{mine.pk}/stages").json()
    assert [s["to_stage"] for s in stages][-1] == "won"
    assert StageChange.objects.filter(opportunity=mine).count() == len(stages)
    assert Event.objects.filter(verb__startswith="opportunity.").exists()


def test_client_answers_are_for_who_keeps_the_pipeline(world: World) -> None:
    from tests.clients_helpers import complaint_of

    complaint = complaint_of(world)
    [mine] = call(token_of(world, "rep"), "get", "/client-checkins").json()["items"]
    assert (mine["id"], mine["score"], mine["state"]) == (complaint.pk, 2, "answered")
    for key in ("stakeholder", "other_rep"):
        assert call(token_of(world, key), "get", "/client-checkins").json()["items"] == []


LISTS = [
    "/commitments",
    "/responses",
    "/entries",
    "/events",
    "/followups",
    "/plans",
    "/sessions",
    "/members",
    "/opportunities",
    "/client-checkins",
]


def queries_of(token: str, path: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        response = call(token, "get", path + "?limit=100")
    assert response.status_code == 200, response.content
    return len(queries)


def test_list_queries_do_not_grow_with_the_rows(world: World) -> None:
    """Each list answers in the same number of queries for one row or many."""
    from tests.builders import answer_of, followup_to, opportunity_of

    admin = token_of(world, "admin")
    answer_of(world)
    followup_to(world, "rep")
    opportunity_of(world)
    call(admin, "get", "/me")  # the token's last use is written once a minute: not counted
    few = {path: queries_of(admin, path) for path in LISTS}
    for _ in range(4):
        answer_of(world)
        followup_to(world, "rep")
        opportunity_of(world)
    rep = token_of(world, "rep")
    metric = Metric.of(world.workspace).first()
    assert metric is not None
    for days in range(4):
        day = (timezone.localdate() - dt.timedelta(days=days)).isoformat()
        call(rep, "post", "/entries", {"metric_id": metric.pk, "day": day, "value": days})
    many = {path: queries_of(admin, path) for path in LISTS}
    assert many == few
    assert max(many.values()) <= 8, many


def test_ones_own_digest_subscription(world: World) -> None:
    from followthrough.digests.actions import ensure_subscriptions

    ensure_subscriptions(world.workspace.pk)
    mine = call(token_of(world, "stakeholder"), "get", "/digest-subscription")
    assert mine.status_code == 200, mine.content
    assert mine.json()["reps"] in ([], [world.members["rep"].pk])
    assert_problem(call(token_of(world, "rep"), "get", "/digest-subscription"), 403)
