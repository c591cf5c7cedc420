from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SyncConfig(AppConfig):
    name = "followthrough.sync"
    label = "sync"
    verbose_name = "Coach and manager in sync"

    def ready(self) -> None:
        from followthrough.followups.kinds import Kind, register
        from followthrough.sync.events import register_verbs

        register_verbs()
        register(
            Kind("sync_notes", _("Notes in the coach–manager thread"), ("sync_notes",)),
            Kind(
                "review_notice",
                _("Review booked, moved or cancelled"),
                ("review_notice",),
                "sync.Review",
            ),
            Kind("review_brief", _("Review brief"), ("review_brief",), "sync.Review"),
        )
