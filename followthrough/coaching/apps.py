from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoachingConfig(AppConfig):
    name = "followthrough.coaching"
    label = "coaching"
    verbose_name = "Coaching"

    def ready(self) -> None:
        from followthrough.coaching.events import register_verbs
        from followthrough.followups.kinds import Kind, register

        register_verbs()
        register(
            Kind("check_in", _("Check-in"), ("checkin",), "coaching.Commitment"),
            Kind("reminder", _("Reminder"), ("checkin_reminder",), "coaching.Commitment"),
            Kind("recap", _("Session recap"), ("session_recap",), "coaching.Session"),
            Kind(
                "meeting_invite",
                _("Meeting invitation"),
                ("session_invitation",),
                "coaching.Session",
            ),
        )
