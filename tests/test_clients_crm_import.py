"""Past won deals and their clients from CRM exports (HubSpot's deals export, Salesforce's
opportunities report), through the metrics import machinery: recognised by the header, checked
row by row with a report, imported only when confirmed."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import reverse

from followthrough.accounts.models import Membership
from followthrough.clients import crm
from followthrough.clients.models import Contact, DealContact
from followthrough.lib.errors import ActionRefused
from followthrough.metrics import imports
from followthrough.metrics.models import ImportRun, ImportState
from followthrough.pipeline.models import Opportunity, Stage
from tests.conftest import World, run_tasks

HUBSPOT = (
    "Record ID,Deal Name,Deal Stage,Close Date,Deal owner,Amount,Pipeline,Associated Company,"
    "Associated Contact\n"
    "101,Acme renewal,Closed Won,2026-03-15 10:00,Rep,12500,Sales Pipeline,Acme Corp,"
    '"Jane Doe (jane@acme.com);Bob Roe (BOB@acme.com)"\n'
    '102,Acme upsell,closedwon,2026-05-02,rep@example.org,"$3,000.50",Sales Pipeline,Acme Corp,'
    "Jane Doe (jane@acme.com)\n"
    "103,Lost one,Closed Lost,2026-04-01,Rep,900,Sales Pipeline,Initech,Ann (ann@initech.com)\n"
    "104,Nobody's,Closed Won,2026-04-01,Zed Unknown,900,Sales Pipeline,Initech,"
    "Ann (ann@initech.com)\n"
    "105,Other rep's,Closed Won,2026-04-01,other_rep@example.org,900,Sales Pipeline,Initech,"
    "Ann (ann@initech.com)\n"
    "106,No contact,Closed Won,2026-04-01,Rep,900,Sales Pipeline,Initech,\n"
    "107,Bad date,Closed Won,soon,Rep,900,Sales Pipeline,Initech,Ann (ann@initech.com)\n"
)

SALESFORCE = (
    "Opportunity Owner,Account Name,Opportunity Name,Stage,Amount,Close Date,First Name,"
    "Last Name,Title,Email\n"
    "Rep,Café Núñez,Café Núñez - new store,Closed Won,USD 4.200,00,15/03/2026,José,Núñez,CEO,"
    "jose@cafe.example\n"
    "Rep,Café Núñez,Café Núñez - new store,Closed Won,USD 4.200,00,15/03/2026,María,López,CFO,"
    "maria@cafe.example\n"
    "Rep,Café Núñez,Café Núñez - new store,Closed Won,USD 4.200,00,15/03/2026,José,Núñez,CEO,"
    "jose@cafe.example\n"
    "Rep,Globo,Globo pilot,Negotiation/Review,1000,01/04/2026,Ann,Lee,,ann@globo.example\n"
).replace("USD 4.200,00", '"USD 4.200,00"')


def checked(w: World, text: str | bytes, who: str = "coach") -> ImportRun:
    data = text.encode() if isinstance(text, str) else text
    member = w.members[who]
    run = imports.start(member, "export.csv", imports.read(data, member, kind=crm.KIND))
    return imports.check_all(run)


def problems(run: ImportRun) -> dict[int, str]:
    return {p["line"]: p["message"] for p in run.problems}


@pytest.fixture(autouse=True)
def _named_rep(world: World) -> None:
    # The reps' names as a CRM writes them ("Rep", "Other Rep").
    assert world.user("rep").name == "Rep"


def test_a_hubspot_export_is_recognised_checked_and_imported(world: World) -> None:
    run = checked(world, HUBSPOT)
    assert run.kind == crm.KIND and run.state == ImportState.CHECKED
    found = problems(run)
    assert run.good_rows == 2, found
    assert "Not a won deal" in found[4]
    assert "No rep named “Zed Unknown”" in found[5]
    assert "You do not coach" in found[6]
    assert "No client contact" in found[7]
    assert "not a date" in found[8]
    assert not Opportunity.objects.exists()  # nothing before the confirmation
    assert imports.confirm(run, by=world.user("coach")) == 2
    deals = {d.account: d for d in Opportunity.objects.all()}
    assert set(deals) == {"Acme Corp"} or len(Opportunity.objects.all()) == 2
    renewal = Opportunity.objects.get(closed_on=dt.date(2026, 3, 15))
    upsell = Opportunity.objects.get(closed_on=dt.date(2026, 5, 2))
    assert renewal.owner == world.members["rep"] and renewal.stage == Stage.WON
    assert renewal.value == Decimal("12500") and upsell.value == Decimal("3000.50")
    # Jane is on both deals: one contact, two links; Bob's address is stored in lower case.
    jane = Contact.objects.get(email="jane@acme.com")
    assert jane.name == "Jane Doe" and jane.company == "Acme Corp"
    assert set(jane.deals.all()) == {renewal, upsell}
    assert Contact.objects.get(email="bob@acme.com").deals.get() == renewal
    assert Contact.objects.count() == 2


def test_importing_the_same_file_again_adds_nothing(world: World) -> None:
    imports.confirm(checked(world, HUBSPOT), by=world.user("coach"))
    counts = (Opportunity.objects.count(), Contact.objects.count(), DealContact.objects.count())
    imports.confirm(checked(world, HUBSPOT), by=world.user("coach"))
    assert (
        Opportunity.objects.count(),
        Contact.objects.count(),
        DealContact.objects.count(),
    ) == counts


def test_an_existing_contact_is_reused(world: World) -> None:
    known = Contact.objects.create(workspace=world.workspace, name="J. Doe", email="jane@acme.com")
    imports.confirm(checked(world, HUBSPOT), by=world.user("coach"))
    assert Contact.objects.filter(email="jane@acme.com").get() == known
    assert known.deals.count() == 2


def test_a_salesforce_report_in_windows_1252_with_day_first_dates(world: World) -> None:
    run = checked(world, SALESFORCE.encode("cp1252"))
    found = problems(run)
    assert run.good_rows == 2, found
    assert "same contact on the same deal as line 2" in found[4]
    assert "Not a won deal" in found[5]
    imports.confirm(run, by=world.user("coach"))
    deal = Opportunity.objects.get()
    assert deal.account == "Café Núñez" and deal.closed_on == dt.date(2026, 3, 15)
    assert deal.value == Decimal("4200.00")
    names = sorted(deal.client_contacts.values_list("name", flat=True))
    assert names == ["José Núñez", "María López"]


def test_utf16_from_excel(world: World) -> None:
    run = checked(world, SALESFORCE.encode("utf-16"))
    assert run.good_rows == 2


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ("date,metric,value\n", "neither a HubSpot deals export"),
        ("Name,Email\n", "neither a HubSpot deals export"),
        ("Deal Name,Deal Stage,Close Date\n", "columns are missing: Deal owner, Associated"),
        (
            "Opportunity Name,Stage,Close Date,Opportunity Owner,Account Name\n",
            "columns are missing: Email, Last Name",
        ),
    ],
)
def test_unknown_or_missing_columns_are_refused_by_name(
    world: World, header: str, message: str
) -> None:
    with pytest.raises(ActionRefused, match=message):
        imports.read((header + "x,y,z,a,b\n").encode(), world.members["coach"], kind=crm.KIND)


def test_a_workbook_or_binary_file_is_refused(world: World) -> None:
    with pytest.raises(ActionRefused, match="not a CSV"):
        imports.read(b"PK\x03\x04 workbook", world.members["coach"], kind=crm.KIND)
    with pytest.raises(ActionRefused, match="not a CSV"):
        imports.read(b"Deal Name\x00\x01", world.members["coach"], kind=crm.KIND)


def test_a_rep_imports_only_their_own_deals(world: World) -> None:
    run = checked(world, HUBSPOT, who="rep")
    assert run.good_rows == 2
    assert "is not you" in problems(run)[6]


def test_many_rows_over_several_steps(world: World) -> None:
    """12,000 rows: three steps of the check (bench/crm_import.py times 50,000)."""
    size = 12_000
    rows = (
        "".join(
            f"{n},Deal {n},Closed Won,2026-01-{1 + n % 28:02d},Rep,{n},P,Company {n},"
            f"Client {n % 5000} (client{n % 5000}@example.com)\n"
            for n in range(size)
        )
        + "1,Deal 1,Closed Won,2026-01-02,Rep,1,P,Company 1,Client 1 (client1@example.com)\n"
    )
    header = HUBSPOT.split("\n", 1)[0] + "\n"
    run = checked(world, header + rows)
    assert run.total_rows == size + 1 and run.good_rows == size, run.problems[:3]
    # The last row repeats the second, checked two steps before.
    assert problems(run) == {size + 2: problems(run)[size + 2]}
    assert "as line 3" in problems(run)[size + 2]
    imports.confirm(run, by=world.user("coach"))
    # One deal a row; a client on ten deals is one contact with ten links.
    assert Opportunity.objects.count() == size
    assert Contact.objects.count() == 5000 and DealContact.objects.count() == size


def test_the_pages_upload_check_and_confirm(world: World) -> None:
    client = world.client("coach")
    url = reverse("crm_import", args=["acme"])
    assert "HubSpot" in client.get(url).content.decode()
    bad = client.post(url, {"file": SimpleUploadedFile("x.csv", b"Name,Email\na,b\n")})
    assert bad.status_code == 400 and "neither a HubSpot" in bad.content.decode()
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(url, {"file": SimpleUploadedFile("hs.csv", HUBSPOT.encode())})
    assert response.status_code == 302
    run = ImportRun.objects.get()
    run_tasks()
    page = client.get(response["Location"]).content.decode()
    assert "Not a won deal" in page
    client.post(reverse("import_confirm", args=["acme", run.pk]))
    assert Opportunity.objects.count() == 2
    assert Membership.objects.get(pk=world.members["rep"].pk).opportunities.count() == 2
