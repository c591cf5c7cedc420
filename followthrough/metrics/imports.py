"""CSV import of entries: read the upload, check it in steps (a dry run), import on confirmation.

The upload is decoded and its header checked at once; the rows are checked later, 5,000 at a
time, so that a 100,000-row file shows a progress bar instead of a request that times out.
Nothing becomes an Entry until the person confirms; then the stored content is read again and
every row checked again, in the one transaction that writes the entries.

The same machinery reads other kinds of file (`ImportRun.kind`): an app registers an Importer
(how to decode the file, check its header and its rows, and write the good ones), as the
clients app does for CRM exports of won deals (clients/crm.py).
"""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, NamedTuple, Protocol

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from followthrough import permissions
from followthrough.accounts.models import Membership, Role, User
from followthrough.lib import languages
from followthrough.lib.errors import ActionRefused
from followthrough.metrics import events
from followthrough.metrics.models import (
    MAX_VALUE,
    Entry,
    EntrySource,
    ImportRun,
    ImportState,
    Metric,
    normalize,
)

ENTRIES = "entries"  # the kind of file of numbers (ImportRun.kind)
MAX_UPLOAD_BYTES = 20 * 1024 * 1024
STEP_ROWS = 5_000
BATCH_SIZE = 1_000  # rows per INSERT (and ids per DELETE): well under SQLite's variable limit
REQUIRED_COLUMNS = ("date", "metric", "value")
OPTIONAL_COLUMNS = ("email",)
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
CENT = Decimal("0.01")

NOT_UTF8 = _(
    "This file is not UTF-8 text (it may be an Excel workbook, or saved in an older encoding "
    "such as Latin-1 or UTF-16). In your spreadsheet, save it as CSV UTF-8 "
    '("Comma-separated values, UTF-8") and upload it again.'
)


def quoted(text: str, limit: int = 40) -> str:
    """What the person typed, shortened, for a message (templates escape it)."""
    text = text.strip()
    return f"“{text[:limit]}…”" if len(text) > limit else f"“{text}”"


# Reading -------------------------------------------------------------------------------------


def decode(data: bytes) -> str:
    """UTF-8, with or without the byte-order mark Excel writes; anything else is refused."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ActionRefused(str(NOT_UTF8)) from None
    if "\x00" in text:  # UTF-16 that happens to decode, or a binary file: not a CSV
        raise ActionRefused(str(NOT_UTF8))
    return text


def delimiter_of(text: str) -> str:
    """Spreadsheets in many countries separate with semicolons; the header tells which."""
    header = text.split("\n", 1)[0]
    return ";" if ";" in header and "," not in header else ","


def reader_of(text: str) -> Iterator[list[str]]:
    return csv.reader(io.StringIO(text, newline=""), delimiter=delimiter_of(text))


def columns_of(header: list[str], uploader: Membership) -> dict[str, int]:
    """Column name to its position; wrong, missing or repeated columns are refused by name."""
    names = [cell.strip().casefold() for cell in header]
    known = REQUIRED_COLUMNS + OPTIONAL_COLUMNS
    # A blank heading is no column: spreadsheets often add empty ones at the end.
    unknown = [cell.strip() for cell, name in zip(header, names, strict=True) if name not in known]
    unknown = [cell for cell in unknown if cell]
    missing = [name for name in REQUIRED_COLUMNS if name not in names]
    repeated = sorted({name for name in names if name in known and names.count(name) > 1})
    problems = []
    if missing:
        problems.append(
            ngettext("Missing column: %(names)s", "Missing columns: %(names)s", len(missing))
            % {"names": ", ".join(missing)}
        )
    if unknown:
        problems.append(
            ngettext("Unknown column: %(names)s", "Unknown columns: %(names)s", len(unknown))
            % {"names": ", ".join(map(quoted, unknown))}
        )
    if repeated:
        problems.append(gettext("Column given twice: %(names)s") % {"names": ", ".join(repeated)})
    if problems:
        raise ActionRefused(
            ". ".join(problems)
            + ". "
            + gettext(
                "The first row must name the columns date, metric and "
                "value (in any order), and optionally email."
            )
        )
    if "email" not in names and uploader.role != Role.REP:
        raise ActionRefused(
            gettext(
                "Add an email column: whose numbers are these? Only a rep may leave it out, "
                "to import their own numbers."
            )
        )
    return {name: names.index(name) for name in known if name in names}


def rows_of(text: str) -> Iterator[tuple[int, list[str]]]:
    """(line number, cells) of each data row; blank rows are skipped."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter_of(text))
    next(reader, None)  # the header
    for cells in reader:
        if any(cell.strip() for cell in cells):
            yield reader.line_num, cells


