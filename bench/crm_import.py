"""A CRM export of won deals, timed: HubSpot's deals export of --rows rows, read, checked in
steps and imported as deals, contacts and their links.

    .venv/bin/python bench/crm_import.py                  # both databases, 50,000 rows
    .venv/bin/python bench/crm_import.py --db sqlite --rows 10000

tests/test_clients_crm_import.py checks what is imported from 12,000 rows without timing it.
Here, on a fresh database (harness.Bench): one workspace, an admin and 20 reps; one deal a row,
each with a client among 5,000 (a client on ten deals is one contact); two bad rows. Printed
per database: the seconds of each stage and rows per second.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import Any

from harness import Bench, code_version, main_guard, run_each_database, write_result

REPS = 20
HEADER = (
    "Record ID,Deal Name,Deal Stage,Close Date,Deal owner,Amount,Pipeline,Associated Company,"
    "Associated Contact"
)


def build_file(rows: int) -> bytes:
    lines = [HEADER]
    for n in range(rows):
        owner = f"rep{n % REPS:02}@bench.example"
        client = n % 5000
        lines.append(
            f"{n},Deal {n},Closed Won,2025-{1 + n % 12:02d}-{1 + n % 28:02d},{owner},{n % 9000},"
            f"Sales,Company {n},Client {client} (client{client}@bench.example)"
        )
    lines[len(lines) // 3] = lines[len(lines) // 3].replace("Closed Won", "Closed Lost")
    lines[len(lines) // 2] = lines[len(lines) // 2].replace(",rep", ",nobody")
    return ("\n".join(lines) + "\n").encode()


def run(db: str, rows: int) -> dict[str, Any]:
    stages: dict[str, float] = {}
    with Bench(db) as bench:
        bench.create_database()
        from followthrough.accounts.models import Membership, Role, User, Workspace
        from followthrough.clients import crm
        from followthrough.clients.models import Contact
        from followthrough.metrics import imports
        from followthrough.pipeline.models import Opportunity

        workspace = Workspace.objects.create(slug="bench", name="Bench")
        admin_user = User.objects.create_user(email="admin@bench.example", name="Admin")
        admin = Membership.objects.create(workspace=workspace, user=admin_user, role=Role.ADMIN)
        for n in range(REPS):
            user = User.objects.create_user(email=f"rep{n:02}@bench.example", name=f"Rep {n}")
            Membership.objects.create(workspace=workspace, user=user, role=Role.REP)
        data = build_file(rows)

        started = time.perf_counter()
        run = imports.start(admin, "deals.csv", imports.read(data, admin, kind=crm.KIND))
        stages["read and store"] = time.perf_counter() - started
        mark = time.perf_counter()
        steps = 0
        while run.state == "checking":
            run = imports.check_next(run)
            steps += 1
        stages[f"check ({steps} steps)"] = time.perf_counter() - mark
        mark = time.perf_counter()
        imported = imports.confirm(run, by=admin_user)
        stages["confirm"] = time.perf_counter() - mark
        total = time.perf_counter() - started
        deals, contacts = Opportunity.objects.count(), Contact.objects.count()
    return {
        "db": db,
        "rows": rows,
        "imported": imported,
        "problems": len(run.problems),
        "deals": deals,
        "contacts": contacts,
        "stages": stages,
        "total": total,
    }


def print_table(results: list[dict[str, Any]]) -> None:
    print(f"\nCRM import of won deals · {code_version()}")
    for r in results:
        stages = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in r["stages"].items())
        rate = r["rows"] / r["total"] if r["total"] else 0.0
        print(
            f"{r['db']:>8}: {r['rows']:,} rows ({r['imported']:,} imported as {r['deals']:,} "
            f"deals and {r['contacts']:,} contacts, {r['problems']} refused) in "
            f"{r['total']:.1f} s, {rate:,.0f} rows/s [{stages}]"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["postgres", "sqlite", "both"], default="both")
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--result-file", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.db == "both":
        print_table(run_each_database(__file__, ["--rows", str(args.rows)], ["postgres", "sqlite"]))
        return
    result = run(args.db, args.rows)
    write_result(args.result_file, result)
    if args.result_file is None:
        print_table([result])


if __name__ == "__main__":
    main_guard(main)
