from django.apps import AppConfig


class FollowupsConfig(AppConfig):
    name = "followthrough.followups"
    label = "followups"
    verbose_name = "Follow-ups"

    def ready(self) -> None:
        from anymail.signals import tracking

        from followthrough.followups import delivery, kinds
        from followthrough.followups.events import register_verbs

        kinds.register(kinds.NOTICE)
        register_verbs()
        tracking.connect(delivery.on_tracking, dispatch_uid="followthrough.delivery")
