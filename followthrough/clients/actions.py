"""Verbs of the clients app: contacts and the deals they are named on, the check-in a won deal
sends each client, the client's answer and consent, the routing of a complaint, and stopping.

Each verb runs in one transaction and writes its event. The emails are FollowUp rows written
in the same transaction as their cause (winning the deal schedules the check-in and its
reminder; leaving Won cancels them), so the outbox and the deal page show them.

When a check-in goes out: `days_after_won` days after the day the deal was won, on the first
working day (Monday to Friday, not a public holiday of the client's country, else the
workspace's) from there, at `send_time` (10:00) in the client's zone; the zone is the contact's,
else the workspace's client zone (ClientSettings.time_zone), else the rep's. The reminder goes
`reminder_working_days` working days later at the same local time, unless the client answered.
No contact is asked twice within `throttle_days` (across every rep and deal): the second one is
skipped, not postponed, and the deal says why.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from followthrough.accounts.models import Membership, User, normalize_email
from followthrough.clients import kinds
from followthrough.clients.models import (
    SCORES,
    CheckInState,
    ClientCheckIn,
    ClientSettings,
    Contact,
    Credit,
    DealContact,
    QuoteState,
    SenderChoice,
    SkipReason,
)
from followthrough.coaching.models import Todo, TodoKind
from followthrough.events import actions as events
from followthrough.followups import actions as followups
from followthrough.followups.models import FollowUp, State
from followthrough.lib import dates, languages
from followthrough.lib.errors import ActionRefused
from followthrough.pipeline.models import Opportunity

# A client's week: Monday to Friday (their own working days are not known).
CLIENT_WORKING_DAYS = range(5)


# -- contacts


def _log_contact(verb: str, contact: Contact, by: User | None, **data: object) -> None:
    events.record(
        verb,
        workspace=contact.workspace,
        about=contact,
        actor=by,
        data={"name": contact.name, **data},
    )


def _check_contact(contact: Contact) -> None:
    if not contact.name.strip():
        raise ActionRefused(gettext("Give the contact a name."))
    if contact.email:
        same = Contact.objects.filter(workspace_id=contact.workspace_id, email=contact.email)
        if same.exclude(pk=contact.pk).exists():
            raise ActionRefused(
                gettext("Another contact already has the address %(email)s.")
                % {"email": contact.email}
            )


CONTACT_FIELDS = ("name", "email", "company", "time_zone", "country", "language")


@transaction.atomic
def create_contact(workspace_id: int, *, by: User | None, **fields: str) -> Contact:
    contact = Contact(workspace_id=workspace_id, created_by=by)
    for name, value in fields.items():
        if name not in CONTACT_FIELDS:
            raise TypeError(f"Not a contact field: {name}")
        setattr(contact, name, value.strip())
    contact.email = normalize_email(contact.email)
    _check_contact(contact)
    contact.save()
    _log_contact("contact.created", contact, by)
    return contact


@transaction.atomic
def update_contact(contact: Contact, *, by: User | None, **fields: str) -> Contact:
    """Changes what people typed about a contact. An address removed or changed cancels the
    check-ins still waiting for the old one (they would go nowhere, or to someone else); a new
    address is asked about the contact's won deals."""
    # Locked and read again: a client unsubscribing meanwhile is neither missed here nor
    # undone by this save.
    contact.unsubscribed_at = (
        Contact.objects.select_for_update()
        .values_list("unsubscribed_at", flat=True)
        .get(pk=contact.pk)
    )
    old_email = contact.email
    new_email = normalize_email(fields.get("email", old_email).strip())
    if contact.is_unsubscribed and new_email != old_email:
        # The row keeps the address that asked to stop (one contact per address): freed, it
        # could be typed again on a new contact and surveyed.
        raise ActionRefused(
            gettext(
                "%(email)s asked for no more surveys: the address stays on this contact, so "
                "that it is never asked again."
            )
            % {"email": old_email}
        )
    for name, value in fields.items():
        if name not in CONTACT_FIELDS:
            raise TypeError(f"Not a contact field: {name}")
        setattr(contact, name, value.strip())
    contact.email = normalize_email(contact.email)
    _check_contact(contact)
    contact.updated_at = timezone.now()
    contact.save()
    if contact.email != old_email:
        # What waited for the old address is cancelled; with a new one, the won deals ask
        # again there (the same row, at its time or the next working morning).
        waiting = contact.checkins.filter(
            state__in=[CheckInState.SCHEDULED, CheckInState.SKIPPED]
        ).select_related("opportunity__owner__user__profile", "opportunity__workspace")
        for checkin in waiting:
            _cancel(checkin, SkipReason.NO_EMAIL if not contact.email else "")
            if contact.email and checkin.opportunity.is_won:
                schedule_checkin(checkin.opportunity, contact, by=by)
    _log_contact("contact.updated", contact, by)
    return contact


