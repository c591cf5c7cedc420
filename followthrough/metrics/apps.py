from django.apps import AppConfig


class MetricsConfig(AppConfig):
    name = "followthrough.metrics"
    label = "metrics"
    verbose_name = "Metrics"
