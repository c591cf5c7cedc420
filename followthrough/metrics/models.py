"""Activity and results: the workspace's metrics and each rep's counted entries per day.

A number reaches an Entry in one of three ways: the rep's daily log, a check-in answer (the
numbers of a commitment's measures count by themselves, so nobody types them twice), or an
import. Each source keeps its own rows, so a corrected check-in answer corrects its entry.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from followthrough.accounts.models import Membership, Workspace

MAX_VALUE = Decimal("10000000")


class MetricKind(models.TextChoices):
    ACTIVITY = "activity", _("Activity")
    RESULT = "result", _("Result")


@dataclass(frozen=True)
class DefaultMetric:
    """A metric every workspace starts with. Its key is how the app finds it (a won deal counts
    in "deals_won", the funnel reads "calls_made"...), whatever people call it; its names, unit
    and other names are given per language, and it is created in the workspace's language."""

    key: str
    kind: MetricKind
    # language: (name, unit, other names a commitment's measure may use for it)
    words: dict[str, tuple[str, str, list[str]]]

    def in_language(self, language: str) -> tuple[str, str, list[str]]:
        return self.words.get(language) or self.words[settings.LANGUAGE_CODE]


DEFAULT_METRICS: list[DefaultMetric] = [
    DefaultMetric(
        "calls_made",
        MetricKind.ACTIVITY,
        {
            "en": ("Calls made", "calls", ["calls", "call", "dials"]),
            "es": ("Llamadas hechas", "llamadas", ["llamadas", "llamada"]),
        },
    ),
    DefaultMetric(
        "conversations",
        MetricKind.ACTIVITY,
        {
            "en": ("Conversations", "conversations", ["conversation", "talks"]),
            "es": ("Conversaciones", "conversaciones", ["conversación", "charlas"]),
        },
    ),
    DefaultMetric(
        "referrals_asked",
        MetricKind.ACTIVITY,
        {
            "en": ("Referrals asked", "referrals", ["referrals requested", "asks"]),
            "es": ("Referidos pedidos", "referidos", ["referidos solicitados"]),
        },
    ),
    DefaultMetric(
        "referrals_received",
        MetricKind.RESULT,
        {
            "en": ("Referrals received", "referrals", ["referrals", "referrals got"]),
            "es": ("Referidos recibidos", "referidos", ["referidos", "referidos obtenidos"]),
        },
    ),
    DefaultMetric(
        "meetings_booked",
        MetricKind.ACTIVITY,
        {
            "en": ("Meetings booked", "meetings", ["meetings", "meeting", "appointments"]),
            "es": ("Reuniones agendadas", "reuniones", ["reuniones", "reunión", "citas"]),
        },
    ),
    DefaultMetric(
        "proposals_sent",
        MetricKind.ACTIVITY,
        {
            "en": ("Proposals sent", "proposals", ["proposals", "proposal", "quotes"]),
            "es": (
                "Propuestas enviadas",
                "propuestas",
                ["propuestas", "propuesta", "cotizaciones"],
            ),
        },
    ),
    DefaultMetric(
        "deals_won",
        MetricKind.RESULT,
        {
            "en": ("Deals won", "deals", ["deals", "deals closed", "wins", "sales"]),
            "es": ("Ventas cerradas", "ventas", ["ventas", "cierres", "negocios cerrados"]),
        },
    ),
    DefaultMetric(
        "revenue",
        MetricKind.RESULT,
        {
            "en": ("Revenue", "USD", ["sales revenue", "revenue won"]),
            "es": ("Ingresos", "USD", ["ingresos por ventas", "facturación"]),
        },
    ),
]
DEFAULTS_BY_KEY = {default.key: default for default in DEFAULT_METRICS}


def normalize(name: str) -> str:
    """ "Referrals  Asked" and "referrals asked" are one name."""
    return re.sub(r"\s+", " ", name).strip().casefold()


