"""The praise binder's rows: the links that share a binder with executives, and the PDF kept
until the binder changes. (The quotes themselves are ClientCheckIn rows: see binder.py.)

A binder is one rep's (`Scope.REP`, `member` the rep) or one manager's team's (`Scope.TEAM`,
`member` the coach: the reps they coach)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from followthrough.accounts.models import Membership, Workspace
from followthrough.lib import signing


class Scope(models.TextChoices):
    REP = "rep", gettext_lazy("A rep's binder")
    TEAM = "team", gettext_lazy("A team's binder")


class BinderShare(models.Model):
    """A link that opens one binder without a login, until it expires or is revoked. The token
    carries the row's id; the row says whether the link still opens."""

    SCOPE = "binder-share"
    # The longest a link may live; the token itself expires then, whatever the row says.
    MAX_DAYS = 365
    DEFAULT_DAYS = 30

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    scope = models.CharField(max_length=8, choices=Scope.choices)
    member = models.ForeignKey(
        Membership,
        on_delete=models.CASCADE,
        related_name="binder_shares",
        help_text=gettext_lazy(
            "The rep (rep's binder) or the coach whose team it is (team's binder)."
        ),
    )
    note = models.CharField(
        max_length=200, blank=True, help_text=gettext_lazy("For whom, e.g. the senior team.")
    )
    created_by = models.ForeignKey(
        Membership, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        Membership, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    last_opened_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Share of the {self.scope} binder of {self.member_id}"

    def is_expired(self, now: dt.datetime | None = None) -> bool:
        return (now or timezone.now()) >= self.expires_at

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    def is_open(self, now: dt.datetime | None = None) -> bool:
        return not self.is_revoked and not self.is_expired(now)

    def token(self) -> str:
        return signing.make_token(self.SCOPE, self.pk)

    def url(self) -> str:
        return settings.BASE_URL.rstrip("/") + reverse("binder_shared", args=[self.token()])


class BinderPdf(models.Model):
    """The PDF of one binder in one language, kept while the binder's content hash is the
    same: a later page visit serves it without rendering again."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    scope = models.CharField(max_length=8, choices=Scope.choices)
    member = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="+")
    language = models.CharField(max_length=8)
    content_hash = models.CharField(max_length=64)
    pdf = models.BinaryField()
    pages = models.PositiveIntegerField(default=0)
    rendered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["scope", "member", "language"], name="one_binder_pdf_per_language"
            )
        ]

    def __str__(self) -> str:
        return f"PDF of the {self.scope} binder of {self.member_id} ({self.language})"
