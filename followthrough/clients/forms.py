"""Forms of the clients app. Plain forms: the actions are the only writers."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from followthrough.accounts.models import COUNTRY_HELP, validate_country, validate_time_zone
from followthrough.clients.models import SCORES, ClientSettings, Contact

COMMENT_MAX = 2000


class ContactForm(forms.Form):
    name = forms.CharField(max_length=200, label=_("Name"))
    email = forms.EmailField(
        required=False,
        label=_("Email"),
        help_text=_("Without one, no check-in can be sent."),
        error_messages={"invalid": _("That is not an email address.")},
    )
    company = forms.CharField(max_length=200, required=False, label=_("Company"))
    time_zone = forms.CharField(
        max_length=64,
        required=False,
        label=_("Time zone"),
        validators=[validate_time_zone],
        help_text=_("An IANA name such as America/Chicago; blank if unknown."),
    )
    country = forms.CharField(
        max_length=2,
        required=False,
        label=_("Country"),
        validators=[validate_country],
        help_text=COUNTRY_HELP,
    )
    language = forms.ChoiceField(
        choices=settings.LANGUAGES, initial="en", label=_("Language of the emails")
    )

    def clean_country(self) -> str:
        return str(self.cleaned_data["country"]).strip().upper()

    def fields_for_action(self) -> dict[str, str]:
        return {name: str(self.cleaned_data[name]) for name in self.fields}


class DealContactForm(forms.Form):
    """Names a client on a deal: one of the workspace's contacts, or a new one."""

    contact: forms.ModelChoiceField[Contact] = forms.ModelChoiceField(
        queryset=Contact.objects.none(), required=False, label=_("A contact already known")
    )

    def __init__(self, *args: Any, contacts: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["contact"].queryset = contacts  # type: ignore[attr-defined]


class AnswerForm(forms.Form):
    """The client's answer: a score 0-10, a comment, and whether and how they may be quoted."""

    score = forms.TypedChoiceField(
        choices=[(str(n), str(n)) for n in SCORES],
        coerce=int,
        widget=forms.RadioSelect,
        label=_("How likely are you to recommend us to a friend or colleague?"),
        error_messages={
            "required": _("Choose a score from 0 to 10."),
            "invalid_choice": _("Choose a score from 0 to 10."),
        },
    )
    comment = forms.CharField(
        max_length=COMMENT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        label=_("Anything you would like to tell us?"),
    )


class ConsentForm(forms.Form):
    """ "May we quote you?": each choice is the exact text the client agrees to, their words
    and how they would be named (actions.consent_wording)."""

    credit = forms.ChoiceField(
        widget=forms.RadioSelect,
        label=_("May we quote you?"),
        error_messages={
            "required": _("Choose how you would like to be named, or that we do not quote you."),
            "invalid_choice": _("Choose one of the options."),
        },
    )

    NO = "no"

    def __init__(self, *args: Any, wordings: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["credit"].choices = [  # type: ignore[attr-defined]
            *wordings,
            (self.NO, _("No, please do not quote me.")),
        ]

    def chosen_credit(self) -> str:
        credit = str(self.cleaned_data["credit"])
        return "" if credit == self.NO else credit


class ClientSettingsForm(forms.ModelForm):
    """When and in whose name the clients of won deals are asked (an admin's choice)."""

    class Meta:
        model = ClientSettings
        fields = [
            "days_after_won",
            "send_time",
            "sender",
            "reminder_working_days",
            "throttle_days",
            "time_zone",
        ]
        labels = {
            "days_after_won": _("Ask after (days since the sale)"),
            "send_time": _("Check-ins go out at"),
            "sender": _("Sent in the name of"),
            "reminder_working_days": _("Remind after (working days)"),
            "throttle_days": _("Ask a client at most once in (days)"),
            "time_zone": _("Clients' time zone when unknown"),
        }
        widgets = {"send_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M")}

    LIMITS = {
        "days_after_won": (1, 365),
        "reminder_working_days": (1, 20),
        "throttle_days": (0, 730),
    }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name, (low, high) in self.LIMITS.items():
            value = data.get(name)
            if value is not None and not low <= value <= high:
                self.add_error(
                    name,
                    _("Between %(low)s and %(high)s.") % {"low": low, "high": high},
                )
        return data
