from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone

from followthrough.accounts.models import Membership
from followthrough.followups.models import Kind, State


class OutboxFilter(forms.Form):
    person = forms.ModelChoiceField(queryset=Membership.objects.none(), required=False)
    kind = forms.ChoiceField(choices=[("", "All kinds"), *Kind.choices], required=False)
    state = forms.ChoiceField(choices=[("", "All states"), *State.choices], required=False)

    def __init__(self, *args: Any, member: Membership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        person = self.fields["person"]
        assert isinstance(person, forms.ModelChoiceField)
        person.queryset = Membership.objects.filter(workspace=member.workspace).select_related(
            "user"
        )
        person.empty_label = "Everyone"
        person.label_from_instance = member_name  # type: ignore[method-assign,assignment]


def member_name(member: Membership) -> str:
    return member.user.name


class RescheduleForm(forms.Form):
    """A new sending time, typed in the viewer's own time zone."""

    send_at = forms.DateTimeField(
        label="New time",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )

    def clean_send_at(self) -> dt.datetime:
        send_at: dt.datetime = self.cleaned_data["send_at"]
        if send_at < timezone.now() - dt.timedelta(minutes=1):
            raise forms.ValidationError(
                "Choose a time from now on; to send it at once, use Send now."
            )
        return send_at
