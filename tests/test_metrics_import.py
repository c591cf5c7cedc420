"""CSV import of entries: the upload and its columns, the dry run in steps, the per-row report,
confirming in one transaction, discarding, and bad files of every kind."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.tasks.base import TaskResultStatus
from django.test import Client, TestCase
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from followthrough.accounts.models import Role
from followthrough.metrics import actions, imports, tasks
from followthrough.metrics.models import Entry, EntrySource, ImportRun, ImportState, Metric
from tests.builders import run_of_rep
from tests.coaching_helpers import NEW_YORK, live_in
from tests.conftest import World, make_member, run_tasks

NOW = dt.datetime(2026, 11, 18, 22, 0, tzinfo=dt.UTC)  # 17:00 in New York, 09:00 in Sydney
SYDNEY = "Australia/Sydney"
HTMX = {"headers": {"HX-Request": "true"}}


def csv_file(content: str | bytes, name: str = "numbers.csv") -> SimpleUploadedFile:
    data = content.encode() if isinstance(content, str) else content
    return SimpleUploadedFile(name, data, content_type="text/csv")


def upload(client: Client, content: str | bytes, name: str = "numbers.csv") -> ImportRun:
    """Uploads a file; its check is enqueued when the request's transaction commits."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(
            reverse("import_new", args=["acme"]), {"file": csv_file(content, name)}
        )
    assert response.status_code == 302, response.text[:2000]
    run = ImportRun.objects.latest("pk")
    assert response["Location"] == reverse("import_detail", args=["acme", run.pk])
    return run


def refused_upload(client: Client, content: str | bytes) -> str:
    response = client.post(reverse("import_new", args=["acme"]), {"file": csv_file(content)})
    assert response.status_code == 400
    return response.text


def check_all(client: Client, run: ImportRun) -> tuple[ImportRun, int]:
    """Runs the check that the upload enqueued, as a task worker does; returns the run and how
    many steps the task took."""
    run_tasks()
    run.refresh_from_db()
    check = tasks.check_of(run)
    assert check is not None and check.status == TaskResultStatus.SUCCESSFUL, check
    # The progress bar, polling, sees the end and stops asking.
    fragment = client.get(reverse("import_detail", args=["acme", run.pk]), HTMX).text
    assert 'hx-trigger="every 1s"' not in fragment and "<progress" not in fragment
    return run, check.return_value


def confirm(client: Client, run: ImportRun) -> str:
    response = client.post(reverse("import_confirm", args=["acme", run.pk]), follow=True)
    assert response.status_code == 200
    run.refresh_from_db()
    return response.text


def imported(world: World) -> dict[tuple[str, str, dt.date], Decimal]:
    return {
        (e.member.user.email, e.metric.name, e.day): e.value
        for e in Entry.objects.filter(source=EntrySource.IMPORT).select_related(
            "member__user", "metric"
        )
    }


@pytest.fixture
def frozen(world: World) -> Iterator[World]:
    live_in(world, "rep", NEW_YORK)
    live_in(world, "other_rep", SYDNEY, country="AU")
    with time_machine.travel(NOW, tick=False):
        yield world


