"""Clients after the sale (story 002), from a won deal to the client's answer, through a real
SMTP server with frozen time: the schedule (a working day, 10:00 in the client's zone, across the
end of daylight saving time), the reminder, the 90-day throttle, the cancel when the deal leaves
Won, consent and its withdrawal, the routing of a low score, scanners, bad input."""

from __future__ import annotations

import datetime as dt
import re
from email.message import EmailMessage
from urllib.parse import urlsplit

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from followthrough.clients import actions, queries
from followthrough.clients.models import (
    CheckInState,
    ClientCheckIn,
    ClientSettings,
    Contact,
    Credit,
    QuoteState,
    SenderChoice,
    SkipReason,
)
from followthrough.followups.models import FollowUp, State
from followthrough.lib.errors import ActionRefused
from followthrough.pipeline import actions as pipeline
from followthrough.pipeline.models import Opportunity, Stage
from tests.coaching_helpers import live_in
from tests.conftest import Inbox, World, dispatch, text_body

UTC = dt.UTC
CHICAGO = "America/Chicago"
# Friday 2 October 2026, 15:00 in Chicago (CDT, UTC-5). Thirty days later is Sunday 1 November,
# the day the US clocks go back: the check-in goes out on Monday 2 November, 10:00 CST (UTC-6).
WON_AT = dt.datetime(2026, 10, 2, 20, 0, tzinfo=UTC)
SEND_AT = dt.datetime(2026, 11, 2, 16, 0, tzinfo=UTC)
# Five working days later: Monday 9 November, 10:00 CST.
REMINDER_AT = dt.datetime(2026, 11, 9, 16, 0, tzinfo=UTC)


def a_deal(world: World, rep: str = "rep", account: str = "Lakeshore Medical Group") -> Opportunity:
    return pipeline.create_opportunity(
        world.members[rep],
        by=world.user(rep),
        account=account,
        contact_name="Helen Moy",
        contact_email="Helen.Moy@lakeshore.example",
        stage=Stage.NEGOTIATION,
    )


def won_deal_with_client(world: World, **contact: str) -> tuple[Opportunity, Contact]:
    live_in(world, "rep", CHICAGO)
    live_in(world, "coach", CHICAGO)
    with time_machine.travel(WON_AT - dt.timedelta(days=1), tick=False):
        deal = a_deal(world)
        client = actions.contact_from_deal(deal, by=world.user("rep"))
        if contact:
            actions.update_contact(client, by=world.user("rep"), **contact)
    with time_machine.travel(WON_AT, tick=False):
        pipeline.move_opportunity(deal, Stage.WON, by=world.user("rep"))
    return deal, client


def links_of(message: EmailMessage) -> dict[int, str]:
    found = re.findall(r"^\s+(\d+): (\S+)\r?$", text_body(message), re.MULTILINE)
    return {int(score): url for score, url in found}


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


# -- the schedule


