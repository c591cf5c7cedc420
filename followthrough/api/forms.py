from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy

from followthrough.accounts.models import Membership, User
from followthrough.api.models import EXPIRY_DAYS, Scope


class WorkspaceChoiceField(forms.ModelChoiceField[Membership]):
    """One's memberships, named by their workspace."""

    def label_from_instance(self, obj: Membership) -> str:
        return obj.workspace.name


class TokenForm(forms.Form):
    name = forms.CharField(
        max_length=80,
        label=gettext_lazy("Name"),
        help_text=gettext_lazy("What the token is for, such as “CRM sync”."),
    )
    membership = WorkspaceChoiceField(
        queryset=Membership.objects.none(),
        label=gettext_lazy("Workspace"),
        empty_label=None,
        help_text=gettext_lazy("A token acts in one workspace, as you, with your role there."),
    )
    scope = forms.ChoiceField(
        choices=Scope.choices, initial=Scope.READ, label=gettext_lazy("Access")
    )
    expiry_days = forms.TypedChoiceField(
        choices=[("", "---------"), *EXPIRY_DAYS],
        coerce=int,
        label=gettext_lazy("Expires after"),
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["membership"]
        assert isinstance(field, WorkspaceChoiceField)
        field.queryset = user.active_memberships().order_by("workspace__name")