def test_a_rep_imports_their_own_numbers_after_a_dry_run(frozen: World) -> None:
    rep = frozen.client("rep")
    day_log = rep.get(reverse("day_log", args=["acme"])).text
    assert f'<a href="{reverse("import_new", args=["acme"])}">Import from a CSV file</a>' in day_log
    content = (
        "Date,Metric,Value\n2026-11-17,Calls made,12\n2026-11-17,dials,3\n"
        "2026-11-18,Revenue,1500.50\n"
    )
    run = upload(rep, content)
    # Stored and waiting to be checked: nothing written, nothing checked yet.
    assert run.state == ImportState.CHECKING and run.content == content
    assert run.total_rows == 3 and run.checked_rows == 0
    assert run.member == frozen.members["rep"] and run.filename == "numbers.csv"
    page = rep.get(reverse("import_detail", args=["acme", run.pk])).text
    assert '<progress id="import-progress" max="3" value="0">' in page
    # A worker checks it: the page asks every second how far it got.
    assert 'hx-trigger="every 1s"' in page and "Waiting for the task worker" in page
    run, steps = check_all(rep, run)
    assert steps == 1 and run.state == ImportState.CHECKED
    # "dials" is another name of "Calls made": the same person, metric and day twice.
    assert (run.good_rows, run.checked_rows) == (2, 3)
    assert run.problems == [
        {"line": 3, "message": "The same person, metric and day as line 2: give each once."}
    ]
    assert not Entry.objects.exists()
    page = rep.get(reverse("import_detail", args=["acme", run.pk])).text
    assert "Import the 2 good rows" in page and "Discard" in page and "<progress" not in page
    assert "give each once" in page

    assert "Imported 2 rows from numbers.csv." in confirm(rep, run)
    assert run.state == ImportState.IMPORTED and run.imported_rows == 2
    assert imported(frozen) == {
        ("rep@example.org", "Calls made", dt.date(2026, 11, 17)): Decimal(12),
        ("rep@example.org", "Revenue", dt.date(2026, 11, 18)): Decimal("1500.50"),
    }
    entry = Entry.objects.get(metric__name="Revenue")
    assert entry.import_run == run and entry.recorded_by == frozen.user("rep")
    assert entry.workspace == frozen.workspace

    # Confirming again imports nothing more.
    assert "already been imported" in confirm(rep, run)
    assert Entry.objects.count() == 2 and run.imported_rows == 2


def test_importing_a_file_again_replaces_what_it_imported_and_keeps_the_daily_log(
    frozen: World,
) -> None:
    rep = frozen.client("rep")
    calls = Metric.of(frozen.workspace).get(name="Calls made")
    actions.log_day(
        frozen.members["rep"], dt.date(2026, 11, 17), {calls: Decimal(4)}, by=frozen.user("rep")
    )
    first = upload(rep, "date,metric,value\n2026-11-17,Calls made,12\n2026-11-16,Calls made,7\n")
    confirm(rep, check_all(rep, first)[0])
    second = upload(rep, "date,metric,value\n2026-11-17,Calls made,13\n")
    confirm(rep, check_all(rep, second)[0])
    assert imported(frozen) == {
        ("rep@example.org", "Calls made", dt.date(2026, 11, 17)): Decimal(13),
        ("rep@example.org", "Calls made", dt.date(2026, 11, 16)): Decimal(7),
    }
    assert Entry.objects.get(source=EntrySource.IMPORT, value=13).import_run == second
    # The number the rep logged by hand is not an import: it stays.
    assert Entry.objects.get(source=EntrySource.LOG).value == Decimal(4)


