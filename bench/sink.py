"""A local SMTP "sink" for the benchmarks: accepts every message and notes when it arrived.

    .venv/bin/python bench/sink.py --out /tmp/arrivals.txt [--port 2525]

It prints "ready <port>" once it listens (on a free port unless --port is given). On SIGTERM
(or SIGINT) it writes one line per message received, "<time.time()> <size> <Message-ID>", to
--out and exits; SIGUSR1 writes the file without stopping.

The handler is kept cheap (a bytes search for the Message-ID header, no parsing) so that the
sink costs as little CPU as possible on a small machine: it is the same sink for the
dispatcher and for the plain smtplib baseline, so its cost is in both figures.

The aiosmtpd server runs on an event loop in the main thread (no Controller thread), which
saves a thread switch per command under the GIL.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import signal
import sys
import time
from pathlib import Path
from typing import Any

from aiosmtpd.smtp import SMTP, Envelope, Session

MESSAGE_ID = re.compile(rb"^message-id:[ \t]*(\S+)", re.IGNORECASE | re.MULTILINE)


def find_message_id(content: bytes) -> bytes:
    """The Message-ID header's value; a plain search first, a regex only if that fails."""
    start = content.find(b"\nMessage-ID: ")
    if start >= 0:
        start += len(b"\nMessage-ID: ")
        end = content.find(b"\r\n", start)
        return content[start:end].strip()
    match = MESSAGE_ID.search(content)
    return match.group(1) if match else b"-"


class Recorder:
    """The aiosmtpd handler: remembers (arrival time, size, Message-ID) for each message."""

    def __init__(self) -> None:
        self.arrivals: list[tuple[float, int, bytes]] = []

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        content = envelope.content
        assert isinstance(content, bytes)
        self.arrivals.append((time.time(), len(content), find_message_id(content)))
        return "250 OK"

    def write(self, path: Path) -> None:
        lines = [
            f"{arrived:.6f} {size} {mid.decode(errors='replace')}\n"
            for arrived, size, mid in self.arrivals
        ]
        tmp = path.with_suffix(".part")
        tmp.write_text("".join(lines))
        tmp.replace(path)


def read_arrivals(path: Path) -> list[tuple[float, int, str]]:
    """The lines a sink wrote: (arrival time, size in bytes, Message-ID)."""
    arrivals: list[tuple[float, int, str]] = []
    for line in path.read_text().splitlines():
        arrived, size, mid = line.split(" ", 2)
        arrivals.append((float(arrived), int(size), mid))
    return arrivals


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0, help="0: any free port")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()

    recorder = Recorder()
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)

    def factory() -> SMTP:
        return SMTP(recorder, hostname="sink.localdomain", ident="bench-sink")

    server = loop.run_until_complete(loop.create_server(factory, host="127.0.0.1", port=args.port))
    stopped = asyncio.Event()

    def stop(*_: Any) -> None:
        stopped.set()

    loop.add_signal_handler(signal.SIGTERM, stop)
    loop.add_signal_handler(signal.SIGINT, stop)
    loop.add_signal_handler(signal.SIGUSR1, lambda: recorder.write(args.out))
    port = server.sockets[0].getsockname()[1]
    print(f"ready {port}", flush=True)
    try:
        loop.run_until_complete(stopped.wait())
    finally:
        recorder.write(args.out)
    # Exit at once: open client connections are simply dropped, no teardown noise.
    sys.stdout.flush()
    os._exit(0)


if __name__ == "__main__":
    main()
