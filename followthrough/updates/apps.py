from django.apps import AppConfig


class UpdatesConfig(AppConfig):
    name = "followthrough.updates"
    label = "updates"
    verbose_name = "Weekly updates"

    def ready(self) -> None:
        from followthrough.updates import setup

        setup.register()
