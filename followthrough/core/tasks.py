"""Background work: Django's tasks framework, stored by django-tasks-db, run by `followthrough
worker` (and by `followthrough serve`, beside the dispatcher).

- A task is enqueued when the transaction that asks for it commits (`enqueue_on_commit`): a
  worker never looks for a row that a rolled-back request did not write.
- A task about one workspace takes `workspace_id` as a keyword: its failure then shows to that
  workspace's admins (`failed_in`), and to nobody else.
- A worker killed mid-task leaves its task marked running; `reap_lost` marks a task that has
  run longer than the lease as failed, with an error that says so, so that it shows instead of
  hanging. The worker's loop reaps every REAP_EVERY.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.tasks import Task
from django.tasks.base import TaskResultStatus
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from followthrough.accounts.models import Workspace

logger = logging.getLogger(__name__)

REAP_EVERY = dt.timedelta(seconds=30)
LOST = "followthrough.core.tasks.WorkerLost"


class WorkerLost(Exception):
    """What a reaped task failed with: its worker stopped answering mid-task."""


def enqueue_on_commit(task: Task[Any, Any], *args: Any, **kwargs: Any) -> None:
    transaction.on_commit(lambda: task.enqueue(*args, **kwargs))


def reap_lost(lease: dt.timedelta) -> int:
    """Marks failed every task that started longer than `lease` ago and is still running: its
    worker was killed (or the machine lost). Returns how many."""
    now = timezone.now()
    message = (
        f"{WorkerLost.__name__}: the worker running this task stopped before it finished "
        f"(killed or crashed); marked failed after {lease} without an end."
    )
    return (
        DBTaskResult.objects.running()
        .filter(started_at__lt=now - lease)
        .update(
            status=TaskResultStatus.FAILED,
            finished_at=now,
            exception_class_path=LOST,
            traceback=message,
        )
    )


def error_of(result: DBTaskResult) -> str:
    """The error in one line: the last line of the traceback ("ValueError: ...")."""
    lines = [line for line in result.traceback.splitlines() if line.strip()]
    return lines[-1].strip() if lines else result.exception_class_path


def is_active(result: DBTaskResult | None) -> bool:
    return result is not None and result.status in (
        TaskResultStatus.READY,
        TaskResultStatus.RUNNING,
    )


@dataclass(frozen=True)
class FailedTask:
    name: str
    failed_at: dt.datetime | None
    error: str


def failed_in(workspace: Workspace, limit: int = 10) -> list[FailedTask]:
    """The latest failed tasks about one workspace, for its admins."""
    rows: QuerySet[DBTaskResult] = (
        DBTaskResult.objects.failed()
        .filter(args_kwargs__kwargs__workspace_id=workspace.pk)
        .order_by("-finished_at")
    )
    return [FailedTask(row.task_name, row.finished_at, error_of(row)) for row in rows[:limit]]


def work(worker: Worker, lease: dt.timedelta, interval: float, once: bool = False) -> None:
    """The worker's loop: reap lost tasks now and then, run every ready task, wait, again.

    `worker` runs in batch mode (it returns when the queue is empty). With the command's signal
    handlers, SIGTERM or Ctrl-C lets the task in hand finish, then the loop ends (within one
    `interval` when it was waiting)."""
    reap_every = min(REAP_EVERY, lease / 2)
    reaped_at = None
    while worker.running:
        now = timezone.now()
        if reaped_at is None or now - reaped_at >= reap_every:
            if lost := reap_lost(lease):
                logger.warning("Marked %d lost task(s) failed", lost)
            reaped_at = now
        worker.run()
        if once:
            return
        if worker.running:
            time.sleep(interval)