@transaction.atomic
def add_contact_to_deal(
    opportunity: Opportunity, contact: Contact, *, by: User | None, at: dt.datetime | None = None
) -> DealContact:
    """Names `contact` as a client of the deal; on a won deal, its check-in is scheduled at
    once (counted from the day the deal was won, or the next working morning if that is past)."""
    if contact.workspace_id != opportunity.workspace_id:
        raise ActionRefused(gettext("That contact belongs to another workspace."))
    link, created = DealContact.objects.get_or_create(
        opportunity=opportunity, contact=contact, defaults={"added_by": by}
    )
    if created:
        _log_contact("contact.added_to_deal", contact, by, account=opportunity.account)
        if opportunity.is_won:
            schedule_checkin(opportunity, contact, by=by, at=at)
    return link


@transaction.atomic
def contact_from_deal(
    opportunity: Opportunity, *, by: User | None, at: dt.datetime | None = None
) -> Contact:
    """The deal's typed contact (contact_name, contact_email) as a Contact named on the deal:
    the existing one with that address, else a new one."""
    email = normalize_email(opportunity.contact_email)
    name = opportunity.contact_name.strip() or email
    if not name:
        raise ActionRefused(gettext("This opportunity names no contact to add."))
    contact = None
    if email:
        contact = Contact.objects.filter(workspace_id=opportunity.workspace_id, email=email).first()
    if contact is None:
        contact = create_contact(
            opportunity.workspace_id,
            by=by,
            name=name,
            email=email,
            company=opportunity.account,
            time_zone="",
            country="",
            language=settings.LANGUAGE_CODE,
        )
    add_contact_to_deal(opportunity, contact, by=by, at=at)
    return contact


@transaction.atomic
def remove_contact_from_deal(
    opportunity: Opportunity, contact: Contact, *, by: User | None
) -> bool:
    """Takes the contact off the deal; a check-in not yet sent is cancelled."""
    deleted, _ = DealContact.objects.filter(opportunity=opportunity, contact=contact).delete()
    if not deleted:
        return False
    for checkin in ClientCheckIn.objects.filter(
        opportunity=opportunity, contact=contact, state=CheckInState.SCHEDULED
    ):
        _cancel(checkin)
    _log_contact("contact.removed_from_deal", contact, by, account=opportunity.account)
    return True


# -- the check-in


def client_working_time(contact: Contact, opportunity: Opportunity) -> dates.WorkingTime:
    """The client's week (Monday to Friday, their country's holidays, else the workspace's),
    in their zone. The hours are the whole day: only the send time matters."""
    options = ClientSettings.of(opportunity.workspace)
    zone = contact.time_zone or options.time_zone or opportunity.owner.user.profile.time_zone
    return dates.WorkingTime.build(
        zone,
        CLIENT_WORKING_DAYS,
        dt.time(0, 0),
        dt.time(23, 59),
        contact.country or opportunity.workspace.country,
    )


def first_send_at(
    contact: Contact, opportunity: Opportunity, won_on: dt.date, now: dt.datetime
) -> dt.datetime:
    """`days_after_won` days after `won_on`, moved to a working day, at the send time where the
    client is; if that is already past (a contact named late), the next such morning."""
    options = ClientSettings.of(opportunity.workspace)
    wt = client_working_time(contact, opportunity)
    day = won_on + dt.timedelta(days=options.days_after_won)
    send_at = dates.working_days_after(day, 0, wt, at=options.send_time)
    if send_at <= now:
        today = now.astimezone(wt.zone).date()
        send_at = dates.working_days_after(today, 0, wt, at=options.send_time)
        if send_at <= now:
            send_at = dates.working_days_after(today, 1, wt, at=options.send_time)
    return send_at


