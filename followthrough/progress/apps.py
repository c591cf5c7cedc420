from django.apps import AppConfig


class ProgressConfig(AppConfig):
    name = "followthrough.progress"
    label = "progress"
    verbose_name = "Progress"