@dataclass(frozen=True)
class Upload:
    """A decoded file whose header is right, ready to be stored as an ImportRun."""

    text: str
    total_rows: int
    kind: str = ENTRIES


def read(data: bytes, uploader: Membership, kind: str = ENTRIES) -> Upload:
    """Decode the file and check its columns; nothing is stored, no row is checked yet."""
    importer = IMPORTERS[kind]
    text = importer.decode(data)
    try:
        header = next(reader_of(text), None)
        if header is None or not any(cell.strip() for cell in header):
            raise ActionRefused(gettext("The file is empty: its first row must name the columns."))
        importer.check_header(header, uploader)
        total = sum(1 for _ in rows_of(text))
    except csv.Error as error:
        raise ActionRefused(
            gettext("This file cannot be read as CSV: %(error)s.") % {"error": error}
        ) from None
    if total == 0:
        raise ActionRefused(gettext("The file has its header row but no rows under it."))
    return Upload(text=text, total_rows=total, kind=kind)


def start(uploader: Membership, filename: str, upload: Upload) -> ImportRun:
    return ImportRun.objects.create(
        workspace=uploader.workspace,
        member=uploader,
        kind=upload.kind,
        filename=filename[:200],
        content=upload.text,
        total_rows=upload.total_rows,
    )


# Checking -----------------------------------------------------------------------------------


class GoodRow(NamedTuple):
    member: Membership
    metric: Metric
    day: dt.date
    value: Decimal


type Found[T] = tuple[T | None, str]  # the thing, or None and what is wrong, in words
CACHE_SIZE = 10_000  # distinct cells remembered: dates and names repeat down a file