def test_a_won_deal_asks_each_client_on_a_working_day_at_ten_in_their_zone_across_dst(
    world: World,
) -> None:
    deal, helen = won_deal_with_client(world)
    with time_machine.travel(WON_AT, tick=False):
        madrid = actions.create_contact(
            world.workspace.pk,
            by=world.user("rep"),
            name="Ana García",
            email="ana@lakeshore.example",
            company="Lakeshore",
            time_zone="Europe/Madrid",
            country="",
            language="es",
        )
        actions.add_contact_to_deal(deal, madrid, by=world.user("rep"))
        nobody = actions.create_contact(
            world.workspace.pk, by=world.user("rep"), name="Front desk", email=""
        )
        actions.add_contact_to_deal(deal, nobody, by=world.user("rep"))

    assert helen.email == "helen.moy@lakeshore.example"  # addresses are compared lower case
    checkin = ClientCheckIn.objects.get(contact=helen)
    emails = {f.kind: f for f in FollowUp.objects.about(checkin)}
    # No zone for Helen: the rep's, Chicago. Sunday 1 November moves to Monday, after DST.
    assert checkin.send_at == SEND_AT == emails["client_check_in"].send_at
    assert emails["client_reminder"].send_at == REMINDER_AT
    # Sent in the manager's name (the rep's coach), replies to them.
    assert checkin.sender == world.members["coach"]
    assert emails["client_check_in"].reply_to == world.user("coach").email
    assert emails["client_check_in"].context["language"] == "en"

    # Ana is in Madrid (CET since 25 October): Monday 2 November 10:00 is 09:00 UTC.
    ana = ClientCheckIn.objects.get(contact=madrid)
    assert ana.send_at == dt.datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
    assert FollowUp.objects.about(ana).get(kind="client_check_in").context["language"] == "es"

    # No address: not scheduled, and the deal page says why.
    skipped = ClientCheckIn.objects.get(contact=nobody)
    assert (skipped.state, skipped.skip_reason) == (CheckInState.SKIPPED, SkipReason.NO_EMAIL)
    assert not FollowUp.objects.about(skipped).exists()
    page = world.client("rep").get(reverse("opportunity_detail", args=["acme", deal.pk]))
    assert "The contact has no email address." in page.content.decode()
    assert "Client check-in" in page.content.decode()
    # The coach (in whose name it goes) finds it in the outbox; another coach would not.
    outbox = world.client("coach").get(reverse("outbox", args=["acme"])).content.decode()
    assert "helen.moy@lakeshore.example" in outbox
    email = FollowUp.objects.about(checkin).get(kind="client_check_in")
    detail = reverse("followup_detail", args=["acme", email.pk])
    assert world.client("coach").get(detail).status_code == 200
    assert world.client("admin").get(detail).status_code == 200
    assert detail not in page.content.decode()  # the rep has no outbox: no link to it


def test_the_workspace_chooses_the_delay_the_sender_and_the_clients_zone(world: World) -> None:
    ClientSettings.objects.create(
        workspace=world.workspace,
        days_after_won=14,
        sender=SenderChoice.REP,
        time_zone="America/New_York",
    )
    _deal, helen = won_deal_with_client(world)
    checkin = ClientCheckIn.objects.get(contact=helen)
    # 2 + 14 = Friday 16 October, 10:00 EDT (UTC-4).
    assert checkin.send_at == dt.datetime(2026, 10, 16, 14, 0, tzinfo=UTC)
    assert checkin.sender == world.members["rep"]
    email = FollowUp.objects.about(checkin).get(kind="client_check_in")
    assert email.reply_to == world.user("rep").email


def test_a_weekend_and_a_public_holiday_move_the_day_on(world: World) -> None:
    # Won Tuesday 25 August 2026 (+30 = Thursday 24 September); with 38 days it is Friday 2
    # October... use Labor Day: won 8 August +31 days = Monday 7 September 2026, a US holiday.
    ClientSettings.objects.create(workspace=world.workspace, days_after_won=31)
    live_in(world, "rep", CHICAGO)
    with time_machine.travel(dt.datetime(2026, 8, 7, 20, 0, tzinfo=UTC), tick=False):
        deal = a_deal(world)
        helen = actions.contact_from_deal(deal, by=world.user("rep"))
        actions.update_contact(helen, by=None, name=helen.name, country="US")
    with time_machine.travel(dt.datetime(2026, 8, 7, 21, 0, tzinfo=UTC), tick=False):
        pipeline.move_opportunity(deal, Stage.WON, by=world.user("rep"))
    checkin = ClientCheckIn.objects.get(contact=helen)
    # Friday 7 August + 31 = Monday 7 September, Labor Day: Tuesday 8 September, 10:00 CDT.
    assert checkin.send_at == dt.datetime(2026, 9, 8, 15, 0, tzinfo=UTC)


# -- from the email to the answer


