"""What the updates app registers with the rest at start-up (its follow-up kinds, its verbs)."""


def register() -> None:
    from django.utils.translation import gettext_lazy as _

    from followthrough.followups.kinds import Kind
    from followthrough.followups.kinds import register as register_kinds

    register_kinds(
        Kind(
            "weekly_update_ask",
            _("Weekly update request"),
            ("weekly_update_ask",),
            "updates.UpdateAsk",
        ),
        Kind(
            "weekly_update_reminder",
            _("Weekly update reminder"),
            ("weekly_update_reminder",),
            "updates.UpdateAsk",
        ),
    )
