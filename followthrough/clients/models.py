"""Clients after the sale (story 002): the people a won deal was sold to, the check-in each is
sent some days after the sale, their answer, their consent to be quoted, and the quote's way to
the rep's praise binder.

The rules about one answer live here as methods, and nowhere else:

- a score of 0-6 is a complaint (`is_complaint`): routed to the rep and the manager, and its
  comment is never quotable, whatever the client ticked;
- a comment is quotable (`is_quotable`) only with a score of 9-10, words in it, and a consent
  that is given and not withdrawn;
- a quotable answer is a binder candidate; only an approved one goes in the binder
  (`in_binder`, and the queryset's `in_binder()` built from the same `binder_q()`).
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy, pgettext_lazy

from followthrough.accounts.models import (
    COUNTRY_HELP,
    Membership,
    Workspace,
    normalize_email,
    validate_country,
    validate_time_zone,
)
from followthrough.lib import signing
from followthrough.pipeline.models import Opportunity

# The NPS bands: 0-6 detractors (complaints), 7-8 passives, 9-10 promoters.
SCORES = range(0, 11)
COMPLAINT_MAX = 6
PROMOTER_MIN = 9
# A quote may be shortened for the binder; it keeps the client's own words (see `is_cut_of`).
QUOTE_MAX_LENGTH = 600
ELLIPSIS = "…"
# The follow-up kinds (registered in kinds.py) whose emails go to the client and carry the
# unsubscribe headers.
CHECK_IN_KIND = "client_check_in"
REMINDER_KIND = "client_reminder"


class SenderChoice(models.TextChoices):
    """In whose name a client check-in goes out (and who gets the replies)."""

    MANAGER = "manager", gettext_lazy("The rep's manager")
    REP = "rep", gettext_lazy("The rep")


class ClientSettings(models.Model):
    """A workspace's rules for client check-ins. A workspace without a row uses the defaults
    (`ClientSettings.of(workspace)` returns an unsaved one)."""

    workspace = models.OneToOneField(
        Workspace, on_delete=models.CASCADE, related_name="client_settings"
    )
    days_after_won = models.PositiveSmallIntegerField(
        default=30, help_text=gettext_lazy("Days after a deal is won before its clients are asked.")
    )
    send_time = models.TimeField(
        default=dt.time(10, 0),
        help_text=gettext_lazy("Local time of the client at which check-ins go out."),
    )
    sender = models.CharField(
        max_length=16, choices=SenderChoice.choices, default=SenderChoice.MANAGER
    )
    reminder_working_days = models.PositiveSmallIntegerField(
        default=5,
        help_text=gettext_lazy("Working days without an answer before one reminder."),
    )
    throttle_days = models.PositiveSmallIntegerField(
        default=90,
        help_text=gettext_lazy("No client is asked more than once in this many days."),
    )
    time_zone = models.CharField(
        max_length=64,
        blank=True,
        validators=[validate_time_zone],
        help_text=gettext_lazy("The clients' time zone when a contact's is not known."),
    )

    class Meta:
        verbose_name_plural = gettext_lazy("client settings")

    def __str__(self) -> str:
        return f"Client settings of {self.workspace_id}"

    @classmethod
    def of(cls, workspace: Workspace) -> ClientSettings:
        found = cls.objects.filter(workspace=workspace).first()
        return found if found is not None else cls(workspace=workspace)


class ContactQuerySet(models.QuerySet["Contact"]):
    def askable(self) -> ContactQuerySet:
        """Contacts a check-in may be sent to: with an address, not unsubscribed."""
        return self.exclude(email="").filter(unsubscribed_at=None)


class Contact(models.Model):
    """A person at a client: whom a won deal was sold to. One per address in a workspace; an
    address that unsubscribed is never surveyed again there."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(max_length=200)
    email = models.EmailField(
        blank=True, help_text=gettext_lazy("Without one, no check-in can be sent.")
    )
    company = models.CharField(max_length=200, blank=True)
    time_zone = models.CharField(
        max_length=64,
        blank=True,
        validators=[validate_time_zone],
        help_text=gettext_lazy("An IANA name such as America/Chicago; blank if unknown."),
    )
    country = models.CharField(
        max_length=2, blank=True, validators=[validate_country], help_text=COUNTRY_HELP
    )
    language = models.CharField(max_length=8, choices=settings.LANGUAGES, default="en")
    deals = models.ManyToManyField(
        Opportunity, through="DealContact", related_name="client_contacts", blank=True
    )
    unsubscribed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = ContactQuerySet.as_manager()

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "email"],
                condition=~Q(email=""),
                name="unique_contact_email",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.company})" if self.company else self.name

    def save(self, *args: object, **kwargs: object) -> None:
        self.email = normalize_email(self.email)
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def get_absolute_url(self) -> str:
        return reverse("contact_detail", args=[self.workspace.slug, self.pk])

    @property
    def is_unsubscribed(self) -> bool:
        return self.unsubscribed_at is not None

    def zone_name(self, fallback: str) -> str:
        """The client's time zone, else `fallback` (the workspace's)."""
        return self.time_zone or fallback

    @property
    def first_name(self) -> str:
        return self.name.split()[0] if self.name.split() else ""

    @property
    def initials(self) -> str:
        return "".join(f"{part[0].upper()}." for part in self.name.split() if part)

    # Unsubscribe links do not expire: a client who asks to stop must be able to, years later.
    UNSUBSCRIBE_SCOPE = "client-unsubscribe"
    UNSUBSCRIBE_AGE = dt.timedelta(days=36500)

    def unsubscribe_token(self) -> str:
        return signing.make_token(self.UNSUBSCRIBE_SCOPE, self.pk)

    def unsubscribe_url(self) -> str:
        path = reverse("client_unsubscribe", args=[self.unsubscribe_token()])
        return settings.BASE_URL.rstrip("/") + path


