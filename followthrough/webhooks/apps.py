from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebhooksConfig(AppConfig):
    name = "followthrough.webhooks"
    label = "webhooks"
    verbose_name = "Webhooks"

    def ready(self) -> None:
        from followthrough.events.actions import listen
        from followthrough.followups import kinds, transports
        from followthrough.webhooks import actions
        from followthrough.webhooks.events import register_verbs
        from followthrough.webhooks.transport import WebhookTransport

        kinds.register(kinds.Kind(actions.KIND, _("Webhook"), (), "webhooks.Message"))
        transports.register(actions.KIND, WebhookTransport())
        transports.listen(actions.on_outcome)
        listen("", actions.on_event)
        register_verbs()
