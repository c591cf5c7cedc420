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

    from followthrough.events import actions as events
    from followthrough.followups import planners
    from followthrough.updates import receivers

    planners.register("weekly_update_asks", receivers.plan_all)
    events.listen("plan.opened", receivers.plan_opened)
    events.listen("member.deactivated", receivers.member_deactivated)
    register_verbs()


def register_verbs() -> None:
    from django.utils.translation import gettext_lazy as _

    from followthrough.events import verbs

    verbs.register("update.asked", _("{actor} asked for the weekly update"))
    verbs.register("update.written", _("{actor} wrote the weekly update"))
    verbs.register("update.edited", _("{actor} edited the weekly update"))
    verbs.register("update.ask_time_set", _("{actor} changed when the weekly update is asked"))
