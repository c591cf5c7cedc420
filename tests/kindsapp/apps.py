from django.apps import AppConfig


class KindsAppConfig(AppConfig):
    name = "tests.kindsapp"
    label = "kindsapp"

    def ready(self) -> None:
        from followthrough.followups.kinds import Kind, register

        register(Kind("survey", "Client survey", ("notice",), "accounts.Workspace"))
