"""The preferences form: when, in which zone, about whom, pause, stop."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from followthrough.accounts.models import Membership
from followthrough.digests.models import Scope, Subscription


class PreferencesForm(forms.ModelForm):
    stop = forms.BooleanField(
        required=False,
        label=_("Stop the weekly digest"),
        help_text=_("You can start it again here."),
    )

    class Meta:
        model = Subscription
        fields = ["weekday", "hour", "time_zone", "scope", "reps", "quiet_weeks", "paused_until"]
        labels = {
            "weekday": _("Day"),
            "hour": _("Hour (on your clock)"),
            "time_zone": _("Time zone"),
            "scope": _("About"),
            "reps": _("Reps"),
            "quiet_weeks": _("Quiet weeks too"),
            "paused_until": _("Pause until"),
        }
        widgets = {
            "scope": forms.RadioSelect,
            "reps": forms.CheckboxSelectMultiple,
            "paused_until": forms.DateInput(attrs={"type": "date"}),
            "time_zone": forms.TextInput(attrs={"list": "time-zones"}),
        }

    def __init__(self, *args: Any, choosable: list[Membership], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reps"].queryset = Membership.objects.filter(  # type: ignore[attr-defined]
            pk__in=[rep.pk for rep in choosable]
        ).select_related("user")
        self.fields["reps"].required = False
        self.fields["hour"].widget = forms.Select(
            choices=[(hour, f"{hour:02d}:00") for hour in range(24)]
        )
        self.fields["stop"].initial = self.instance.is_stopped

    def clean_paused_until(self) -> dt.date | None:
        day = self.cleaned_data.get("paused_until")
        if day is not None and day < timezone.localdate():
            raise forms.ValidationError(_("Choose a day from today on, or leave it blank."))
        return day

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("scope") == Scope.CHOSEN and not data.get("reps"):
            self.add_error("reps", _("Choose at least one rep, or every rep you follow or coach."))
        return data

    def changes(self) -> dict[str, object]:
        data = dict(self.cleaned_data)
        stop = data.pop("stop", False)
        data["stopped_at"] = (self.instance.stopped_at or timezone.now()) if stop else None
        data["reps"] = list(data.get("reps") or [])
        return data
