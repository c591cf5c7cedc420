from django.apps import AppConfig


class ProgressConfig(AppConfig):
    """Only the migration history of the app that held metrics, the pipeline and the reports
    before they became apps of their own: its last migration hands the tables to them."""

    name = "followthrough.progress"
    label = "progress"
    verbose_name = "Progress (migration history only)"
