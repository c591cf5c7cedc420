from django.apps import AppConfig


class ClientsConfig(AppConfig):
    name = "followthrough.clients"
    label = "clients"
    verbose_name = "Clients"

    def ready(self) -> None:
        from followthrough.clients import binder_events, crm, events
        from followthrough.clients.kinds import register_kinds
        from followthrough.metrics import imports

        events.register_verbs()
        binder_events.register_verbs()
        imports.register(crm.KIND, crm.IMPORTER)  # CRM exports of won deals
        register_kinds()
