from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "followthrough.api"
    label = "api"
    verbose_name = "API"

    def ready(self) -> None:
        from followthrough.api.events import register_verbs

        register_verbs()