def reminder_send_at(checkin: ClientCheckIn, send_at: dt.datetime) -> dt.datetime:
    options = ClientSettings.of(checkin.opportunity.workspace)
    wt = client_working_time(checkin.contact, checkin.opportunity)
    day = send_at.astimezone(wt.zone).date()
    return dates.working_days_after(day, options.reminder_working_days, wt, at=options.send_time)


def sender_of(opportunity: Opportunity) -> Membership:
    """In whose name the check-in goes out: the rep, or the rep's manager (their first coach;
    the rep when nobody coaches them), as the workspace chose."""
    rep = opportunity.owner
    if ClientSettings.of(opportunity.workspace).sender == SenderChoice.REP:
        return rep
    coach = (
        Membership.objects.filter(coaching_reps__rep=rep, is_active=True)
        .select_related("user")
        .order_by("coaching_reps__created_at", "pk")
        .first()
    )
    return coach or rep


def throttled(contact: Contact, send_at: dt.datetime, exclude_pk: int | None) -> bool:
    """Whether the contact is already asked within `throttle_days` of `send_at`, about any
    deal of any rep (a check-in scheduled, sent or answered)."""
    days = ClientSettings.of(contact.workspace).throttle_days
    if days == 0:
        return False
    window = dt.timedelta(days=days)
    others = ClientCheckIn.objects.filter(
        contact=contact,
        state__in=[CheckInState.SCHEDULED, CheckInState.ANSWERED],
        send_at__gt=send_at - window,
        send_at__lt=send_at + window,
    )
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    return others.exists()


@dataclass(frozen=True)
class Scheduled:
    checkin: ClientCheckIn
    followups: list[FollowUp]


def schedule_checkin(
    opportunity: Opportunity,
    contact: Contact,
    *,
    by: User | None,
    at: dt.datetime | None = None,
) -> Scheduled:
    """The check-in of one client of a won deal: its row, and its email and reminder, or the
    reason it is not sent (no address, unsubscribed, asked too recently). A deal won again
    reuses the row; an answered one is left as it is. Call it inside the caller's transaction."""
    now = at or timezone.now()
    checkin, _ = ClientCheckIn.objects.get_or_create(
        contact=contact,
        opportunity=opportunity,
        defaults={"workspace_id": opportunity.workspace_id, "rep": opportunity.owner},
    )
    if checkin.state == CheckInState.ANSWERED:
        return Scheduled(checkin, [])
    won_on = opportunity.closed_on or timezone.localdate(now, opportunity.owner.user.profile.zone)
    send_at = first_send_at(contact, opportunity, won_on, now)
    reason = ""
    if not contact.email:
        reason = SkipReason.NO_EMAIL
    elif contact.is_unsubscribed:
        reason = SkipReason.UNSUBSCRIBED
    elif throttled(contact, send_at, checkin.pk):
        reason = SkipReason.THROTTLED
    sender = sender_of(opportunity)
    checkin.rep = opportunity.owner
    checkin.sender = sender
    checkin.send_at = send_at
    checkin.cancelled_at = None
    checkin.skip_reason = reason
    checkin.state = CheckInState.SKIPPED if reason else CheckInState.SCHEDULED
    checkin.updated_at = now
    checkin.save()
    data = {"name": contact.name, "account": opportunity.account}
    if reason:
        reason_words = str(SkipReason(reason).label)
        _log_checkin("client_checkin.skipped", checkin, by, reason=reason_words, **data)
        return Scheduled(checkin, [])
    options = ClientSettings.of(opportunity.workspace)
    zone = contact.zone_name(options.time_zone or opportunity.owner.user.profile.time_zone)
    context: dict[str, object] = {
        "language": languages.supported(contact.language),
        "time_zone": zone,
    }
    scheduled = [
        followups.schedule(
            kind=kind,
            template=template,
            send_at=when,
            to_email=contact.email,
            workspace=opportunity.workspace,
            about=checkin,
            context=context,
            created_by=by,
            reply_to=sender.user.email,
        )
        for kind, template, when in [
            (kinds.CLIENT_CHECK_IN, "client_checkin", send_at),
            (kinds.CLIENT_REMINDER, "client_checkin_reminder", reminder_send_at(checkin, send_at)),
        ]
    ]
    _log_checkin("client_checkin.scheduled", checkin, by, **data)
    return Scheduled(checkin, scheduled)


