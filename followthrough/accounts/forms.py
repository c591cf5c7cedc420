from __future__ import annotations

import math
import zoneinfo
from typing import Any

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from followthrough.accounts.models import (
    WEEKDAYS,
    LoginFailure,
    Membership,
    Profile,
    Role,
    User,
    Workspace,
    normalize_email,
    validate_time_zone,
)
from followthrough.followups import actions as followups
from followthrough.followups.models import Kind
from followthrough.lib import dates


def time_zone_names() -> list[str]:
    return sorted(zoneinfo.available_timezones())


class TimeZoneField(forms.CharField):
    """An IANA time zone name, typed with suggestions (a datalist), checked on submit."""

    default_validators = [validate_time_zone]

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault(
            "help_text", gettext_lazy("An IANA name, such as America/Chicago or Europe/Madrid.")
        )
        super().__init__(**kwargs)
        self.widget.attrs.update({"list": "time-zones", "autocomplete": "off"})


class LoginForm(AuthenticationForm):
    """Email and password, with a pause after repeated failures for the same address."""

    username = forms.EmailField(
        label=gettext_lazy("Email"), widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": gettext_lazy(
            "That email and password do not match. Check both and try again."
        ),
        "locked_out": gettext_lazy(
            "Your access has been deactivated. Ask an admin of your workspace to restore it."
        ),
    }

    def clean(self) -> dict[str, Any]:
        email = normalize_email(self.data.get("username", ""))
        wait = LoginFailure.retry_after(email) if email else None
        if wait is not None:
            minutes = max(1, math.ceil(wait.total_seconds() / 60))
            raise forms.ValidationError(
                ngettext(
                    "Too many failed attempts for this email. Try again in %(minutes)d minute, "
                    "or reset your password.",
                    "Too many failed attempts for this email. Try again in %(minutes)d minutes, "
                    "or reset your password.",
                    minutes,
                )
                % {"minutes": minutes},
                code="throttled",
            )
        try:
            return super().clean()
        except forms.ValidationError as error:
            if error.code == "invalid_login" and email:
                LoginFailure.objects.create(email=email)
            raise

    def confirm_login_allowed(self, user: Any) -> None:
        super().confirm_login_allowed(user)
        if user.is_locked_out():
            raise forms.ValidationError(self.error_messages["locked_out"], code="locked_out")


class EmailPasswordResetForm(PasswordResetForm):
    """Django's reset flow, with the email sent by the delivery engine."""

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        followups.schedule(
            kind=Kind.PASSWORD_RESET,
            template="password_reset",
            to_email=to_email,
            recipient=context["user"],
            about=context["user"],
            context={"uid": context["uid"], "token": context["token"], "email": to_email},
        )


