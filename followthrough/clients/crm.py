"""Past won deals and their client contacts, imported from a CRM's export, so that a manager
starts with the clients already sold. The metrics import machinery does the rest (upload, a
dry run checked row by row by a background task, the report, import only on confirmation, in
one transaction): this module is one kind of file for it (`metrics.imports.register`).

Two exports are recognised by their column headers (compared without case or spaces):

- HubSpot's deals export ("Export" on the deals index, with associated records): one row per
  deal, `Deal Name`, `Deal Stage`, `Close Date`, `Deal owner`, `Amount`, `Associated Company`,
  and `Associated Contact`, whose cell lists the deal's contacts as "Name (email)" separated by
  semicolons.
- Salesforce's opportunities report with contact roles (exported "Details only"): one row per
  contact of an opportunity, `Opportunity Owner`, `Account Name`, `Opportunity Name`, `Stage`,
  `Amount`, `Close Date`, and the contact's `First Name`, `Last Name` (or `Contact Name`) and
  `Email`.

Only won deals are imported (HubSpot's "Closed Won" / closedwon, Salesforce's "Closed Won" or a
true `Won` column); other rows are reported and left out. A deal's owner is a rep of the
workspace, named by email or by full name. A contact met twice (on two deals, or two rows) is
one Contact; a contact already in the workspace (by email) is reused; a deal already imported
(same owner, account and close date, won) is reused, so importing a file twice adds nothing.
Deals are written as history: no client check-in is scheduled for them, and they add no
revenue entries (the metrics of their time were counted then, or are imported as numbers).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from followthrough import permissions
from followthrough.accounts.models import Membership, Role, User, normalize_email
from followthrough.clients.models import Contact, DealContact
from followthrough.lib.errors import ActionRefused
from followthrough.metrics import imports
from followthrough.metrics.imports import BATCH_SIZE, Found, cached, quoted, reader_of
from followthrough.metrics.models import ImportRun
from followthrough.pipeline.models import Opportunity, Stage, StageChange

KIND = "crm_deals"
HUBSPOT = "hubspot"
SALESFORCE = "salesforce"

# Our field: the headers that name it in each export, compared by `key` (no case, no spaces,
# no punctuation). The first of each is the export's own.
HEADERS: dict[str, dict[str, tuple[str, ...]]] = {
    HUBSPOT: {
        "deal": ("Deal Name",),
        "stage": ("Deal Stage",),
        "closed_on": ("Close Date",),
        "owner": ("Deal owner", "Deal Owner Email"),
        "amount": ("Amount",),
        "currency": ("Currency",),
        "account": ("Associated Company", "Company name"),
        "contacts": ("Associated Contact", "Associated Contacts"),
    },
    SALESFORCE: {
        "deal": ("Opportunity Name",),
        "stage": ("Stage",),
        "won": ("Won",),
        "closed_on": ("Close Date",),
        "owner": ("Opportunity Owner", "Opportunity Owner Email"),
        "amount": ("Amount",),
        "currency": ("Opportunity Currency", "Amount Currency"),
        "account": ("Account Name",),
        "first_name": ("First Name",),
        "last_name": ("Last Name",),
        "contact_name": ("Contact Name", "Contact: Full Name", "Full Name"),
        "email": ("Email", "Contact: Email"),
    },
}
REQUIRED = {
    HUBSPOT: ("deal", "stage", "closed_on", "owner", "contacts"),
    SALESFORCE: ("deal", "stage", "closed_on", "owner", "account", "email"),
}
# What recognises each export: headers that only it has.
SIGNATURE = {HUBSPOT: ("deal", "stage"), SALESFORCE: ("deal", "stage")}
WON_STAGES = {"closedwon", "won"}
TRUE = {"1", "true", "yes", "y", "x", "verdadero", "sí", "si"}
ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T].*)?$")
SLASHED = re.compile(r"^(\d{1,2})[/.](\d{1,2})[/.](\d{2}|\d{4})(?:[ ,].*)?$")
# "Jane Doe (jane@acme.com)" in HubSpot's associated contacts.
NAMED_ADDRESS = re.compile(r"^(?P<name>.*?)\s*[(<]\s*(?P<email>[^()<>\s]+@[^()<>\s]+)\s*[)>]$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
NOT_RECOGNISED = _(
    "This file is neither a HubSpot deals export (with the columns Deal Name, Deal Stage, "
    "Close Date, Deal owner and Associated Contact) nor a Salesforce opportunities report with "
    "contact roles (Opportunity Name, Stage, Close Date, Opportunity Owner, Account Name, "
    "Email)."
)


def key(header: str) -> str:
    return re.sub(r"[\W_]+", "", header.casefold())


# Reading ------------------------------------------------------------------------------------


def decode(data: bytes) -> str:
    """CRM exports come in more than UTF-8: UTF-16 from Excel's "Unicode text", and
    Windows-1252 (Latin-1) from Salesforce reports and older Excel. The byte-order mark tells
    UTF-8 and UTF-16 apart; text that is not UTF-8 is read as Windows-1252."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            raise ActionRefused(str(imports.NOT_UTF8)) from None
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = data.decode("cp1252", errors="replace")
    if "\x00" in text or text.startswith("PK"):  # a binary file, or an Excel workbook (zip)
        raise ActionRefused(
            gettext(
                "This file is not a CSV file (it may be an Excel workbook). Export it from the "
                "CRM as CSV and upload that."
            )
        )
    return text.replace("\r\n", "\n")


