from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from followthrough.accounts.models import Membership, Workspace
from followthrough.coaching.forms import CONFIDENCE_CHOICES
from followthrough.lib.errors import ActionRefused
from followthrough.metrics import imports
from followthrough.metrics.models import MAX_VALUE, Metric, normalize


class DayLogForm(forms.Form):
    """A day's counts: one number per metric, in the order the workspace lists them."""

    day = forms.DateField(
        label=_("Day"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def __init__(self, *args: Any, metrics: list[Metric], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.metrics = metrics
        for index, metric in enumerate(metrics):
            self.fields[f"metric_{metric.pk}"] = forms.DecimalField(
                label=metric.label,
                required=False,
                min_value=0,
                max_value=MAX_VALUE,
                max_digits=14,
                decimal_places=2,
                help_text=metric.unit_label,
                widget=forms.NumberInput(
                    attrs={"inputmode": "decimal", "min": 0, "step": "any", "autofocus": index == 0}
                ),
            )

    def clean_day(self) -> dt.date:
        day: dt.date = self.cleaned_data["day"]
        today = timezone.localdate()
        if day > today:
            raise forms.ValidationError(
                gettext("That day has not happened yet: log today or earlier.")
            )
        if day < today - dt.timedelta(days=366):
            raise forms.ValidationError(gettext("Log a day within the last year."))
        return day

    def values(self) -> dict[Metric, Decimal | None]:
        return {m: self.cleaned_data.get(f"metric_{m.pk}") for m in self.metrics}

    def metric_fields(self) -> list[forms.BoundField]:
        return [self[f"metric_{m.pk}"] for m in self.metrics]


# A language's name inside a sentence ("Name in Spanish", "Nombre en español").
IN_A_SENTENCE = {
    "en": pgettext_lazy("language, inside a sentence", "English"),
    "es": pgettext_lazy("language, inside a sentence", "Spanish"),
}


class MetricForm(forms.ModelForm):
    """A metric of the workspace. Every name and alias points to one metric only, so that a
    measure ("calls: 10") or an imported row finds the right one."""

    aliases_text = forms.CharField(
        label=_("Other names"),
        required=False,
        max_length=600,
        help_text=_(
            "Separated by commas, e.g. calls, dials. A commitment's measure or an "
            "imported row may use any of them."
        ),
    )

    class Meta:
        model = Metric
        fields = ["name", "unit", "kind", "position"]
        labels = {
            "name": _("Name"),
            "unit": _("Unit"),
            "kind": _("Kind"),
            "position": _("Position"),
        }
        help_texts = {"position": _("Smaller numbers come first in forms and reports.")}

    def __init__(
        self, *args: Any, workspace: Workspace, metrics: list[Metric], **kwargs: Any
    ) -> None:
        """`metrics`: the workspace's metrics, which the page lists anyway."""
        super().__init__(*args, **kwargs)
        self.instance.workspace = workspace
        # Its name in each language other than the workspace's (whose name is `name`).
        self.languages = [code for code, _name in settings.LANGUAGES if code != workspace.language]
        for code in self.languages:
            self.fields[f"name_{code}"] = forms.CharField(
                label=gettext("Name in %(language)s") % {"language": IN_A_SENTENCE[code]},
                required=False,
                max_length=60,
                help_text=gettext("For people who read in that language; blank: the name."),
                initial=self.instance.translated_names.get(code, ""),
            )
        names = [f"name_{code}" for code in self.languages]
        self.order_fields(["name", *names, "unit", "kind", "aliases_text", "position"])
        if self.instance.pk:
            self.initial["aliases_text"] = ", ".join(self.instance.aliases)
        self.others = [m for m in metrics if m.pk != self.instance.pk]

    def taken(self, name: str) -> Metric | None:
        """The other metric that already answers to this name, if any."""
        return next((m for m in self.others if normalize(name) in m.names()), None)

    def clean_name(self) -> str:
        name: str = re.sub(r"\s+", " ", self.cleaned_data["name"]).strip()
        if not name:
            raise forms.ValidationError(gettext("Give the metric a name."))
        if other := self.taken(name):
            raise forms.ValidationError(
                gettext("“%(name)s” already answers to this name.") % {"name": other.label}
            )
        return name

    def clean_aliases_text(self) -> list[str]:
        aliases: list[str] = []
        for part in self.cleaned_data["aliases_text"].split(","):
            alias = re.sub(r"\s+", " ", part).strip()
            if not alias or normalize(alias) in {normalize(a) for a in aliases}:
                continue
            if len(alias) > 60:
                raise forms.ValidationError(
                    gettext("“%(name)s…” is too long: 60 characters at most.")
                    % {"name": alias[:60]}
                )
            if other := self.taken(alias):
                raise forms.ValidationError(
                    gettext("“%(alias)s” is already a name of “%(name)s”.")
                    % {"alias": alias, "name": other.label}
                )
            aliases.append(alias)
        if len(aliases) > 20:
            raise forms.ValidationError(gettext("At most 20 other names."))
        return aliases

    def clean_translated(self, code: str) -> str:
        name = re.sub(r"\s+", " ", self.cleaned_data.get(f"name_{code}") or "").strip()
        if name and (other := self.taken(name)):
            self.add_error(
                f"name_{code}",
                gettext("“%(name)s” already answers to this name.") % {"name": other.label},
            )
        return name

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        translated = {code: self.clean_translated(code) for code in self.languages}
        # Languages this form does not show (the workspace's own) keep what they had.
        kept = {
            code: words
            for code, words in self.instance.translated_names.items()
            if code not in translated
        }
        self.instance.translated_names = kept | {c: n for c, n in translated.items() if n}
        name = cleaned.get("name")
        if name and "aliases_text" in cleaned:  # its own name is not an alias
            cleaned["aliases_text"] = [
                a for a in cleaned["aliases_text"] if normalize(a) != normalize(name)
            ]
            self.instance.aliases = cleaned["aliases_text"]
        return cleaned


class ImportForm(forms.Form):
    """A CSV file of numbers: read and its columns checked here; its rows are checked later.
    Other imports (clients' CRM export) subclass it with their own `kind` and field text."""

    kind = imports.ENTRIES
    default_filename = "upload.csv"  # i18n: not for people
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "Columns date (YYYY-MM-DD), metric, value, and optionally email (whose "
            "numbers; yours if left out). Up to 20 MB, UTF-8."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def __init__(self, *args: Any, uploader: Membership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.uploader = uploader
        self.filename = ""

    def clean_file(self) -> imports.Upload:
        file = self.cleaned_data["file"]
        if file.size > imports.MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                gettext(
                    "This file is %(size)s MB: the limit is %(limit)s MB. "
                    "Split it into smaller files."
                )
                % {
                    "size": f"{file.size / 1024 / 1024:.1f}",
                    "limit": imports.MAX_UPLOAD_BYTES // 1024 // 1024,
                }
            )
        self.filename = file.name or self.default_filename
        try:
            return imports.read(file.read(), self.uploader, kind=self.kind)
        except ActionRefused as refusal:
            raise forms.ValidationError(str(refusal)) from None


class ConfidenceForm(forms.Form):
    """The weekly pulse, from the rep's own page."""

    rating = forms.TypedChoiceField(
        label=_("How confident are you that you will reach your plan's target?"),
        choices=CONFIDENCE_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
        help_text=_("1 is not at all, 5 is very. Your coach sees it."),
    )
    comment = forms.CharField(
        label=_("What makes it so? (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


def chosen_day(value: str | None, today: dt.date) -> dt.date:
    """The day the log shows: ?day= if it is a date, never after today; else today."""
    try:
        day = dt.date.fromisoformat(value) if value else today
    except ValueError:
        day = today
    return min(day, today)
