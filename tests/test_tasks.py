"""Background tasks in the test's own process, with the database backend (django-tasks-db, as
in production): enqueued on commit, run by `followthrough worker --once` (tests.conftest's
run_tasks), a failure shown to admins with its error, a task whose worker was lost reaped, and
`followthrough serve` starting a worker beside the dispatcher. Real worker processes:
tests/test_task_processes.py."""

from __future__ import annotations

import datetime as dt
import sys
from io import StringIO
from unittest import mock

import pytest
import time_machine
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.tasks.base import TaskResultStatus
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from followthrough.core import tasks as core_tasks
from followthrough.metrics import imports, tasks
from followthrough.metrics.models import ImportRun, ImportState
from tests.conftest import World, run_tasks

ROWS = "date,metric,value\n{day},Calls made,3\n{day},Revenue,10\n"


def test_the_backend_is_the_database_one() -> None:
    assert settings.TASKS["default"]["BACKEND"] == "django_tasks_db.DatabaseBackend"


def upload(world: World, who: str = "rep") -> ImportRun:
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = world.client(who).post(
            reverse("import_new", args=["acme"]),
            {"file": _file(ROWS.format(day=timezone.localdate()))},
        )
    assert response.status_code == 302
    return ImportRun.objects.latest("pk")


def _file(content: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("numbers.csv", content.encode(), content_type="text/csv")


def test_the_check_is_enqueued_when_the_upload_commits(world: World) -> None:
    with TestCase.captureOnCommitCallbacks(execute=False) as callbacks:
        world.client("rep").post(
            reverse("import_new", args=["acme"]),
            {"file": _file(ROWS.format(day=timezone.localdate()))},
        )
        assert ImportRun.objects.count() == 1
    # Nothing in the queue until the transaction commits: a worker never looks for a run that
    # a rolled-back request did not write.
    assert len(callbacks) == 1 and not DBTaskResult.objects.exists()
    callbacks[0]()
    queued = DBTaskResult.objects.get()
    run = ImportRun.objects.get()
    assert queued.status == TaskResultStatus.READY
    assert queued.args_kwargs["kwargs"] == {"run_id": run.pk, "workspace_id": world.workspace.pk}
    run_tasks()
    run.refresh_from_db()
    assert (run.state, run.good_rows) == (ImportState.CHECKED, 2)


def test_a_failed_check_shows_its_error_to_admins_and_can_be_checked_again(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    run = upload(world)

    def broken(run: ImportRun, count: int | None = None) -> ImportRun:
        raise RuntimeError("the disk is <full>")

    with monkeypatch.context() as patched:
        patched.setattr(imports, "check_next", broken)
        run_tasks()
    assert tasks.check_of(run).status == TaskResultStatus.FAILED  # type: ignore[union-attr]
    url = reverse("import_detail", args=["acme", run.pk])

    admin_page = world.client("admin").get(url).text
    assert "The check stopped before the end." in admin_page
    assert "RuntimeError: the disk is &lt;full&gt;" in admin_page  # escaped
    assert 'hx-trigger="every 1s"' not in admin_page  # nothing to wait for
    rep_page = world.client("rep").get(url).text
    assert "The check stopped before the end." in rep_page and "disk" not in rep_page
    assert "Check again" in rep_page

    outbox = reverse("outbox", args=["acme"])
    listed = world.client("admin").get(outbox).text
    assert "Background tasks that failed" in listed and "the disk is &lt;full&gt;" in listed
    assert "check_import" in listed
    for who in ("coach", "outsider"):  # another role, another workspace
        assert "disk" not in world.client(who).get(reverse("outbox", args=["acme"])).text
    assert "disk" not in world.client("outsider").get(reverse("outbox", args=["globex"])).text

    # Checking again enqueues a new check, which resumes and finishes.
    with TestCase.captureOnCommitCallbacks(execute=True):
        world.client("rep").post(reverse("import_step", args=["acme", run.pk]))
    assert DBTaskResult.objects.count() == 2
    run_tasks()
    run.refresh_from_db()
    assert (run.state, run.checked_rows, run.good_rows) == (ImportState.CHECKED, 2, 2)


def running_task(world: World, started: dt.datetime) -> DBTaskResult:
    run = imports.start(
        world.members["rep"],
        "numbers.csv",
        imports.read(ROWS.format(day=timezone.localdate()).encode(), world.members["rep"]),
    )
    result = tasks.check_import.enqueue(run_id=run.pk, workspace_id=world.workspace.pk)
    DBTaskResult.objects.filter(pk=result.id).update(
        status=TaskResultStatus.RUNNING, started_at=started, worker_ids=["gone:1"]
    )
    return DBTaskResult.objects.get(pk=result.id)


def test_a_task_whose_worker_was_lost_is_marked_failed_after_the_lease(world: World) -> None:
    now = timezone.now()
    lost = running_task(world, now - settings.TASK_LEASE - dt.timedelta(seconds=1))
    young = running_task(world, now - settings.TASK_LEASE + dt.timedelta(minutes=1))
    with time_machine.travel(now, tick=False):
        assert core_tasks.reap_lost(settings.TASK_LEASE) == 1
        run_tasks()  # the worker reaps too; nothing else is lost
    lost.refresh_from_db()
    young.refresh_from_db()
    assert lost.status == TaskResultStatus.FAILED and lost.finished_at == now
    assert core_tasks.error_of(lost).startswith("WorkerLost: the worker running this task stopped")
    assert young.status == TaskResultStatus.RUNNING
    # It shows on the run's page, and a person may check again.
    run = ImportRun.objects.get(pk=lost.args_kwargs["kwargs"]["run_id"])
    page = world.client("admin").get(reverse("import_detail", args=["acme", run.pk])).text
    assert "WorkerLost" in page and "Check again" in page


def test_the_worker_command_refuses_bad_options() -> None:
    with pytest.raises(SystemExit):
        call_command("worker", "--lease", "0", stderr=StringIO())


def test_serve_starts_a_task_worker_beside_the_dispatcher_and_stops_both() -> None:
    started: list[list[str]] = []
    processes: list[mock.Mock] = []

    def popen(command: list[str]) -> mock.Mock:
        started.append(command)
        processes.append(mock.Mock())
        return processes[-1]

    argv = sys.argv
    with (
        mock.patch("subprocess.Popen", popen),
        mock.patch("gunicorn.app.wsgiapp.run", side_effect=KeyboardInterrupt),
    ):
        try:
            call_command("serve", stdout=StringIO())
        finally:
            sys.argv = argv
    assert [command[-1] for command in started] == ["dispatch", "worker"]
    for process in processes:
        process.terminate.assert_called_once_with()
        process.wait.assert_called_once()
    started.clear()
    with (
        mock.patch("subprocess.Popen", popen),
        mock.patch("gunicorn.app.wsgiapp.run", side_effect=KeyboardInterrupt),
    ):
        try:
            call_command("serve", "--no-worker", stdout=StringIO())
        finally:
            sys.argv = argv
    assert [command[-1] for command in started] == ["dispatch"]


def test_a_page_that_looks_before_the_check_is_stored_keeps_looking(world: World) -> None:
    """The page can be read between the upload's commit and its task's: it says the check is
    waiting and asks again, instead of saying it is not running and stopping for good."""
    now = timezone.now()
    with time_machine.travel(now, tick=False):
        with TestCase.captureOnCommitCallbacks(execute=False):  # the task is not stored yet
            world.client("rep").post(
                reverse("import_new", args=["acme"]),
                {"file": _file(ROWS.format(day=timezone.localdate()))},
            )
        run = ImportRun.objects.get()
        page = world.client("rep").get(reverse("import_detail", args=["acme", run.pk])).text
        assert "Waiting for the task worker" in page and 'hx-trigger="every 1s"' in page
        assert "Check again" not in page
    with time_machine.travel(now + tasks.JUST_UPLOADED, tick=False):  # and none ever came
        page = world.client("rep").get(reverse("import_detail", args=["acme", run.pk])).text
        assert "The check is not running." in page and "Check again" in page
        assert 'hx-trigger="every 1s"' not in page
