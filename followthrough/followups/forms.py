from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from followthrough.accounts.models import Membership
from followthrough.followups import kinds
from followthrough.followups.models import FollowUp, State
from followthrough.lib import dates, shortdates


class OutboxFilter(forms.Form):
    person = forms.ModelChoiceField(
        queryset=Membership.objects.none(), required=False, label=gettext_lazy("Person")
    )
    # Read when the form is made: the kinds the apps registered.
    kind = forms.ChoiceField(
        choices=lambda: [("", gettext("All kinds")), *kinds.choices()],
        required=False,
        label=gettext_lazy("Kind"),
    )
    state = forms.ChoiceField(
        choices=[("", gettext_lazy("All states")), *State.choices],
        required=False,
        label=gettext_lazy("State"),
    )

    def __init__(self, *args: Any, member: Membership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        person = self.fields["person"]
        assert isinstance(person, forms.ModelChoiceField)
        person.queryset = Membership.objects.filter(workspace=member.workspace).select_related(
            "user"
        )
        person.empty_label = gettext("Everyone")
        person.label_from_instance = member_name  # type: ignore[method-assign,assignment]


def member_name(member: Membership) -> str:
    return member.user.name


class RescheduleForm(forms.Form):
    """A new sending time, typed in the viewer's own time zone."""

    send_at = forms.DateTimeField(
        label=gettext_lazy("New time"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )

    outside_hours_ok = forms.BooleanField(
        required=False,
        label=gettext_lazy("Send it then anyway"),
        widget=forms.HiddenInput,  # shown with the warning only
    )

    def __init__(self, *args: Any, followup: FollowUp | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.followup = followup

    def clean_send_at(self) -> dt.datetime:
        send_at: dt.datetime = self.cleaned_data["send_at"]
        if send_at < timezone.now() - dt.timedelta(minutes=1):
            raise forms.ValidationError(
                gettext("Choose a time from now on; to send it at once, use Send now.")
            )
        return send_at

    def clean(self) -> dict[str, Any]:
        """A time outside the recipient's working hours or days is a warning to confirm: a
        check-in at 03:00 their time is rarely what was meant."""
        data = super().clean() or {}
        send_at = data.get("send_at")
        recipient = self.followup.recipient if self.followup is not None else None
        if send_at is None or recipient is None or data.get("outside_hours_ok"):
            return data
        profile = recipient.profile
        working = dates.WorkingTime.for_profile(profile, self.followup.workspace)  # type: ignore[union-attr]
        if dates.next_working_moment(send_at, working) != send_at:
            field = self.fields["outside_hours_ok"]
            field.widget = forms.CheckboxInput()
            self.add_error(
                "outside_hours_ok",
                gettext(
                    "That is %(when)s for %(name)s, outside their working hours or days. "
                    "Tick the box to send it then anyway, or pick another time."
                )
                % {
                    "when": shortdates.short(send_at.astimezone(profile.zone), "D j M, H:i"),
                    "name": recipient.get_short_name(),
                },
            )
        return data
