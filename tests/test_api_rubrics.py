"""Rubrics, role-plays and their scores through the API, with the pages' sight rules (a
manager sees a calibration's spread without names and a peer's role-play only their own
scores; a sponsor totals only), and scoring as the token's owner through the rubrics action."""

from __future__ import annotations

from typing import Any

from followthrough.events.models import Event
from followthrough.programs.models import Assessment, AssessorKind
from tests.api_helpers import call, token_of
from tests.conftest import World
from tests.rubrics_helpers import cohort_of, levels_of
from tests.test_api import assert_problem


def levels_body(rubric: Any, steps: list[int]) -> dict[str, Any]:
    return {str(c): lv for c, lv in levels_of(rubric, steps).items()}


def test_rubrics_with_criteria_and_levels(world: World) -> None:
    bits = cohort_of(world)
    coach = token_of(world, "coach")
    listed = call(coach, "get", "/rubrics").json()["items"]
    assert [r["id"] for r in listed] == [bits.rubric.pk]
    found = call(coach, "get", f"/rubrics/{bits.rubric.pk}").json()
    assert [c["description"] for c in found["criteria"]] == ["Escuchó", "Preguntó"]
    assert [lv["points"] for lv in found["criteria"][0]["levels"]] == [0, 1, 2, 3]
    assert found["max_points"] == 6
    assert call(token_of(world, "rep"), "get", "/rubrics").json()["items"] == []
    assert_problem(call(token_of(world, "rep"), "get", f"/rubrics/{bits.rubric.pk}"), 403)


def test_role_plays_as_each_seat_sees_them(world: World) -> None:
    bits = cohort_of(world)
    manager, peer = world.members["manager"], world.members["peer"]
    facilitator = token_of(world, "facilitator")
    listed = call(facilitator, "get", f"/cohorts/{bits.cohort.pk}/role-plays").json()["items"]
    assert {r["title"] for r in listed} == {bits.role_play.title, bits.calibration.title}
    one = call(facilitator, "get", f"/role-plays/{bits.role_play.pk}").json()
    assert one["manager_id"] == manager.pk and one["scores_as"] == AssessorKind.FACILITATOR
    assert one["percents"]["facilitator"] is not None and one["scored"] is True
    # The facilitator sees every score with names and levels.
    scores = call(facilitator, "get", f"/role-plays/{bits.role_play.pk}/assessments").json()
    assert len(scores["assessments"]) == 3
    assert all(a["assessor_id"] is not None and a["levels"] for a in scores["assessments"])
    # The peer, on the manager's role-play: only their own scores.
    own = call(token_of(world, "peer"), "get", f"/role-plays/{bits.role_play.pk}/assessments")
    assert [a["assessor_id"] for a in own.json()["assessments"]] == [peer.pk]
    # A manager on the calibration: everyone's levels, nobody named but themselves.
    spread = call(
        token_of(world, "manager"), "get", f"/role-plays/{bits.calibration.pk}/assessments"
    )
    named = [a["assessor_id"] for a in spread.json()["assessments"] if a["assessor_id"]]
    assert named == [manager.pk] and len(spread.json()["assessments"]) == 3
    assert all(a["levels"] for a in spread.json()["assessments"])
    # The sponsor: totals, no names, no levels, no remarks.
    totals = call(token_of(world, "sponsor"), "get", f"/role-plays/{bits.role_play.pk}/assessments")
    assert all(
        a["assessor_id"] is None and a["levels"] == [] and a["note"] == ""
        for a in totals.json()["assessments"]
    )
    assert_problem(call(token_of(world, "coach"), "get", f"/role-plays/{bits.role_play.pk}"), 403)


def test_score_as_the_token_owner(world: World) -> None:
    bits = cohort_of(world, scored=False)
    peer = token_of(world, "peer")
    path = f"/role-plays/{bits.role_play.pk}/assessments"
    body = {"levels": levels_body(bits.rubric, [3, 2]), "note": "Buena escucha"}
    made = call(peer, "post", path, body)
    assert made.status_code == 201, made.content
    assert made.json()["kind"] == AssessorKind.PEER and made.json()["total"] == 5
    assert made.json()["assessor_id"] == world.members["peer"].pk
    assert Event.objects.filter(verb="assessment.submitted").count() == 1
    again = call(peer, "post", path, {"levels": levels_body(bits.rubric, [0, 0])})
    assert again.json()["total"] == 0 and again.json()["id"] == made.json()["id"]
    assert Event.objects.filter(verb="assessment.changed").count() == 1


def test_refused_and_bad_scores_change_nothing(world: World) -> None:
    bits = cohort_of(world, scored=False)
    path = f"/role-plays/{bits.role_play.pk}/assessments"
    body = {"levels": levels_body(bits.rubric, [3, 3])}
    assert_problem(call(token_of(world, "admin"), "post", path, body), 403)
    assert_problem(call(token_of(world, "sponsor"), "post", path, body), 403)
    peer = token_of(world, "peer")
    half = {"levels": dict(list(body["levels"].items())[:1])}
    assert "Choose a level" in assert_problem(call(peer, "post", path, half), 409)["detail"]
    first, second = list(body["levels"])
    swapped = {"levels": {first: body["levels"][second], second: body["levels"][first]}}
    assert_problem(call(peer, "post", path, swapped), 409)
    assert_problem(call(peer, "post", path, {"levels": {"abc": 1}}), 422)
    assert_problem(call(peer, "post", path, {**body, "kind": "facilitator"}), 422)
    assert_problem(call(peer, "post", "/role-plays/999999/assessments", body), 404)
    assert not Assessment.objects.exists()
    assert not Event.objects.filter(verb__startswith="assessment.").exists()
