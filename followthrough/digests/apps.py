from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DigestsConfig(AppConfig):
    name = "followthrough.digests"
    label = "digests"
    verbose_name = "Weekly digests"

    def ready(self) -> None:
        from followthrough.digests import actions
        from followthrough.digests.events import register_verbs
        from followthrough.events.actions import listen
        from followthrough.followups import planners
        from followthrough.followups.kinds import Kind, register

        register_verbs()
        register(Kind("weekly_digest", _("Weekly digest"), ("weekly_digest",), "digests.Digest"))
        planners.register("weekly_digests", actions.plan_digests)
        # A new follower, coach or plan gets its subscription at once (the planner also
        # catches up on any it missed); a deactivated member gets no more digests.
        listen("member.relationships_set", actions.subscribe_on_event)
        listen("plan.opened", actions.subscribe_on_event)
        listen("member.deactivated", actions.stop_for_deactivated)
