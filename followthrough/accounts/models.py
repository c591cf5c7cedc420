"""People: users, workspaces, memberships with roles, profiles, invitations, relationships."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy, pgettext, pgettext_lazy

from followthrough.lib import signing
from followthrough.lib.dates import WorkingTime, supported_countries

WEEKDAYS = [
    (0, gettext_lazy("Monday")),
    (1, gettext_lazy("Tuesday")),
    (2, gettext_lazy("Wednesday")),
    (3, gettext_lazy("Thursday")),
    (4, gettext_lazy("Friday")),
    (5, gettext_lazy("Saturday")),
    (6, gettext_lazy("Sunday")),
]


def default_working_days() -> list[int]:
    return [0, 1, 2, 3, 4]


def validate_time_zone(value: str) -> None:
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValidationError(
            gettext_lazy(
                "“%(value)s” is not a known time zone. Use an IANA name such as Europe/Madrid."
            ),
            params={"value": value},
        ) from None


def validate_country(value: str) -> None:
    if value and value not in supported_countries():
        raise ValidationError(
            gettext_lazy(
                "“%(value)s” is not a country whose public holidays are known. "
                "Use an ISO 3166-1 two-letter code such as US or ES."
            ),
            params={"value": value},
        )


COUNTRY_HELP = gettext_lazy(
    "Two-letter code, such as US or ES: its public holidays are not working days."
)


def normalize_email(email: str) -> str:
    """Emails are compared case-insensitively, so they are stored in lower case."""
    return email.strip().lower()


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        if not email:
            raise ValueError("A user needs an email address")
        user = self.model(email=normalize_email(email), **extra)
        user.set_password(password)
        user.save(using=self._db)
        Profile.objects.get_or_create(user=user)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)

    def get_by_natural_key(self, username: str | None) -> User:
        return self.get(email=normalize_email(username or ""))


class User(AbstractBaseUser, PermissionsMixin):
    """A person who logs in with an email address. Belongs to workspaces through memberships."""

    email = models.EmailField(unique=True)
    name = models.CharField(max_length=150)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(
        default=False, help_text=gettext_lazy("May use the Django admin.")
    )
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = ["name"]

    class Meta:
        ordering = ["name", "email"]

    def __str__(self) -> str:
        return self.name or self.email

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.email = normalize_email(self.email)
        super().save(*args, **kwargs)

    def get_full_name(self) -> str:
        return self.name

    def get_short_name(self) -> str:
        return self.name.split(" ")[0] if self.name else self.email

    def active_memberships(self) -> models.QuerySet[Membership]:
        return self.memberships.filter(is_active=True).select_related("workspace")

    def is_locked_out(self) -> bool:
        """Every membership deactivated (and not a site admin): may not log in."""
        if self.is_staff:
            return False
        memberships = list(self.memberships.values_list("is_active", flat=True))
        return bool(memberships) and not any(memberships)


class Workspace(models.Model):
    """One company, or one client company of an independent coach."""

    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=60, unique=True)
    country = models.CharField(
        max_length=2, blank=True, validators=[validate_country], help_text=COUNTRY_HELP
    )
    # When check-ins go out: the n-th working day after a commitment's due date, at this local
    # time of the person it goes to; a reminder follows after another n working days.
    checkin_working_days = models.PositiveSmallIntegerField(
        default=2,
        help_text=gettext_lazy("Working days after the due date before the check-in goes out."),
    )
    checkin_time = models.TimeField(
        default=dt.time(9, 0),
        help_text=gettext_lazy("Local time of the rep at which check-ins go out."),
    )
    reminder_working_days = models.PositiveSmallIntegerField(
        default=2,
        help_text=gettext_lazy("Working days of silence after a check-in before one reminder."),
    )
    # The language of the workspace's own data, such as the names of its default metrics (each
    # person still reads the pages in their own).
    language = models.CharField(
        max_length=8,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
        help_text=gettext_lazy("The language its default metrics are named in."),
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("workspace_home", args=[self.slug])

    def admins(self) -> models.QuerySet[Membership]:
        return self.memberships.filter(role=Role.ADMIN, is_active=True)


class Role(models.TextChoices):
    ADMIN = "admin", pgettext_lazy("role", "Admin")
    COACH = "coach", gettext_lazy("Coach")
    REP = "rep", gettext_lazy("Rep")
    STAKEHOLDER = "stakeholder", gettext_lazy("Stakeholder")


ROLE_HELP = {
    Role.ADMIN: gettext_lazy("manages people and settings, and can coach"),
    Role.COACH: gettext_lazy("runs sessions with the reps they coach"),
    Role.REP: gettext_lazy("is coached, answers check-ins"),
    Role.STAKEHOLDER: gettext_lazy(
        "a manager or executive who reads what is shared and writes only in the coach–manager "
        "thread of the reps they follow"
    ),
}


class Membership(models.Model):
    """A person's place in a workspace: their role, and whether they still have access."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=20, choices=Role.choices)
    title = models.CharField(
        max_length=120, blank=True, help_text=gettext_lazy("Job title, e.g. Account Executive")
    )
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)
    deactivated_at = models.DateTimeField(null=True, blank=True)
    # The Today page lists the answers that came in since the coach last looked.
    today_seen_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["user__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "user"], name="one_membership_per_workspace"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()}, {self.workspace})"

    def get_absolute_url(self) -> str:
        return reverse("member_detail", args=[self.workspace.slug, self.pk])

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def is_coach(self) -> bool:
        """Admins coach too: in a small company the sales manager is both."""
        return self.role in (Role.ADMIN, Role.COACH)

    @property
    def is_rep(self) -> bool:
        return self.role == Role.REP

    @property
    def is_stakeholder(self) -> bool:
        return self.role == Role.STAKEHOLDER

    # Who may be the person coached (a plan's `rep`): reps, and managers (coaches, admins) who
    # learn to coach in a program. Stakeholders read; they are never coached.
    COACHABLE_ROLES = (Role.REP, Role.COACH, Role.ADMIN)

    @property
    def can_be_coached(self) -> bool:
        return self.role in self.COACHABLE_ROLES

    def can_be_coached_by(self, coach: Membership) -> bool:
        """The one rule for "who coaches whom": a coach or an admin of the same workspace
        coaches a rep, a coach or an admin; never themselves, never a stakeholder."""
        return (
            coach.is_coach
            and self.can_be_coached
            and coach.workspace_id == self.workspace_id
            and coach.pk != self.pk
        )

    # Before a coach's first look at Today, the answers of the past week count as new.
    FIRST_LOOK_WINDOW = dt.timedelta(days=7)

    def new_answers_since(self, now: dt.datetime | None = None) -> dt.datetime:
        """Since when an answer counts as new for this coach, on Today and in the menu's count
        alike: their last look at Today, or a week back before the first."""
        return self.today_seen_at or (now or timezone.now()) - self.FIRST_LOOK_WINDOW

    def saw_today(self, now: dt.datetime) -> None:
        """The coach looked at Today: answers from now on are the new ones."""
        Membership.objects.filter(pk=self.pk).update(today_seen_at=now)

    def coaches(self) -> models.QuerySet[Membership]:
        return Membership.objects.filter(coaching_reps__rep=self, is_active=True).select_related(
            "user"
        )

    def coached_reps(self) -> models.QuerySet[Membership]:
        return Membership.objects.filter(coached_by__coach=self, is_active=True).select_related(
            "user"
        )

    def followers(self) -> models.QuerySet[Membership]:
        return Membership.objects.filter(following__rep=self, is_active=True).select_related("user")

    def followed_reps(self) -> models.QuerySet[Membership]:
        return Membership.objects.filter(
            followed_by__stakeholder=self, is_active=True
        ).select_related("user")


class Profile(models.Model):
    """When and where a person works: used to time their follow-ups in their own day."""

    LANGUAGES: ClassVar[list[tuple[str, str]]] = [("en", "English"), ("es", "Español")]

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    time_zone = models.CharField(max_length=64, default="UTC", validators=[validate_time_zone])
    working_days = models.JSONField(default=default_working_days)
    work_starts = models.TimeField(default=dt.time(9, 0))
    work_ends = models.TimeField(default=dt.time(17, 30))
    country = models.CharField(
        max_length=2,
        blank=True,
        validators=[validate_country],
        help_text=gettext_lazy(
            "Two-letter code, such as US or ES: its public holidays are not working days. "
            "Blank: the workspace's country."
        ),
    )
    language = models.CharField(max_length=8, choices=LANGUAGES, default="en")
    last_workspace = models.ForeignKey(
        Workspace, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    def __str__(self) -> str:
        return f"Profile of {self.user}"

    def clean(self) -> None:
        if self.work_ends <= self.work_starts:
            raise ValidationError(
                {"work_ends": gettext_lazy("The working day must end after it starts.")}
            )
        days = self.working_days
        if not isinstance(days, list) or not days or any(d not in range(7) for d in days):
            raise ValidationError(
                {"working_days": gettext_lazy("Choose at least one working day.")}
            )

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    def working_time(self, workspace: Workspace | None = None) -> WorkingTime:
        """For the date functions: this profile's country, else the workspace's."""
        return WorkingTime.for_profile(self, workspace)

    def works_on(self, day: dt.date) -> bool:
        return day.weekday() in self.working_days

    def working_days_display(self) -> str:
        names = dict(WEEKDAYS)
        return ", ".join(str(names[d])[:3] for d in sorted(self.working_days))


class Invitation(models.Model):
    """An email invitation to join a workspace with a role. Its link is signed and expires."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    role = models.CharField(max_length=20, choices=Role.choices)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(default=timezone.now)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    TOKEN_SCOPE = "invitation"

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Invitation of {self.email} to {self.workspace} as {self.role}"

    def role_word(self) -> str:
        """The role as the invitation email says it: "… on Followthrough as rep"."""
        words = {
            Role.ADMIN: pgettext("invited as", "admin"),
            Role.COACH: pgettext("invited as", "coach"),
            Role.REP: pgettext("invited as", "rep"),
            Role.STAKEHOLDER: pgettext("invited as", "stakeholder"),
        }
        return words.get(Role(self.role), self.role)

    @classmethod
    def max_age(cls) -> dt.timedelta:
        return dt.timedelta(days=settings.INVITATION_MAX_AGE_DAYS)

    def token(self) -> str:
        return signing.make_token(self.TOKEN_SCOPE, self.pk)

    def url(self) -> str:
        return settings.BASE_URL + reverse("accept_invitation", args=[self.token()])

    @property
    def expires_at(self) -> dt.datetime:
        return self.sent_at + self.max_age()

    @property
    def is_pending(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None

    @property
    def state(self) -> str:
        if self.accepted_at:
            return "accepted"
        if self.revoked_at:
            return "withdrawn"
        if timezone.now() > self.expires_at:
            return "expired"
        return "pending"


class CoachingRelationship(models.Model):
    """This coach coaches this rep."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    coach = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="coaching_reps")
    rep = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="coached_by")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["coach", "rep"], name="unique_coaching")]

    def __str__(self) -> str:
        return f"{self.coach.user} coaches {self.rep.user}"


