"""The endpoint form: the address is checked against the guard before anything is saved."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from followthrough.webhooks import guard, types
from followthrough.webhooks.models import Endpoint


class EndpointForm(forms.ModelForm):
    url = forms.URLField(
        max_length=500,
        label=_("Address"),
        assume_scheme="https",
        help_text=_(
            "Where the events are posted, such as https://crm.example.com/hooks/followthrough."
        ),
        error_messages={"invalid": _("That is not a web address.")},
    )
    description = forms.CharField(max_length=200, required=False, label=_("Description"))
    event_types = forms.MultipleChoiceField(
        choices=types.choices,
        widget=forms.CheckboxSelectMultiple,
        label=_("Events to send"),
        error_messages={"required": _("Choose at least one kind of event.")},
    )

    class Meta:
        model = Endpoint
        fields = ["url", "description", "event_types"]

    def clean_url(self) -> str:
        url: str = self.cleaned_data["url"]
        try:
            guard.resolve(url)
        except guard.Refused as refusal:
            raise forms.ValidationError(str(refusal)) from None
        return url
