from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "followthrough.accounts"
    label = "accounts"
    verbose_name = "People and workspaces"

    def ready(self) -> None:
        from followthrough.accounts.events import register_verbs
        from followthrough.followups import kinds

        register_verbs()
        kinds.register(
            kinds.Kind("invitation", _("Invitation"), ("invitation",), "accounts.Invitation"),
            kinds.Kind("password_reset", _("Password reset"), ("password_reset",), "accounts.User"),
        )
