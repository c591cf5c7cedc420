"""Background tasks with real `followthrough worker` processes, on SQLite (a file) and
PostgreSQL: a CSV check enqueued here is run by the worker; a worker killed mid-check leaves a
task that is marked failed (never silently stuck), shown on the import page, and checked again
to the end by another worker. As in test_dispatcher_processes.py, these tests commit for real.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator

import pytest
from django.tasks.base import TaskResultStatus
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from followthrough.accounts.models import Role, Workspace
from followthrough.metrics import imports, tasks
from followthrough.metrics.models import ImportRun, ImportState
from tests.conftest import make_member
from tests.test_dispatcher_processes import database_url, wait_until

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


class Workers:
    def __init__(self) -> None:
        self.processes: list[subprocess.Popen[str]] = []

    def start(self, *args: str, module: str = "followthrough.cli") -> subprocess.Popen[str]:
        env = dict(os.environ)
        env.update(
            {"DJANGO_SETTINGS_MODULE": "followthrough.settings", "DATABASE_URL": database_url()}
        )
        command = [sys.executable, "-m", module]
        if module == "followthrough.cli":
            command.append("worker")
        command += ["--interval", "0.1", *args]
        process = subprocess.Popen(
            command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        self.processes.append(process)
        return process

    def stop_all(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.kill()
            process.wait(timeout=10)


@pytest.fixture
def workers() -> Iterator[Workers]:
    group = Workers()
    yield group
    group.stop_all()


def a_run(rows: int) -> ImportRun:
    workspace = Workspace.objects.create(name="Acme", slug="acme")
    rep = make_member(workspace, "rep", Role.REP)
    day = timezone.localdate()
    content = "date,metric,value\n" + f"{day},Calls made,1\n{day},Revenue,2\n" * (rows // 2)
    # Each row twice over the file: every row after the first two repeats one of them.
    run = imports.start(rep, "numbers.csv", imports.read(content.encode(), rep))
    tasks.enqueue_check(run)  # no transaction here: enqueued at once
    return run


def state(run: ImportRun) -> ImportRun:
    run.refresh_from_db()
    return run


def test_a_worker_process_runs_the_csv_check_and_stops_cleanly(workers: Workers) -> None:
    run = a_run(rows=400)
    worker = workers.start()
    wait_until(lambda: state(run).state == ImportState.CHECKED, what="the check to end")
    assert (run.checked_rows, run.good_rows, len(run.problems)) == (400, 2, 398)
    # The run is marked checked inside the task, a moment before the worker records the
    # task's own end: wait for that too rather than race it.
    wait_until(
        lambda: (
            (check := tasks.check_of(run)) is not None
            and check.status == TaskResultStatus.SUCCESSFUL
        ),
        what="the task to be recorded as successful",
    )
    worker.send_signal(signal.SIGTERM)
    out, err = worker.communicate(timeout=30)
    assert worker.returncode == 0, err
    assert "stopped" in out


def test_a_worker_killed_mid_check_leaves_a_failed_task_that_is_checked_again(
    workers: Workers,
) -> None:
    run = a_run(rows=200)
    slow = workers.start(module="tests.slow_worker")
    wait_until(lambda: state(run).checked_rows >= 10, what="the first steps")
    slow.send_signal(signal.SIGKILL)
    slow.wait(timeout=10)
    check = tasks.check_of(run)
    assert check is not None and check.status == TaskResultStatus.RUNNING
    assert state(run).state == ImportState.CHECKING and run.checked_rows < 200

    # Another worker takes a running task older than its lease for lost, and says so.
    workers.start("--lease", "1")
    wait_until(
        lambda: DBTaskResult.objects.get(pk=check.pk).status == TaskResultStatus.FAILED,
        what="the lost task to be marked failed",
    )
    admin = Client()
    admin.force_login(make_member(run.workspace, "admin", Role.ADMIN).user)
    page = admin.get(reverse("import_detail", args=["acme", run.pk])).text
    assert "The check stopped before the end." in page and "WorkerLost" in page

    # Checking again resumes where the killed worker stopped, and finishes.
    assert admin.post(reverse("import_step", args=["acme", run.pk])).status_code == 302
    wait_until(lambda: state(run).state == ImportState.CHECKED, what="the check to end")
    assert (run.checked_rows, run.good_rows, len(run.problems)) == (200, 2, 198)
    assert [p["line"] for p in run.problems] == list(range(4, 202))
    # The task's end is recorded a moment after the run is marked checked: wait, do not race.
    wait_until(
        lambda: DBTaskResult.objects.filter(status=TaskResultStatus.SUCCESSFUL).count() == 1,
        what="the second check to be recorded as successful",
    )
