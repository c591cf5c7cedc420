"""The permission matrix for the metrics page and the CSV import (see test_permissions_matrix.py
for the shape). Only admins manage metrics; reps, coaches and admins import; an import belongs
to the member who uploaded it, and only they and the admins see it: anyone else gets a 404."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from followthrough.metrics import imports
from followthrough.metrics.models import Entry, ImportRun, ImportState, Metric
from tests.conftest import World
from tests.test_permissions_matrix import VISITORS, Row, by_role, visit


def rows_of_rep() -> str:
    return f"email,date,metric,value\nrep@example.org,{timezone.localdate()},Calls made,3\n"


def run_of_rep(w: World, checked: bool = True) -> ImportRun:
    rep = w.members["rep"]
    run = imports.start(rep, "numbers.csv", imports.read(rows_of_rep().encode(), rep))
    return imports.check_all(run) if checked else run


def run_url(view: str, checked: bool = True, query: str = "") -> Callable[[World], str]:
    return lambda w: reverse(view, args=["acme", run_of_rep(w, checked).pk]) + query


def calls_url(w: World) -> str:
    return reverse("metric_edit", args=["acme", Metric.of(w.workspace).get(name="Calls made").pk])


def a_file(w: World) -> dict[str, object]:
    return {"file": SimpleUploadedFile("numbers.csv", rows_of_rep().encode())}


ADMIN_ONLY = by_role(admin=200, coach=403, rep=403, other_rep=403, stakeholder=403)
ADMIN_WRITES = by_role(admin=302, coach=403, rep=403, other_rep=403, stakeholder=403)
IMPORTERS = by_role(admin=200, coach=200, rep=200, other_rep=200, stakeholder=403)
# The rep's own run: the rep and admins; the coach of the rep too is refused (404: not theirs).
THE_RUN = by_role(admin=200, coach=404, rep=200, other_rep=404, stakeholder=403)
THE_RUN_WRITES = by_role(admin=302, coach=404, rep=302, other_rep=404, stakeholder=403)
POST_ONLY = by_role(admin=405, coach=405, rep=405, other_rep=405, stakeholder=403)
METRIC = {"name": "Policies sold", "unit": "policies", "kind": "result", "position": 9}

ROWS = [
    Row("metrics", "get", lambda w: reverse("metrics", args=["acme"]), ADMIN_ONLY),
    Row(
        "add a metric",
        "post",
        lambda w: reverse("metrics", args=["acme"]),
        ADMIN_WRITES,
        data=lambda w: METRIC,
    ),
    Row("edit a metric form", "get", calls_url, ADMIN_ONLY),
    Row("edit a metric", "post", calls_url, ADMIN_WRITES, data=lambda w: METRIC),
    Row("import page", "get", lambda w: reverse("import_new", args=["acme"]), IMPORTERS),
    Row(
        "upload a file",
        "post",
        lambda w: reverse("import_new", args=["acme"]),
        by_role(admin=302, coach=302, rep=302, other_rep=302, stakeholder=403),
        data=a_file,
    ),
    Row("the rep's import", "get", run_url("import_detail"), THE_RUN),
    Row(
        "its problems as CSV",
        "get",
        run_url("import_detail", query="?download=problems"),
        THE_RUN,
    ),
    Row("check the next rows", "post", run_url("import_step", checked=False), THE_RUN_WRITES),
    Row("check by GET", "get", run_url("import_step", checked=False), POST_ONLY),
    Row("import the good rows", "post", run_url("import_confirm"), THE_RUN_WRITES),
    Row("confirm by GET", "get", run_url("import_confirm"), POST_ONLY),
    Row("discard", "post", run_url("import_discard"), THE_RUN_WRITES),
    Row("discard by GET", "get", run_url("import_discard"), POST_ONLY),
]


@pytest.mark.parametrize("row", ROWS, ids=str)
@pytest.mark.parametrize("visitor", VISITORS, ids=lambda v: v or "anonymous")
def test_metrics_and_imports_matrix(world: World, row: Row, visitor: str | None) -> None:
    visit(world, row, visitor)


@pytest.mark.parametrize("visitor", ["coach", "rep", "other_rep", "stakeholder", "outsider", None])
def test_refused_writes_change_nothing(world: World, visitor: str | None) -> None:
    names = sorted(Metric.of(world.workspace).values_list("name", flat=True))
    checking, checked = run_of_rep(world, checked=False), run_of_rep(world)
    client = world.client(visitor)
    client.post(reverse("metrics", args=["acme"]), METRIC)
    client.post(calls_url(world), METRIC)
    assert (
        sorted(Metric.objects.filter(workspace=world.workspace).values_list("name", flat=True))
        == names
    )
    if visitor in ("rep", "coach", "other_rep"):
        return  # they may import: the test below keeps them off the runs of others
    client.post(reverse("import_new", args=["acme"]), a_file(world))
    client.post(reverse("import_step", args=["acme", checking.pk]))
    client.post(reverse("import_confirm", args=["acme", checked.pk]))
    client.post(reverse("import_discard", args=["acme", checked.pk]))
    client.post(reverse("import_discard", args=["acme", checking.pk]))
    assert ImportRun.objects.count() == 2
    checking.refresh_from_db()
    checked.refresh_from_db()
    assert (checking.state, checking.checked_rows) == (ImportState.CHECKING, 0)
    assert (checked.state, checked.imported_rows) == (ImportState.CHECKED, 0)
    assert checking.content and checked.content == rows_of_rep()
    assert not Entry.objects.exists()


@pytest.mark.parametrize("visitor", ["coach", "other_rep"])
def test_members_who_may_import_still_cannot_touch_a_run_of_someone_else(
    world: World, visitor: str
) -> None:
    checking, checked = run_of_rep(world, checked=False), run_of_rep(world)
    client = world.client(visitor)
    for view, run in [
        ("import_step", checking),
        ("import_confirm", checked),
        ("import_discard", checked),
        ("import_discard", checking),
    ]:
        assert client.post(reverse(view, args=["acme", run.pk])).status_code == 404
    checking.refresh_from_db()
    checked.refresh_from_db()
    assert (checking.state, checking.checked_rows) == (ImportState.CHECKING, 0)
    assert (checked.state, checked.imported_rows) == (ImportState.CHECKED, 0)
    assert not Entry.objects.exists()
    # Nor is it in their list of imports.
    page = client.get(reverse("import_new", args=["acme"])).text
    assert "numbers.csv" not in page


def test_an_admin_sees_and_confirms_a_rep_s_run(world: World) -> None:
    run = run_of_rep(world)
    admin = world.client("admin")
    page = admin.get(reverse("import_new", args=["acme"])).text
    assert "numbers.csv" in page and "Rep" in page
    assert "Uploaded by Rep." in admin.get(reverse("import_detail", args=["acme", run.pk])).text
    admin.post(reverse("import_confirm", args=["acme", run.pk]))
    entry = Entry.objects.get()
    assert (entry.member, entry.recorded_by) == (world.members["rep"], world.user("admin"))
