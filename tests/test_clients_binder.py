"""The praise binder: reviewing quotes, what a binder holds, its shared link (expired, revoked,
tampered) and its PDF read back with an independent reader (poppler's pdftotext)."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.test import Client, TestCase
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from followthrough.clients import binder as binders
from followthrough.clients import pdf
from followthrough.clients.binder_models import BinderPdf, BinderShare, Scope
from followthrough.clients.models import ClientCheckIn, Credit, QuoteState
from followthrough.events.models import Event
from followthrough.lib import signing
from followthrough.lib.errors import ActionRefused
from tests.binder_helpers import answer, approved
from tests.conftest import World, run_tasks

LONG = (
    "Derek called back the same day, fixed our renewal before the deadline, and checked on "
    "us a month later without being asked."
)


def pdf_text(data: bytes) -> str:
    """The PDF's text as poppler reads it (not as we wrote it)."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
        file.write(data)
        file.flush()
        out = subprocess.run(
            ["pdftotext", "-layout", file.name, "-"], check=True, capture_output=True
        )
    return " ".join(out.stdout.decode().split())


def get_committed(client: Client, url: str) -> Any:
    """A GET whose on-commit work (enqueuing a render) happens, as it would in a request."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.get(url)


needs_pdftotext = pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="poppler-utils is not installed"
)


# Reviewing quotes -----------------------------------------------------------------------------


def test_approve_as_written_puts_it_in_the_binder_with_an_event(world: World) -> None:
    row = answer(world, LONG)
    binders.approve_quote(row, by=world.user("coach"))
    row.refresh_from_db()
    assert row.quote_state == QuoteState.APPROVED and row.quote_text == ""
    assert row.approved_by == world.user("coach") and row.approved_at is not None
    assert [q.words for q in binders.binder_of(Scope.REP, world.members["rep"]).quotes] == [LONG]
    event = Event.objects.get(verb="client_quote.approved")
    assert event.rep == world.members["rep"] and event.actor == world.user("coach")


def test_a_shortened_quote_keeps_the_clients_words(world: World) -> None:
    row = answer(world, LONG)
    cut = "Derek called back the same day … and checked on us a month later"
    binders.approve_quote(row, by=world.user("rep"), text=cut)
    row.refresh_from_db()
    assert row.quote_text == cut
    assert binders.binder_of(Scope.REP, world.members["rep"]).quotes[0].words == cut
    # Shortened again once approved: an edit, with its own event; the approval date stays.
    first_approval = row.approved_at
    binders.approve_quote(row, by=world.user("coach"), text="Derek called back the same day")
    row.refresh_from_db()
    assert row.approved_at == first_approval
    assert Event.objects.filter(verb="client_quote.edited").count() == 1


@pytest.mark.parametrize(
    "text",
    [
        "Derek called back the same day and was brilliant",  # a word added
        "Derek phoned back the same day",  # a word changed
        "checked on us a month later … Derek called back",  # the order changed
    ],
)
def test_an_edit_that_adds_or_rewords_is_refused(world: World, text: str) -> None:
    row = answer(world, LONG)
    with pytest.raises(ActionRefused, match="own words"):
        binders.approve_quote(row, by=world.user("coach"), text=text)
    row.refresh_from_db()
    assert (
        row.quote_state == QuoteState.CANDIDATE
        and not Event.objects.filter(verb__startswith="client_quote").exists()
    )


def test_a_long_comment_must_be_shortened(world: World) -> None:
    row = answer(world, "Great. " * 120)
    with pytest.raises(ActionRefused, match="shorten"):
        binders.approve_quote(row, by=world.user("coach"))
    binders.approve_quote(row, by=world.user("coach"), text="Great. Great.")
    row.refresh_from_db()
    assert row.quote_state == QuoteState.APPROVED


def test_decline_and_withdrawn_consent(world: World) -> None:
    row = answer(world, LONG)
    binders.decline_quote(row, by=world.user("coach"))
    row.refresh_from_db()
    assert row.quote_state == QuoteState.DECLINED
    assert Event.objects.filter(verb="client_quote.declined").count() == 1
    with pytest.raises(ActionRefused):
        binders.approve_quote(row, by=world.user("coach"))
    withdrawn = answer(world, LONG)
    ClientCheckIn.objects.filter(pk=withdrawn.pk).update(withdrawn_at=timezone.now())
    with pytest.raises(ActionRefused, match="withdrawn"):
        binders.approve_quote(withdrawn, by=world.user("coach"))


def test_the_review_page_and_its_decisions(world: World) -> None:
    row = answer(world, "They <b>really</b> cared.")
    other = answer(world, "The other rep's client.", rep="other_rep")
    client = world.client("coach")
    page = client.get(reverse("quotes_review", args=["acme"])).content.decode()
    assert "They &lt;b&gt;really&lt;/b&gt; cared." in page and "<b>really" not in page
    assert "The other rep" not in page  # the coach does not coach other_rep
    assert reverse("binder_page", args=["acme", "team", world.members["coach"].pk]) in page
    url = reverse("quote_decide", args=["acme", row.pk])
    response = client.post(url, {f"q{row.pk}-decision": "approve", f"q{row.pk}-text": "Added!"})
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.quote_state == QuoteState.CANDIDATE  # refused, with a message
    client.post(url, {f"q{row.pk}-decision": "approve", f"q{row.pk}-text": "They … cared."})
    row.refresh_from_db()
    assert (row.quote_state, row.quote_text) == (QuoteState.APPROVED, "They … cared.")
    # The coach cannot decide on the other rep's quote.
    refused = client.post(
        reverse("quote_decide", args=["acme", other.pk]), {f"q{other.pk}-decision": "decline"}
    )
    assert refused.status_code == 403
    other.refresh_from_db()
    assert other.quote_state == QuoteState.CANDIDATE


# What a binder holds --------------------------------------------------------------------------


def test_only_approved_quotable_answers_are_in_a_binder(world: World) -> None:
    approved(world, "Approved praise.")
    answer(world, "A candidate not yet approved.")
    answer(world, "A declined one.", state=QuoteState.DECLINED)
    # A complaint, even if someone forced it approved, is never quotable.
    approved(world, "Complaint: he vanished after the sale.", score=4)
    approved(world, "A seven is no promoter.", score=7)
    approved(world, "No consent given.", consent=False)
    withdrawn = approved(world, "Consent withdrawn later.")
    ClientCheckIn.objects.filter(pk=withdrawn.pk).update(withdrawn_at=timezone.now())
    approved(world, "Another rep's praise.", rep="other_rep")
    words = [q.words for q in binders.binder_of(Scope.REP, world.members["rep"]).quotes]
    assert words == ["Approved praise."]
    team = binders.binder_of(Scope.TEAM, world.members["coach"])
    assert [q.words for q in team.quotes] == ["Approved praise."]  # the coach's team: rep


def test_credit_as_the_client_chose(world: World) -> None:
    approved(world, "Initials please.", credit=Credit.INITIALS)
    approved(world, "Anonymous please.", credit=Credit.ANONYMOUS)
    credits = {q.words: q.credit for q in binders.binder_of(Scope.REP, world.members["rep"]).quotes}
    assert credits["Anonymous please."] == "A client"
    assert credits["Initials please."].count(".") == 3  # P. C. J.
    assert "Jones" not in credits["Initials please."]


def test_newest_quote_for_the_weekly_update(world: World) -> None:
    rep = world.members["rep"]
    assert binders.newest_quote(rep) is None
    with time_machine.travel(timezone.now() - dt.timedelta(days=3)):
        approved(world, "Older.")
    approved(world, "Newest.")
    answer(world, "Newer but not approved.")
    quote = binders.newest_quote(rep)
    assert quote is not None and quote.words == "Newest."


def test_the_content_hash_changes_with_the_content(world: World) -> None:
    rep = world.members["rep"]
    row = approved(world, LONG)
    before = binders.binder_of(Scope.REP, rep).content_hash
    assert binders.binder_of(Scope.REP, rep).content_hash == before
    binders.approve_quote(row, by=world.user("coach"), text="Derek called back the same day")
    assert binders.binder_of(Scope.REP, rep).content_hash != before


# The PDF --------------------------------------------------------------------------------------


@needs_pdftotext
def test_the_pdf_holds_the_approved_quotes_only(world: World) -> None:
    rep = world.members["rep"]
    approved(world, "Approved praise one.", account="Northwind")
    approved(world, LONG, quote_text="Derek called back the same day … a month later")
    answer(world, "Unapproved candidate words.")
    approved(world, "Complaint words never shown.", score=3)
    answer(world, "Low score comment.", score=5, state="")
    client = world.client("coach")
    url = reverse("binder_pdf", args=["acme", "rep", rep.pk])
    waiting = get_committed(client, url)
    assert waiting.status_code == 202 and "Preparing the PDF" in waiting.content.decode()
    run_tasks()
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "Praise for Rep" in text  # the cover
    assert "Approved praise one." in text and "Northwind" in text
    assert "Derek called back the same day … a month later" in text
    assert LONG not in text  # the shortened words, not the whole comment
    for never in ("Unapproved candidate", "Complaint words", "Low score comment"):
        assert never not in text
    # Page numbers from the @page counters, on every page but the cover.
    pages = BinderPdf.objects.get().pages
    assert pages == 2 and re.search(rf"\b2 ?/ ?{pages}\b", text)


@needs_pdftotext
def test_the_pdf_is_kept_until_the_binder_changes(world: World) -> None:
    rep = world.members["rep"]
    row = approved(world, LONG)
    with TestCase.captureOnCommitCallbacks(execute=True):
        pdf.ask_for(Scope.REP, rep, "en")
    with TestCase.captureOnCommitCallbacks(execute=True):
        pdf.ask_for(Scope.REP, rep, "en")  # one waiting render is enough
    run_tasks()
    assert DBTaskResult.objects.count() == 1
    kept = BinderPdf.objects.get()
    client = world.client("admin")
    url = reverse("binder_pdf", args=["acme", "rep", rep.pk])
    assert client.get(url).status_code == 200
    assert DBTaskResult.objects.count() == 1  # served as kept, no new render
    binders.decline_quote(row, by=world.user("coach"))
    assert get_committed(client, url).status_code == 202  # changed: rendered again
    run_tasks()
    again = client.get(url)
    assert again.status_code == 200
    assert BinderPdf.objects.get().content_hash != kept.content_hash
    assert LONG[:30] not in pdf_text(again.content)


def test_the_pdf_stylesheet_is_a_file_and_the_template_has_no_inline_style() -> None:
    assert pdf.STYLESHEET.is_file()
    template = Path(pdf.__file__).parent.parent / "templates" / "clients" / "binder_pdf.html"
    assert "style" not in template.read_text()


# The shared link ------------------------------------------------------------------------------


def share_of(world: World, days: int = 30) -> BinderShare:
    return binders.share(
        Scope.REP, world.members["rep"], by=world.members["coach"], days=days, note="Executives"
    )


def test_the_link_opens_without_a_login_and_shows_only_approved_quotes(world: World) -> None:
    approved(world, "Praise <script>alert(1)</script> for all.")
    answer(world, "Candidate hidden.")
    link = share_of(world)
    assert Event.objects.filter(verb="binder.shared").count() == 1
    response = world.client(None).get(reverse("binder_shared", args=[link.token()]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Praise &lt;script&gt;alert(1)&lt;/script&gt; for all." in body
    assert "<script>alert" not in body and "Candidate hidden" not in body
    link.refresh_from_db()
    assert link.last_opened_at is not None


def test_an_expired_link(world: World) -> None:
    link = share_of(world, days=7)
    url = reverse("binder_shared", args=[link.token()])
    with time_machine.travel(timezone.now() + dt.timedelta(days=7, minutes=1)):
        response = world.client(None).get(url)
        assert response.status_code == 410
        assert "expired" in response.content.decode()
        assert world.client(None).get(url + "pdf/").status_code == 410
    # The token's own age limit too: past the longest a link may live.
    BinderShare.objects.filter(pk=link.pk).update(expires_at=timezone.now() + dt.timedelta(999))
    with time_machine.travel(timezone.now() + dt.timedelta(days=BinderShare.MAX_DAYS + 1)):
        assert world.client(None).get(url).status_code == 410


def test_a_revoked_link(world: World) -> None:
    approved(world, "Praise.")
    link = share_of(world)
    url = reverse("binder_shared", args=[link.token()])
    assert world.client(None).get(url).status_code == 200
    response = world.client("coach").post(reverse("binder_revoke", args=["acme", link.pk]))
    assert response.status_code == 302
    gone = world.client(None).get(url)
    assert gone.status_code == 410 and "withdrawn" in gone.content.decode()
    assert "Praise." not in gone.content.decode()
    assert Event.objects.filter(verb="binder.revoked").count() == 1


def test_a_tampered_link(world: World) -> None:
    link = share_of(world)
    token = link.token()
    for bad in (token[:-2] + ("A" if token[-2] != "A" else "B") + token[-1], token[:10], "x"):
        response = world.client(None).get(reverse("binder_shared", args=[bad]))
        assert response.status_code == 400 and "not valid" in response.content.decode()
    # A genuine token of another kind of link opens no binder.
    other = signing.make_token("client-checkin", link.pk)
    assert world.client(None).get(reverse("binder_shared", args=[other])).status_code == 400


@needs_pdftotext
def test_the_pdf_through_the_link(world: World) -> None:
    approved(world, "Linked praise.")
    link = share_of(world)
    url = reverse("binder_shared_pdf", args=[link.token()])
    assert get_committed(world.client(None), url).status_code == 202
    run_tasks()
    response = world.client(None).get(url)
    assert response.status_code == 200 and "Linked praise." in pdf_text(response.content)


def test_sharing_refuses_a_bad_length_and_the_form_says_so(world: World) -> None:
    url = reverse("binder_share", args=["acme", "rep", world.members["rep"].pk])
    response = world.client("coach").post(url, {"days": "0"})
    assert response.status_code == 400 and not BinderShare.objects.exists()
    response = world.client("coach").post(url, {"days": "14", "note": "Senior team"})
    assert response.status_code == 302
    link = BinderShare.objects.get()
    assert link.note == "Senior team" and link.created_by == world.members["coach"]
    assert link.expires_at - link.created_at == dt.timedelta(days=14)
