"""What the weekly update's pages show, ready for the template: the week's figures to comment
on, the rep's update (or an empty form), and who reads it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from followthrough import permissions
from followthrough.accounts.models import Membership
from followthrough.updates.forms import AskTimeForm, UpdateForm
from followthrough.updates.models import AskSetting, WeeklyUpdate
from followthrough.weeks.figures import WeekFigures, for_rep


def week_figures(rep: Membership, week: dt.date) -> WeekFigures:
    """The week's figures: the one set of weekly figures (followthrough.weeks)."""
    return for_rep(rep, week)


def update_form(rep: Membership, week: dt.date, data: Any = None) -> UpdateForm:
    return UpdateForm.for_update(data, WeeklyUpdate.of(rep, week), permissions.update_readers(rep))


def context(rep: Membership, week: dt.date, form: UpdateForm) -> dict[str, Any]:
    setting = AskSetting.of(rep)
    return {
        "rep": rep,
        "week": week,
        "week_end": week + dt.timedelta(days=6),
        "figures": week_figures(rep, week),
        "form": form,
        "existing": WeeklyUpdate.of(rep, week),
        "readers": form.readers,
        "ask_form": AskTimeForm(initial={"weekday": setting.weekday, "hour": setting.hour}),
    }
