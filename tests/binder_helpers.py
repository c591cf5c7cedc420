"""Client answers for the binder's tests, written straight to the rows (the check-in emails and
the answer page that make them in life are tested with the clients app)."""

from __future__ import annotations

import itertools
from decimal import Decimal

from django.utils import timezone

from followthrough.clients.models import CheckInState, ClientCheckIn, Contact, Credit, QuoteState
from followthrough.pipeline import actions as pipeline
from followthrough.pipeline.models import Stage
from tests.conftest import World

_numbers = itertools.count(1)


def answer(
    w: World,
    comment: str = "Derek called back the same day and fixed our renewal.",
    *,
    rep: str = "rep",
    score: int = 10,
    state: str = QuoteState.CANDIDATE,
    credit: str = Credit.FULL,
    account: str | None = None,
    consent: bool = True,
    quote_text: str = "",
) -> ClientCheckIn:
    """A won deal of `rep` and its client's answer, quotable when score, consent and comment
    allow, in the given quote state."""
    number = next(_numbers)
    member = w.members[rep]
    deal = pipeline.create_opportunity(
        member,
        by=w.user(rep),
        account=account or f"Client {number} of {rep}",
        value=Decimal(1000),
        stage=Stage.WON,
    )
    contact = Contact.objects.create(
        workspace=w.workspace,
        name=f"Pat Client{number} Jones",
        email=f"client{number}@example.com",
        company=f"Company {number}",
    )
    now = timezone.now()
    return ClientCheckIn.objects.create(
        workspace=w.workspace,
        contact=contact,
        opportunity=deal,
        rep=member,
        state=CheckInState.ANSWERED,
        score=score,
        comment=comment,
        answered_at=now,
        credit=credit if consent else "",
        consent_at=now if consent else None,
        consent_wording=comment if consent else "",
        quote_state=state,
        quote_text=quote_text,
        approved_at=now if state == QuoteState.APPROVED else None,
    )


def approved(w: World, comment: str, **kwargs: object) -> ClientCheckIn:
    return answer(w, comment, state=QuoteState.APPROVED, **kwargs)  # type: ignore[arg-type]
