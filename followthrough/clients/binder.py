"""The praise binder (story 002): the approved quotes of clients, per rep or per team, shown on a
page, shared with executives through a signed link, and printed as a PDF.

- Review: a 9-10 answer with consent is a candidate; the manager (or the rep) approves it, as
  written or shortened (cutting only: `models.is_cut_of`), or declines it. Each writes an event.
- What a binder holds: `binder_of(scope, member)`, built only from `ClientCheckIn.objects
  .in_binder()` (the one home of the quotable rule), so an unapproved quote or a 0-6 comment
  never reaches a page, a link or a PDF.
- `content_hash` names the binder's content: the PDF is kept while it is the same.
- Sharing: `share` makes a BinderShare (a link that expires), `revoke` ends it at once;
  `open_share` reads a token and refuses a tampered, expired or revoked one with its reason.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass

from django.db import transaction
from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import formats, timezone
from django.utils.translation import get_language, gettext

from followthrough.accounts.models import CoachingRelationship, Membership, Role, User
from followthrough.clients.binder_models import BinderShare, Scope
from followthrough.clients.models import (
    QUOTE_MAX_LENGTH,
    ClientCheckIn,
    QuoteState,
    is_cut_of,
)
from followthrough.events.actions import record
from followthrough.events.verbs import literal
from followthrough.lib import signing
from followthrough.lib.errors import ActionRefused

# Quote review ---------------------------------------------------------------------------------


def candidates_for(reps: QuerySet[Membership]) -> QuerySet[ClientCheckIn]:
    """The binder candidates of these reps, oldest answer first (the queue to review)."""
    return (
        ClientCheckIn.objects.candidates()
        .filter(rep__in=reps)
        .select_related("contact", "opportunity", "rep__user")
        .order_by("answered_at", "id")
    )


def _locked(checkin: ClientCheckIn) -> ClientCheckIn:
    return (
        ClientCheckIn.objects.select_for_update()
        .select_related("contact", "opportunity")
        .get(pk=checkin.pk)
    )


def checked_quote(checkin: ClientCheckIn, text: str) -> str:
    """The words to keep: blank keeps the whole comment; anything else must be a cut of it
    (the client's own words, some left out), and short enough for a block of the binder."""
    text = text.strip()
    if not text:
        if len(checkin.comment.strip()) > QUOTE_MAX_LENGTH:
            raise ActionRefused(
                gettext(
                    "This comment is longer than %(most)s characters: shorten it for the binder."
                )
                % {"most": QUOTE_MAX_LENGTH}
            )
        return ""
    if len(text) > QUOTE_MAX_LENGTH:
        raise ActionRefused(
            gettext("A quote may have at most %(most)s characters; this one has %(count)s.")
            % {"most": QUOTE_MAX_LENGTH, "count": len(text)}
        )
    if not is_cut_of(text, checkin.comment):
        raise ActionRefused(
            gettext(
                "The quote must keep the client's own words: you may leave words out (mark "
                "each cut with …), not add or change any."
            )
        )
    return text


def approve_quote(checkin: ClientCheckIn, by: User, text: str = "") -> ClientCheckIn:
    """Puts the answer in the binder, as written (blank `text`) or shortened. An approved quote
    may be shortened again; a withdrawn consent or a declined quote may not be approved."""
    with transaction.atomic():
        row = _locked(checkin)
        if not row.is_quotable:
            raise ActionRefused(
                gettext("This answer cannot be quoted: its consent was withdrawn or never given.")
            )
        if row.quote_state not in (QuoteState.CANDIDATE, QuoteState.APPROVED):
            raise ActionRefused(gettext("This quote was declined; it stays out of the binder."))
        quote = checked_quote(row, text)
        edited = row.quote_state == QuoteState.APPROVED
        now = timezone.now()
        row.quote_state = QuoteState.APPROVED
        row.quote_text = quote
        row.approved_by = by
        row.approved_at = row.approved_at if edited and row.approved_at else now
        row.updated_at = now
        row.save(
            update_fields=["quote_state", "quote_text", "approved_by", "approved_at", "updated_at"]
        )
        _event("client_quote.edited" if edited else "client_quote.approved", row, by)
    return row


def decline_quote(checkin: ClientCheckIn, by: User) -> ClientCheckIn:
    """Keeps the answer out of the binder (an approved one is taken out)."""
    with transaction.atomic():
        row = _locked(checkin)
        if row.quote_state not in (QuoteState.CANDIDATE, QuoteState.APPROVED):
            raise ActionRefused(gettext("This answer is not waiting for a decision."))
        row.quote_state = QuoteState.DECLINED
        row.updated_at = timezone.now()
        row.save(update_fields=["quote_state", "updated_at"])
        _event("client_quote.declined", row, by)
    return row


def _event(verb: str, row: ClientCheckIn, by: User | None) -> None:
    record(
        verb,
        workspace=row.workspace,
        about=row,
        actor=by,
        rep=row.rep,
        data={"name": literal(row.contact.name), "account": literal(row.opportunity.account)},
    )


# What a binder holds ------------------------------------------------------------------------


@dataclass(frozen=True)
class Quote:
    """One block of the binder, ready to show (templates escape it)."""

    id: int
    words: str
    credit: str
    rep: str
    deal: str
    answered_on: str
    score: int


@dataclass(frozen=True)
class Binder:
    scope: str
    member_id: int
    title: str
    reps: list[str]
    quotes: list[Quote]

    @property
    def content_hash(self) -> str:
        """Names this content in this language: the PDF is rendered again only when it
        changes (a quote approved, edited, declined or withdrawn, a name changed)."""
        data = {"language": get_language(), **asdict(self)}
        return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()


def reps_of(scope: str, member: Membership) -> QuerySet[Membership]:
    """Whose quotes the binder holds: the rep, or the reps the coach coaches (reps only: a
    manager coached in a program has no deals of their own)."""
    if scope == Scope.REP:
        return Membership.objects.filter(pk=member.pk)
    return Membership.objects.filter(
        pk__in=CoachingRelationship.objects.filter(coach=member).values("rep"),
        is_active=True,
        role=Role.REP,
    )


def quotes_in(reps: QuerySet[Membership]) -> QuerySet[ClientCheckIn]:
    """The approved quotes of these reps, newest answer first. Only in_binder(): never a
    candidate, a declined quote, a withdrawn consent or a complaint."""
    return (
        ClientCheckIn.objects.in_binder()
        .filter(rep__in=reps)
        .select_related("contact", "opportunity", "rep__user__profile")
        .order_by("-answered_at", "-id")
    )


def as_quote(row: ClientCheckIn) -> Quote:
    zone = row.rep.user.profile.zone
    answered = row.answered_at or row.created_at
    return Quote(
        id=row.pk,
        words=row.quote_words().strip(),
        credit=row.credit_line(),
        rep=row.rep.user.name,
        deal=row.opportunity.account,
        answered_on=formats.date_format(timezone.localtime(answered, zone), "DATE_FORMAT"),
        score=row.score or 0,
    )


def binder_of(scope: str, member: Membership) -> Binder:
    reps = reps_of(scope, member)
    if scope == Scope.REP:
        title = gettext("Praise for %(name)s") % {"name": member.user.name}
    else:
        title = gettext("Praise for %(name)s's team") % {"name": member.user.name}
    return Binder(
        scope=scope,
        member_id=member.pk,
        title=title,
        reps=sorted(reps.values_list("user__name", flat=True)),
        quotes=[as_quote(row) for row in quotes_in(reps)],
    )


def newest_quote(rep: Membership) -> Quote | None:
    """The rep's newest approved quote (by approval), for the weekly update; None if none."""
    row = (
        ClientCheckIn.objects.in_binder()
        .filter(rep=rep)
        .select_related("contact", "opportunity", "rep__user__profile")
        .order_by("-approved_at", "-id")
        .first()
    )
    return as_quote(row) if row is not None else None


def newest_quotes(rep_ids: Iterable[int]) -> dict[int, Quote]:
    """`newest_quote` for many reps at once, by rep id, in one query whatever their number
    (the weekly digest's roll-up reads every rep together)."""
    ids = list(rep_ids)
    if not ids:
        return {}
    newest = (
        ClientCheckIn.objects.in_binder()
        .filter(rep=OuterRef("rep"))
        .order_by("-approved_at", "-id")
        .values("pk")[:1]
    )
    rows = (
        ClientCheckIn.objects.in_binder()
        .filter(rep__in=ids, pk=Subquery(newest))
        .select_related("contact", "opportunity", "rep__user__profile")
    )
    return {row.rep_id: as_quote(row) for row in rows}


# Sharing ------------------------------------------------------------------------------------


def share(scope: str, member: Membership, by: Membership, days: int, note: str = "") -> BinderShare:
    """A link to the binder that opens without a login for `days` days."""
    if not 1 <= days <= BinderShare.MAX_DAYS:
        raise ActionRefused(
            gettext("A link may last from 1 to %(most)s days.") % {"most": BinderShare.MAX_DAYS}
        )
    with transaction.atomic():
        now = timezone.now()
        link = BinderShare.objects.create(
            workspace=member.workspace,
            scope=scope,
            member=member,
            note=note.strip()[:200],
            created_by=by,
            created_at=now,
            expires_at=now + dt.timedelta(days=days),
        )
        record(
            "binder.shared",
            workspace=member.workspace,
            about=link,
            actor=by.user,
            rep=member if member.is_rep else None,
            data={"name": literal(member.user.name), "days": days},
        )
    return link


def revoke(link: BinderShare, by: Membership) -> BinderShare:
    """Ends the link now; it opens nothing after this."""
    with transaction.atomic():
        revoked = BinderShare.objects.filter(pk=link.pk, revoked_at=None).update(
            revoked_at=timezone.now(), revoked_by=by
        )
        link.refresh_from_db()
        if revoked:
            record(
                "binder.revoked",
                workspace=link.workspace,
                about=link,
                actor=by.user,
                rep=link.member if link.member.is_rep else None,
                data={"name": literal(link.member.user.name)},
            )
    return link


def shares_of(scope: str, member: Membership) -> QuerySet[BinderShare]:
    return BinderShare.objects.filter(scope=scope, member=member).select_related("created_by__user")


class ClosedLink(Exception):
    """The link does not open: `reason` says why, in words for the person holding it."""

    def __init__(self, reason: str, status: int = 410) -> None:
        super().__init__(reason)
        self.reason = reason
        self.status = status


def open_share(token: str) -> BinderShare:
    """The share a token opens, or ClosedLink (tampered 400, expired or revoked 410)."""
    try:
        share_id = signing.read_token(
            BinderShare.SCOPE, token, max_age=dt.timedelta(days=BinderShare.MAX_DAYS)
        )
    except signing.ExpiredToken:
        raise ClosedLink(gettext("This link has expired.")) from None
    except signing.BadToken:
        raise ClosedLink(
            gettext("This link is not valid: it may have been cut or changed."), 400
        ) from None
    link = (
        BinderShare.objects.select_related("member__user__profile", "workspace")
        .filter(pk=share_id, member__is_active=True)
        .first()
    )
    if link is None:
        raise ClosedLink(gettext("This link no longer opens anything."), 404)
    if link.is_revoked:
        raise ClosedLink(gettext("This link was withdrawn by the person who shared it."))
    if link.is_expired():
        raise ClosedLink(gettext("This link has expired."))
    BinderShare.objects.filter(pk=link.pk).update(last_opened_at=timezone.now())
    return link


def own_binder_scope(member: Membership) -> str:
    """The binder a member has of their own: a rep's, a coach's team's, or none ("")."""
    if member.is_rep:
        return Scope.REP
    if CoachingRelationship.objects.filter(coach=member, rep__role=Role.REP).exists():
        return Scope.TEAM
    return ""