class DealContact(models.Model):
    """A client contact named on a deal: the people asked when it is won."""

    opportunity = models.ForeignKey(
        Opportunity, on_delete=models.CASCADE, related_name="deal_contacts"
    )
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="deal_contacts")
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["added_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["opportunity", "contact"], name="unique_deal_contact")
        ]

    def __str__(self) -> str:
        return f"{self.contact} on {self.opportunity_id}"


class Credit(models.TextChoices):
    """How a quoted client is named; the client chooses."""

    FULL = "full", gettext_lazy("My full name and company")
    FIRST = "first", gettext_lazy("My first name and company")
    INITIALS = "initials", gettext_lazy("My initials")
    ANONYMOUS = "anonymous", gettext_lazy("Anonymous")
    INTERNAL = "internal", gettext_lazy("Inside your company only, not in public")


class QuoteState(models.TextChoices):
    NONE = "", pgettext_lazy("quote state", "Not a quote")
    CANDIDATE = "candidate", pgettext_lazy("quote state", "Waiting for approval")
    APPROVED = "approved", pgettext_lazy("quote state", "Approved")
    DECLINED = "declined", pgettext_lazy("quote state", "Declined")


class CheckInState(models.TextChoices):
    SCHEDULED = "scheduled", pgettext_lazy("client check-in", "Scheduled")
    SKIPPED = "skipped", pgettext_lazy("client check-in", "Not sent")
    CANCELLED = "cancelled", pgettext_lazy("client check-in", "Cancelled")
    ANSWERED = "answered", pgettext_lazy("client check-in", "Answered")


class SkipReason(models.TextChoices):
    """Why a won deal's contact is not asked; the deal page says it."""

    NO_EMAIL = "no_email", gettext_lazy("The contact has no email address.")
    UNSUBSCRIBED = "unsubscribed", gettext_lazy("The contact asked to receive no more surveys.")
    THROTTLED = (
        "throttled",
        gettext_lazy(
            "The contact was asked less than the workspace's interval ago (another deal or rep)."
        ),
    )


def binder_q() -> Q:
    """What goes in a binder, as a filter: the one home of the quotable rule for querysets
    (`ClientCheckIn.is_quotable` and `in_binder` say the same for one row)."""
    return quotable_q() & Q(quote_state=QuoteState.APPROVED)


def quotable_q() -> Q:
    return (
        Q(score__gte=PROMOTER_MIN, consent_at__isnull=False, withdrawn_at__isnull=True)
        & ~Q(comment="")
        & ~Q(credit="")
    )