@dataclass(frozen=True)
class Layout:
    """Which export a header is, and where each of our fields is."""

    source: str
    at: dict[str, int]
    width: int


def layout_of(header: list[str], uploader: Membership | None = None) -> Layout:
    keys = [key(cell) for cell in header]
    for source, fields in HEADERS.items():
        at: dict[str, int] = {}
        for field, names in fields.items():
            for name in names:
                if key(name) in keys:
                    at[field] = keys.index(key(name))
                    break
        if not all(field in at for field in SIGNATURE[source]):
            continue
        if source == HUBSPOT and "dealname" not in keys:
            continue
        if source == SALESFORCE and "opportunityname" not in keys:
            continue
        missing = [HEADERS[source][field][0] for field in REQUIRED[source] if field not in at]
        if source == SALESFORCE and "contact_name" not in at and "last_name" not in at:
            missing.append("Last Name")
        if missing:
            name = "HubSpot" if source == HUBSPOT else "Salesforce"
            raise ActionRefused(
                ngettext(
                    "This looks like a %(crm)s export, but a column is missing: %(names)s.",
                    "This looks like a %(crm)s export, but columns are missing: %(names)s.",
                    len(missing),
                )
                % {"crm": name, "names": ", ".join(missing)}
                + " "
                + gettext("Export it again with these columns (other columns are ignored).")
            )
        return Layout(source=source, at=at, width=max(at.values()) + 1)
    raise ActionRefused(str(NOT_RECOGNISED))


# Checking -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    name: str
    email: str


@dataclass(frozen=True)
class DealRow:
    """One good row: a won deal of a rep, and the contacts this row names on it."""

    owner_id: int
    deal: str
    account: str
    closed_on: dt.date
    amount: Decimal
    currency: str
    company: str
    contacts: tuple[Person, ...]

    @property
    def deal_key(self) -> tuple[int, str, dt.date]:
        return (self.owner_id, self.account.casefold(), self.closed_on)


