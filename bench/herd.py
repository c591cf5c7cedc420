"""Benchmark: a herd of follow-ups all due at one moment ("9:00 Monday at a large company").

    .venv/bin/python bench/herd.py                       # 100,000 rows, PostgreSQL then SQLite
    .venv/bin/python bench/herd.py --n 2000              # a quick run
    .venv/bin/python bench/herd.py --db postgres --dispatchers 3 --batch 200
    .venv/bin/python bench/herd.py --db sqlite --profile /tmp/prof   # py-spy the dispatcher
    .venv/bin/python bench/herd.py --db sqlite --after-migrate "CREATE INDEX …"  # experiment

Per database: a fresh database (PostgreSQL `followthrough_bench`, dropped and created; or an
SQLite file in a temporary directory), migrated by `followthrough migrate`; one local aiosmtpd
sink per dispatcher (bench/sink.py); real `followthrough dispatch` processes started and idle;
then N notices inserted, all with the same send_at a few seconds ahead. It waits until every
row is sent and takes the drain time from send_at to the last arrival at a sink.

The baseline, in the same run: the same number of messages, built beforehand like the real
ones, sent by as many plain smtplib loops (one process and one connection each) to fresh
sinks of the same kind, all starting together. That is what this machine can do at best;
the ratio drain/baseline is what the dispatcher costs on top of SMTP itself.

Everything it starts is stopped and removed at the end, also on Ctrl-C or an error.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness import (
    BIN,
    Bench,
    CpuMeter,
    Delivery,
    Timer,
    as_dict,
    busy_cores,
    code_version,
    compare,
    main_guard,
    postgres_server_pids,
    run_each_database,
    sleep_until,
    verdict,
    without_db_arguments,
    write_result,
)

TARGET_RATIO = {"postgres": 1.25, "sqlite": 1.5}
DEFAULT_DISPATCHERS = {"postgres": 2, "sqlite": 1}
# Seconds per row to insert and analyse, with room to spare: send_at is set this far ahead
# so that no row is due before the last one is in (checked; the run stops if it was not).
INSERT_SECONDS_PER_ROW = {"postgres": 100e-6, "sqlite": 100e-6}


@dataclass
class Herd:
    """One herd drained by running dispatchers."""

    moment: float  # send_at of every row, as a Unix time
    drain: float  # seconds from `moment` to the last arrival
    delivery: Delivery


def schedule_herd(bench: Bench, n: int, lead: float = 3.0) -> tuple[float, dict[str, float]]:
    """Inserts n rows all due at one moment a few seconds ahead; returns (moment, due)."""
    moment = time.time() + lead + n * INSERT_SECONDS_PER_ROW[bench.db]
    when = dt.datetime.fromtimestamp(moment, tz=dt.UTC)
    due = bench.insert_followups([when] * n)
    if time.time() >= moment - 0.2:
        raise RuntimeError(
            f"inserting {n} rows took until {time.time() - moment:+.1f}s after they were due; "
            "raise INSERT_SECONDS_PER_ROW"
        )
    return moment, due


def start_profilers(bench: Bench, pids: list[int], directory: Path) -> list[subprocess.Popen[str]]:
    """py-spy, sampling each dispatcher (idle frames included: waiting on the database or
    the SMTP server is part of the cost) into a collapsed-stack file per dispatcher."""
    directory.mkdir(parents=True, exist_ok=True)
    return [
        bench.start(
            [
                str(BIN / "py-spy"),
                "record",
                "--pid",
                str(pid),
                "--idle",
                "--nonblocking",
                "--rate",
                "200",
                "--format",
                "raw",
                "--output",
                str(directory / f"bench-{i}.collapsed"),
            ],
            f"py-spy-{i}.log",
        )
        for i, pid in enumerate(pids)
    ]


def stop_profilers(profilers: list[subprocess.Popen[str]]) -> None:
    for profiler in profilers:
        profiler.send_signal(signal.SIGINT)  # py-spy writes its file on SIGINT
    for profiler in profilers:
        profiler.wait(timeout=60)


def run(
    db: str,
    n: int,
    dispatchers: int,
    batch: int,
    profile: Path | None,
    pg_options: str,
    after_migrate: list[str],
) -> dict[str, Any]:
    timer = Timer()
    code = code_version()
    print(
        f"{db}: code {code}, {os.cpu_count()} cores, {busy_cores():.2f} busy before the run",
        flush=True,
    )
    with Bench(db, pg_options) as bench:
        with timer("create and migrate the database"):
            bench.create_database(after_migrate)
        sinks = bench.start_sinks(dispatchers, "dispatch")
        processes = bench.start_dispatchers(sinks, batch)
        with timer("insert the rows"):
            moment, due = schedule_herd(bench, n)
        profilers = []
        if profile:
            profilers = start_profilers(bench, [p.pid for p in processes], profile / db)
        meter = CpuMeter(
            {
                "dispatchers": [p.pid for p in processes],
                "sinks": [s.process.pid for s in sinks],
            }
            | ({"postgres": postgres_server_pids()} if db == "postgres" else {})
        )
        with timer("wait for send_at, then drain"):
            sleep_until(moment)
            meter.start()
            bench.wait_until_sent(n, processes)
            cpu = meter.stop()
        if profilers:
            stop_profilers(profilers)
        bench.stop_processes(processes)
        delivery = compare(due, bench.stop_sinks(sinks))
        drain = delivery.last_arrival - moment
        with timer("baseline (building the messages, then sending)"):
            baseline, baseline_delivery, baseline_cpu = bench.baseline(n, dispatchers)
    result = {
        "db": db,
        "code": code,
        "n": n,
        "dispatchers": dispatchers,
        "batch": batch,
        "pg_options": pg_options,
        "after_migrate": after_migrate,
        "drain": drain,
        "baseline": baseline,
        "delivery": as_dict(delivery),
        "baseline_delivery": as_dict(baseline_delivery),
        "stages": timer.stages,
        "cpu": cpu,
        "baseline_cpu": baseline_cpu,
    }
    print_result(result)
    return result


def print_result(result: dict[str, Any]) -> None:
    db, n = result["db"], result["n"]
    drain, baseline = result["drain"], result["baseline"]
    d, b = result["delivery"], result["baseline_delivery"]
    ratio = drain / baseline
    target = TARGET_RATIO[db]
    print(f"\n== herd on {db} (code {result['code']}): {n} follow-ups due at one moment ==")
    print(f"dispatchers          {result['dispatchers']} (--batch {result['batch']})")
    if result["pg_options"]:
        print(f"PostgreSQL options   {result['pg_options']}")
    for statement in result["after_migrate"]:
        print(f"after migrate        {statement}")
    print(f"drain                {drain:8.2f} s   {n / drain:8.0f} msg/s")
    print(f"baseline (smtplib)   {baseline:8.2f} s   {n / baseline:8.0f} msg/s")
    print(f"ratio drain/baseline {ratio:8.2f}     target <= {target}: {verdict(ratio <= target)}")
    print(
        f"lateness             p50 {d['lateness_p50']:.2f} s, p99 {d['lateness_p99']:.2f} s, "
        f"max {d['lateness_max']:.2f} s"
    )
    print(f"msg/s by tenth       {' '.join(f'{rate:.0f}' for rate in d['rate_by_tenth'])}")
    print(f"message size         {d['mean_size']:.0f} bytes (baseline {b['mean_size']:.0f})")
    lost, duplicates = d["lost"], d["duplicates"]
    print(f"lost                 {lost:8d}     target 0: {verdict(lost == 0)}")
    print(f"duplicates           {duplicates:8d}     target 0: {verdict(duplicates == 0)}")
    if d["foreign"] or b["lost"] or b["duplicates"]:
        print(
            f"(unexpected: {d['foreign']} foreign arrivals; baseline lost {b['lost']}, "
            f"duplicated {b['duplicates']})"
        )
    print_cpu("CPU ms/message", result["cpu"], n, drain)
    print_cpu("baseline CPU", result["baseline_cpu"], n, baseline)
    stages = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in result["stages"].items())
    print(f"wall time            {stages}")


def print_cpu(label: str, cpu: dict[str, float], n: int, seconds: float) -> None:
    """CPU milliseconds per message by group; the rest of the machine as average cores busy."""
    used = [f"{name} {cpu_s * 1000 / n:.2f}" for name, cpu_s in cpu.items() if name != "other"]
    used.append(f"(other processes: {cpu.get('other', 0.0) / seconds:.2f} cores busy)")
    print(f"{label:<20} {', '.join(used)}")


def print_summary(results: list[dict[str, Any]]) -> None:
    print(f"\n== summary (code {results[0]['code']}) ==")
    print(
        "db        n        disp batch drain_s  base_s  ratio  drain/s base/s"
        "  p50_s  p99_s  max_s  lost dup"
    )
    for r in results:
        d = r["delivery"]
        print(
            f"{r['db']:9} {r['n']:<8} {r['dispatchers']:<4} {r['batch']:<5} {r['drain']:7.2f} "
            f"{r['baseline']:7.2f} {r['drain'] / r['baseline']:6.2f} {r['n'] / r['drain']:7.0f} "
            f"{r['n'] / r['baseline']:6.0f} {d['lateness_p50']:6.2f} {d['lateness_p99']:6.2f} "
            f"{d['lateness_max']:6.2f} {d['lost']:5} {d['duplicates']:3}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000, help="follow-ups in the herd")
    parser.add_argument("--db", choices=["postgres", "sqlite", "both"], default="both")
    parser.add_argument(
        "--dispatchers", type=int, default=0, help="default: 2 on PostgreSQL, 1 on SQLite"
    )
    parser.add_argument(
        "--batch",
        type=int,
        default=500,
        help="dispatch --batch (default 500: the fastest of 20, 100 and 500, see README)",
    )
    parser.add_argument("--profile", type=Path, help="py-spy the dispatchers into this folder")
    parser.add_argument(
        "--pg-options",
        default="",
        help='PostgreSQL connection settings, e.g. "-c synchronous_commit=off"',
    )
    parser.add_argument(
        "--after-migrate",
        action="append",
        default=[],
        metavar="SQL",
        help="an SQL statement to run once migrated (an experiment, e.g. an extra index)",
    )
    parser.add_argument("--result-file", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.db == "both":
        argv = without_db_arguments(sys.argv[1:])
        print_summary(run_each_database(__file__, argv, ["postgres", "sqlite"]))
        return
    dispatchers = args.dispatchers or DEFAULT_DISPATCHERS[args.db]
    result = run(
        args.db,
        args.n,
        dispatchers,
        args.batch,
        args.profile,
        args.pg_options,
        args.after_migrate,
    )
    write_result(args.result_file, result)


if __name__ == "__main__":
    main_guard(main)
