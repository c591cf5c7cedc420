from django.apps import AppConfig


class WeeksConfig(AppConfig):
    name = "followthrough.weeks"
    label = "weeks"
    verbose_name = "Weeks"

    def ready(self) -> None:
        from followthrough.weeks import receivers

        receivers.connect()