def test_every_kind_of_bad_row_is_reported_by_line_and_only_good_rows_are_imported(
    frozen: World,
) -> None:
    admin = frozen.client("admin")
    content = "\n".join(
        [
            "email,date,metric,value",
            "rep@example.org,2026-11-18,Calls made,10",  # 2: good
            "other_rep@example.org,2026-11-19,Calls made,4",  # 3: good: Sydney's today
            "rep@example.org,2026-11-19,Calls made,4",  # 4: New York's tomorrow
            "rep@example.org,2026-11-18,cals made,4",  # 5: unknown metric, a suggestion
            "rep@example.org,2026-11-18,Happiness,4",  # 6: unknown metric, no suggestion
            "rep@example.org,2026-11-17,Revenue,lots",  # 7: not a number
            "rep@example.org,2026-11-17,Revenue,-3",  # 8: negative
            "rep@example.org,2026-11-17,Revenue,1e12",  # 9: too big
            "rep@example.org,2026-11-17,Revenue,NaN",  # 10: not a number either
            "rep@example.org,18/11/2026,Revenue,5",  # 11: not ISO
            "rep@example.org,2026-02-30,Revenue,5",  # 12: no such day
            "rep@example.org,2024-11-17,Revenue,5",  # 13: more than two years ago
            "nobody@example.org,2026-11-17,Revenue,5",  # 14: nobody
            "coach@example.org,2026-11-17,Revenue,5",  # 15: not a rep
            "REP@example.org,2026-11-18,calls,11",  # 16: the same as line 2
            "rep@example.org,2026-11-17,Revenue,2.555",  # 17: three decimals
            ",,,",  # blank: skipped, not a problem
            "rep@example.org,2024-11-18,Revenue,5",  # 19: exactly two years ago: good
            "rep@example.org,,,",  # 20: nothing given
        ]
    )
    run, _ = check_all(admin, upload(admin, content))
    messages = {p["line"]: p["message"] for p in run.problems}
    assert messages == {
        4: "The date 2026-11-19 has not happened yet.",
        5: "Unknown metric “cals made”. Did you mean “Calls made”?",
        6: "Unknown metric “Happiness”.",
        7: "The value “lots” is not a number.",
        8: "The value -3 is negative.",
        9: "The value “1e12” is above the maximum, 10,000,000.",
        10: "The value “NaN” is not a number.",
        11: "The date “18/11/2026” is not a date written as YYYY-MM-DD (for example 2026-11-05).",
        12: "The date “2026-02-30” is not a date written as YYYY-MM-DD (for example 2026-11-05).",
        13: "The date 2024-11-17 is more than two years ago.",
        14: "No rep with the email “nobody@example.org” in this workspace.",
        15: "No rep with the email “coach@example.org” in this workspace.",
        16: "The same person, metric and day as line 2: give each once.",
        17: "The value 2.555 has more than two decimals.",
        20: "No metric. No value. No date.",
    }
    assert (run.total_rows, run.checked_rows, run.good_rows) == (18, 18, 3)
    page = admin.get(reverse("import_detail", args=["acme", run.pk])).text
    assert "3 good rows, 15 with a problem" in page
    assert "<td>5</td><td>Unknown metric “cals made”. Did you mean “Calls made”?</td>" in page
    confirm(admin, run)
    assert imported(frozen) == {
        ("rep@example.org", "Calls made", dt.date(2026, 11, 18)): Decimal(10),
        ("other_rep@example.org", "Calls made", dt.date(2026, 11, 19)): Decimal(4),
        ("rep@example.org", "Revenue", dt.date(2024, 11, 18)): Decimal(5),
    }
    assert run.imported_rows == 3
    assert set(Entry.objects.values_list("recorded_by__email", flat=True)) == {"admin@example.org"}


def test_who_may_import_whose_numbers(frozen: World) -> None:
    rows = (
        "email,date,metric,value\nrep@example.org,2026-11-17,Calls made,1\n"
        "other_rep@example.org,2026-11-17,Calls made,2\n"
    )
    # The coach coaches "rep" only; "other_rep" may give only their own numbers.
    coach_run, _ = check_all(frozen.client("coach"), upload(frozen.client("coach"), rows))
    assert coach_run.good_rows == 1
    assert coach_run.problems == [
        {
            "line": 3,
            "message": "You do not coach “other_rep@example.org”: you cannot import their numbers.",
        }
    ]
    other = frozen.client("other_rep")
    rep_run, _ = check_all(other, upload(other, rows))
    assert rep_run.good_rows == 1
    assert rep_run.problems == [
        {
            "line": 2,
            "message": "“rep@example.org” is not you: you can import only your own numbers.",
        }
    ]
    # A rep's message does not tell whether an email belongs to someone here.
    strangers = "email,date,metric,value\nnobody@example.org,2026-11-17,Calls made,1\n"
    stranger_run, _ = check_all(other, upload(other, strangers))
    assert "is not you" in stranger_run.problems[0]["message"]
    # Without an email column, a coach's file says nobody's numbers: refused at once.
    text = refused_upload(frozen.client("coach"), "date,metric,value\n2026-11-17,Calls made,1\n")
    assert "Add an email column: whose numbers are these?" in text


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("day,metric,amount\n2026-11-17,Calls made,1\n", "Missing columns: date, value."),
        ("date,metric,value,notes\n2026-11-17,Calls made,1,x\n", "Unknown column: “notes”."),
        ("date,metric,value,Value\n2026-11-17,Calls made,1,2\n", "Column given twice: value."),
        ("date,value\n2026-11-17,1\n", "Missing column: metric."),
        ("\n\n", "The file is empty"),
        ("date,metric,value\n", "The file has its header row but no rows under it."),
        ("date,metric,value\n\n,,\n", "The file has its header row but no rows under it."),
        ("", "The submitted file is empty."),
    ],
)
def test_a_file_with_wrong_columns_or_no_rows_is_refused_and_nothing_is_stored(
    frozen: World, content: str, message: str
) -> None:
    text = refused_upload(frozen.client("rep"), content)
    assert message in text
    assert not ImportRun.objects.exists()