class Following(models.Model):
    """This stakeholder (a manager or an executive) follows this rep's progress."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    stakeholder = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="following")
    rep = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="followed_by")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["stakeholder", "rep"], name="unique_following")
        ]

    def __str__(self) -> str:
        return f"{self.stakeholder.user} follows {self.rep.user}"


class LoginFailure(models.Model):
    """One failed login; enough of them for one address in a short window slow further tries."""

    email = models.CharField(max_length=254)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["email", "created_at"])]

    def __str__(self) -> str:
        return f"Failed login for {self.email} at {self.created_at:%Y-%m-%d %H:%M}"

    @classmethod
    def recent(cls, email: str) -> models.QuerySet[LoginFailure]:
        window = dt.timedelta(minutes=settings.LOGIN_FAILURE_WINDOW_MINUTES)
        return cls.objects.filter(
            email=normalize_email(email), created_at__gt=timezone.now() - window
        )

    @classmethod
    def retry_after(cls, email: str) -> dt.timedelta | None:
        """How long this address must wait before the next try, or None if it may try now."""
        failures = list(cls.recent(email).order_by("-created_at")[: settings.LOGIN_FAILURE_LIMIT])
        if len(failures) < settings.LOGIN_FAILURE_LIMIT:
            return None
        window = dt.timedelta(minutes=settings.LOGIN_FAILURE_WINDOW_MINUTES)
        return failures[-1].created_at + window - timezone.now()
