"""The weekly update's forms: the update itself, and when the rep is asked."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from followthrough import permissions
from followthrough.accounts.models import WEEKDAYS
from followthrough.coaching.forms import CONFIDENCE_CHOICES
from followthrough.updates.actions import MAX_WORDS
from followthrough.updates.models import WeeklyUpdate

if TYPE_CHECKING:  # django-stubs, a development dependency
    from django_stubs_ext import StrOrPromise


def _words(label: StrOrPromise) -> forms.CharField:
    return forms.CharField(
        required=False,
        max_length=MAX_WORDS,
        label=label,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class UpdateForm(forms.Form):
    """Wins, what is next, where I need help, and the confidence question; the figures of the
    week are on the page already, not asked again."""

    wins = _words(gettext_lazy("My wins this week"))
    next_steps = _words(gettext_lazy("What is next"))
    help_needed = _words(gettext_lazy("Where I need help"))
    confidence = forms.TypedChoiceField(
        label=gettext_lazy("How confident are you that you will reach your plan's target?"),
        choices=CONFIDENCE_CHOICES,
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
        help_text=gettext_lazy("1 is not at all, 5 is very. Your coach sees it."),
    )

    def __init__(self, *args: Any, readers: permissions.Readers, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Said plainly where the rep writes: who reads it, and who only if shared.
        self.readers = readers
        if readers.stakeholders:
            names = ", ".join(s.user.name for s in readers.stakeholders)
            self.fields["share"] = forms.BooleanField(
                required=False,
                label=_("Share my update with %(names)s") % {"names": names},
                initial=self.initial.get("share", False),
            )

    @classmethod
    def for_update(
        cls, data: Any, existing: WeeklyUpdate | None, readers: permissions.Readers, **kw: Any
    ) -> UpdateForm:
        initial: dict[str, Any] = {}
        if existing is not None:
            initial = {
                "wins": existing.wins,
                "next_steps": existing.next_steps,
                "help_needed": existing.help_needed,
                "confidence": existing.confidence,
                "share": existing.words_shared,
            }
        return cls(data, readers=readers, initial=initial, **kw)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        words = [data.get(name, "").strip() for name in ("wins", "next_steps", "help_needed")]
        if not any(words) and data.get("confidence") is None and not self.errors:
            raise forms.ValidationError(
                _("Write at least one line, or answer the confidence question.")
            )
        return data

    def share_field(self) -> forms.BoundField | None:
        return self["share"] if "share" in self.fields else None

    def share(self) -> bool | None:
        """The rep's choice to share; None when no stakeholder could read it anyway."""
        return bool(self.cleaned_data.get("share")) if "share" in self.fields else None

    def values(self) -> dict[str, Any]:
        """The action's keyword arguments."""
        data = self.cleaned_data
        return {
            "wins": data["wins"],
            "next_steps": data["next_steps"],
            "help_needed": data["help_needed"],
            "confidence": data.get("confidence"),
            "share": self.share(),
        }


class AskTimeForm(forms.Form):
    """When the rep is asked, in their own time zone."""

    weekday = forms.TypedChoiceField(label=gettext_lazy("Ask me on"), choices=WEEKDAYS, coerce=int)
    hour = forms.TypedChoiceField(
        label=pgettext_lazy("ask me on <day> at <hour>", "at"),
        choices=[(h, f"{h:02d}:00") for h in range(24)],
        coerce=int,
    )
