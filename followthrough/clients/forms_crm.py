"""The upload of a CRM export of won deals (read and its header checked here; its rows later)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from followthrough.accounts.models import Membership
from followthrough.clients import crm
from followthrough.lib.errors import ActionRefused
from followthrough.metrics import imports


class CrmImportForm(forms.Form):
    file = forms.FileField(
        label=_("CRM export (CSV)"),
        help_text=_(
            "HubSpot's deals export with associated contacts, or Salesforce's opportunities "
            "report with contact roles. Up to 20 MB."
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
                gettext("This file is %(size)s MB: the limit is %(limit)s MB.")
                % {
                    "size": f"{file.size / 1024 / 1024:.1f}",
                    "limit": imports.MAX_UPLOAD_BYTES // 1024 // 1024,
                }
            )
        self.filename = file.name or "crm.csv"
        try:
            return imports.read(file.read(), self.uploader, kind=crm.KIND)
        except ActionRefused as refusal:
            raise forms.ValidationError(str(refusal)) from None
