from django.apps import AppConfig


class CoachingConfig(AppConfig):
    name = "followthrough.coaching"
    label = "coaching"
    verbose_name = "Coaching"

    def ready(self) -> None:
        from followthrough.coaching.events import register_verbs

        register_verbs()
