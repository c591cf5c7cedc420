"""What the events of rubrics and role-plays say on a History page (never a score's remark)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from followthrough.events import verbs


def register_verbs() -> None:
    verbs.register("rubric.created", gettext_lazy("{actor} wrote the rubric “{name}”"))
    verbs.register("rubric.changed", gettext_lazy("{actor} changed the rubric “{name}”"))
    verbs.register(
        "rubric.copied", gettext_lazy("{actor} copied the rubric “{original}” as “{name}”")
    )
    verbs.register("role_play.created", gettext_lazy("{actor} set up the role-play “{title}”"))
    verbs.register("assessment.submitted", gettext_lazy("{actor} scored the role-play “{title}”"))
    verbs.register("assessment.changed", gettext_lazy("{actor} changed their scores of “{title}”"))