def _log_checkin(verb: str, checkin: ClientCheckIn, by: User | None, **data: object) -> None:
    events.record(
        verb,
        workspace=checkin.workspace,
        about=checkin,
        actor=by,
        rep=checkin.rep,
        data=data,
    )


def _cancel(checkin: ClientCheckIn, reason: str = "") -> None:
    followups.cancel_about(checkin, [kinds.CLIENT_CHECK_IN, kinds.CLIENT_REMINDER])
    checkin.state = CheckInState.CANCELLED
    checkin.cancelled_at = timezone.now()
    checkin.skip_reason = reason
    checkin.updated_at = checkin.cancelled_at
    checkin.save(update_fields=["state", "cancelled_at", "skip_reason", "updated_at"])
    _log_checkin(
        "client_checkin.cancelled",
        checkin,
        None,
        name=checkin.contact.name,
        account=checkin.opportunity.account,
    )


def deal_won(opportunity: Opportunity, *, by: User | None, at: dt.datetime | None = None) -> int:
    """Schedules the check-in of every client named on a deal just won (in the caller's
    transaction: pipeline.actions.move_opportunity). Returns how many will be sent."""
    count = 0
    for link in opportunity.deal_contacts.select_related("contact__workspace"):
        count += bool(schedule_checkin(opportunity, link.contact, by=by, at=at).followups)
    return count


def deal_left_won(opportunity: Opportunity) -> int:
    """Cancels the check-ins of a deal moved away from Won that were not answered yet (a sent
    email stays sent; its reminder is cancelled)."""
    pending = ClientCheckIn.objects.filter(
        opportunity=opportunity, state__in=[CheckInState.SCHEDULED, CheckInState.SKIPPED]
    ).select_related("contact", "opportunity", "workspace")
    count = 0
    for checkin in pending:
        _cancel(checkin, checkin.skip_reason)
        count += 1
    return count


# -- the client's answer


def consent_wording(checkin: ClientCheckIn, credit: str) -> str:
    """The exact words a client agrees to, as the page shows them, in the page's language: the
    comment in quotes, and how they would be named."""
    preview = ClientCheckIn(contact=checkin.contact, opportunity=checkin.opportunity, credit=credit)
    return gettext("%(company)s may quote my words “%(comment)s”, naming me as: %(credit)s") % {
        "company": checkin.workspace.name,
        "comment": checkin.comment.strip(),
        "credit": preview.credit_line(),
    }


def consent_wordings(checkin: ClientCheckIn) -> list[tuple[str, str]]:
    """Each credit with the exact words it would give consent to."""
    return [(credit, consent_wording(checkin, credit)) for credit in Credit.values]


def may_ask_consent(checkin: ClientCheckIn) -> bool:
    """ "May we quote you?" is asked only where a quote could come of it: a 9-10 with words."""
    return checkin.is_promoter and bool(checkin.comment.strip())


@transaction.atomic
def record_answer(
    checkin: ClientCheckIn,
    *,
    score: int,
    comment: str = "",
    language: str = "",
    at: dt.datetime | None = None,
) -> ClientCheckIn:
    """The client's answer, from the page (never from a link alone). Answering again updates
    the same answer; new words are not covered by a consent given to the old ones (it is
    withdrawn, and the page asks again). The reminder is cancelled. A 0-6 goes at once to the
    rep and the manager with a callback to-do (once); the first answer is thanked."""
    if score not in SCORES:
        raise ActionRefused(gettext("Choose a score from 0 to 10."))
    now = at or timezone.now()
    checkin = ClientCheckIn.objects.select_for_update().get(pk=checkin.pk)
    if checkin.state == CheckInState.CANCELLED and not checkin.is_answered:
        raise ActionRefused(gettext("This survey was withdrawn; there is nothing to answer."))
    first = not checkin.is_answered
    words_changed = checkin.comment != comment.strip()
    checkin.score = score
    checkin.comment = comment.strip()
    checkin.answered_at = checkin.answered_at or now
    checkin.answer_language = language
    checkin.state = CheckInState.ANSWERED
    if words_changed and checkin.has_consent:
        checkin.withdrawn_at = now
    _requote(checkin, words_changed)
    checkin.updated_at = now
    checkin.save()
    followups.cancel_about(checkin, [kinds.CLIENT_REMINDER])
    if checkin.is_complaint and checkin.callback_id is None:
        route_complaint(checkin, now)
    if first:
        _thank(checkin, now)
    _log_checkin(
        "client_checkin.answered",
        checkin,
        None,
        name=checkin.contact.name,
        account=checkin.opportunity.account,
        score=score,
    )
    return checkin


