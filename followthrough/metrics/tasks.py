"""The CSV check as a background task: the page enqueues it, a task worker checks the rows step
by step (each step saved, so the page's progress bar moves), and the page reads the run and the
task's state. imports.py holds the checking itself."""

from __future__ import annotations

import datetime as dt

from django.tasks import task
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from followthrough.core import tasks
from followthrough.metrics import imports
from followthrough.metrics.models import ImportRun, ImportState


@task
def check_import(*, run_id: int, workspace_id: int) -> int:
    """Checks the rest of a run's rows; returns how many steps it took. Rows checked before
    (by a worker killed mid-way) are not checked again: a new check resumes."""
    run = ImportRun.objects.select_related("member__user__profile", "workspace").get(
        pk=run_id, workspace_id=workspace_id
    )
    steps = 0
    while run.state == ImportState.CHECKING:
        run = imports.check_next(run)
        steps += 1
    return steps


def enqueue_check(run: ImportRun) -> None:
    """Asks a worker to check the run once this transaction commits."""
    tasks.enqueue_on_commit(check_import, run_id=run.pk, workspace_id=run.workspace_id)


def check_of(run: ImportRun) -> DBTaskResult | None:
    """The latest check task of a run, if any is stored."""
    return (
        DBTaskResult.objects.filter(
            task_path=check_import.module_path, args_kwargs__kwargs__run_id=run.pk
        )
        .order_by("-enqueued_at")
        .first()
    )


# An upload's check is stored when the upload commits; a page that looks in between finds none
# yet, and must keep looking rather than say the check is not running.
JUST_UPLOADED = dt.timedelta(minutes=1)


def check_under_way(run: ImportRun, check: DBTaskResult | None) -> bool:
    """The run is being checked, or is about to be: its task waits or runs, or the run was
    uploaded a moment ago and its task is not stored yet."""
    if check is None:
        return run.state == ImportState.CHECKING and timezone.now() - run.created_at < JUST_UPLOADED
    return tasks.is_active(check)


def check_again(run: ImportRun) -> bool:
    """Enqueues a check of a run still being checked, unless one is waiting or running.
    Returns whether one was enqueued."""
    if run.state != ImportState.CHECKING or tasks.is_active(check_of(run)):
        return False
    enqueue_check(run)
    return True
