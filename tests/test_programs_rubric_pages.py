"""Rubrics through their pages: writing one and its bad input (every row keeps what was
typed), the rubric a scored role-play uses, copying, and the default coaching-conversation
rubric in the workspace's language."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from followthrough.accounts.models import Profile
from followthrough.events.models import Event
from followthrough.lib.errors import ActionRefused
from followthrough.programs.models import Criterion, Level, Rubric
from followthrough.programs.rubrics import actions
from followthrough.programs.rubrics.defaults import KEY
from tests.conftest import World
from tests.rubrics_helpers import cohort_of

NEW = reverse("rubric_new", args=["acme"])


def rows(*criteria: tuple[str, list[tuple[str, str]]], columns: int = 4) -> dict[str, object]:
    data: dict[str, object] = {"name": "Escucha", "rows": len(criteria), "columns": columns}
    for i, (text, levels) in enumerate(criteria):
        data[f"c{i}"] = text
        for j, (points, definition) in enumerate(levels):
            data[f"c{i}l{j}p"], data[f"c{i}l{j}d"] = points, definition
    return data


def facilitator(world: World) -> Client:
    cohort_of(world)
    return world.client("facilitator")


def test_a_rubric_written_row_by_row(world: World) -> None:
    client = facilitator(world)
    data = rows(
        ("Escuchó", [("0", "Nada"), ("1", "Algo"), ("3", "Mucho")]),
        ("", [("", ""), ("", "")]),  # a blank row is left out
        ("Preguntó", [("0", "Nunca"), ("", ""), ("2", "Siempre")]),  # a blank level too
    )
    response = client.post(NEW, data)
    assert response.status_code == 302
    rubric = Rubric.objects.get(name="Escucha")
    assert [
        (c.description, [(lv.points, lv.definition) for lv in c.levels.all()])
        for c in rubric.criteria.all()
    ] == [
        ("Escuchó", [(0, "Nada"), (1, "Algo"), (3, "Mucho")]),
        ("Preguntó", [(0, "Nunca"), (2, "Siempre")]),
    ]
    assert rubric.max_points() == 5
    event = Event.objects.get(verb="rubric.created", about_id=rubric.pk)
    assert event.actor == world.user("facilitator")
    page = client.get(rubric.get_absolute_url()).text
    assert "Escuchó" in page and "The best total is 5 points." in page


@pytest.mark.parametrize(
    ("criteria", "error"),
    [
        ((("Escuchó", [("0", "Nada")]),), "A criterion needs at least two levels."),
        ((("Escuchó", [("1", "Nada"), ("1", "Mucho")]),), "Two levels have the same points (1)."),
        (
            (("Escuchó", [("0", "Nada"), ("101", "Mucho")]),),
            "Points are a whole number from 0 to 100.",
        ),
        (
            (("Escuchó", [("-1", "Nada"), ("1", "Mucho")]),),
            "Points are a whole number from 0 to 100.",
        ),
        (
            (("Escuchó", [("cero", "Nada"), ("1", "Mucho")]),),
            "Points are a whole number from 0 to 100.",
        ),
        ((("Escuchó", [("0", "Nada"), ("1", "  ")]),), "Describe what this level looks like."),
        ((("", [("0", "Nada"), ("1", "Mucho")]),), "Describe this criterion."),
    ],
)
def test_bad_rubrics_are_refused_row_by_row(
    world: World, criteria: tuple[tuple[str, list[tuple[str, str]]], ...], error: str
) -> None:
    client = facilitator(world)
    before = Rubric.objects.count()
    response = client.post(NEW, rows(*criteria, ("Preguntó", [("0", "Nunca"), ("2", "Siempre")])))
    assert response.status_code == 400
    page = response.text
    assert error in page
    # Nothing lost: the good row and what was typed in the bad one are still there.
    assert 'value="Preguntó"' in page and 'value="Siempre"' in page
    for _text, levels in criteria:
        for points, _definition in levels:
            if points.strip():
                assert f'value="{points}"' in page
    assert Rubric.objects.count() == before


def test_a_rubric_with_no_criteria(world: World) -> None:
    client = facilitator(world)
    response = client.post(NEW, rows(("", [("", ""), ("", "")]), ("  ", [("", " ")])))
    assert response.status_code == 400
    assert "A rubric needs at least one criterion." in response.text
    assert not Rubric.objects.filter(name="Escucha").exists()


def test_one_more_criterion_keeps_what_was_typed(world: World) -> None:
    client = facilitator(world)
    before = Rubric.objects.count()
    data = rows(("Escuchó", [("0", "Nada"), ("9", "")]), columns=2)
    response = client.post(NEW, {**data, "more": "1"})
    assert response.status_code == 200
    assert 'value="Escuchó"' in response.text and 'value="9"' in response.text
    assert 'name="c1"' in response.text and 'name="rows" value="2"' in response.text
    assert "Describe what this level looks like." not in response.text  # not checked yet
    assert Rubric.objects.count() == before


def test_people_s_text_is_escaped(world: World) -> None:
    client = facilitator(world)
    data = rows(("<b>Escuchó</b>", [("0", "<script>x</script>"), ("1", "Mucho")]))
    client.post(NEW, data)
    rubric = Rubric.objects.get(name="Escucha")
    page = client.get(rubric.get_absolute_url()).text
    assert "&lt;b&gt;Escuchó&lt;/b&gt;" in page and "<script>x</script>" not in page


def test_a_scored_rubric_keeps_its_levels(world: World) -> None:
    bits = cohort_of(world)
    client = world.client("facilitator")
    url = reverse("rubric_edit", args=["acme", bits.rubric.pk])
    page = client.get(url).text
    assert "Copy it to change them." in page and 'name="c0"' not in page
    levels = sorted(Level.objects.filter(criterion__rubric=bits.rubric).values_list("pk", "points"))
    data = rows(("Otra cosa", [("0", "a"), ("5", "b")]))
    data["name"] = "Rúbrica renombrada"
    assert client.post(url, data).status_code == 302
    bits.rubric.refresh_from_db()
    assert bits.rubric.name == "Rúbrica renombrada"  # the name changes, the grid does not
    assert (
        sorted(Level.objects.filter(criterion__rubric=bits.rubric).values_list("pk", "points"))
        == levels
    )
    with pytest.raises(ActionRefused, match="Copy it and change the copy"):
        actions.save_rubric(
            world.workspace,
            world.members["facilitator"],
            name="x",
            description="",
            grid=[("Otra", [(0, "a"), (1, "b")])],
            rubric=bits.rubric,
        )
    detail = client.get(bits.rubric.get_absolute_url()).text
    assert "Role-plays were scored with this rubric" in detail


def test_copy_a_scored_rubric_and_change_the_copy(world: World) -> None:
    bits = cohort_of(world)
    client = world.client("facilitator")
    response = client.post(reverse("rubric_copy", args=["acme", bits.rubric.pk]))
    copy = Rubric.objects.get(name="Copy of Rúbrica breve")
    assert response["Location"] == reverse("rubric_edit", args=["acme", copy.pk])
    assert actions.grid_of(copy) == actions.grid_of(bits.rubric) and copy.key == ""
    assert Event.objects.filter(verb="rubric.copied", about_id=copy.pk).exists()
    data = rows(("Escuchó", [("0", "Nada"), ("5", "Mucho")]))
    assert client.post(reverse("rubric_edit", args=["acme", copy.pk]), data).status_code == 302
    assert actions.grid_of(copy) == [("Escuchó", [(0, "Nada"), (5, "Mucho")])]
    assert Event.objects.filter(verb="rubric.changed", about_id=copy.pk).exists()


def test_the_default_rubric_once_per_workspace(world: World) -> None:
    first = actions.default_rubric(world.workspace)
    again = actions.default_rubric(world.workspace, world.members["admin"])
    assert first.pk == again.pk and first.key == KEY
    assert Rubric.objects.filter(workspace=world.workspace, key=KEY).count() == 1
    assert Event.objects.filter(verb="rubric.created", about_id=first.pk).count() == 1
    criteria = list(first.criteria.prefetch_related("levels"))
    assert [c.description for c in criteria] == [
        "Reviewed the commitments from last time",
        "Asked before telling",
        "Set one measurable commitment with a date",
        "Agreed when to follow up",
        "The rep talked more than the manager",
        "Confirmed the next step",
    ]
    assert all([lv.points for lv in c.levels.all()] == [0, 1, 2, 3] for c in criteria)
    assert criteria[0].levels.first().definition.startswith("Not done")  # type: ignore[union-attr]
    assert first.max_points() == 18 and first.problems() == []


def test_the_default_rubric_in_the_workspace_s_language(world: World) -> None:
    world.other_workspace.language = "es"
    world.other_workspace.save()
    with translation.override("en"):  # whoever asks, it is written in the workspace's language
        rubric = actions.default_rubric(world.other_workspace)
    assert rubric.name == "Conversación de coaching"
    assert rubric.criteria.first().description == "Revisó los compromisos de la vez anterior"  # type: ignore[union-attr]
    assert rubric.criteria.first().levels.first().definition.startswith("No lo hizo")  # type: ignore[union-attr]


def test_the_default_rubric_from_the_list(world: World) -> None:
    client = world.client("admin")
    assert (
        "Add the coaching-conversation rubric"
        in client.get(reverse("rubric_list", args=["acme"])).text
    )
    response = client.post(reverse("rubric_default", args=["acme"]))
    rubric = Rubric.objects.get(workspace=world.workspace, key=KEY)
    assert response["Location"] == rubric.get_absolute_url()
    client.post(reverse("rubric_default", args=["acme"]))
    assert Rubric.objects.filter(key=KEY).count() == 1
    assert (
        "Add the coaching-conversation rubric"
        not in client.get(reverse("rubric_list", args=["acme"])).text
    )


def test_the_rubric_list_does_not_grow_queries(world: World) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = world.client("admin")
    actions.default_rubric(world.workspace)
    url = reverse("rubric_list", args=["acme"])
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    cohort_of(world)
    for _n in range(3):
        actions.copy_rubric(Rubric.objects.get(key=KEY), world.members["admin"])
    with CaptureQueriesContext(connection) as five:
        assert "Copy of Coaching conversation" in client.get(url).text
    assert len(five) == len(one)


def test_the_shipped_words_in_the_reader_s_language(world: World) -> None:
    rubric = actions.default_rubric(world.workspace)  # an English workspace
    Profile.objects.filter(user=world.user("coach")).update(language="es")
    page = world.client("coach").get(rubric.get_absolute_url()).text
    assert "Revisó los compromisos de la vez anterior" in page
    assert "Reviewed the commitments from last time" not in page
    assert "No lo hizo: no mencionó los compromisos de la vez anterior." in page
    # Words people changed are theirs, as written.
    Criterion.objects.filter(rubric=rubric, sort_order=0).update(description="Went over last week")
    page = world.client("coach").get(rubric.get_absolute_url()).text
    assert "Went over last week" in page and "Preguntó antes de decir" in page
    english = world.client("admin").get(rubric.get_absolute_url()).text
    assert "Asked before telling" in english