def _requote(checkin: ClientCheckIn, words_changed: bool) -> None:
    """Where the answer stands as a quote: a quotable answer is a candidate (again, when its
    words changed: an approval or a decline was of other words); one no longer quotable is
    no candidate."""
    if not checkin.is_quotable:
        if checkin.quote_state == QuoteState.CANDIDATE:
            checkin.quote_state = QuoteState.NONE
    elif words_changed or checkin.quote_state == QuoteState.NONE:
        checkin.quote_state, checkin.quote_text = QuoteState.CANDIDATE, ""
        checkin.approved_by, checkin.approved_at = None, None


@transaction.atomic
def record_consent(
    checkin: ClientCheckIn, *, credit: str, at: dt.datetime | None = None
) -> ClientCheckIn:
    """The client's "May we quote you?": a credit (kept with its time and the exact words shown,
    in the page's language), or "" for no. A 9-10 with consent becomes a binder candidate; the
    thank-you email for it carries the link to withdraw."""
    if credit and credit not in Credit.values:
        raise ActionRefused(gettext("Choose how you would like to be named."))
    now = at or timezone.now()
    checkin = ClientCheckIn.objects.select_for_update().get(pk=checkin.pk)
    if not may_ask_consent(checkin):
        raise ActionRefused(gettext("There is nothing of yours to quote."))
    before = (checkin.credit, checkin.has_consent)
    if credit:
        checkin.credit, checkin.consent_at, checkin.withdrawn_at = credit, now, None
        checkin.consent_wording = consent_wording(checkin, credit)
    elif checkin.has_consent:
        checkin.withdrawn_at = now
    _requote(checkin, words_changed=before != (checkin.credit, checkin.has_consent))
    checkin.updated_at = now
    checkin.save()
    if checkin.has_consent and before != (checkin.credit, True):
        # The thank-you still waiting carries the consent and its withdraw link (it renders
        # when it is sent); when it is gone already, another says so.
        waiting = FollowUp.objects.about(checkin).filter(
            kind=kinds.CLIENT_THANKS, state=State.SCHEDULED
        )
        if not waiting.exists():
            _thank(checkin, now, delay=dt.timedelta(0))
    return checkin


# The thank-you waits a little after the first answer, so that the consent the page asks for
# next goes in the same email.
THANKS_DELAY = dt.timedelta(minutes=10)


def _thank(checkin: ClientCheckIn, now: dt.datetime, delay: dt.timedelta = THANKS_DELAY) -> None:
    followups.schedule(
        kind=kinds.CLIENT_THANKS,
        template="client_thanks",
        to_email=checkin.contact.email,
        send_at=now + delay,
        workspace=checkin.workspace,
        about=checkin,
        context={"language": languages.supported(checkin.contact.language)},
        reply_to=checkin.sender.user.email if checkin.sender else "",
    )


def complaint_readers(checkin: ClientCheckIn) -> list[Membership]:
    """Who hears of a complaint at once: the rep and the rep's coaches (their manager, in the
    words of story 002). Not the stakeholders: a client's complaint is private to those who
    can call back."""
    rep = checkin.rep
    coaches = Membership.objects.filter(coaching_reps__rep=rep, is_active=True).order_by(
        "coaching_reps__created_at", "pk"
    )
    return [rep, *coaches.select_related("user__profile")]


def callback_deadline(owner: Membership, answered_at: dt.datetime) -> tuple[dt.date, dt.datetime]:
    """ "Within one working day" of the one who calls back: the end of their next working day."""
    wt = owner.user.profile.working_time(owner.workspace)
    local_day = answered_at.astimezone(wt.zone).date()
    day = dates.add_working_days(local_day, 1, wt)
    return day, dates.local_datetime(day, wt.work_ends, wt.zone)