class Checker:
    """Checks a CRM export's rows in file order (imports.RowChecker)."""

    def __init__(self, run: ImportRun) -> None:
        self.uploader = run.member
        self.layout = layout_of(next(reader_of(run.content)), self.uploader)
        self.day_first = day_first(run.content, self.layout)
        people = Membership.objects.filter(
            workspace=run.workspace, is_active=True, role=Role.REP
        ).select_related("user")
        self.by_email = {member.user.email.casefold(): member for member in people}
        self.by_name: dict[str, list[Membership]] = {}
        for member in people:
            self.by_name.setdefault(member.user.name.casefold().strip(), []).append(member)
        self.found_owners: dict[str, Found[Membership]] = {}
        self.seen: dict[tuple[str, ...], int] = {}
        self.today = timezone.localdate()

    def cell(self, cells: list[str], field: str) -> str:
        at = self.layout.at.get(field)
        return cells[at].strip() if at is not None and at < len(cells) else ""

    def check(self, cells: list[str], line: int) -> DealRow | str:
        problems: list[str] = []
        if not self.is_won(cells):
            stage = self.cell(cells, "stage") or "—"
            return gettext("Not a won deal (stage %(stage)s): left out.") % {"stage": quoted(stage)}
        deal = self.cell(cells, "deal")
        account = self.cell(cells, "account") or deal
        if not account:
            problems.append(gettext("No deal name."))
        owner, owner_problem = cached(self.found_owners, self.cell(cells, "owner"), self.owner)
        closed_on, day_problem = self.day(self.cell(cells, "closed_on"))
        amount, amount_problem = self.amount(self.cell(cells, "amount"))
        contacts, contact_problem = self.contacts(cells)
        problems += [p for p in (owner_problem, day_problem, amount_problem, contact_problem) if p]
        if problems or owner is None or closed_on is None or amount is None:
            return " ".join(problems)
        row = DealRow(
            owner_id=owner.pk,
            deal=deal[:200],
            account=account[:200],
            closed_on=closed_on,
            amount=amount,
            currency=(self.cell(cells, "currency") or "USD")[:3].upper(),
            company=self.cell(cells, "account")[:200],
            contacts=contacts,
        )
        for seen_key in self.keys_of(cells):
            if seen_key in self.seen:
                return gettext(
                    "The same contact on the same deal as line %(line)s: give each once."
                ) % {"line": self.seen[seen_key]}
        for seen_key in self.keys_of(cells):
            self.seen[seen_key] = line
        return row

    def keys_of(self, cells: list[str]) -> list[tuple[str, ...]]:
        """The (deal, contact) pairs a row names, from its cells as written: cheap enough to
        read again for every earlier row at each step of the check."""
        deal = (
            self.cell(cells, "owner").casefold(),
            (self.cell(cells, "account") or self.cell(cells, "deal")).casefold(),
            self.cell(cells, "closed_on"),
        )
        if self.layout.source == HUBSPOT:
            people = re.split(r"[;\n]", self.cell(cells, "contacts"))
        else:
            people = [self.cell(cells, "email") or self.cell(cells, "last_name")]
        return [(*deal, person.strip().casefold()) for person in people if person.strip()]

    def remember(self, cells: list[str], line: int) -> None:
        for seen_key in self.keys_of(cells):
            self.seen.setdefault(seen_key, line)

    def is_won(self, cells: list[str]) -> bool:
        if self.cell(cells, "won"):
            return self.cell(cells, "won").casefold() in TRUE
        return key(self.cell(cells, "stage")) in WON_STAGES

    def owner(self, raw: str) -> Found[Membership]:
        if not raw:
            return None, gettext("No owner: whose deal is this?")
        member = self.by_email.get(raw.casefold())
        if member is None:
            named = self.by_name.get(raw.casefold(), [])
            if len(named) > 1:
                return None, gettext(
                    "Two reps are named %(name)s: give the owner's email instead."
                ) % {"name": quoted(raw)}
            member = named[0] if named else None
        if member is None:
            if self.uploader.role == Role.REP:
                return None, gettext(
                    "%(owner)s is not you: you can import only your own deals."
                ) % {"owner": quoted(raw)}
            return None, gettext("No rep named %(owner)s in this workspace (by name or email).") % {
                "owner": quoted(raw)
            }
        if member.pk != self.uploader.pk and not permissions.can_edit_opportunity_of(
            self.uploader, member
        ):
            if self.uploader.role == Role.REP:
                return None, gettext(
                    "%(owner)s is not you: you can import only your own deals."
                ) % {"owner": quoted(raw)}
            return None, gettext("You do not coach %(owner)s: you cannot import their deals.") % {
                "owner": quoted(raw)
            }
        return member, ""

    def day(self, raw: str) -> Found[dt.date]:
        if not raw:
            return None, gettext("No close date.")
        day = parse_day(raw, self.day_first)
        if day is None:
            return None, gettext(
                "The close date %(date)s is not a date (write it as YYYY-MM-DD, 2026-11-05)."
            ) % {"date": quoted(raw)}
        if day > self.today:
            return None, gettext("The close date %(date)s has not happened yet.") % {
                "date": day.isoformat()
            }
        return day, ""

    def amount(self, raw: str) -> Found[Decimal]:
        # "USD 12,500.00", "$12,500", "12500": the currency and thousands marks go.
        text = re.sub(r"[^\d.,\-]", "", raw)
        if not text:
            return Decimal(0), ""
        if "," in text and "." in text:
            text = (
                text.replace(",", "")
                if text.rfind(".") > text.rfind(",")
                else text.replace(".", "").replace(",", ".")
            )
        elif "," in text:
            head, _sep, tail = text.rpartition(",")
            text = head.replace(",", "") + ("." if len(tail) != 3 else "") + tail
        try:
            value = Decimal(text).quantize(Decimal("0.01"))
        except InvalidOperation:
            return None, gettext("The amount %(amount)s is not a number.") % {"amount": quoted(raw)}
        if value < 0 or value >= Decimal("1e12"):
            return None, gettext("The amount %(amount)s is out of range.") % {"amount": quoted(raw)}
        return value, ""

    def contacts(self, cells: list[str]) -> tuple[tuple[Person, ...], str]:
        if self.layout.source == HUBSPOT:
            raw = self.cell(cells, "contacts")
            pieces = [piece.strip() for piece in re.split(r"[;\n]", raw) if piece.strip()]
        else:
            name = self.cell(cells, "contact_name") or " ".join(
                part
                for part in (self.cell(cells, "first_name"), self.cell(cells, "last_name"))
                if part
            )
            email = self.cell(cells, "email")
            pieces = [f"{name} ({email})" if email else name] if (name or email) else []
        if not pieces:
            return (), gettext("No client contact on this deal.")
        people: list[Person] = []
        for piece in pieces:
            person, problem = person_of(piece)
            if person is None:
                return (), problem
            people.append(person)
        return tuple(people), ""