class Metric(models.Model):
    """Something counted per person per day, with a unit; activity (done) or result (got)."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="metrics")
    name = models.CharField(max_length=60)  # in the workspace's language
    # The name in other languages, {language: name}: a reader sees theirs, else `name`.
    translated_names = models.JSONField(default=dict, blank=True)
    # One of DEFAULT_METRICS' keys for a default metric (how the app finds it), else "".
    key = models.CharField(max_length=32, blank=True)
    unit = models.CharField(max_length=16, blank=True)
    kind = models.CharField(max_length=16, choices=MetricKind.choices, default=MetricKind.ACTIVITY)
    aliases = models.JSONField(
        default=list, blank=True, help_text=_("Other names a commitment's measure may use.")
    )
    position = models.PositiveSmallIntegerField(default=100)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "name"], name="one_metric_per_name"),
            models.UniqueConstraint(
                fields=["workspace", "key"], condition=~Q(key=""), name="one_metric_per_key"
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """The name in the active language (the reader's), else the workspace's own name."""
        return self.name_in(translation.get_language())

    def name_in(self, language: str | None) -> str:
        return (self.translated_names.get(language or "") or "").strip() or self.name

    @property
    def unit_label(self) -> str:
        """The unit in the active language (the reader's): a default metric whose unit is still
        a default one ("calls" or "llamadas") reads it in the reader's words; a unit people
        typed stays theirs."""
        default = DEFAULTS_BY_KEY.get(self.key)
        if default is None or self.unit not in {unit for _n, unit, _a in default.words.values()}:
            return self.unit
        return default.in_language(translation.get_language() or "")[1]

    def unit_for(self, value: Decimal | int) -> str:
        """The unit as said of this amount: "1 deal", "2 deals". Units are words typed by
        people (calls, referrals, USD), with no singular of their own: a lower-case word ending
        in "s" drops it for exactly 1 (the default metrics' units all work so)."""
        unit = self.unit_label
        if value == 1 and unit.islower() and unit.endswith("iones"):
            return unit[: -len("iones")] + "ión"  # Spanish: reuniones, reunión
        if value == 1 and unit.islower() and unit.endswith("s") and not unit.endswith("ss"):
            return unit[:-1]
        return unit

    def own_names(self) -> set[str]:
        """Its name in every language, normalised."""
        return {normalize(n) for n in (self.name, *self.translated_names.values()) if n.strip()}

    def names(self) -> set[str]:
        """Every name it answers to: its names in every language and its other names."""
        return {*self.own_names(), *(normalize(alias) for alias in self.aliases)}

    @classmethod
    def of(cls, workspace: Workspace) -> models.QuerySet[Metric]:
        """The workspace's metrics; a workspace that has none gets the defaults first."""
        metrics = cls.objects.filter(workspace=workspace)
        if not metrics.exists():
            Metric.objects.bulk_create(
                [cls.default(workspace, d, position) for position, d in enumerate(DEFAULT_METRICS)],
                ignore_conflicts=True,
            )
        return metrics.all()

    @classmethod
    def default(cls, workspace: Workspace, default: DefaultMetric, position: int) -> Metric:
        """A default metric, unsaved, named in the workspace's language and, for readers of
        the others, in theirs; it answers to the other names of every language, the
        workspace's first (all shown on its page, where an admin may remove any)."""
        language = workspace.language
        name, unit, aliases = default.in_language(language)
        for other, (_name, _unit, more) in default.words.items():
            if other != language:
                aliases = [*aliases, *more]
        return Metric(
            workspace=workspace,
            key=default.key,
            name=name,
            translated_names={
                other: words[0] for other, words in default.words.items() if other != language
            },
            unit=unit,
            kind=default.kind,
            aliases=aliases,
            position=position,
        )

    @staticmethod
    def keyed(metrics: Sequence[Metric] | Mapping[str, Metric], key: str) -> Metric | None:
        """The default metric of this key among `metrics` (a list or a by_name mapping); where
        none has it (a metric made by hand), the one named, or else also called, as the English
        default was."""
        found = list(metrics.values()) if isinstance(metrics, Mapping) else list(metrics)
        for metric in found:
            if metric.key == key:
                return metric
        english = normalize(DEFAULTS_BY_KEY[key].in_language("en")[0])
        return next((m for m in found if english in m.own_names()), None) or next(
            (m for m in found if english in m.names()), None
        )

    @classmethod
    def by_name(cls, workspace: Workspace) -> dict[str, Metric]:
        """Every name and alias of the workspace's metrics, normalised, to its metric. A name
        that is a metric's own name wins over another metric's alias."""
        return cls.named(list(cls.of(workspace)))

    @staticmethod
    def named(metrics: Sequence[Metric]) -> dict[str, Metric]:
        """As by_name, for metrics already fetched."""
        found: dict[str, Metric] = {}
        for metric in metrics:
            for alias in metric.aliases:
                found.setdefault(normalize(alias), metric)
        for metric in metrics:
            for name in metric.translated_names.values():
                if name.strip():
                    found[normalize(name)] = metric
        for metric in metrics:
            found[normalize(metric.name)] = metric
        return found


class EntrySource(models.TextChoices):
    LOG = "log", _("Daily log")
    CHECKIN = "checkin", _("Check-in answer")
    IMPORT = "import", _("Import")
    DEAL = "deal", _("Won opportunity")


class Entry(models.Model):
    """A count of one metric for one person on one day (their local day)."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="entries")
    member = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="entries")
    metric = models.ForeignKey(Metric, on_delete=models.CASCADE, related_name="entries")
    day = models.DateField()
    value = models.DecimalField(max_digits=14, decimal_places=2)
    source = models.CharField(max_length=16, choices=EntrySource.choices, default=EntrySource.LOG)
    response = models.ForeignKey(
        "coaching.Response",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="entries",
        help_text=_("The check-in answer these numbers came from."),
    )
    opportunity = models.ForeignKey(
        "pipeline.Opportunity",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="entries",
        help_text=_("The won opportunity these numbers came from (its deal and its revenue)."),
    )
    import_run = models.ForeignKey(
        "ImportRun",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="entries",
        help_text=_("The CSV import that wrote this entry."),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-day", "metric__position"]
        verbose_name_plural = _("entries")
        constraints = [
            # One logged number per person, metric and day: logging again corrects it.
            models.UniqueConstraint(
                fields=["member", "metric", "day"],
                condition=Q(source="log"),
                name="one_log_entry_per_day",
            ),
            # One entry per metric of a check-in answer: answering again corrects it.
            models.UniqueConstraint(
                fields=["response", "metric"],
                condition=Q(response__isnull=False),
                name="one_entry_per_answer_metric",
            ),
            # A won opportunity counts once per metric (one deal, its value as revenue).
            models.UniqueConstraint(
                fields=["opportunity", "metric"],
                condition=Q(opportunity__isnull=False),
                name="one_entry_per_deal_metric",
            ),
        ]
        indexes = [
            models.Index(fields=["member", "metric", "day"], name="entry_member_day"),
            # The team dashboard sums a workspace's recent days.
            models.Index(fields=["workspace", "day"], name="entry_workspace_day"),
        ]

    def __str__(self) -> str:
        return f"{self.metric.name}: {self.value} on {self.day}"

    @property
    def unit_display(self) -> str:
        """The metric's unit as said of this value ("1 deal")."""
        return self.metric.unit_for(self.value)


class ConfidenceRating(models.Model):
    """The rep's answer to "how confident are you about your plan?", 1 (not at all) to 5.
    Asked with check-ins at most once a week; a drop of two points tells the coach at once."""

    workspace = models.ForeignKey(
        Workspace, on_delete=models.CASCADE, related_name="confidence_ratings"
    )
    member = models.ForeignKey(
        Membership, on_delete=models.CASCADE, related_name="confidence_ratings"
    )
    rating = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.TextField(blank=True)
    response = models.ForeignKey(
        "coaching.Response",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="confidence_ratings",
    )
    rated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-rated_at", "-id"]
        indexes = [models.Index(fields=["member", "rated_at"], name="confidence_member")]

    def __str__(self) -> str:
        return f"{self.rating}/5 on {self.rated_at:%Y-%m-%d}"

    # A fall of this many points from the rating before tells the rep's coaches at once, and
    # marks the rating on the rep's progress and the dashboard (story 000: one review "killed
    # him", and nobody noticed in time).
    ALARMING_DROP = 2

    @classmethod
    def is_alarming_drop(cls, change: int | None) -> bool:
        """Whether a change from the rating before (negative: a fall) needs the coach now."""
        return change is not None and change <= -cls.ALARMING_DROP


class ImportState(models.TextChoices):
    CHECKING = "checking", _("Checking")
    CHECKED = "checked", _("Checked")
    IMPORTED = "imported", _("Imported")
    FAILED = "failed", _("Could not be read")
    DISCARDED = "discarded", _("Discarded")


class ImportRun(models.Model):
    """One CSV upload: checked first (a dry run with a report per row), imported only when the
    person confirms, in one transaction."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="imports")
    member = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="imports")
    kind = models.CharField(
        max_length=16,
        default="entries",
        help_text=_(
            "What the file holds: entries (numbers), or a kind an app registered "
            "(metrics.imports.register), such as crm_deals."
        ),
    )
    filename = models.CharField(max_length=200)
    content = models.TextField(help_text=_("The uploaded file, decoded."))
    state = models.CharField(
        max_length=16, choices=ImportState.choices, default=ImportState.CHECKING
    )
    total_rows = models.PositiveIntegerField(default=0)
    checked_rows = models.PositiveIntegerField(default=0)
    good_rows = models.PositiveIntegerField(default=0)
    problems = models.JSONField(
        default=list,
        blank=True,
        help_text='[{"line": 3, "message": "..."}, ...]',  # i18n: not for people
    )
    imported_rows = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.filename} ({self.get_state_display()})"