class Checker:
    """Checks rows in file order, remembering what it has seen (to find rows given twice).
    What a cell means is looked up once per distinct cell: a 100,000-row file has a few
    hundred dates, a few names and a few emails."""

    def __init__(self, run: ImportRun) -> None:
        self.uploader = run.member
        self.workspace = run.workspace
        columns = columns_of(next(reader_of(run.content)), self.uploader)
        self.width = max(columns.values()) + 1
        self.email_at = columns.get("email")
        self.metric_at, self.value_at = columns["metric"], columns["value"]
        self.date_at = columns["date"]
        self.metrics = Metric.by_name(self.workspace)
        self.people = {
            member.user.email.casefold(): member
            for member in Membership.objects.filter(
                workspace=self.workspace, is_active=True
            ).select_related("user__profile")
        }
        self.found_people: dict[str, Found[Membership]] = {}
        self.found_metrics: dict[str, Found[Metric]] = {}
        self.found_days: dict[str, Found[dt.date]] = {}
        self.bounds: dict[int, tuple[dt.date, dt.date]] = {}
        self.seen: dict[tuple[int, int, dt.date], int] = {}

    def check(self, cells: list[str], line: int) -> GoodRow | str:
        """The row's entry, or what is wrong with it, in words."""
        if len(cells) < self.width:
            cells = cells + [""] * (self.width - len(cells))
        email = cells[self.email_at].strip() if self.email_at is not None else ""
        member, person_problem = cached(self.found_people, email, self.person)
        metric, metric_problem = cached(self.found_metrics, cells[self.metric_at], self.metric)
        value, value_problem = self.value(cells[self.value_at].strip())
        day, day_problem = cached(self.found_days, cells[self.date_at], self.day)
        if day is not None and member is not None:
            day, day_problem = self.in_range(day, member)
        if member is None or metric is None or value is None or day is None:
            problems = (person_problem, metric_problem, value_problem, day_problem)
            return " ".join(problem for problem in problems if problem)
        key = (member.id, metric.id, day)
        if key in self.seen:
            return gettext("The same person, metric and day as line %(line)s: give each once.") % {
                "line": self.seen[key]
            }
        self.seen[key] = line
        return GoodRow(member, metric, day, value)

    def remember(self, cells: list[str], line: int) -> None:
        """A row checked good in an earlier step: only its key matters now (to find a later
        row that gives it again), so its value is not read."""
        if len(cells) < self.width:
            cells = cells + [""] * (self.width - len(cells))
        email = cells[self.email_at].strip() if self.email_at is not None else ""
        member = cached(self.found_people, email, self.person)[0]
        metric = cached(self.found_metrics, cells[self.metric_at], self.metric)[0]
        day = cached(self.found_days, cells[self.date_at], self.day)[0]
        if member is not None and metric is not None and day is not None:
            self.seen.setdefault((member.id, metric.id, day), line)

    def person(self, email: str) -> Found[Membership]:
        if not email:
            if self.uploader.role == Role.REP:
                return self.uploader, ""
            return None, gettext("No email: whose numbers are these?")
        member = self.people.get(email.casefold())
        if (
            member is not None
            and member.role == Role.REP
            and permissions.can_edit_rep_private(self.uploader, member)
        ):
            return member, ""
        if self.uploader.role == Role.REP:  # a rep learns nothing about who else is here
            return None, gettext("%(email)s is not you: you can import only your own numbers.") % {
                "email": quoted(email)
            }
        if member is None or member.role != Role.REP:
            return None, gettext("No rep with the email %(email)s in this workspace.") % {
                "email": quoted(email)
            }
        return None, gettext("You do not coach %(email)s: you cannot import their numbers.") % {
            "email": quoted(email)
        }

    def metric(self, raw: str) -> Found[Metric]:
        name = raw.strip()
        if not name:
            return None, gettext("No metric.")
        metric = self.metrics.get(normalize(name))
        if metric is not None:
            return metric, ""
        # A typo is close; a metric the workspace does not count is not worth a guess.
        close = difflib.get_close_matches(normalize(name), self.metrics, n=1, cutoff=0.75)
        unknown = gettext("Unknown metric %(name)s.") % {"name": quoted(name)}
        if close:
            unknown += " " + gettext("Did you mean “%(name)s”?") % {
                "name": self.metrics[close[0]].label
            }
        return None, unknown

    def value(self, raw: str) -> Found[Decimal]:
        if not raw:
            return None, gettext("No value.")
        try:
            value = Decimal(raw)
        except InvalidOperation:
            return None, gettext("The value %(value)s is not a number.") % {"value": quoted(raw)}
        if not value.is_finite():
            return None, gettext("The value %(value)s is not a number.") % {"value": quoted(raw)}
        if value < 0:
            return None, gettext("The value %(value)s is negative.") % {"value": raw}
        if value > MAX_VALUE:
            return None, gettext("The value %(value)s is above the maximum, %(most)s.") % {
                "value": quoted(raw),
                "most": f"{MAX_VALUE:,}",
            }
        if value != value.quantize(CENT):
            return None, gettext("The value %(value)s has more than two decimals.") % {"value": raw}
        return value, ""

    def day(self, raw: str) -> Found[dt.date]:
        text = raw.strip()
        if not text:
            return None, gettext("No date.")
        if ISO_DATE.match(text):
            try:
                return dt.date.fromisoformat(text), ""
            except ValueError:  # 2026-02-30
                pass
        return None, gettext(
            "The date %(date)s is not a date written as YYYY-MM-DD (for example 2026-11-05)."
        ) % {"date": quoted(text)}

    def in_range(self, day: dt.date, member: Membership) -> Found[dt.date]:
        """Not in the future, nor more than two years ago, in the person's own calendar: in
        Sydney, Tuesday has begun while New York is still on Monday."""
        if member.id not in self.bounds:
            today = timezone.localdate(timezone.now(), member.user.profile.zone)
            self.bounds[member.id] = (two_years_before(today), today)
        oldest, today = self.bounds[member.id]
        if day > today:
            return None, gettext("The date %(date)s has not happened yet.") % {
                "date": day.isoformat()
            }
        if day < oldest:
            return None, gettext("The date %(date)s is more than two years ago.") % {
                "date": day.isoformat()
            }
        return day, ""


