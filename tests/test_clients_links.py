"""How people reach the clients pages: "Clients" in the menu for those who may see clients, and
from the clients page the quotes to review, their own binder (a rep's, a coach's team's) and the
CRM import; a rep's binder from the rep's progress page, for whoever reads that page. Every link
shown opens (no dead link for a role), and nobody is shown a link they would be refused."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from tests.conftest import World

CLIENTS = "/w/acme/clients/"


def links_in(body: str) -> set[str]:
    return set(re.findall(r'href="([^"]+)"', body))


def main_nav(body: str) -> str:
    return body[body.index('<nav class="mainnav"') : body.index("</nav>")]


@pytest.mark.parametrize(
    ("who", "binder"),
    [
        ("rep", ("rep", "rep")),  # their own
        ("coach", ("team", "coach")),  # their team's
        ("admin", None),  # coaches nobody: reads reps' binders from their pages
    ],
)
def test_the_clients_page_links_to_quotes_binder_and_import(
    world: World, who: str, binder: tuple[str, str] | None
) -> None:
    client = world.client(who)
    body = client.get(CLIENTS).content.decode()
    assert CLIENTS in links_in(main_nav(body))
    page = body[body.index("<main") :]
    expected = {reverse("quotes_review", args=["acme"]), reverse("crm_import", args=["acme"])}
    binders = {link for link in links_in(page) if "/binder/" in link}
    if binder is None:
        assert binders == set()
    else:
        scope, key = binder
        own = reverse("binder_page", args=["acme", scope, world.members[key].pk])
        assert binders == {own}
        expected.add(own)
    assert expected <= links_in(page)
    for link in expected:
        assert client.get(link).status_code == 200, link


def test_a_stakeholder_has_no_clients_link_and_reads_the_binder_from_the_reps_page(
    world: World,
) -> None:
    """Stakeholders read figures and binders, not clients' addresses: no "Clients" in the menu,
    the page refused; the rep's progress page leads to the rep's binder."""
    client = world.client("stakeholder")
    rep = world.members["rep"]
    progress = client.get(reverse("rep_progress", args=["acme", rep.pk])).content.decode()
    assert CLIENTS not in links_in(main_nav(progress))
    assert client.get(CLIENTS).status_code == 403
    binder = reverse("binder_page", args=["acme", "rep", rep.pk])
    assert binder in links_in(progress)
    page = client.get(binder)
    assert page.status_code == 200
    # No link to the review page they may not open.
    assert reverse("quotes_review", args=["acme"]) not in links_in(page.content.decode())


@pytest.mark.parametrize("who", ["rep", "coach", "admin"])
def test_the_reps_page_leads_to_the_reps_binder(world: World, who: str) -> None:
    rep = world.members["rep"]
    client = world.client(who)
    progress = client.get(reverse("rep_progress", args=["acme", rep.pk])).content.decode()
    binder = reverse("binder_page", args=["acme", "rep", rep.pk])
    assert binder in links_in(progress)
    page = client.get(binder).content.decode()
    assert reverse("quotes_review", args=["acme"]) in links_in(page)
