from django.apps import AppConfig


class ClientsConfig(AppConfig):
    name = "followthrough.clients"
    label = "clients"
    verbose_name = "Clients"

    def ready(self) -> None:
        from followthrough.clients import binder_events, events
        from followthrough.clients.kinds import register_kinds

        events.register_verbs()
        binder_events.register_verbs()
        register_kinds()