def route_complaint(checkin: ClientCheckIn, now: dt.datetime) -> Todo:
    """A 0-6: an email now to the rep and the manager, and a to-do "call the client back within
    one working day" on the manager's list (the rep's first coach; to-dos are a coach's list),
    due the end of their next working day, late when missed."""
    readers = complaint_readers(checkin)
    owner = readers[1] if len(readers) > 1 else readers[0]
    due_on, due_at = callback_deadline(owner, now)
    # Worded when read, in the reader's language (Todo.words).
    todo = Todo.written(
        TodoKind.CALLBACK,
        client=checkin.contact.name,
        account=checkin.opportunity.account,
        score=checkin.score or 0,
        rep=checkin.rep.user.name,
    )
    todo.workspace, todo.owner, todo.due_on, todo.created_at = (
        checkin.workspace,
        owner,
        due_on,
        now,
    )
    todo.save()
    checkin.callback, checkin.callback_due_at = todo, due_at
    checkin.save(update_fields=["callback", "callback_due_at"])
    for reader in readers:
        followups.schedule(
            kind=kinds.CLIENT_COMPLAINT,
            template="client_complaint",
            to_email=reader.user.email,
            recipient=reader.user,
            send_at=now,
            workspace=checkin.workspace,
            about=checkin,
            context={
                "time_zone": reader.user.profile.time_zone,
                "deal_path": checkin.get_absolute_url(),
            },
        )
    return todo


@transaction.atomic
def mark_called_back(checkin: ClientCheckIn, *, by: User | None) -> ClientCheckIn:
    """The client was called back: the callback to-do is done."""
    todo = checkin.callback
    if todo is None:
        raise ActionRefused(gettext("This answer needs no callback."))
    if todo.done_at is None:
        todo.done_at = timezone.now()
        todo.save(update_fields=["done_at"])
        _log_checkin(
            "client_checkin.called_back",
            checkin,
            by,
            name=checkin.contact.name,
            account=checkin.opportunity.account,
        )
    return checkin


@transaction.atomic
def withdraw_consent(checkin: ClientCheckIn, *, at: dt.datetime | None = None) -> bool:
    """The client takes back their consent: the quote leaves every binder at once (the rule is
    ClientCheckIn.is_quotable). Returns False when there was nothing to withdraw."""
    checkin = ClientCheckIn.objects.select_for_update().get(pk=checkin.pk)
    if not checkin.has_consent:
        return False
    checkin.withdrawn_at = checkin.updated_at = at or timezone.now()
    checkin.save(update_fields=["withdrawn_at", "updated_at"])
    _log_checkin("client_checkin.consent_withdrawn", checkin, None, name=checkin.contact.name)
    return True


@transaction.atomic
def unsubscribe(contact: Contact, *, at: dt.datetime | None = None) -> bool:
    """The client asks for no more surveys: honoured for every later one to this address in the
    workspace (Contact is one per address), and every waiting one is cancelled now."""
    contact = Contact.objects.select_for_update().get(pk=contact.pk)
    if contact.is_unsubscribed:
        return False
    contact.unsubscribed_at = at or timezone.now()
    contact.save(update_fields=["unsubscribed_at"])
    for checkin in contact.checkins.filter(state=CheckInState.SCHEDULED).select_related(
        "opportunity", "workspace", "contact"
    ):
        _cancel(checkin, SkipReason.UNSUBSCRIBED)
    # A reminder of an answered or sent survey goes too.
    for checkin in contact.checkins.all():
        followups.cancel_about(checkin, [kinds.CLIENT_CHECK_IN, kinds.CLIENT_REMINDER])
    _log_contact("contact.unsubscribed", contact, None)
    return True


def pending_followups(checkin: ClientCheckIn) -> list[FollowUp]:
    return list(FollowUp.objects.about(checkin).exclude(state=State.CANCELLED))


@transaction.atomic
def save_settings(options: ClientSettings, *, by: User | None) -> ClientSettings:
    """An admin's choice of when and in whose name clients are asked; it applies to the
    check-ins scheduled from now on."""
    options.save()
    events.record(
        "client_settings.changed",
        workspace=options.workspace,
        about=options,
        actor=by,
        data={"days": options.days_after_won, "throttle": options.throttle_days},
    )
    return options
