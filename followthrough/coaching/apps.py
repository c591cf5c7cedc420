from django.apps import AppConfig


class CoachingConfig(AppConfig):
    name = "followthrough.coaching"
    label = "coaching"
    verbose_name = "Coaching"