class InviteForm(forms.Form):
    email = forms.EmailField(label=gettext_lazy("Email address"))
    role = forms.ChoiceField(label=gettext_lazy("Role"), choices=Role.choices)

    def __init__(self, *args: Any, roles: list[Role], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        role_field = self.fields["role"]
        assert isinstance(role_field, forms.ChoiceField)
        role_field.choices = [(role.value, role.label) for role in roles]
        if Role.REP in roles:
            role_field.initial = Role.REP

    def clean_email(self) -> str:
        return normalize_email(self.cleaned_data["email"])


class NewAccountForm(forms.Form):
    """The invitee's first visit: a name, a password, their time zone."""

    name = forms.CharField(max_length=150, label=gettext_lazy("Your name"))
    password1 = forms.CharField(
        label=gettext_lazy("Password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=gettext_lazy("Password again"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    time_zone = TimeZoneField(label=gettext_lazy("Your time zone"))

    def __init__(self, *args: Any, email: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.email = email

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first, second = data.get("password1"), data.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("The two passwords differ."))
        elif first:
            user = User(email=self.email, name=data.get("name", ""))
            try:
                password_validation.validate_password(first, user)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return data


class ProfileForm(forms.ModelForm):
    name = forms.CharField(max_length=150, label=gettext_lazy("Name"))
    time_zone = TimeZoneField(label=gettext_lazy("Time zone"))
    working_days = forms.TypedMultipleChoiceField(
        choices=WEEKDAYS,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        label=gettext_lazy("Working days"),
    )

    field_order = [
        "name",
        "time_zone",
        "country",
        "working_days",
        "work_starts",
        "work_ends",
        "language",
    ]

    class Meta:
        model = Profile
        fields = ["time_zone", "country", "working_days", "work_starts", "work_ends", "language"]
        widgets = {
            "work_starts": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "work_ends": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }
        labels = {
            "work_starts": gettext_lazy("Working day starts"),
            "work_ends": gettext_lazy("Working day ends"),
            "country": gettext_lazy("Country for public holidays"),
            "language": gettext_lazy("Language"),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["name"].initial = self.instance.user.name

    def clean_country(self) -> str:
        return str(self.cleaned_data["country"]).strip().upper()

    def save(self, commit: bool = True) -> Profile:
        profile = super().save(commit=commit)
        profile.user.name = self.cleaned_data["name"].strip()
        profile.user.save(update_fields=["name"])
        return profile


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=gettext_lazy("Role"), choices=Role.choices)


class RelationshipsForm(forms.Form):
    coaches = forms.ModelMultipleChoiceField(
        queryset=Membership.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=gettext_lazy("Coaches"),
    )
    followers = forms.ModelMultipleChoiceField(
        queryset=Membership.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=gettext_lazy("Stakeholders who follow this rep"),
    )

    def __init__(self, *args: Any, rep: Membership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        active = Membership.objects.filter(workspace=rep.workspace, is_active=True).select_related(
            "user"
        )
        coaches_field = self.fields["coaches"]
        followers_field = self.fields["followers"]
        assert isinstance(coaches_field, forms.ModelMultipleChoiceField)
        assert isinstance(followers_field, forms.ModelMultipleChoiceField)
        # Anyone who may coach this person (Membership.can_be_coached_by), never themselves.
        coaches_field.queryset = active.filter(role__in=[Role.ADMIN, Role.COACH]).exclude(pk=rep.pk)
        followers_field.queryset = active.exclude(role=Role.REP)
        coaches_field.label_from_instance = follower_label  # type: ignore[method-assign,assignment]
        followers_field.label_from_instance = follower_label  # type: ignore[method-assign,assignment]
        self.initial.setdefault("coaches", list(rep.coaches()))
        if rep.is_rep:
            self.initial.setdefault("followers", list(rep.followers()))
        else:  # a coached manager: stakeholders follow reps only
            del self.fields["followers"]
            coaches_field.help_text = gettext_lazy(
                "A manager is coached like a rep: their coach opens their plan and follows up."
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        data.setdefault("followers", Membership.objects.none())
        return data


def follower_label(member: Membership) -> str:
    return f"{member.user.name} ({member.get_role_display().lower()})"


class WorkspaceForm(forms.Form):
    """A new workspace: its name, and the country whose public holidays are not working days
    (suggested from the creator's time zone: a workspace without one has no holidays at all)."""

    name = forms.CharField(max_length=120, label=gettext_lazy("Company name"))
    country = forms.ChoiceField(
        required=False,
        label=gettext_lazy("Country for public holidays"),
        help_text=gettext_lazy(
            "Check-ins and reminders do not go out on its public holidays. A member may set "
            "their own country in their profile."
        ),
    )

    def __init__(self, *args: Any, time_zone: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["country"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("None: no public holidays")), *dates.country_choices()]
        field.initial = dates.country_of_zone(time_zone)


class WorkspaceSettingsForm(forms.ModelForm):
    """What an admin sets for the whole workspace: the country for public holidays and when
    check-ins and reminders go out."""

    class Meta:
        model = Workspace
        fields = [
            "name",
            "country",
            "checkin_working_days",
            "checkin_time",
            "reminder_working_days",
            "language",
        ]
        labels = {
            "name": gettext_lazy("Name"),
            "country": gettext_lazy("Country"),
            "checkin_working_days": gettext_lazy("Check in after (working days)"),
            "checkin_time": gettext_lazy("Check-ins go out at"),
            "reminder_working_days": gettext_lazy("Remind after (working days)"),
            "language": gettext_lazy("Language"),
        }
        widgets = {"checkin_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M")}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["language"].required = False  # left out: it stays as it was

    def clean_language(self) -> str:
        return str(self.cleaned_data.get("language") or self.instance.language)

    def clean_checkin_working_days(self) -> int:
        value: int = self.cleaned_data["checkin_working_days"]
        if not 0 <= value <= 10:
            raise forms.ValidationError(_("Between 0 (on the due date) and 10 working days."))
        return value

    def clean_reminder_working_days(self) -> int:
        value: int = self.cleaned_data["reminder_working_days"]
        if not 1 <= value <= 10:
            raise forms.ValidationError(_("Between 1 and 10 working days."))
        return value
