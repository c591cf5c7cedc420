"""Role-plays: setting one up in a cohort, scoring it three ways (the seat comes from who
scores), scoring again, bad scores, what each person sees side by side and in a calibration,
and the cohort's list, whose queries do not grow with the role-plays."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from followthrough.events.models import Event
from followthrough.lib.errors import ActionRefused
from followthrough.programs.models import Assessment, Enrollment, RolePlay, Rubric
from followthrough.programs.rubrics import actions
from followthrough.programs.rubrics.defaults import KEY
from tests.conftest import World
from tests.rubrics_helpers import CohortBits, cohort_of, levels_of, other_workspace_role_play


def new_role_play(world: World, bits: CohortBits, title: str = "Tercera llamada") -> RolePlay:
    return actions.create_role_play(
        bits.cohort,
        world.members["facilitator"],
        title=title,
        scenario="Bea no mandó las propuestas.",
        rubric=bits.rubric,
        played_on=dt.date(2026, 11, 30),
        session=bits.workshop,
        manager=bits.enrollment("manager", world),
    )


def score_data(bits: CohortBits, steps: list[int], **extra: str) -> dict[str, object]:
    data: dict[str, object] = {f"level_{c}": lv for c, lv in levels_of(bits.rubric, steps).items()}
    data.update(extra)
    return data


# Setting one up --------------------------------------------------------------------------------


def test_set_up_a_role_play_and_a_calibration(world: World) -> None:
    bits = cohort_of(world)
    client = world.client("facilitator")
    url = reverse("role_play_new", args=["acme", bits.cohort.pk])
    page = client.get(url).text
    assert "Marta Gil" in page and "Nobody: a calibration, everyone scores it" in page
    response = client.post(
        url,
        {
            "title": "Con el peer",
            "scenario": "Pedro con Bea.",
            "rubric": bits.rubric.pk,
            "played_on": "2026-11-30",
            "session": bits.workshop.pk,
            "manager": bits.enrollment("peer", world).pk,
        },
    )
    role_play = RolePlay.objects.get(title="Con el peer")
    assert response["Location"] == role_play.get_absolute_url()
    assert role_play.manager == bits.enrollment("peer", world) and not role_play.is_calibration
    assert Event.objects.filter(verb="role_play.created", about_id=role_play.pk).exists()
    # No manager: a calibration; no rubric chosen: the default one, made on demand.
    client.post(url, {"title": "Grabación", "scenario": "-", "played_on": "2026-11-30"})
    calibration = RolePlay.objects.get(title="Grabación")
    assert calibration.is_calibration and calibration.manager is None
    assert calibration.rubric.key == KEY


def test_bad_role_plays(world: World) -> None:
    bits = cohort_of(world)
    other = other_workspace_role_play(world)
    client = world.client("facilitator")
    url = reverse("role_play_new", args=["acme", bits.cohort.pk])
    base = {"title": "Mala", "scenario": "-", "played_on": "2026-11-30"}
    bads: list[dict[str, object]] = [
        {"rubric": other.rubric_id},  # another workspace's rubric
        {"session": other.cohort.sessions.get().pk},  # another cohort's session
        {"manager": 999999},
        {"played_on": "mañana"},
        {"title": ""},
    ]
    for bad in bads:
        response = client.post(url, {**base, **bad})
        assert response.status_code == 400, bad
        assert 'value="Mala"' in response.text or not bad.get("title", "x")
    assert not RolePlay.objects.filter(title="Mala").exists()
    # A manager who left is not offered, and the action refuses them too.
    Enrollment.objects.filter(pk=bits.enrollment("peer", world).pk).update(
        left_at=dt.datetime(2026, 11, 20, tzinfo=dt.UTC)
    )
    assert "Pedro Sanz" not in client.get(url).text
    with pytest.raises(ActionRefused):
        actions.create_role_play(
            bits.cohort,
            world.members["facilitator"],
            title="Mala",
            scenario="-",
            rubric=bits.rubric,
            played_on=dt.date(2026, 11, 30),
            manager=bits.enrollment("peer", world),
        )
    broken = Rubric.objects.create(workspace=world.workspace, name="Vacía")
    with pytest.raises(ActionRefused, match="at least one criterion"):
        actions.create_role_play(
            bits.cohort,
            world.members["admin"],
            title="Mala",
            scenario="-",
            rubric=broken,
            played_on=dt.date(2026, 11, 30),
        )


# Scoring three ways ---------------------------------------------------------------------------


def test_scored_three_ways(world: World) -> None:
    bits = cohort_of(world)
    role_play = new_role_play(world, bits)
    url = reverse("role_play_score", args=["acme", role_play.pk])
    criteria = list(bits.rubric.criteria.all())
    for key, steps in [("facilitator", [3, 3]), ("peer", [2, 2]), ("manager", [0, 1])]:
        client = world.client(key)
        assert "You score it as:" in client.get(url).text
        remark = {f"remark_{criteria[0].pk}": f"Observación de {key}"}
        response = client.post(url, score_data(bits, steps, note=f"Nota de {key}", **remark))
        assert response.status_code == 302, response.text[:2000]
    kinds = dict(
        Assessment.objects.filter(role_play=role_play).values_list("assessor__user__email", "kind")
    )
    assert kinds == {
        "facilitator@example.org": "facilitator",
        "peer@example.org": "peer",
        "manager@example.org": "self",
    }
    assert (
        Event.objects.filter(verb="assessment.submitted")
        .filter(about_id__in=Assessment.objects.filter(role_play=role_play).values("pk"))
        .count()
        == 3
    )
    page = world.client("manager").get(role_play.get_absolute_url()).text
    # Marta (who played) sees the three, with names, remarks and notes, and where they part.
    for text in ["Fátima Ortega", "Pedro Sanz", "Observación de peer", "Nota de facilitator"]:
        assert text in page
    assert "6 of 6 (100.0 %)" in page and "4 of 6 (66.7 %)" in page and "1 of 6 (16.7 %)" in page
    assert "two scores 2 levels or more apart" in page
    assert "2 criteria apart" in page  # [3, 2, 0] and [3, 2, 1]


def test_scoring_again_changes_the_same_assessment(world: World) -> None:
    bits = cohort_of(world)
    url = reverse("role_play_score", args=["acme", bits.role_play.pk])
    client = world.client("peer")
    mine = Assessment.objects.get(role_play=bits.role_play, assessor=world.members["peer"])
    page = client.get(url).text
    assert "You scored it before" in page
    assert client.post(url, score_data(bits, [0, 0], note="Cambié")).status_code == 302
    assert (
        Assessment.objects.filter(role_play=bits.role_play, assessor=world.members["peer"]).count()
        == 1
    )
    mine.refresh_from_db()
    assert (mine.pk, mine.note, mine.total_points()) == (mine.pk, "Cambié", 0)
    assert Event.objects.filter(verb="assessment.changed", about_id=mine.pk).exists()


@pytest.mark.parametrize("bad", ["other criterion", "missing", "no such level", "not a number"])
def test_bad_scores(world: World, bad: str) -> None:
    bits = cohort_of(world)
    role_play = new_role_play(world, bits)
    first, second = bits.rubric.criteria.all()
    data = score_data(bits, [1, 1], note="Se queda")
    if bad == "other criterion":
        data[f"level_{first.pk}"] = second.levels.first().pk  # type: ignore[union-attr]
        error = "Choose one of this criterion&#x27;s levels."
    elif bad == "missing":
        del data[f"level_{second.pk}"]
        error = "Choose a level for this criterion."
    elif bad == "no such level":
        data[f"level_{first.pk}"] = 999999
        error = "Choose one of this criterion&#x27;s levels."
    else:
        data[f"level_{first.pk}"] = "tres"
        error = "Choose one of this criterion&#x27;s levels."
    response = world.client("facilitator").post(
        reverse("role_play_score", args=["acme", role_play.pk]), data
    )
    assert response.status_code == 400
    assert error in response.text and "Se queda" in response.text
    assert not Assessment.objects.filter(role_play=role_play).exists()


def test_the_action_refuses_bad_scores_too(world: World) -> None:
    bits = cohort_of(world)
    role_play = new_role_play(world, bits)
    first, second = bits.rubric.criteria.all()
    good = levels_of(bits.rubric, [1, 1])
    facilitator = world.members["facilitator"]
    with pytest.raises(ActionRefused, match="Choose a level"):
        actions.submit_assessment(role_play, facilitator, levels={first.pk: good[first.pk]})
    with pytest.raises(ActionRefused, match="not one of"):
        actions.submit_assessment(
            role_play, facilitator, levels={**good, first.pk: good[second.pk]}
        )
    other = other_workspace_role_play(world)
    stranger = other.rubric.criteria.first()
    with pytest.raises(ActionRefused, match="not in this role-play"):
        actions.submit_assessment(
            role_play,
            facilitator,
            levels={**good, stranger.pk: stranger.levels.first().pk},  # type: ignore[union-attr]
        )
    for key in ["admin", "coach", "sponsor", "rep"]:
        with pytest.raises(ActionRefused, match="Only the facilitator"):
            actions.submit_assessment(role_play, world.members[key], levels=good)
    assert not Assessment.objects.filter(role_play=role_play).exists()


def test_another_workspace_s_role_play_is_not_found(world: World) -> None:
    cohort_of(world)
    other = other_workspace_role_play(world)
    for key in ["facilitator", "admin"]:
        client = world.client(key)
        assert client.get(reverse("role_play_score", args=["acme", other.pk])).status_code == 404
        assert client.get(reverse("role_play_detail", args=["acme", other.pk])).status_code == 404
    assert not Assessment.objects.filter(role_play=other).exists()


def test_a_manager_who_left_no_longer_scores(world: World) -> None:
    bits = cohort_of(world)
    Enrollment.objects.filter(pk=bits.enrollment("peer", world).pk).update(
        left_at=dt.datetime(2026, 11, 20, tzinfo=dt.UTC)
    )
    client = world.client("peer")
    assert (
        client.get(reverse("role_play_score", args=["acme", bits.role_play.pk])).status_code == 403
    )
    # Their history stays readable.
    assert client.get(bits.calibration.get_absolute_url()).status_code == 200


# Who sees what ---------------------------------------------------------------------------------


def test_a_peer_sees_their_own_scores_only(world: World) -> None:
    bits = cohort_of(world)
    first = bits.rubric.criteria.first()
    assert first is not None
    actions.submit_assessment(
        bits.role_play,
        world.members["facilitator"],
        levels=levels_of(bits.rubric, [2, 1]),
        remarks={first.pk: "Secreto del facilitador"},
        note="Nota privada",
    )
    page = world.client("peer").get(bits.role_play.get_absolute_url()).text
    assert "(you)" in page and "5 of 6 (83.3 %)" in page
    assert "Secreto del facilitador" not in page and "Nota privada" not in page
    assert "3 of 6" not in page and "Fátima Ortega" not in page
    played = world.client("manager").get(bits.role_play.get_absolute_url()).text
    assert "Secreto del facilitador" in played and "Nota privada" in played


def test_a_sponsor_sees_totals_without_remarks(world: World) -> None:
    bits = cohort_of(world)
    first = bits.rubric.criteria.first()
    assert first is not None
    actions.submit_assessment(
        bits.role_play,
        world.members["peer"],
        levels=levels_of(bits.rubric, [3, 2]),
        remarks={first.pk: "Comentario del par"},
        note="Nota del par",
    )
    page = world.client("sponsor").get(bits.role_play.get_absolute_url()).text
    assert "3 of 6 (50.0 %)" in page and "5 of 6 (83.3 %)" in page and "1 of 6 (16.7 %)" in page
    for hidden in ["Comentario del par", "Nota del par", "Pedro Sanz", "Fátima Ortega", "Escuchó"]:
        assert hidden not in page, hidden


def test_the_calibration_anonymised_for_managers(world: World) -> None:
    bits = cohort_of(world)
    page = world.client("manager").get(bits.calibration.get_absolute_url()).text
    assert "Pedro Sanz" not in page and "Fátima Ortega" not in page
    assert "Scorer 2" in page or "Scorer 3" in page
    assert '<tr class="you">' in page
    assert "The spread per criterion" in page
    named = world.client("facilitator").get(bits.calibration.get_absolute_url()).text
    assert "Pedro Sanz" in named and "Marta Gil" in named and "the reference" in named
    sponsor = world.client("sponsor").get(bits.calibration.get_absolute_url()).text
    assert "Pedro Sanz" not in sponsor and "The spread per criterion" not in sponsor


def test_the_cohort_list(world: World) -> None:
    bits = cohort_of(world)
    url = reverse("cohort_role_plays", args=["acme", bits.cohort.pk])
    facilitator = world.client("facilitator").get(url).text
    assert "Llamada con Ana" in facilitator and "Grabación de Luis" in facilitator
    assert "50.0 %" in facilitator and "83.3 %" in facilitator and "16.7 %" in facilitator
    assert "Set up a role-play" in facilitator
    peer = world.client("peer").get(url).text
    assert "83.3 %" in peer and "16.7 %" not in peer and "Set up a role-play" not in peer
    assert "Change your scores" in peer


def test_pages_do_not_grow_queries_with_role_plays(world: World) -> None:
    bits = cohort_of(world)
    client = world.client("facilitator")
    urls = [
        reverse("cohort_role_plays", args=["acme", bits.cohort.pk]),
        bits.role_play.get_absolute_url(),
        bits.calibration.get_absolute_url(),
    ]
    client.get(urls[0])

    def counts() -> list[int]:
        found = []
        for url in urls:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            found.append(len(queries))
        return found

    before = counts()
    for n in range(4):
        role_play = new_role_play(world, bits, f"Ronda {n}")
        for key in ["facilitator", "peer", "manager"]:
            actions.submit_assessment(
                role_play, world.members[key], levels=levels_of(bits.rubric, [n % 4, 1])
            )
        actions.submit_assessment(
            bits.calibration,
            world.members["facilitator"],
            levels=levels_of(bits.rubric, [n % 4, 0]),
        )
    assert counts() == before
