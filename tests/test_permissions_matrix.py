"""Every page and endpoint, for every role, the outsider and an anonymous visitor: each row of
tests/permission_matrix.py tried as each visitor. Writes refused must also change nothing,
which the tests below check for each area's refused POSTs.

Permission rules that are not a row of the matrix (who appears in a list, private notes, ids
from another workspace) are tested with their topic, and in tests/test_permissions_rules.py.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from followthrough.accounts.models import Invitation, Role
from followthrough.coaching.models import Commitment, CommitmentState, SessionState
from followthrough.followups.models import FollowUp, State
from followthrough.metrics.models import Entry, ImportRun, ImportState, Metric
from followthrough.pipeline.models import Opportunity, StageChange
from tests.builders import (
    commitment_of,
    followup_to,
    next_week,
    opportunity_of,
    rows_of_rep,
    run_of_rep,
)
from tests.conftest import World
from tests.permission_matrix import (
    METRIC,
    PROGRAMS,
    ROWS,
    VISITORS,
    Row,
    a_file,
    calls_url,
    details,
    visit,
)
from tests.programs_helpers import PROGRAM_VISITORS, cast, cohort_of


@pytest.mark.parametrize("row", ROWS, ids=str)
@pytest.mark.parametrize("visitor", VISITORS, ids=lambda v: v or "anonymous")
def test_matrix(world: World, row: Row, visitor: str | None) -> None:
    visit(world, row, visitor)


@pytest.mark.parametrize("row", PROGRAMS, ids=str)
@pytest.mark.parametrize("visitor", PROGRAM_VISITORS)
def test_program_matrix(world: World, row: Row, visitor: str) -> None:
    """The program rows for the three visitors only programs have (tests/programs_helpers)."""
    cast(world)
    visit(world, row, visitor)


@pytest.mark.parametrize(
    "visitor", ["coach", "manager", "peer", "stakeholder", "rep", "outsider", None]
)
def test_refused_program_writes_change_nothing(world: World, visitor: str | None) -> None:
    cohort = cohort_of(world)
    first, workshop = cohort.sessions.get(number=1), cohort.sessions.get(number=0)
    mine = cohort.enrollments.get(manager=world.members["manager"])
    invitations = FollowUp.objects.count()
    client = world.client(visitor)
    slug = "acme"
    client.post(
        reverse("program_session_move", args=[slug, first.pk]),
        {"starts_at": next_week() + "T10:00", "duration_minutes": "60"},
    )
    client.post(reverse("program_session_cancel", args=[slug, first.pk]))
    client.post(
        reverse("program_session_held", args=[slug, workshop.pk]),
        {"debrief": "hacked", f"present_{mine.pk}": "on"},
    )
    client.post(reverse("enrollment_leave", args=[slug, mine.pk]))
    client.post(
        reverse("cohort_enroll", args=[slug, cohort.pk]),
        {"manager": world.members["coach"].pk},
    )
    client.post(reverse("program_edit", args=[slug, cohort.program_id]), {"name": "hacked"})
    first.refresh_from_db()
    workshop.refresh_from_db()
    mine.refresh_from_db()
    cohort.program.refresh_from_db()
    assert (first.state, first.sequence, workshop.state) == ("scheduled", 0, "scheduled")
    assert workshop.debrief == "" and mine.left_at is None
    assert cohort.enrollments.count() == 2 and cohort.program.name != "hacked"
    assert FollowUp.objects.count() == invitations


# Members and invitations ----------------------------------------------------------------------


@pytest.mark.parametrize("visitor", ["coach", "rep", "stakeholder", "outsider"])
def test_refused_writes_change_nothing(world: World, visitor: str) -> None:
    client = world.client(visitor)
    target = world.members["other_rep"]
    client.post(reverse("member_role", args=["acme", target.pk]), {"role": "admin"})
    client.post(reverse("member_deactivate", args=["acme", target.pk]))
    client.post(
        reverse("member_relationships", args=["acme", target.pk]),
        {"followers": [world.members["stakeholder"].pk]},
    )
    target.refresh_from_db()
    assert target.role == Role.REP
    assert target.is_active
    assert not target.followers().exists()


@pytest.mark.parametrize("visitor", ["rep", "stakeholder", "outsider"])
def test_refused_invitations_create_nothing(world: World, visitor: str) -> None:
    world.client(visitor).post(
        reverse("invitations", args=["acme"]), {"email": "sneaky@example.org", "role": "admin"}
    )
    assert not Invitation.objects.filter(email="sneaky@example.org").exists()


# The outbox -----------------------------------------------------------------------------------


@pytest.mark.parametrize("visitor", ["coach", "rep", "stakeholder", "outsider"])
def test_refused_follow_up_changes_change_nothing(world: World, visitor: str) -> None:
    followup = followup_to(world, "other_rep")
    url = reverse("followup_cancel", args=["acme", followup.pk])
    client = world.client(visitor)
    client.post(url)
    client.post(url.replace("cancel", "reschedule"), {"send_at": "2099-01-05T09:00"})
    client.post(url.replace("cancel", "send-now"))
    FollowUp.objects.filter(pk=followup.pk).update(state=State.FAILED)
    client.post(reverse("outbox_retry_failed", args=["acme"]))
    client.post(reverse("outbox_retry_failed", args=["globex"]))
    FollowUp.objects.filter(pk=followup.pk, state=State.FAILED).update(state=State.SCHEDULED)
    followup.refresh_from_db()
    assert (followup.state, followup.version) == (State.SCHEDULED, 1)


# The coaching loop ----------------------------------------------------------------------------


@pytest.mark.parametrize("visitor", ["rep", "other_rep", "stakeholder", "outsider", None])
def test_refused_coaching_writes_change_nothing(world: World, visitor: str | None) -> None:
    commitment = commitment_of(world)
    session = commitment.session
    client = world.client(visitor)
    slug = "acme"
    client.post(reverse("session_notes", args=[slug, session.pk]), {"summary": "hacked"})
    client.post(reverse("session_finish", args=[slug, session.pk]), {})
    client.post(reverse("session_cancel", args=[slug, session.pk]))
    client.post(reverse("commitment_drop", args=[slug, commitment.pk]))
    client.post(reverse("commitment_outcome", args=[slug, commitment.pk]), {"state": "missed"})
    client.post(
        reverse("commitment_add", args=[slug, session.pk]),
        {"text": "Sneaky", "owner": world.members["rep"].pk, "due_on": next_week()},
    )
    if visitor != "rep":
        client.post(reverse("commitment_report", args=[slug, commitment.pk]), {"answer": "done"})
    session.refresh_from_db()
    commitment.refresh_from_db()
    assert session.state == SessionState.SCHEDULED and session.summary == ""
    assert commitment.state == CommitmentState.OPEN
    assert Commitment.objects.count() == 1
    assert not FollowUp.objects.exists()


# Metrics and the CSV import -------------------------------------------------------------------


@pytest.mark.parametrize("visitor", ["coach", "rep", "other_rep", "stakeholder", "outsider", None])
def test_refused_metric_and_import_writes_change_nothing(world: World, visitor: str | None) -> None:
    names = sorted(Metric.of(world.workspace).values_list("name", flat=True))
    checking, checked = run_of_rep(world, checked=False), run_of_rep(world)
    client = world.client(visitor)
    client.post(reverse("metrics", args=["acme"]), METRIC)
    client.post(calls_url(world), METRIC)
    assert (
        sorted(Metric.objects.filter(workspace=world.workspace).values_list("name", flat=True))
        == names
    )
    if visitor in ("rep", "coach", "other_rep"):
        return  # they may import: the test below keeps them off the runs of others
    client.post(reverse("import_new", args=["acme"]), a_file(world))
    client.post(reverse("import_step", args=["acme", checking.pk]))
    client.post(reverse("import_confirm", args=["acme", checked.pk]))
    client.post(reverse("import_discard", args=["acme", checked.pk]))
    client.post(reverse("import_discard", args=["acme", checking.pk]))
    assert ImportRun.objects.count() == 2
    checking.refresh_from_db()
    checked.refresh_from_db()
    assert (checking.state, checking.checked_rows) == (ImportState.CHECKING, 0)
    assert (checked.state, checked.imported_rows) == (ImportState.CHECKED, 0)
    assert checking.content and checked.content == rows_of_rep()
    assert not Entry.objects.exists()


@pytest.mark.parametrize("visitor", ["coach", "other_rep"])
def test_members_who_may_import_still_cannot_touch_a_run_of_someone_else(
    world: World, visitor: str
) -> None:
    checking, checked = run_of_rep(world, checked=False), run_of_rep(world)
    client = world.client(visitor)
    for view, run in [
        ("import_step", checking),
        ("import_confirm", checked),
        ("import_discard", checked),
        ("import_discard", checking),
    ]:
        assert client.post(reverse(view, args=["acme", run.pk])).status_code == 404
    checking.refresh_from_db()
    checked.refresh_from_db()
    assert (checking.state, checking.checked_rows) == (ImportState.CHECKING, 0)
    assert (checked.state, checked.imported_rows) == (ImportState.CHECKED, 0)
    assert not Entry.objects.exists()
    # Nor is it in their list of imports.
    page = client.get(reverse("import_new", args=["acme"])).text
    assert "numbers.csv" not in page


# The pipeline ---------------------------------------------------------------------------------


def pipeline_state(opportunity: Opportunity) -> tuple[object, ...]:
    opportunity.refresh_from_db()
    return (
        opportunity.account,
        opportunity.value,
        opportunity.stage,
        opportunity.owner_id,
        opportunity.next_step,
        StageChange.objects.count(),
        Entry.objects.count(),
        Opportunity.objects.count(),
    )


@pytest.mark.parametrize("visitor", ["other_rep", "stakeholder", "outsider", None])
def test_refused_pipeline_writes_change_nothing(world: World, visitor: str | None) -> None:
    opportunity = opportunity_of(world)
    before = pipeline_state(opportunity)
    client = world.client(visitor)
    for slug in ("acme", "globex"):
        client.post(reverse("opportunity_stage", args=[slug, opportunity.pk]), {"stage": "won"})
        client.post(
            reverse("opportunity_stage", args=[slug, opportunity.pk]),
            {"stage": "won"},
            headers={"HX-Request": "true"},
        )
        client.post(
            reverse("opportunity_detail", args=[slug, opportunity.pk]),
            {k: v for k, v in details(world).items() if k != "stage"},
        )
    if visitor != "other_rep":  # other_rep may add to their own pipeline
        client.post(reverse("opportunity_new", args=["acme"]), details(world))
    assert pipeline_state(opportunity) == before