def cached[T](cache: dict[str, Found[T]], raw: str, find: Callable[[str], Found[T]]) -> Found[T]:
    found = cache.get(raw)
    if found is None:
        found = find(raw)
        if len(cache) < CACHE_SIZE:
            cache[raw] = found
    return found


def two_years_before(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year - 2)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 2, day=28)


def check_next(run: ImportRun, count: int | None = None) -> ImportRun:
    """Checks the next `count` rows of a run being checked and saves what was found. Rows
    before them are checked again, unsaved, only to know which keys they already used."""
    if run.state != ImportState.CHECKING:
        return run
    # The problems are saved as words: in the uploader's language, whoever runs the step.
    with translation.override(languages.of_user(run.member.user)):
        return _check_next(run, count)


def _check_next(run: ImportRun, count: int | None) -> ImportRun:
    checker = IMPORTERS[run.kind].checker(run)
    earlier_problems = {problem["line"] for problem in run.problems}
    problems = list(run.problems)
    good, before = run.good_rows, run.checked_rows
    checked, end = before, before + (count or STEP_ROWS)
    for index, (line, cells) in enumerate(rows_of(run.content)):
        if index >= end:
            break
        if index < before:
            if line not in earlier_problems:
                checker.remember(cells, line)
            continue
        result = checker.check(cells, line)
        if not isinstance(result, str):
            good += 1
        else:
            problems.append({"line": line, "message": result})
        checked = index + 1
    changes: dict[str, object] = {"checked_rows": checked, "good_rows": good, "problems": problems}
    if checked < end or checked >= run.total_rows:  # the file has no more rows
        changes.update(state=ImportState.CHECKED, total_rows=checked)
    # Only a run still where this step found it moves on: two tabs stepping at once do not
    # both count the same rows.
    moved = ImportRun.objects.filter(
        pk=run.pk, state=ImportState.CHECKING, checked_rows=before
    ).update(**changes)
    if moved:
        for field, value in changes.items():
            setattr(run, field, value)
    else:
        run.refresh_from_db(fields=["state", "total_rows", "checked_rows", "good_rows", "problems"])
    return run


def check_all(run: ImportRun) -> ImportRun:
    while run.state == ImportState.CHECKING:
        run = check_next(run)
    return run


# Importing ----------------------------------------------------------------------------------


def confirm(run: ImportRun, by: User) -> int:
    """Writes the good rows as entries, in one transaction; an earlier imported entry of the
    same person, metric and day is replaced, so importing a file twice does not count twice.
    Returns how many entries were written."""
    with transaction.atomic():
        # The compare-and-set is the lock: a second confirmation finds the run imported.
        claimed = ImportRun.objects.filter(pk=run.pk, state=ImportState.CHECKED).update(
            state=ImportState.IMPORTED, finished_at=timezone.now()
        )
        if not claimed:
            run.refresh_from_db(fields=["state"])
            if run.state == ImportState.IMPORTED:
                raise ActionRefused(gettext("This file has already been imported."))
            state = run.get_state_display().lower()
            raise ActionRefused(
                gettext("This file cannot be imported now: it is %(state)s.") % {"state": state}
            )
        importer = IMPORTERS[run.kind]
        checker = importer.checker(run)
        good = [
            result
            for line, cells in rows_of(run.content)
            if not isinstance(result := checker.check(cells, line), str)
        ]
        importer.write(run, good, by)
        ImportRun.objects.filter(pk=run.pk).update(imported_rows=len(good))
        events.log(
            "import.confirmed",
            run.workspace,
            run,
            by,
            count=len(good),
            filename=run.filename,
        )
    run.refresh_from_db(fields=["state", "imported_rows", "finished_at"])
    return len(good)


