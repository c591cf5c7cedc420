"""The upload of a CRM export of won deals (read and its header checked here; its rows later)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from followthrough.clients import crm
from followthrough.metrics.forms import ImportForm


class CrmImportForm(ImportForm):
    """The numbers' upload form with the CRM importer behind it."""

    kind = crm.KIND
    default_filename = "crm.csv"  # i18n: not for people
    file = forms.FileField(
        label=_("CRM export (CSV)"),
        help_text=_(
            "HubSpot's deals export with associated contacts, or Salesforce's opportunities "
            "report with contact roles. Up to 20 MB."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )
