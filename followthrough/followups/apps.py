from django.apps import AppConfig


class FollowupsConfig(AppConfig):
    name = "followthrough.followups"
    label = "followups"
    verbose_name = "Follow-ups"

    def ready(self) -> None:
        from followthrough.followups import kinds
        from followthrough.followups.events import register_verbs

        kinds.register(kinds.NOTICE)
        register_verbs()
