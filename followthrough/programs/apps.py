from django.apps import AppConfig


class ProgramsConfig(AppConfig):
    name = "followthrough.programs"
    label = "programs"
    verbose_name = "Manager-as-coach programs"

    def ready(self) -> None:
        from followthrough.programs import adoption_digest

        adoption_digest.register()
