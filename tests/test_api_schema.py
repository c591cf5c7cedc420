"""schemathesis over every operation of the OpenAPI document, against the app itself (WSGI):
no server error, and every answer as the document says (status, content type, schema). Then
the stateful chain the document's links describe: create a commitment, read it, answer it.

A few examples per operation keep it well under a minute per database; run with more by
setting SCHEMATHESIS_EXAMPLES.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from django.test import override_settings
from django.utils import timezone
from hypothesis import HealthCheck, settings

from followthrough.wsgi import application
from tests.api_helpers import token_of
from tests.builders import commitment_of, followup_to, session_of
from tests.clients_helpers import complaint_of
from tests.conftest import World
from tests.programs_helpers import cohort_of
from tests.rubrics_helpers import cohort_of as scored_cohort_of

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "8"))


@schema.hook
def map_query(context: Any, query: dict[str, Any] | None) -> dict[str, Any] | None:
    """A cursor is ours, signed: any other string is rightly a 400 (tests/test_api.py), which
    schemathesis would take for a valid value refused."""
    if query:
        query.pop("cursor", None)
    return query


@pytest.fixture(autouse=True)
def keep_the_test_connection() -> Iterator[None]:
    """Django closes the database connection at the end of each request; in a test that would
    close the test's own (Django's test client does the same as this)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def admin_token(world: World) -> str:
    # Some rows for the reads to find (ids are small: generated ids sometimes hit them).
    commitment_of(world)
    commitment_of(world, "other_rep")
    followup_to(world, "rep")
    scored_cohort_of(world)  # first: it takes the workspace's first cohort for its own
    cohort_of(world)
    complaint_of(world)
    return token_of(world, "admin")


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
@override_settings(API_RATE_LIMIT=100_000)
def test_every_operation(case: Any, admin_token: str) -> None:
    case.call_and_validate(headers={"Authorization": f"Bearer {admin_token}"})


@override_settings(API_RATE_LIMIT=100_000)
def test_create_read_and_answer_follow_the_documents_links(world: World) -> None:
    """The links of create_commitment (GetCommitment, AnswerCommitment), followed by hand with
    schemathesis' cases so that every answer is validated against the document."""
    session = session_of(world, "other_rep")  # the admin runs other_rep's plan
    admin = token_of(world, "admin")
    auth = {"Authorization": f"Bearer {admin}"}
    create = schema["/api/v1/commitments"]["POST"]
    links = create.definition.raw["responses"]["201"]["links"]
    assert {link["operationId"] for link in links.values()} == {
        "get_commitment",
        "answer_commitment",
    }
    created = create.Case(
        body={
            "session_id": session.pk,
            "owner_id": world.members["admin"].pk,  # a coach of the rep may own a step
            "text": "Send the proposal",
            "due_on": (timezone.localdate() + dt.timedelta(days=3)).isoformat(),
        }
    ).call_and_validate(headers=auth)
    assert created.status_code == 201
    new_id = created.json()["id"]
    read = schema["/api/v1/commitments/{commitment_id}"]["GET"].Case(
        path_parameters={"commitment_id": new_id}
    )
    assert read.call_and_validate(headers=auth).json()["text"] == "Send the proposal"
    answer = schema["/api/v1/commitments/{commitment_id}/responses"]["POST"].Case(
        path_parameters={"commitment_id": new_id}, body={"answer": "done", "comment": "Sent"}
    )
    answered = answer.call_and_validate(headers=auth)
    assert answered.status_code == 201 and answered.json()["answer"] == "done"
