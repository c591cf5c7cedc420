from django.apps import AppConfig


class PipelineConfig(AppConfig):
    name = "followthrough.pipeline"
    label = "pipeline"
    verbose_name = "Pipeline"
