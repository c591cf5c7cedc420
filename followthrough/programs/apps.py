from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgramsConfig(AppConfig):
    name = "followthrough.programs"
    label = "programs"
    verbose_name = "Manager-as-coach programs"

    def ready(self) -> None:
        from followthrough.followups.kinds import Kind, register
        from followthrough.programs.events import register_verbs

        register_verbs()
        register(
            Kind(
                "program_invitation",
                _("Program session invitation"),
                ("program_invitation",),
                "programs.ProgramSession",
            ),
        )

        from followthrough.programs import adoption_digest

        adoption_digest.register()
        from followthrough.programs.rubrics.events import register_verbs as rubric_verbs

        rubric_verbs()
