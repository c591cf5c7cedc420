"""Kinds of follow-up are registered by the apps that send them; the engine knows none of them
but its own notice. tests/kindsapp registers "survey", as a new feature's app would."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from followthrough.followups import actions, kinds
from followthrough.followups.models import FollowUp, Kind
from tests.conftest import World


def survey(world: World) -> FollowUp:
    rep = world.user("rep")
    return actions.schedule(
        kind="survey",
        template="notice",
        to_email=rep.email,
        recipient=rep,
        workspace=world.workspace,
        about=world.workspace,
        context={"subject": "How are we doing?", "text": "Tell us."},
    )


def test_an_unregistered_kind_is_refused_and_nothing_is_written(world: World) -> None:
    with pytest.raises(kinds.UnknownKind, match="carrier_pigeon"):
        actions.schedule(kind="carrier_pigeon", template="notice", to_email="rep@example.org")
    assert not FollowUp.objects.exists()
    with pytest.raises(AttributeError, match="carrier_pigeon"):
        Kind.CARRIER_PIGEON  # noqa: B018
    row = FollowUp(kind="carrier_pigeon", template="notice", to_email="rep@example.org")
    with pytest.raises(ValidationError) as refused:
        row.full_clean(exclude=["send_at"])
    assert "not a known kind of follow-up" in str(refused.value)


def test_a_kind_refuses_an_object_it_is_not_about(world: World) -> None:
    with pytest.raises(kinds.UnknownKind, match=r"about a coaching\.Commitment"):
        actions.schedule(
            kind=Kind.CHECK_IN,
            template="checkin",
            to_email="rep@example.org",
            about=world.workspace,
        )
    assert not FollowUp.objects.exists()


def test_the_apps_register_their_kinds_and_old_names_still_work() -> None:
    assert Kind.CHECK_IN == "check_in" and str(Kind.CHECK_IN.label) == "Check-in"
    assert Kind.CHECK_IN.about_model == "coaching.Commitment"
    assert kinds.get("invitation").templates == ("invitation",)
    registered = {str(kind) for kind in kinds.registered()}
    assert {"check_in", "reminder", "recap", "meeting_invite", "notice"} <= registered
    assert {"invitation", "password_reset", "survey"} <= registered
    # Registering the same kind again (ready() may run twice) is harmless; another is refused.
    kinds.register(kinds.NOTICE)
    with pytest.raises(ValueError, match="already registered"):
        kinds.register(Kind("notice", "Something else"))


def test_the_outbox_filter_lists_the_registered_kinds(world: World) -> None:
    page = world.client("admin").get(reverse("outbox", args=["acme"])).text
    for value, label in kinds.choices():
        assert f'<option value="{value}">{label}</option>' in page
    assert '<option value="survey">Client survey</option>' in page


def test_a_kind_registered_by_a_test_app_shows_with_its_label(world: World) -> None:
    row = survey(world)
    actions.schedule(
        kind=Kind.NOTICE, template="notice", to_email="coach@example.org", workspace=world.workspace
    )
    admin = world.client("admin")
    url = reverse("outbox", args=["acme"])
    rows = admin.get(url, {"kind": "survey"}).text.split("<tbody>")[1]
    assert rows.count("<tr>") == 1 and "Client survey" in rows
    detail = admin.get(reverse("followup_detail", args=["acme", row.pk])).text
    assert "<h1>Client survey to Rep</h1>" in detail
    assert str(row).startswith("Client survey to rep@example.org")


def test_a_stored_kind_no_app_registers_any_more_shows_as_it_is(world: World) -> None:
    row = survey(world)
    FollowUp.objects.filter(pk=row.pk).update(kind="retired_kind")
    row.refresh_from_db()
    assert row.get_kind_display() == "retired_kind"
    page = world.client("admin").get(reverse("outbox", args=["acme"])).text
    assert "retired_kind" in page