def test_a_file_that_is_not_utf8_gets_a_clear_message(frozen: World) -> None:
    latin1 = "date,metric,value\n2026-11-17,Llamadas señor,1\n".encode("latin-1")
    utf16 = "date,metric,value\n2026-11-17,Calls made,1\n".encode("utf-16")
    for content in (latin1, utf16, b"PK\x03\x04\x14\x00\x00\x00\x08\x00"):
        text = refused_upload(frozen.client("rep"), content)
        assert "This file is not UTF-8" in text and "save it as CSV UTF-8" in text
    assert not ImportRun.objects.exists()


def test_utf8_with_a_byte_order_mark_semicolons_and_any_column_order_are_read(
    frozen: World,
) -> None:
    rep = frozen.client("rep")
    content = "\ufeffVALUE ; Metric;DATE\r\n3;Calls made;2026-11-17\r\n4,5;Revenue;2026-11-17\r\n"
    run, _ = check_all(rep, upload(rep, content.encode("utf-8")))
    assert run.content.startswith("VALUE")  # stored decoded, without the mark
    assert run.good_rows == 1
    assert run.problems == [{"line": 3, "message": "The value “4,5” is not a number."}]
    # Empty columns at the end, as spreadsheets write them, are no unknown columns.
    run, _ = check_all(rep, upload(rep, "date,metric,value,,\n2026-11-17,Calls made,3,,\n"))
    assert (run.good_rows, run.problems) == (1, [])


