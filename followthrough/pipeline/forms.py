"""Forms of the pipeline. Plain forms, not model forms: the actions in pipeline/actions.py are
the only writers. Dates a person types are in their own time zone (the middleware activates
it), so "today" here is their today."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from followthrough.accounts.models import Membership, Role
from followthrough.metrics.models import MAX_VALUE
from followthrough.pipeline.actions import CURRENCY
from followthrough.pipeline.models import Opportunity, Stage

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class OwnerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.user)


class OpportunityForm(forms.Form):
    """A new opportunity, or the details of one (its stage then moves by its own form)."""

    owner = OwnerChoiceField(queryset=Membership.objects.none(), empty_label=None, label=_("Owner"))
    account = forms.CharField(
        max_length=200,
        label=_("Account"),
        help_text=_("The company or household."),
        error_messages={"required": ""},
    )
    contact_name = forms.CharField(max_length=200, required=False, label=_("Contact name"))
    contact_email = forms.EmailField(
        required=False,
        label=_("Contact email"),
        error_messages={"invalid": _("That is not an email address.")},
    )
    value = forms.DecimalField(
        min_value=0,
        max_value=MAX_VALUE,
        max_digits=14,
        decimal_places=2,
        initial=0,
        label=_("Value"),
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "min": 0, "step": "any"}),
        error_messages={
            "min_value": _("The value cannot be negative."),
            "invalid": _("Give the value as a number, like 4200 or 4200.50."),
        },
    )
    currency = forms.CharField(
        max_length=3,
        initial="USD",
        label=_("Currency"),
        help_text=_("Three letters, like USD or EUR."),
        widget=forms.TextInput(attrs={"size": 4, "autocapitalize": "characters"}),
    )
    stage = forms.ChoiceField(
        choices=Stage.choices,
        initial=Stage.LEAD,
        label=_("Stage"),
        error_messages={"invalid_choice": _("“%(value)s” is not a stage.")},
    )
    expected_close_on = forms.DateField(required=False, widget=DATE, label=_("Expected close"))
    next_step = forms.CharField(max_length=300, required=False, label=_("Next step"))

    def __init__(
        self,
        *args: Any,
        member: Membership,
        owners: QuerySet[Membership],
        instance: Opportunity | None = None,
        **kwargs: Any,
    ) -> None:
        self.instance = instance
        if instance is not None:
            kwargs.setdefault(
                "initial",
                {
                    "owner": instance.owner_id,
                    "account": instance.account,
                    "contact_name": instance.contact_name,
                    "contact_email": instance.contact_email,
                    "value": instance.value,
                    "currency": instance.currency,
                    "expected_close_on": instance.expected_close_on,
                    "next_step": instance.next_step,
                },
            )
        super().__init__(*args, **kwargs)
        self.member = member
        self.fields["account"].error_messages["required"] = gettext(
            "Name the account: the company or household."
        )
        # Formatted here, not at import: the most is written with the reader's separators.
        self.fields["value"].error_messages["max_value"] = gettext(
            "The value cannot be more than %(most)s."
        ) % {"most": f"{MAX_VALUE:,}"}
        if member.role == Role.REP:
            # A rep keeps their own pipeline: no choice to make.
            del self.fields["owner"]
        else:
            self.fields["owner"].queryset = owners.select_related("user")  # type: ignore[attr-defined]
            self.fields["owner"].error_messages["invalid_choice"] = gettext(
                "Choose one of the reps whose pipeline you keep."
            )
        if instance is not None:
            del self.fields["stage"]

    def clean_currency(self) -> str:
        currency: str = self.cleaned_data["currency"].strip().upper()
        if not CURRENCY.match(currency):
            raise forms.ValidationError(gettext("The currency is three letters, like USD or EUR."))
        return currency

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        stage = self.instance.stage if self.instance is not None else data.get("stage")
        closes = data.get("expected_close_on")
        unchanged = self.instance is not None and closes == self.instance.expected_close_on
        if (
            closes is not None
            and stage in Stage.open_stages()
            and closes < timezone.localdate()
            and not unchanged  # a date that slipped may stay until someone moves it
        ):
            self.add_error(
                "expected_close_on",
                gettext(
                    "That day has passed: an open opportunity is expected to close today or later."
                ),
            )
        return data

    def owner_membership(self) -> Membership:
        owner: Membership = self.cleaned_data.get("owner") or self.member
        return owner

    def details(self) -> dict[str, Any]:
        """The fields the actions take, as typed."""
        data = self.cleaned_data
        return {
            "account": data["account"],
            "contact_name": data["contact_name"],
            "contact_email": data["contact_email"],
            "value": data["value"],
            "currency": data["currency"],
            "expected_close_on": data["expected_close_on"],
            "next_step": data["next_step"],
        }


class MoveForm(forms.Form):
    """Move an opportunity to another stage."""

    stage = forms.ChoiceField(
        choices=Stage.choices, error_messages={"invalid_choice": _("“%(value)s” is not a stage.")}
    )