def person_of(text: str) -> Found[Person]:
    """ "Jane Doe (jane@acme.com)", "jane@acme.com" or "Jane Doe" (no email: no check-in)."""
    match = NAMED_ADDRESS.match(text)
    if match:
        name, email = match["name"].strip(), match["email"]
    elif "@" in text:
        name, email = "", text.strip()
    else:
        name, email = text.strip(), ""
    if email and not EMAIL.match(email):
        return None, gettext("The email %(email)s is not an address.") % {"email": quoted(email)}
    email = normalize_email(email) if email else ""
    name = name or email.split("@")[0]
    return Person(name=name[:200], email=email), ""


def parse_day(raw: str, day_first: bool) -> dt.date | None:
    text = raw.strip()
    try:
        if match := ISO.match(text):
            return dt.date(int(match[1]), int(match[2]), int(match[3]))
        if match := SLASHED.match(text):
            first, second, year = int(match[1]), int(match[2]), int(match[3])
            year += 2000 if year < 100 else 0
            day, month = (first, second) if day_first else (second, first)
            return dt.date(year, month, day)
    except ValueError:  # 2026-02-30
        return None
    return None


def day_first(content: str, layout: Layout) -> bool:
    """Whether the file writes 15/03/2026 (day first) or 3/15/2026: its first date that only
    reads one way decides for every row (a US export is month first, the default)."""
    at = layout.at["closed_on"]
    rows = reader_of(content)
    next(rows, None)
    for cells in rows:
        if at < len(cells) and (match := SLASHED.match(cells[at].strip())):
            if int(match[1]) > 12:
                return True
            if int(match[2]) > 12:
                return False
    return False


# Writing ------------------------------------------------------------------------------------


