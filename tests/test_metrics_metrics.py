"""The workspace's metrics page: admins list, add and edit metrics; every name and alias
points to one metric only."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from followthrough.metrics.models import Metric
from tests.conftest import World


def add(world: World, **data: object) -> Any:
    fields: dict[str, object] = {"name": "", "unit": "", "kind": "activity", "position": 50}
    fields.update(data)
    return world.client("admin").post(reverse("metrics", args=["acme"]), fields)


def test_the_page_lists_the_defaults_in_order(world: World, django_assert_num_queries: Any) -> None:
    client = world.client("admin")
    url = reverse("metrics", args=["acme"])
    client.get(url)  # the first visit creates the defaults
    Metric.objects.create(workspace=world.workspace, name="Policies sold", position=99)
    # The page's own two (are there metrics? which?) and every workspace page's nine.
    with django_assert_num_queries(11):
        page = client.get(url)
    assert page.status_code == 200
    text = page.text
    positions = [
        text.index(f'<th scope="row">{name}</th>')
        for name in ("Calls made", "Revenue", "Policies sold")
    ]
    assert positions == sorted(positions)
    assert "calls, call, dials" in text  # the aliases
    assert 'name="position" value="100"' in text  # a new one goes last


def test_an_admin_adds_a_metric_with_aliases(world: World) -> None:
    admin = world.client("admin")
    response = admin.post(
        reverse("metrics", args=["acme"]),
        {
            "name": "  Policies   sold ",
            "unit": "policies",
            "kind": "result",
            "aliases_text": "policies, sold policies,, Policies ,policies sold, POLICIES",
            "position": 50,
        },
        follow=True,
    )
    assert response.redirect_chain == [(reverse("metrics", args=["acme"]), 302)]
    assert "“Policies sold” added." in response.text
    metric = Metric.objects.get(workspace=world.workspace, name="Policies sold")
    # Blanks, repeats and its own name are left out.
    assert metric.aliases == ["policies", "sold policies"]
    assert (metric.unit, metric.kind, metric.position) == ("policies", "result", 50)
    assert Metric.by_name(world.workspace)["sold policies"] == metric


@pytest.mark.parametrize(
    ("data", "field", "error"),
    [
        ({"name": "calls  MADE"}, "name", "“Calls made” already answers to this name."),
        ({"name": "Dials"}, "name", "“Calls made” already answers to this name."),
        (
            {"name": "X", "aliases_text": "x2, revenue"},
            "aliases_text",
            "“revenue” is already a name of “Revenue”.",
        ),
        (
            {"name": "X", "aliases_text": "Quotes"},
            "aliases_text",
            "“Quotes” is already a name of “Proposals sent”.",
        ),
        ({"name": "   "}, "name", "This field is required."),
        ({"name": "X", "kind": "mood"}, "kind", "Select a valid choice."),
        ({"name": "X", "position": "-1"}, "position", "greater than or equal to 0"),
        ({"name": "X", "aliases_text": "a" * 61}, "aliases_text", "too long"),
        (
            {"name": "X", "aliases_text": ",".join(f"n{i}" for i in range(21))},
            "aliases_text",
            "At most 20",
        ),
    ],
)
def test_names_already_taken_and_bad_values_are_form_errors(
    world: World, data: dict[str, object], field: str, error: str
) -> None:
    Metric.of(world.workspace)
    response = add(world, **data)
    assert response.status_code == 400
    assert f'id="id_{field}_error"' in response.text and error in response.text
    assert Metric.objects.filter(workspace=world.workspace).count() == 8


def test_another_workspace_may_use_the_same_names(world: World) -> None:
    Metric.of(world.other_workspace)
    assert add(world, name="Calls made").status_code == 400
    Metric.of(world.workspace).get(name="Calls made").delete()
    assert add(world, name="Calls made").status_code == 302
    assert Metric.objects.filter(name="Calls made").count() == 2


def test_an_admin_edits_a_metric(world: World) -> None:
    calls = Metric.of(world.workspace).get(name="Calls made")
    url = reverse("metric_edit", args=["acme", calls.pk])
    client = world.client("admin")
    form = client.get(url)
    # Its other names in every language, the workspace's first.
    assert form.status_code == 200 and 'value="calls, call, dials, llamadas, llamada"' in form.text
    # Saving unchanged is fine: its own names are not "taken".
    unchanged = {"name": "Calls made", "unit": "calls", "kind": "activity", "position": 0}
    assert client.post(url, {**unchanged, "aliases_text": "calls, call, dials"}).status_code == 302
    response = client.post(
        url, {**unchanged, "name": "Calls", "aliases_text": "dials, phone calls", "position": 3}
    )
    assert response.status_code == 302
    calls.refresh_from_db()
    assert (calls.name, calls.aliases, calls.position) == ("Calls", ["dials", "phone calls"], 3)
    # Taking another metric's alias is refused; the page keeps the saved name in its title.
    refused = client.post(url, {**unchanged, "name": "Calls", "aliases_text": "wins"})
    assert refused.status_code == 400
    assert "“wins” is already a name of “Deals won”." in refused.text
    assert "<h1>Edit “Calls”</h1>" in refused.text
    calls.refresh_from_db()
    assert calls.aliases == ["dials", "phone calls"]


def test_a_metric_of_another_workspace_is_not_found(world: World) -> None:
    theirs = Metric.of(world.other_workspace).first()
    assert theirs is not None
    url = reverse("metric_edit", args=["acme", theirs.pk])
    assert world.client("admin").get(url).status_code == 404
    assert world.client("admin").post(url, {"name": "Hacked"}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.name == "Calls made"


def test_names_typed_are_escaped(world: World) -> None:
    add(world, name="<script>alert(1)</script>", aliases_text="<b>bold</b>")
    text = world.client("admin").get(reverse("metrics", args=["acme"])).text
    assert "<script>alert(1)</script>" not in text and "<b>bold</b>" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text


@pytest.mark.parametrize(
    ("unit", "value", "said"),
    [("deals", 1, "deal"), ("deals", 2, "deals"), ("calls", 0, "calls"), ("USD", 1, "USD")],
)
def test_a_unit_is_singular_for_exactly_one(unit: str, value: int, said: str) -> None:
    assert Metric(name="x", unit=unit).unit_for(value) == said