class ClientCheckInQuerySet(models.QuerySet["ClientCheckIn"]):
    def sent(self) -> ClientCheckInQuerySet:
        """Those whose email went out (its FollowUp row is sent)."""
        from followthrough.followups.models import FollowUp, State

        emails = FollowUp.objects.filter(
            about_type=ContentType.objects.get_for_model(ClientCheckIn),
            about_id=OuterRef("pk"),
            kind=CHECK_IN_KIND,
            state=State.SENT,
        )
        return self.filter(Exists(emails))

    def answered(self) -> ClientCheckInQuerySet:
        return self.filter(answered_at__isnull=False)

    def complaints(self) -> ClientCheckInQuerySet:
        return self.filter(score__isnull=False, score__lte=COMPLAINT_MAX)

    def candidates(self) -> ClientCheckInQuerySet:
        return self.filter(quotable_q(), quote_state=QuoteState.CANDIDATE)

    def in_binder(self) -> ClientCheckInQuerySet:
        return self.filter(binder_q())


class ClientCheckIn(models.Model):
    """One client contact asked about one won deal, and their answer (one per contact and
    deal; answering again updates it). The email and its reminder are FollowUp rows about this
    row: whether it was sent is theirs to say (`ClientCheckInQuerySet.sent()`); `state` says
    whether it is still on (scheduled), was never sent and why (skipped, `skip_reason`), was
    cancelled, or is answered.

    The answer: a score 0-10 (null until answered) and a comment. The consent: the credit the
    client chose, when, and the exact words they were shown; withdrawn_at when taken back.
    The quote: a candidate, approved (with the text as shortened for the binder), or declined.
    """

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="checkins")
    opportunity = models.ForeignKey(
        Opportunity, on_delete=models.CASCADE, related_name="client_checkins"
    )
    rep = models.ForeignKey(
        Membership,
        on_delete=models.CASCADE,
        related_name="client_checkins",
        help_text=gettext_lazy(
            "The deal's owner when it was won: whose service the answer counts for."
        ),
    )
    sender = models.ForeignKey(
        Membership,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=gettext_lazy("In whose name it goes out; replies go to them."),
    )
    state = models.CharField(
        max_length=16, choices=CheckInState.choices, default=CheckInState.SCHEDULED
    )
    skip_reason = models.CharField(max_length=16, choices=SkipReason.choices, blank=True)
    send_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    score = models.PositiveSmallIntegerField(null=True, blank=True)
    comment = models.TextField(blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    answer_language = models.CharField(max_length=8, blank=True)

    credit = models.CharField(max_length=16, choices=Credit.choices, blank=True)
    consent_at = models.DateTimeField(null=True, blank=True)
    consent_wording = models.TextField(
        blank=True,
        help_text=gettext_lazy("The exact words the client agreed to, as shown to them."),
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    quote_state = models.CharField(
        max_length=16, choices=QuoteState.choices, blank=True, default=QuoteState.NONE
    )
    quote_text = models.TextField(
        blank=True,
        help_text=gettext_lazy("The approved words, shortened for the binder from the comment."),
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)

    callback = models.ForeignKey(
        "coaching.Todo",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=gettext_lazy("For a complaint: the to-do to call the client back."),
    )
    callback_due_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = ClientCheckInQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["contact", "opportunity"], name="unique_checkin"),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=0, score__lte=10),
                name="checkin_score_0_10",
            ),
        ]
        indexes = [
            models.Index(fields=["rep", "state"], name="checkin_rep"),
            models.Index(fields=["contact", "send_at"], name="checkin_contact_send"),
        ]

    def __str__(self) -> str:
        return f"Check-in of {self.contact} about {self.opportunity_id}"

    def get_absolute_url(self) -> str:
        return reverse("opportunity_detail", args=[self.workspace.slug, self.opportunity_id])

    # -- the answer
    @property
    def is_answered(self) -> bool:
        return self.answered_at is not None

    @property
    def is_complaint(self) -> bool:
        """A score of 0-6: routed privately, never quotable."""
        return self.score is not None and self.score <= COMPLAINT_MAX

    @property
    def is_promoter(self) -> bool:
        return self.score is not None and self.score >= PROMOTER_MIN

    # -- consent
    @property
    def has_consent(self) -> bool:
        """The client said yes to being quoted, with a credit, and has not taken it back."""
        return bool(self.credit) and self.consent_at is not None and self.withdrawn_at is None

    @property
    def is_quotable(self) -> bool:
        """Whether these words may be shown as the client's quote at all: never a 0-6
        comment, only 9-10, only with a consent that stands. (binder_q() is the same rule
        for a queryset.)"""
        return self.is_promoter and bool(self.comment.strip()) and self.has_consent

    @property
    def in_binder(self) -> bool:
        """Only an approved, still quotable answer goes in the binder."""
        return self.is_quotable and self.quote_state == QuoteState.APPROVED

    @property
    def is_candidate(self) -> bool:
        return self.is_quotable and self.quote_state == QuoteState.CANDIDATE

    def quote_words(self) -> str:
        """What the binder shows: the approved shortened text, else the comment."""
        return self.quote_text or self.comment

    def credit_line(self) -> str:
        """How the client is named under the quote, as they chose."""
        contact = self.contact
        company = contact.company or self.opportunity.account
        if self.credit == Credit.FULL:
            return ", ".join(part for part in (contact.name, company) if part)
        if self.credit == Credit.FIRST:
            return ", ".join(part for part in (contact.first_name, company) if part)
        if self.credit == Credit.INITIALS:
            return contact.initials
        if self.credit == Credit.INTERNAL:
            who = ", ".join(part for part in (contact.name, company) if part)
            return gettext("%(who)s (for use inside the company only)") % {"who": who}
        return gettext("A client")

    # -- the callback after a complaint
    @property
    def callback_done(self) -> bool:
        todo = self.callback
        return todo is not None and todo.done_at is not None

    def callback_on_time(self) -> bool | None:
        """None when there is no callback; otherwise whether it was done by its deadline."""
        todo = self.callback
        if todo is None or self.callback_due_at is None:
            return None
        return todo.done_at is not None and todo.done_at <= self.callback_due_at

    def callback_overdue(self, now: dt.datetime | None = None) -> bool:
        todo = self.callback
        if todo is None or todo.done_at is not None or self.callback_due_at is None:
            return False
        return (now or timezone.now()) > self.callback_due_at

    # -- links
    SURVEY_SCOPE = "client-checkin"
    WITHDRAW_SCOPE = "client-consent-withdraw"
    SURVEY_MAX_AGE = dt.timedelta(days=60)
    # Consent can be withdrawn for years: the link in the thank-you email keeps working.
    WITHDRAW_MAX_AGE = dt.timedelta(days=3650)

    def survey_token(self) -> str:
        return signing.make_token(self.SURVEY_SCOPE, self.pk)

    def survey_url(self, score: int | None = None) -> str:
        path = reverse("client_answer", args=[self.survey_token()])
        query = f"?score={score}" if score is not None else ""
        return settings.BASE_URL.rstrip("/") + path + query

    def score_links(self) -> list[tuple[int, str]]:
        """The email's 0-10 row: each number opens the page with it chosen (nothing is
        recorded until the page is sent)."""
        return [(score, self.survey_url(score)) for score in SCORES]

    def withdraw_url(self) -> str:
        token = signing.make_token(self.WITHDRAW_SCOPE, self.pk)
        return settings.BASE_URL.rstrip("/") + reverse("client_withdraw", args=[token])

    def zone(self, fallback: str) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.contact.zone_name(fallback))

    def email_dressing(self, kind: str) -> tuple[str, dict[str, str]]:
        """For FollowUp.build_message: the name a message to the client goes out in (the
        sender's), and the one-click unsubscribe headers of RFC 8058 (a survey is a message a
        person may stop). Messages to the rep and the manager get neither."""
        if kind not in (CHECK_IN_KIND, REMINDER_KIND):
            return "", {}
        name = self.sender.user.name if self.sender is not None else ""
        return name, {
            "List-Unsubscribe": f"<{self.contact.unsubscribe_url()}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        }


_SPACES = re.compile(r"\s+")


def _squeeze(text: str) -> str:
    return _SPACES.sub(" ", text).strip()


def is_cut_of(shortened: str, original: str) -> bool:
    """Whether `shortened` keeps the client's wording: every piece of it, between ellipses
    ("…" or "..."), is a piece of the original, in order. Cutting is allowed; rewording is not."""
    pieces = [
        _squeeze(piece).strip(" .,;")
        for piece in shortened.replace("...", ELLIPSIS).split(ELLIPSIS)
    ]
    pieces = [piece for piece in pieces if piece]
    if not pieces:
        return False
    rest = _squeeze(original)
    for piece in pieces:
        found = rest.find(piece)
        if found < 0:
            return False
        rest = rest[found + len(piece) :]
    return True


# The praise binder's links and PDFs (kept in their own module; registered with this app).
from followthrough.clients.binder_models import BinderPdf, BinderShare  # noqa: E402, F401