def write(run: ImportRun, rows: list[DealRow], by: User) -> None:
    """The good rows as won deals and their contacts, in confirm's transaction."""
    if not rows:
        return
    now = timezone.now()
    deals = deals_for(run, rows, by, now)
    contacts = contacts_for(run, rows, by, now)
    linked = set(
        DealContact.objects.filter(opportunity_id__in=[d.pk for d in deals.values()]).values_list(
            "opportunity_id", "contact_id"
        )
    )
    links: list[DealContact] = []
    for row in rows:
        deal = deals[row.deal_key]
        for person in row.contacts:
            contact = contacts[contact_key(person, row.company)]
            if (deal.pk, contact.pk) not in linked:
                linked.add((deal.pk, contact.pk))
                links.append(
                    DealContact(
                        opportunity_id=deal.pk,
                        contact_id=contact.pk,
                        added_by_id=by.pk,
                        added_at=now,
                    )
                )
    DealContact.objects.bulk_create(links, batch_size=BATCH_SIZE)


def deals_for(
    run: ImportRun, rows: list[DealRow], by: User, now: dt.datetime
) -> dict[tuple[int, str, dt.date], Opportunity]:
    """Each deal of the file: the one already there (same owner, account, close date, won),
    or a new one."""
    wanted = {row.deal_key: row for row in rows}
    found: dict[tuple[int, str, dt.date], Opportunity] = {}
    existing = Opportunity.objects.filter(
        workspace=run.workspace,
        stage=Stage.WON,
        owner_id__in={row.owner_id for row in rows},
        closed_on__gte=min(row.closed_on for row in rows),
        closed_on__lte=max(row.closed_on for row in rows),
    )
    for deal in existing.iterator():
        deal_key = (deal.owner_id, deal.account.casefold(), deal.closed_on)
        if deal_key in wanted:
            found.setdefault(deal_key, deal)
    new_rows = [row for deal_key, row in wanted.items() if deal_key not in found]
    new = [
        Opportunity(
            workspace=run.workspace,
            owner_id=row.owner_id,
            account=row.account,
            contact_name=row.contacts[0].name if row.contacts else "",
            contact_email=row.contacts[0].email if row.contacts else "",
            value=row.amount,
            currency=row.currency,
            stage=Stage.WON,
            closed_on=row.closed_on,
            next_step="",
            created_by=by,
            created_at=now,
            updated_at=now,
        )
        for row in new_rows
    ]
    created = Opportunity.objects.bulk_create(new, batch_size=BATCH_SIZE)
    StageChange.objects.bulk_create(
        (
            # The deal's history says when it was won: on its close date, not today.
            StageChange(
                opportunity_id=deal.pk,
                from_stage="",
                to_stage=Stage.WON,
                changed_at=dt.datetime.combine(row.closed_on, dt.time(12), dt.UTC),
                changed_by_id=by.pk,
            )
            for deal, row in zip(created, new_rows, strict=True)
        ),
        batch_size=BATCH_SIZE,
    )
    for deal, row in zip(created, new_rows, strict=True):
        found[row.deal_key] = deal
    return found


def contact_key(person: Person, company: str) -> str:
    return person.email or f"{person.name.casefold()}|{company.casefold()}"


def contacts_for(
    run: ImportRun, rows: list[DealRow], by: User, now: dt.datetime
) -> dict[str, Contact]:
    """One Contact per person of the file: the workspace's own by email, else a new one (a
    person without an email is told apart by name and company)."""
    people: dict[str, tuple[Person, str]] = {}
    for row in rows:
        for person in row.contacts:
            people.setdefault(contact_key(person, row.company), (person, row.company))
    found: dict[str, Contact] = {}
    emails = [k for k, (person, _company) in people.items() if person.email]
    for start in range(0, len(emails), BATCH_SIZE):
        for contact in Contact.objects.filter(
            workspace=run.workspace, email__in=emails[start : start + BATCH_SIZE]
        ):
            found[contact.email] = contact
    new = [
        Contact(
            workspace=run.workspace,
            name=person.name,
            email=person.email,
            company=company,
            created_by=by,
            created_at=now,
            updated_at=now,
        )
        for contact_id, (person, company) in people.items()
        if contact_id not in found
    ]
    for contact in Contact.objects.bulk_create(new, batch_size=BATCH_SIZE):
        found[contact_key(Person(contact.name, contact.email), contact.company)] = contact
    return found


IMPORTER = imports.Importer(decode=decode, check_header=layout_of, checker=Checker, write=write)
