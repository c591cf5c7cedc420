"""Forms of the thread and of reviews. Times a person types are in their own time zone (the
middleware activates it)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from followthrough import permissions
from followthrough.accounts.models import Membership
from followthrough.sync.models import MAX_NOTE, NoteKind

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class AfterReviewForm(forms.Form):
    """The manager's note after the review: it goes in the thread, where the coach reads it."""

    text = forms.CharField(
        label=gettext_lazy("How did the review go?"),
        max_length=MAX_NOTE,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    shared_with_rep = forms.BooleanField(
        required=False,
        label=gettext_lazy("Share with the rep: the rep reads this note too"),
    )

    def clean_text(self) -> str:
        text = str(self.cleaned_data["text"]).strip()
        if not text:
            raise forms.ValidationError(gettext("Write something first."))
        return text


class NoteForm(AfterReviewForm):
    kind = forms.ChoiceField(
        label=gettext_lazy("Kind"),
        choices=[(NoteKind.NOTE, NoteKind.NOTE.label), (NoteKind.SEEING, NoteKind.SEEING.label)],
        initial=NoteKind.NOTE,
        widget=forms.RadioSelect,
    )
    for_manager = forms.BooleanField(
        required=False,
        label=gettext_lazy("For the manager: show it in the review brief"),
    )

    field_order = ("text", "kind", "for_manager", "shared_with_rep")

    def __init__(self, *args: Any, author: Membership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["text"].label = gettext("Note")
        if not permissions.can_mark_for_manager(author):
            del self.fields["for_manager"]


class ReviewForm(forms.Form):
    starts_at = forms.DateTimeField(
        label=gettext_lazy("When"), widget=DATETIME, help_text=gettext_lazy("Your time.")
    )
    location = forms.CharField(
        label=gettext_lazy("Location"),
        max_length=200,
        required=False,
        help_text=gettext_lazy("A room, a phone number, a link."),
    )

    def clean_starts_at(self) -> dt.datetime:
        value: dt.datetime = self.cleaned_data["starts_at"]
        if value <= timezone.now():
            raise forms.ValidationError(gettext("That is in the past. Pick a time to come."))
        return value


class MoveReviewForm(ReviewForm):
    location = None  # type: ignore[assignment]
