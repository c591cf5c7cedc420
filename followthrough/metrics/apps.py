from django.apps import AppConfig


class MetricsConfig(AppConfig):
    name = "followthrough.metrics"
    label = "metrics"
    verbose_name = "Metrics"

    def ready(self) -> None:
        from followthrough.metrics.events import register_verbs

        register_verbs()
