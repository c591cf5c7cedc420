"""Where a dispatcher's time goes, from py-spy's collapsed stacks (herd.py --profile DIR).

    .venv/bin/python bench/profile_summary.py /tmp/prof/postgres/*.collapsed --messages 100000
    .venv/bin/python bench/profile_summary.py /tmp/prof/sqlite/*.collapsed --messages 100000 \
        --wall 493.6

Prints, per step of the dispatcher loop and per kind of work, the share of the samples and
the wall time per message (samples / rate / messages, summed over the files given; py-spy
may take fewer samples than asked for when busy, so trust the shares more than the ms). Samples
where the dispatcher sleeps on purpose (waiting for the next due row) are left out. py-spy ran
with --idle, so time blocked on the database or the SMTP server counts, under the step that
waited.
"""

from __future__ import annotations

import argparse
import re
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

# Steps: the first of these found in a stack, walking from the root, names the step.
STEPS = [
    ("Dispatcher.start_sending", "claimed→sending UPDATE (per row)"),
    ("FollowUp.build_message", "build the message (templates)"),
    ("Dispatcher.send", "SMTP send (serialise + network)"),
    ("EmailBackend.send_messages", "SMTP send (serialise + network)"),
    ("Dispatcher.mark_sent", "mark sent UPDATE (per row)"),
    ("Dispatcher.mark_failed", "mark failed"),
    ("Dispatcher.retry_later", "retry later"),
    ("Dispatcher.claim", "claim (per batch)"),
    ("Dispatcher.reap", "reap (per loop)"),
    ("Dispatcher.heartbeat", "heartbeat"),
    ("Dispatcher.seconds_until_next_due", "next-due query (per short batch)"),
    ("Dispatcher.close_mailer", "close the SMTP connection"),
    ("Dispatcher.mailer", "open the SMTP connection"),
    ("Dispatcher.run", "loop, other"),
]

# Kinds of work, by the innermost frame that matches (checked from the leaf up).
KINDS = [
    (r"SocketIO\.readinto|socket\.py|SMTP\.send \(|SMTP\.getreply", "SMTP: network and waiting"),
    (r"smtplib\.py", "SMTP: smtplib"),
    (r"django/core/mail/message\.py|email/", "email: building and serialising the MIME message"),
    (r"django/template/", "templates: rendering"),
    (r"psycopg|sqlite3/base\.py.*execute|CursorWrapper|backends/utils\.py", "database: execute"),
    (r"django/db/models/sql/", "ORM: compiling SQL"),
    (r"django/db/models/", "ORM: querysets, models"),
    (r"django/db/transaction\.py|django/db/backends/", "database: connection, transaction"),
    (r"django/core/mail/", "Django mail backend"),
    (r"followthrough/", "followthrough code"),
]

IDLE = re.compile(r"Dispatcher\.run .*Event\.wait|Condition\.wait \(threading")


def read_stacks(paths: Iterable[Path]) -> Counter[tuple[str, ...]]:
    stacks: Counter[tuple[str, ...]] = Counter()
    for path in paths:
        for line in path.read_text().splitlines():
            stack, _, count = line.rpartition(" ")
            if stack and count.isdigit():
                stacks[tuple(stack.split(";"))] += int(count)
    return stacks


def step_of(stack: tuple[str, ...]) -> str:
    for frame in stack:
        for name, label in STEPS:
            if frame.startswith(name + " "):
                if name == "Dispatcher.run":
                    continue  # the loop itself: look further in
                return label
    if any(f.startswith("Dispatcher.run ") for f in stack):
        return "loop, other"
    return "unattributed (stack cut short)"


def kind_of(stack: tuple[str, ...]) -> str:
    for frame in reversed(stack):
        for pattern, label in KINDS:
            if re.search(pattern, frame):
                return label
    return "other"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--messages", type=int, required=True, help="messages sent meanwhile")
    parser.add_argument("--rate", type=int, default=200, help="py-spy samples per second")
    parser.add_argument(
        "--wall", type=float, help="seconds each dispatcher worked (the drain): scales the ms"
    )
    args = parser.parse_args()

    stacks = read_stacks(args.files)
    busy = Counter({s: n for s, n in stacks.items() if not IDLE.search(";".join(s))})
    total = sum(busy.values())
    idle = sum(stacks.values()) - total
    per_message_ms = 1000 / args.rate / args.messages
    if args.wall:  # scale the shares to the measured time instead of the sample count
        per_message_ms = args.wall * len(args.files) * 1000 / args.messages / total
    print(f"{total} samples while working, {idle} sleeping on purpose (left out)")
    send = "SMTP send (serialise + network)"
    for title, classify, stacks_in in (
        ("by step", step_of, busy),
        ("by kind of work", kind_of, busy),
        (
            "the SMTP send step, by kind of work",
            kind_of,
            Counter({s: n for s, n in busy.items() if step_of(s) == send}),
        ),
    ):
        shares: Counter[str] = Counter()
        for stack, count in stacks_in.items():
            shares[classify(stack)] += count
        print(f"\n{title:<52} share   ms/message")
        for label, count in shares.most_common():
            print(f"  {label:<50} {count / total:5.1%}  {count * per_message_ms:8.3f}")
    print(f"\n  {'all':<50} {1:5.0%}  {total * per_message_ms:8.3f}")


if __name__ == "__main__":
    main()