def test_a_file_over_20_mb_is_refused(frozen: World) -> None:
    big = b"date,metric,value\n" + b"2026-11-17,Calls made,1\n" * (21 * 1024 * 1024 // 24)
    text = refused_upload(frozen.client("rep"), big)
    assert "This file is 21.0 MB: the limit is 20 MB." in text
    assert not ImportRun.objects.exists()


def test_without_javascript_a_refresh_shows_how_far_the_check_got(
    frozen: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(imports, "STEP_ROWS", 2)
    rep = frozen.client("rep")
    run = upload(
        rep,
        "date,metric,value\n" + "".join(f"2026-11-{d:02},Calls made,1\n" for d in range(10, 15)),
    )
    url = reverse("import_detail", args=["acme", run.pk])
    imports.check_next(run)  # the worker's first step
    page = rep.get(url).text
    assert '<progress id="import-progress" max="5" value="2">40%</progress>' in page
    assert f'<a href="{url}">Refresh</a>' in page
    # "Check again" while a check waits for the worker enqueues no second one.
    step = reverse("import_step", args=["acme", run.pk])
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = rep.post(step)
    assert response.status_code == 302 and response["Location"] == url
    assert DBTaskResult.objects.count() == 1
    run_tasks()
    run.refresh_from_db()
    assert (run.state, run.checked_rows, run.good_rows) == (ImportState.CHECKED, 5, 5)
    page = rep.get(url).text
    assert "Checked: 5 good rows" in page and "Refresh" not in page
    with TestCase.captureOnCommitCallbacks(execute=True):
        rep.post(step)  # once checked, nothing to check again
    assert DBTaskResult.objects.count() == 1


def test_duplicates_are_found_across_steps(frozen: World, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(imports, "STEP_ROWS", 2)
    rep = frozen.client("rep")
    content = "date,metric,value\n" + "".join(
        f"2026-11-17,{metric},{value}\n"
        for metric, value in [
            ("Calls made", "x"),
            ("Revenue", 1),
            ("Calls made", 2),
            ("Revenue", 3),
            ("Calls made", 4),
        ]
    )
    run, steps = check_all(rep, upload(rep, content))
    assert steps == 3
    # Line 2 was bad, so line 4 is the first good one for calls; line 6 repeats it.
    assert run.problems == [
        {"line": 2, "message": "The value “x” is not a number."},
        {"line": 5, "message": "The same person, metric and day as line 3: give each once."},
        {"line": 6, "message": "The same person, metric and day as line 4: give each once."},
    ]
    assert run.good_rows == 2


def test_the_report_shows_200_problems_and_the_download_has_them_all(frozen: World) -> None:
    rep = frozen.client("rep")
    content = "date,metric,value\n" + "2026-11-17,Qwerty,1\n" * 250 + "2026-11-17,Calls made,=1+1\n"
    run, _ = check_all(rep, upload(rep, content))
    assert len(run.problems) == 251 and run.good_rows == 0
    page = rep.get(reverse("import_detail", args=["acme", run.pk])).text
    assert page.count("Unknown metric “Qwerty”") == 200
    assert "And 51 more." in page and "Download all 251 problems as CSV" in page
    assert "Import the" not in page  # nothing good to import
    download = rep.get(reverse("import_detail", args=["acme", run.pk]) + "?download=problems")
    assert download["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(download.content.decode())))
    assert rows[0] == ["line", "problem"] and len(rows) == 252
    assert rows[1] == ["2", "Unknown metric “Qwerty”."]
    assert rows[-1] == ["252", "The value “=1+1” is not a number."]


def test_what_people_typed_is_escaped(frozen: World) -> None:
    rep = frozen.client("rep")
    run, _ = check_all(
        rep, upload(rep, "date,metric,value\n2026-11-17,<b>x</b>,1\n", "<script>.csv")
    )
    page = rep.get(reverse("import_detail", args=["acme", run.pk])).text
    assert "<b>x</b>" not in page and "&lt;b&gt;x&lt;/b&gt;" in page
    assert "<script>.csv" not in page and "&lt;script&gt;.csv" in page


def test_discarding_forgets_the_file_and_imports_nothing(frozen: World) -> None:
    rep = frozen.client("rep")
    run, _ = check_all(rep, upload(rep, "date,metric,value\n2026-11-17,Calls made,1\n"))
    response = rep.post(reverse("import_discard", args=["acme", run.pk]))
    assert response["Location"] == reverse("import_new", args=["acme"])
    run.refresh_from_db()
    assert run.state == ImportState.DISCARDED and run.content == ""
    assert "cannot be imported now: it is discarded" in confirm(rep, run)
    assert run.state == ImportState.DISCARDED and not Entry.objects.exists()


def test_an_imported_run_cannot_be_discarded(frozen: World) -> None:
    rep = frozen.client("rep")
    run, _ = check_all(rep, upload(rep, "date,metric,value\n2026-11-17,Calls made,1\n"))
    confirm(rep, run)
    response = rep.post(reverse("import_discard", args=["acme", run.pk]), follow=True)
    assert "already been imported: it can no longer be discarded" in response.text
    run.refresh_from_db()
    assert run.state == ImportState.IMPORTED and run.content and Entry.objects.count() == 1


def test_a_run_cannot_be_confirmed_before_it_is_checked(frozen: World) -> None:
    rep = frozen.client("rep")
    run = upload(rep, "date,metric,value\n2026-11-17,Calls made,1\n")
    assert "cannot be imported now: it is checking" in confirm(rep, run)
    assert run.state == ImportState.CHECKING and not Entry.objects.exists()


def test_a_hundred_thousand_rows_are_checked_in_steps_and_imported(frozen: World) -> None:
    reps = [make_member(frozen.workspace, f"rep{n:02}", Role.REP) for n in range(20)]
    names = [m.name for m in Metric.of(frozen.workspace)]
    first_day = dt.date(2025, 1, 1)
    lines = ["email,date,metric,value"]
    for rep in reps:
        for metric in names:
            for offset in range(625):
                day = first_day + dt.timedelta(days=offset)
                lines.append(f"{rep.user.email},{day},{metric},{offset % 40}")
    # Two bad rows, in different steps: an unknown metric, a negative value.
    cells = lines[5000].split(",")
    lines[5000] = ",".join([*cells[:2], "Cals made", cells[3]])
    cells = lines[55000].split(",")
    lines[55000] = ",".join([*cells[:3], "-1"])
    admin = frozen.client("admin")
    # How long this takes is measured by bench/imports.py, never asserted here.
    run = upload(admin, "\n".join(lines) + "\n", "year.csv")
    assert run.total_rows == 100_000
    run, steps = check_all(admin, run)
    assert steps == 20
    assert (run.checked_rows, run.good_rows, len(run.problems)) == (100_000, 99_998, 2)
    assert [p["line"] for p in run.problems] == [5001, 55001]
    assert not Entry.objects.exists()
    confirm(admin, run)
    assert run.imported_rows == 99_998
    assert Entry.objects.filter(import_run=run, source=EntrySource.IMPORT).count() == 99_998
    assert (
        Entry.objects.filter(member=reps[3], metric__name="Revenue", day=first_day).get().value == 0
    )


def test_confirming_checks_the_stored_file_again(frozen: World) -> None:
    rep = frozen.client("rep")
    run, _ = check_all(
        rep, upload(rep, "date,metric,value\n2026-11-17,dials,1\n2026-11-17,Revenue,9\n")
    )
    assert run.good_rows == 2
    # Between the check and the confirmation, the admin takes "dials" away from Calls made.
    Metric.objects.filter(workspace=frozen.workspace, name="Calls made").update(aliases=["calls"])
    assert "Imported 1 row from numbers.csv." in confirm(rep, run)
    assert run.imported_rows == 1
    assert list(imported(frozen)) == [("rep@example.org", "Revenue", dt.date(2026, 11, 17))]


def test_the_list_of_imports_shows_one_s_own_and_all_to_an_admin(
    frozen: World, django_assert_num_queries: Any
) -> None:
    for key in ("rep", "other_rep", "rep"):
        upload(frozen.client(key), "date,metric,value\n2026-11-17,Calls made,1\n", f"{key}.csv")
    url = reverse("import_new", args=["acme"])
    assert frozen.client("rep").get(url).text.count("rep.csv") == 2
    assert "other_rep.csv" not in frozen.client("rep").get(url).text
    admin = frozen.client("admin")
    admin.get(url)
    # The page's own query (the runs with their people) and every workspace page's nine.
    with django_assert_num_queries(10):
        page = admin.get(url).text
    assert page.count(">rep.csv</a>") == 2 and page.count(">other_rep.csv</a>") == 1
    assert page.count("· Rep</small>") == 2 and "· Other Rep</small>" in page


# An import belongs to its uploader; admins see and confirm it too -----------------------------


def test_an_admin_sees_and_confirms_a_rep_s_run(world: World) -> None:
    run = run_of_rep(world)
    admin = world.client("admin")
    page = admin.get(reverse("import_new", args=["acme"])).text
    assert "numbers.csv" in page and "Rep" in page
    assert "Uploaded by Rep." in admin.get(reverse("import_detail", args=["acme", run.pk])).text
    admin.post(reverse("import_confirm", args=["acme", run.pk]))
    entry = Entry.objects.get()
    assert (entry.member, entry.recorded_by) == (world.members["rep"], world.user("admin"))
