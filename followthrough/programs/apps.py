from django.apps import AppConfig


class ProgramsConfig(AppConfig):
    name = "followthrough.programs"
    label = "programs"
    verbose_name = "Manager-as-coach programs"

    def ready(self) -> None:
        from followthrough.programs.rubrics.events import register_verbs as rubric_verbs

        rubric_verbs()
