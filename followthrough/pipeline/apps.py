from django.apps import AppConfig


class PipelineConfig(AppConfig):
    name = "followthrough.pipeline"
    label = "pipeline"
    verbose_name = "Pipeline"

    def ready(self) -> None:
        from followthrough.pipeline.events import register_verbs

        register_verbs()