def write_entries(run: ImportRun, good: list[GoodRow], by: User) -> None:
    replace_earlier_imports(good)
    now = timezone.now()
    Entry.objects.bulk_create(
        (
            # Ids, not objects: a third quicker over 100,000 rows.
            Entry(
                workspace_id=run.workspace_id,
                member_id=row.member.id,
                metric_id=row.metric.id,
                day=row.day,
                value=row.value,
                source=EntrySource.IMPORT,
                import_run_id=run.id,
                recorded_by_id=by.id,
                created_at=now,
                updated_at=now,
            )
            for row in good
        ),
        batch_size=BATCH_SIZE,
    )


def replace_earlier_imports(rows: list[GoodRow]) -> None:
    """Deletes the imported entries these rows replace (same person, metric and day)."""
    if not rows:
        return
    keys = {(row.member.pk, row.metric.pk, row.day) for row in rows}
    candidates = Entry.objects.filter(
        source=EntrySource.IMPORT,
        member_id__in={row.member.pk for row in rows},
        day__gte=min(row.day for row in rows),
        day__lte=max(row.day for row in rows),
    ).values_list("pk", "member_id", "metric_id", "day")
    replaced = [
        pk for pk, member, metric, day in candidates.iterator() if (member, metric, day) in keys
    ]
    for start_at in range(0, len(replaced), BATCH_SIZE):
        Entry.objects.filter(pk__in=replaced[start_at : start_at + BATCH_SIZE]).delete()


def discard(run: ImportRun) -> None:
    """Forgets the file: nothing of it was imported, and its content is not kept."""
    discarded = ImportRun.objects.filter(
        pk=run.pk, state__in=[ImportState.CHECKING, ImportState.CHECKED]
    ).update(state=ImportState.DISCARDED, content="", finished_at=timezone.now())
    run.refresh_from_db(fields=["state", "content", "finished_at"])
    if not discarded and run.state == ImportState.IMPORTED:
        raise ActionRefused(
            gettext("This file has already been imported: it can no longer be discarded.")
        )


def problems_csv(run: ImportRun) -> str:
    """Every problem found, one a row, for a spreadsheet next to the file."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["line", "problem"])
    for problem in run.problems:
        writer.writerow([problem["line"], problem["message"]])
    return out.getvalue()


# Kinds of file -------------------------------------------------------------------------------


class RowChecker(Protocol):
    def check(self, cells: list[str], line: int) -> Any:
        """The row's good value, or what is wrong with it as a str."""

    def remember(self, cells: list[str], line: int) -> None:
        """A row checked good in an earlier step: remember what it uses (to find twins)."""


@dataclass(frozen=True)
class Importer:
    """One kind of file: how to decode it, check its header (raise ActionRefused), check its
    rows, and write the good ones (inside confirm's transaction)."""

    decode: Callable[[bytes], str]
    check_header: Callable[[list[str], Membership], object]
    checker: Callable[[ImportRun], RowChecker]
    write: Callable[[ImportRun, list[Any], User], None]


IMPORTERS: dict[str, Importer] = {
    ENTRIES: Importer(decode=decode, check_header=columns_of, checker=Checker, write=write_entries)
}


def register(kind: str, importer: Importer) -> None:
    """Apps add their kinds of file in AppConfig.ready()."""
    IMPORTERS[kind] = importer