def test_from_won_to_the_clients_answer_and_consent_through_smtp(
    world: World, smtp_server: Inbox
) -> None:
    _deal, helen = won_deal_with_client(world)
    checkin = ClientCheckIn.objects.get(contact=helen)
    with time_machine.travel(SEND_AT - dt.timedelta(minutes=1), tick=False):
        assert dispatch().sent == 0
    with time_machine.travel(SEND_AT, tick=False):
        assert dispatch().sent == 1
        message = smtp_server.wait_for(1)[0]
    assert message["To"] == "helen.moy@lakeshore.example"
    assert "Coach" in message["From"]  # in the manager's name
    assert message["Reply-To"] == world.user("coach").email
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe = re.fullmatch(r"<(https?://\S+)>", str(message["List-Unsubscribe"]))
    assert unsubscribe is not None
    assert message["Auto-Submitted"] == "auto-generated"
    assert "Lakeshore Medical Group" in str(message["Subject"])
    links = links_of(message)
    assert sorted(links) == list(range(11))
    assert checkin in ClientCheckIn.objects.sent()

    client = Client()
    with time_machine.travel(SEND_AT + dt.timedelta(hours=2), tick=False):
        # A mail scanner opens every link: the page shows, nothing is recorded.
        for url in links.values():
            assert client.get(path_of(url)).status_code == 200
        checkin.refresh_from_db()
        assert checkin.answered_at is None and checkin.score is None
        page = client.get(path_of(links[9])).content.decode()
        assert re.search(r'<input[^>]*value="9"[^>]*checked', page)
        assert not re.search(r'<input[^>]*value="8"[^>]*checked', page)

        answered = client.post(
            path_of(links[9]), {"score": "9", "comment": "Derek was there every step."}
        )
        assert answered.status_code == 200
        body = answered.content.decode()
        assert "May we quote you?" in body
        # The exact words, with each way of being named.
        assert "“Derek was there every step.”, naming me as: Helen Moy, Lakeshore Medical" in body
        assert "naming me as: H.M." in body
        checkin.refresh_from_db()
        assert (checkin.score, checkin.state) == (9, CheckInState.ANSWERED)
        assert checkin.quote_state == QuoteState.NONE  # no consent yet: no candidate
        reminder = FollowUp.objects.about(checkin).get(kind="client_reminder")
        assert reminder.state == State.CANCELLED

        consent_url = reverse("client_consent", args=[checkin.survey_token()])
        done = client.post(consent_url, {"credit": Credit.FIRST})
        assert done.status_code == 200
    checkin.refresh_from_db()
    assert checkin.has_consent and checkin.is_quotable and checkin.is_candidate
    assert checkin.consent_at == SEND_AT + dt.timedelta(hours=2)
    assert checkin.consent_wording == (
        "Acme Insurance may quote my words “Derek was there every step.”, naming me as: "
        "Helen, Lakeshore Medical Group"
    )
    assert list(ClientCheckIn.objects.candidates()) == [checkin]

    # The thank-you (one, after the consent) carries the link to withdraw.
    with time_machine.travel(SEND_AT + dt.timedelta(hours=3), tick=False):
        assert dispatch().sent == 1
        thanks = smtp_server.wait_for(2)[1]
    assert "Derek was there every step." in text_body(thanks)
    withdraw = re.search(r"(http://testserver/client/consent/\S+/withdraw/)", text_body(thanks))
    assert withdraw is not None
    # The approved quote is in the binder until the client withdraws.
    ClientCheckIn.objects.filter(pk=checkin.pk).update(quote_state=QuoteState.APPROVED)
    assert list(ClientCheckIn.objects.in_binder()) == [checkin]
    with time_machine.travel(SEND_AT + dt.timedelta(days=200), tick=False):
        assert client.get(path_of(withdraw.group(1))).status_code == 200  # a scanner
        checkin.refresh_from_db()
        assert checkin.has_consent
        withdrawn = client.post(path_of(withdraw.group(1)))
        assert "Your consent is withdrawn" in withdrawn.content.decode()
    checkin.refresh_from_db()
    assert checkin.withdrawn_at is not None and not checkin.is_quotable
    assert not checkin.in_binder and not ClientCheckIn.objects.in_binder().exists()
    assert checkin.consent_wording  # kept: what was agreed, and when
    assert queries.service(world.members["rep"]).answered == 1
    # The header's one-click address, as a mail provider POSTs it: no cookie, no CSRF token.
    stop = Client(enforce_csrf_checks=True).post(
        path_of(unsubscribe.group(1)),
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert stop.status_code == 200
    helen.refresh_from_db()
    assert helen.is_unsubscribed


def test_the_reminder_goes_after_five_working_days_of_silence(
    world: World, smtp_server: Inbox
) -> None:
    won_deal_with_client(world)
    with time_machine.travel(SEND_AT, tick=False):
        assert dispatch().sent == 1
    with time_machine.travel(REMINDER_AT - dt.timedelta(minutes=1), tick=False):
        assert dispatch().sent == 0
    with time_machine.travel(REMINDER_AT, tick=False):
        assert dispatch().sent == 1
        reminder = smtp_server.wait_for(2)[1]
    assert "reminder" in str(reminder["Subject"]).lower()
    assert sorted(links_of(reminder)) == list(range(11))
    assert reminder["List-Unsubscribe"]


def test_answering_again_updates_the_same_answer_and_new_words_need_consent_again(
    world: World,
) -> None:
    _deal, helen = won_deal_with_client(world)
    checkin = ClientCheckIn.objects.get(contact=helen)
    url = reverse("client_answer", args=[checkin.survey_token()])
    client = Client()
    with time_machine.travel(SEND_AT, tick=False):
        client.post(url, {"score": "10", "comment": "Superb."})
        client.post(reverse("client_consent", args=[checkin.survey_token()]), {"credit": "full"})
        checkin.refresh_from_db()
        assert checkin.is_candidate
        client.post(url, {"score": "10", "comment": "Superb, truly."})
    assert ClientCheckIn.objects.filter(contact=helen).count() == 1
    checkin.refresh_from_db()
    assert checkin.comment == "Superb, truly."
    # The consent was given to other words: it no longer stands.
    assert not checkin.has_consent and not checkin.is_quotable
    assert checkin.quote_state == QuoteState.NONE
    assert FollowUp.objects.about(checkin).filter(kind="client_thanks").count() == 1


# -- routing


def test_a_low_score_goes_at_once_to_the_rep_and_the_manager_with_a_callback(
    world: World, smtp_server: Inbox
) -> None:
    deal, helen = won_deal_with_client(world)
    checkin = ClientCheckIn.objects.get(contact=helen)
    # Tuesday 3 November 2026, 09:00 in Chicago.
    answered_at = dt.datetime(2026, 11, 3, 15, 0, tzinfo=UTC)
    with time_machine.travel(SEND_AT, tick=False):
        assert dispatch().sent == 1  # the check-in itself
        smtp_server.messages.clear()
    with time_machine.travel(answered_at, tick=False):
        response = Client().post(
            reverse("client_answer", args=[checkin.survey_token()]),
            {"score": "3", "comment": "He vanished after we <b>signed</b>."},
        )
        assert response.status_code == 200
        assert "May we quote you?" not in response.content.decode()
        assert dispatch().sent == 2  # the rep and the coach, at once
        messages = smtp_server.wait_for(2)
    assert sorted(m["To"] for m in messages) == sorted(
        [world.user("rep").email, world.user("coach").email]
    )
    assert world.user("stakeholder").email not in [m["To"] for m in messages]
    html = messages[0].get_body(preferencelist=("html",))
    assert html is not None
    assert "&lt;b&gt;signed&lt;/b&gt;" in str(html.get_content())
    checkin.refresh_from_db()
    assert checkin.is_complaint and not checkin.is_quotable
    todo = checkin.callback
    assert todo is not None
    assert todo.owner == world.members["coach"]
    assert "Helen Moy" in todo.text and "within one working day" in todo.text
    assert todo.due_on == dt.date(2026, 11, 4)
    # The client cannot be quoted, whatever is posted.
    with pytest.raises(ActionRefused):
        actions.record_consent(checkin, credit=Credit.FULL)

    deal_page = reverse("opportunity_detail", args=["acme", deal.pk])
    with time_machine.travel(dt.datetime(2026, 11, 4, 20, 0, tzinfo=UTC), tick=False):
        assert not checkin.callback_overdue()
        assert "callback overdue" not in world.client("coach").get(deal_page).content.decode()
    with time_machine.travel(dt.datetime(2026, 11, 5, 15, 0, tzinfo=UTC), tick=False):
        assert checkin.callback_overdue()
        page = world.client("coach").get(deal_page).content.decode()
        assert "callback overdue" in page
        assert "He vanished after we &lt;b&gt;signed&lt;/b&gt;." in page
        assert queries.service(world.members["rep"]).callbacks_overdue == 1
        todos = world.client("coach").get(reverse("todos", args=["acme"])).content.decode()
        assert "Helen Moy" in todos and "late" in todos
        # The stakeholder reads the pipeline, not the client's words.
        seen = world.client("stakeholder").get(deal_page).content.decode()
        assert "He vanished" not in seen
        done = world.client("rep").post(reverse("client_called_back", args=["acme", checkin.pk]))
        assert done.status_code == 302
    figures = queries.service(world.members["rep"])
    assert (figures.complaints, figures.callbacks_late, figures.callbacks_overdue) == (1, 1, 0)
    assert (figures.answered, figures.average, figures.nps) == (1, 3, -100)


def test_service_after_the_sale(world: World) -> None:
    live_in(world, "rep", CHICAGO)
    scores = [10, 9, 8, 6, 10]
    with time_machine.travel(WON_AT, tick=False):
        for n, score in enumerate(scores):
            deal = a_deal(world, account=f"Client {n}")
            contact = actions.create_contact(
                world.workspace.pk, by=None, name=f"Client {n}", email=f"c{n}@example.com"
            )
            actions.add_contact_to_deal(deal, contact, by=None)
            pipeline.move_opportunity(deal, Stage.WON, by=None)
            if n < len(scores):
                checkin = ClientCheckIn.objects.get(contact=contact)
                FollowUp.objects.about(checkin).filter(kind="client_check_in").update(
                    state=State.SENT
                )
                actions.record_answer(checkin, score=score)
    figures = queries.service(world.members["rep"])
    assert (figures.sent, figures.answered, figures.complaints) == (5, 5, 1)
    assert str(figures.average) == "8.6"
    assert figures.nps == round(100 * (3 - 1) / 5)
    assert figures.answer_rate == 100
    assert queries.service(world.members["other_rep"]).answered == 0


# -- the throttle, leaving Won, removing, stopping


def test_no_client_is_asked_twice_in_ninety_days_across_reps_and_deals(world: World) -> None:
    _deal, helen = won_deal_with_client(world)
    later = WON_AT + dt.timedelta(days=40)
    with time_machine.travel(later, tick=False):
        second = a_deal(world, rep="other_rep", account="Lakeshore, second site")
        actions.add_contact_to_deal(second, helen, by=None)
        pipeline.move_opportunity(second, Stage.WON, by=None)
    throttled = ClientCheckIn.objects.get(opportunity=second)
    assert (throttled.state, throttled.skip_reason) == (
        CheckInState.SKIPPED,
        SkipReason.THROTTLED,
    )
    assert not FollowUp.objects.about(throttled).exists()  # dropped, not postponed
    with time_machine.travel(WON_AT + dt.timedelta(days=100), tick=False):
        third = a_deal(world, rep="other_rep", account="Lakeshore, third site")
        actions.add_contact_to_deal(third, helen, by=None)
        pipeline.move_opportunity(third, Stage.WON, by=None)
    assert ClientCheckIn.objects.get(opportunity=third).state == CheckInState.SCHEDULED


def test_leaving_won_cancels_the_checkin_and_its_link(world: World, smtp_server: Inbox) -> None:
    deal, helen = won_deal_with_client(world)
    checkin = ClientCheckIn.objects.get(contact=helen)
    with time_machine.travel(WON_AT + dt.timedelta(days=3), tick=False):
        pipeline.move_opportunity(deal, Stage.NEGOTIATION, by=world.user("rep"))
    checkin.refresh_from_db()
    assert checkin.state == CheckInState.CANCELLED
    assert set(FollowUp.objects.about(checkin).values_list("state", flat=True)) == {State.CANCELLED}
    with time_machine.travel(SEND_AT, tick=False):
        assert dispatch().sent == 0
        gone = Client().get(reverse("client_answer", args=[checkin.survey_token()]))
    assert gone.status_code == 410
    assert "This survey was withdrawn." in gone.content.decode()
    # Won again: asked again, the same row.
    with time_machine.travel(WON_AT + dt.timedelta(days=5), tick=False):
        pipeline.move_opportunity(deal, Stage.WON, by=world.user("rep"))
    checkin.refresh_from_db()
    assert checkin.state == CheckInState.SCHEDULED
    assert FollowUp.objects.about(checkin).filter(state=State.SCHEDULED).count() == 2


def test_removing_the_contact_cancels_their_checkin(world: World) -> None:
    deal, helen = won_deal_with_client(world)
    response = world.client("rep").post(
        reverse("deal_contact_remove", args=["acme", deal.pk, helen.pk])
    )
    assert response.status_code == 302
    checkin = ClientCheckIn.objects.get(contact=helen)
    assert checkin.state == CheckInState.CANCELLED
    assert not FollowUp.objects.about(checkin).filter(state=State.SCHEDULED).exists()


def test_one_click_unsubscribe_is_honoured_for_every_later_survey(world: World) -> None:
    _deal, helen = won_deal_with_client(world)
    checkin = ClientCheckIn.objects.get(contact=helen)
    url = reverse("client_unsubscribe", args=[helen.unsubscribe_token()])
    provider = Client(enforce_csrf_checks=True)
    # A scanner's GET: a page with a button, nothing changed.
    page = provider.get(url)
    assert page.status_code == 200 and "No more surveys?" in page.content.decode()
    helen.refresh_from_db()
    assert not helen.is_unsubscribed
    # The provider's RFC 8058 POST: no cookie, no CSRF token.
    stopped = provider.post(
        url, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert stopped.status_code == 200
    helen.refresh_from_db()
    assert helen.is_unsubscribed
    checkin.refresh_from_db()
    assert (checkin.state, checkin.skip_reason) == (
        CheckInState.CANCELLED,
        SkipReason.UNSUBSCRIBED,
    )
    assert not FollowUp.objects.about(checkin).filter(state=State.SCHEDULED).exists()
    # A later deal of another rep: not asked, and the deal says why.
    with time_machine.travel(WON_AT + dt.timedelta(days=200), tick=False):
        later = a_deal(world, rep="other_rep", account="Lakeshore, again")
        actions.add_contact_to_deal(later, helen, by=None)
        pipeline.move_opportunity(later, Stage.WON, by=None)
    skipped = ClientCheckIn.objects.get(opportunity=later)
    assert skipped.skip_reason == SkipReason.UNSUBSCRIBED
    assert provider.post(url).status_code == 200  # twice: still fine


# -- bad input and signed links


def test_a_score_outside_zero_to_ten_is_refused(world: World) -> None:
    _deal, helen = won_deal_with_client(world)
    checkin = ClientCheckIn.objects.get(contact=helen)
    url = reverse("client_answer", args=[checkin.survey_token()])
    client = Client()
    page = client.get(url + "?score=11").content.decode()
    assert "checked" not in page
    for bad in ["11", "-1", "ten", ""]:
        refused = client.post(url, {"score": bad, "comment": "x"})
        assert refused.status_code == 400
        assert "Choose a score from 0 to 10." in refused.content.decode()
    checkin.refresh_from_db()
    assert checkin.score is None
    with pytest.raises(ActionRefused):
        actions.record_answer(checkin, score=11)


@pytest.mark.parametrize("view", ["client_answer", "client_withdraw", "client_unsubscribe"])
def test_tampered_links_get_a_clear_page(world: World, view: str) -> None:
    _deal, helen = won_deal_with_client(world)
    checkin = ClientCheckIn.objects.get(contact=helen)
    token = {
        "client_answer": checkin.survey_token(),
        "client_withdraw": path_of(checkin.withdraw_url()).split("/")[-3],
        "client_unsubscribe": helen.unsubscribe_token(),
    }[view]
    for bad in [token[:-2] + "xx", "nonsense", token.replace(":", "x", 1)]:
        for method in ("get", "post"):
            response = getattr(Client(), method)(reverse(view, args=[bad]))
            assert response.status_code == 400
            assert "This link is not valid." in response.content.decode()
    # An answer link is not a withdraw link, nor the other way round.
    other = "client_withdraw" if view == "client_answer" else "client_answer"
    assert Client().get(reverse(other, args=[token])).status_code == 400


def test_expired_links_say_so(world: World) -> None:
    _deal, helen = won_deal_with_client(world)
    checkin = ClientCheckIn.objects.get(contact=helen)
    with time_machine.travel(WON_AT, tick=False):
        answer = reverse("client_answer", args=[checkin.survey_token()])
        withdraw = path_of(checkin.withdraw_url())
    with time_machine.travel(WON_AT + dt.timedelta(days=59), tick=False):
        assert Client().get(answer).status_code == 200
    with time_machine.travel(WON_AT + dt.timedelta(days=61), tick=False):
        expired = Client().post(answer, {"score": "9"})
        assert expired.status_code == 400
        assert "This link has expired." in expired.content.decode()
        assert Client().get(withdraw).status_code == 200
    with time_machine.travel(WON_AT + dt.timedelta(days=3651), tick=False):
        assert "This link has expired." in Client().get(withdraw).content.decode()
    checkin.refresh_from_db()
    assert checkin.score is None


def test_the_client_reads_it_all_in_spanish(world: World, smtp_server: Inbox) -> None:
    _deal, helen = won_deal_with_client(world, name="Helen Moy", language="es")
    checkin = ClientCheckIn.objects.get(contact=helen)
    with time_machine.travel(SEND_AT, tick=False):
        dispatch()
        message = smtp_server.wait_for(1)[0]
    assert "¿Cómo va todo" in str(message["Subject"])
    assert "recomiendes" in text_body(message) or "recomendar" in text_body(message)
    page = Client().get(path_of(links_of(message)[10])).content.decode()
    assert "Enviar mi respuesta" in page
    answered = Client().post(path_of(links_of(message)[10]), {"score": "10", "comment": "Genial"})
    body = answered.content.decode()
    assert "¿Podemos citarte?" in body
    done = Client().post(
        reverse("client_consent", args=[checkin.survey_token()]), {"credit": "anonymous"}
    )
    assert done.status_code == 200
    checkin.refresh_from_db()
    assert "Genial" in checkin.consent_wording and "podrá citar" in checkin.consent_wording


def test_a_contact_given_an_address_later_is_asked_then(world: World) -> None:
    live_in(world, "rep", CHICAGO)
    with time_machine.travel(WON_AT, tick=False):
        deal = a_deal(world)
        nobody = actions.create_contact(world.workspace.pk, by=None, name="Kari Lund", email="")
        actions.add_contact_to_deal(deal, nobody, by=None)
        pipeline.move_opportunity(deal, Stage.WON, by=None)
    checkin = ClientCheckIn.objects.get(contact=nobody)
    assert checkin.skip_reason == SkipReason.NO_EMAIL
    with time_machine.travel(WON_AT + dt.timedelta(days=2), tick=False):
        actions.update_contact(nobody, by=None, name="Kari Lund", email="kari@lund.example")
    checkin.refresh_from_db()
    assert (checkin.state, checkin.send_at) == (CheckInState.SCHEDULED, SEND_AT)
    email = FollowUp.objects.about(checkin).get(kind="client_check_in", state=State.SCHEDULED)
    assert email.to_email == "kari@lund.example"
    # Its address removed: nothing waits for it any more.
    with time_machine.travel(WON_AT + dt.timedelta(days=3), tick=False):
        actions.update_contact(nobody, by=None, name="Kari Lund", email="")
    checkin.refresh_from_db()
    assert (checkin.state, checkin.skip_reason) == (CheckInState.CANCELLED, SkipReason.NO_EMAIL)
    assert not FollowUp.objects.about(checkin).filter(state=State.SCHEDULED).exists()


@pytest.mark.parametrize(
    ("zone", "won", "expected"),
    [
        # Won Thursday 5 February 2026 in Chicago; +30 = Saturday 7 March: Monday 9 March,
        # the day after the US clocks went forward: 10:00 CDT is 15:00 UTC (not 16:00).
        (
            CHICAGO,
            dt.datetime(2026, 2, 5, 20, 0, tzinfo=UTC),
            dt.datetime(2026, 3, 9, 15, 0, tzinfo=UTC),
        ),
        # Sydney (clocks back on Sunday 5 April 2026): won Friday 6 March there; +30 = Sunday 5
        # April: Monday 6 April, 10:00 AEST (UTC+10) is 00:00 UTC.
        (
            "Australia/Sydney",
            dt.datetime(2026, 3, 6, 2, 0, tzinfo=UTC),
            dt.datetime(2026, 4, 6, 0, 0, tzinfo=UTC),
        ),
    ],
)
def test_the_send_time_follows_the_clients_clock_across_daylight_saving(
    world: World, zone: str, won: dt.datetime, expected: dt.datetime
) -> None:
    live_in(world, "rep", zone, country="")
    with time_machine.travel(won - dt.timedelta(hours=1), tick=False):
        deal = a_deal(world)
        contact = actions.contact_from_deal(deal, by=None)
    with time_machine.travel(won, tick=False):
        pipeline.move_opportunity(deal, Stage.WON, by=None)
    assert ClientCheckIn.objects.get(contact=contact).send_at == expected
