"""The praise binder at 200 quotes: the PDF's render time and peak memory, the binder page p95.

    .venv/bin/python bench/binder.py                  # both databases, 200 quotes
    .venv/bin/python bench/binder.py --db sqlite --quotes 50

What tests/test_clients_binder.py checks (the PDF holds the approved quotes and nothing else,
read back with pdftotext) without timing it. Here, on a fresh database (harness.Bench): one
workspace, a coach and a rep, --quotes approved client quotes (two to four sentences each, all
credit choices) plus as many answers that must stay out (candidates, complaints). Printed per
database:

- the PDF: seconds to render it (pdf.render, WeasyPrint, as the background task does), its
  pages and size, and the process's peak resident memory (ru_maxrss) before and after the
  render: the render's own growth, and the whole process's peak (Django, the rows, WeasyPrint
  and pango together), against the targets of issue 13 (under 5 s and under 300 MB);
- the page: p50 and p95 of the rep's binder page (Django's test Client, logged in as the
  coach, in this process: no HTTP server), and of the shared link's page.
"""

from __future__ import annotations

import argparse
import logging
import resource
import sys
import time
from pathlib import Path
from typing import Any

from harness import Bench, code_version, main_guard, run_each_database, verdict, write_result

sys.path.insert(0, str(Path(__file__).resolve().parent))
from dashboard import measure

TARGET_SECONDS = 5.0
TARGET_MB = 300.0
SENTENCES = [
    "Derek called back the same afternoon and sorted out the renewal before our deadline.",
    "He checked on us a month after the sale without being asked, which no vendor does.",
    "Our team was trained in two days; the rollout went better than any we have had.",
    "When the invoice was wrong he fixed it himself and explained what had happened.",
    "We felt looked after, not sold to.",
    "He knows our business as well as we do and it shows in every call.",
]


def peak_mb() -> float:
    """This process's peak resident memory so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def build(quotes: int) -> dict[str, Any]:
    from django.utils import timezone

    from followthrough.accounts import actions as accounts
    from followthrough.accounts.models import Membership, Role, User, Workspace
    from followthrough.clients.models import (
        CheckInState,
        ClientCheckIn,
        Contact,
        Credit,
        QuoteState,
    )
    from followthrough.pipeline.models import Opportunity, Stage

    workspace = Workspace.objects.create(slug="bench", name="Bench Insurance")
    coach_user = User.objects.create_user(email="linda@bench.example", name="Linda Sorensen")
    rep_user = User.objects.create_user(email="derek@bench.example", name="Derek Vance")
    coach = Membership.objects.create(workspace=workspace, user=coach_user, role=Role.COACH)
    rep = Membership.objects.create(workspace=workspace, user=rep_user, role=Role.REP)
    accounts.set_relationships(rep, [coach], [])
    now = timezone.now()
    credits = list(Credit)
    rows = []
    for n in range(quotes * 2):
        deal = Opportunity.objects.create(
            workspace=workspace,
            owner=rep,
            account=f"Client Company {n}",
            stage=Stage.WON,
            closed_on=now.date(),
        )
        contact = Contact.objects.create(
            workspace=workspace,
            name=f"Client Person {n}",
            email=f"client{n}@bench.example",
            company=f"Client Company {n}",
        )
        good = n < quotes
        words = " ".join(SENTENCES[(n + k) % len(SENTENCES)] for k in range(2 + n % 3))
        rows.append(
            ClientCheckIn(
                workspace=workspace,
                contact=contact,
                opportunity=deal,
                rep=rep,
                state=CheckInState.ANSWERED,
                score=10 if good or n % 2 else 3,
                comment=words if good else f"Must stay out {n}. {words}",
                answered_at=now,
                credit=credits[n % len(credits)],
                consent_at=now,
                consent_wording=words,
                quote_state=QuoteState.APPROVED if good or not n % 2 else QuoteState.CANDIDATE,
                approved_at=now if good else None,
            )
        )
    ClientCheckIn.objects.bulk_create(rows)
    return {"coach": coach, "rep": rep, "slug": workspace.slug}


def run(db: str, quotes: int, warmup: int, requests: int) -> dict[str, Any]:
    with Bench(db) as bench:
        bench.env["ALLOWED_HOSTS"] = "testserver"
        bench.create_database()
        world = build(quotes)
        from django.test import Client
        from django.urls import reverse
        from django.utils import translation

        from followthrough.clients import binder as binders
        from followthrough.clients import pdf

        rep = world["rep"]
        with translation.override("en"):
            book = binders.binder_of("rep", rep)
            assert len(book.quotes) == quotes, len(book.quotes)
            before = peak_mb()
            started = time.perf_counter()
            data, pages = pdf.render(book, "Bench Insurance")
            seconds = time.perf_counter() - started
            after = peak_mb()

        logging.getLogger("django.request").setLevel(logging.CRITICAL)
        client = Client(raise_request_exception=False)
        client.force_login(world["coach"].user)
        link = binders.share("rep", rep, by=world["coach"], days=30)
        page_figures = {
            "binder page": measure(
                client,
                reverse("binder_page", args=[world["slug"], "rep", rep.pk]),
                warmup,
                requests,
            ),
            "shared link page": measure(
                Client(), reverse("binder_shared", args=[link.token()]), warmup, requests
            ),
        }
    return {
        "db": db,
        "quotes": quotes,
        "pdf_seconds": seconds,
        "pdf_pages": pages,
        "pdf_bytes": len(data),
        "peak_before_mb": before,
        "peak_after_mb": after,
        "pages": page_figures,
    }


def print_table(results: list[dict[str, Any]]) -> None:
    print(f"\nPraise binder · {code_version()}")
    for r in results:
        growth = r["peak_after_mb"] - r["peak_before_mb"]
        print(
            f"{r['db']:>8}: PDF of {r['quotes']} quotes, {r['pdf_pages']} pages, "
            f"{r['pdf_bytes'] / 1024:.0f} KiB in {r['pdf_seconds']:.2f} s "
            f"(target < {TARGET_SECONDS:.0f} s {verdict(r['pdf_seconds'] < TARGET_SECONDS)}); "
            f"peak memory {r['peak_after_mb']:.0f} MB for the process, +{growth:.0f} MB during "
            f"the render (target < {TARGET_MB:.0f} MB "
            f"{verdict(r['peak_after_mb'] < TARGET_MB)})"
        )
        for name, page in r["pages"].items():
            print(
                f"{'':>10}{name}: HTTP {page['status']}, {page['queries']} queries, "
                f"p50 {page['p50']:.1f} ms, p95 {page['p95']:.1f} ms, "
                f"{page['bytes'] / 1024:.0f} KiB"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["postgres", "sqlite", "both"], default="both")
    parser.add_argument("--quotes", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--result-file", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    argv = ["--quotes", str(args.quotes), "--warmup", str(args.warmup)]
    argv += ["--requests", str(args.requests)]
    if args.db == "both":
        print_table(run_each_database(__file__, argv, ["postgres", "sqlite"]))
        return
    result = run(args.db, args.quotes, args.warmup, args.requests)
    write_result(args.result_file, result)
    if args.result_file is None:
        print_table([result])


if __name__ == "__main__":
    main_guard(main)
