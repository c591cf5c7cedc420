"""The binder's forms: a decision on a quote, and a link to share a binder."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from followthrough.clients.binder_models import BinderShare
from followthrough.clients.models import ClientCheckIn


class QuoteForm(forms.Form):
    APPROVE = "approve"
    DECLINE = "decline"

    decision = forms.ChoiceField(
        choices=[(APPROVE, _("Approve")), (DECLINE, _("Decline"))], widget=forms.HiddenInput
    )
    text = forms.CharField(
        label=_("The quote, as it will read"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("You may shorten it (mark each cut with …), not reword it."),
    )

    def quote_text(self, checkin: ClientCheckIn) -> str:
        """Blank when the client's comment is kept whole."""
        text = self.cleaned_data["text"].strip()
        return "" if text == checkin.comment.strip() else text


class ShareForm(forms.Form):
    days = forms.IntegerField(
        label=_("The link works for (days)"),
        min_value=1,
        max_value=BinderShare.MAX_DAYS,
        initial=BinderShare.DEFAULT_DAYS,
    )
    note = forms.CharField(
        label=_("For whom"),
        required=False,
        max_length=200,
        help_text=_("For example: the senior executive team."),
    )
