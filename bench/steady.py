"""Benchmark: follow-ups coming due continuously at half the dispatchers' capacity.

    .venv/bin/python bench/steady.py                      # 60 s, PostgreSQL then SQLite
    .venv/bin/python bench/steady.py --db sqlite --seconds 20
    .venv/bin/python bench/steady.py --db postgres --rate 100   # skip measuring capacity

Per database: a fresh database, one aiosmtpd sink per dispatcher, real `followthrough
dispatch` processes (as in herd.py). Unless --rate is given, capacity is measured first with a
short herd (--capacity-n rows due at one moment: rows / seconds from their send_at to the last
arrival), and the rate is half of it. Then rate x seconds rows are inserted up front with
send_at spread evenly, start + i / rate, so that they come due one after another for
--seconds. Lateness is each message's arrival at the sink minus its send_at; the target is a
p99 of at most one second, nothing lost and nothing sent twice.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
from pathlib import Path
from typing import Any

from harness import (
    Bench,
    CpuMeter,
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
from herd import DEFAULT_DISPATCHERS, INSERT_SECONDS_PER_ROW, print_cpu, schedule_herd

TARGET_P99 = 1.0


def measure_capacity(bench: Bench, n: int, dispatchers: list[Any], sinks: list[Any]) -> float:
    """Messages per second while draining a herd of n rows, from their send_at to the last
    arrival (the sinks write what they have so far on SIGUSR1)."""
    moment, due = schedule_herd(bench, n)
    sleep_until(moment)
    bench.wait_until_sent(n, dispatchers)
    arrivals = [arrival for sink in sinks for arrival in sink.snapshot()]
    delivery = compare(due, arrivals)
    if delivery.lost:
        raise RuntimeError(f"{delivery.lost} messages of the capacity run did not arrive")
    return n / (delivery.last_arrival - moment)


def run(
    db: str, seconds: float, rate: float | None, dispatchers: int, batch: int, capacity_n: int
) -> dict[str, Any]:
    timer = Timer()
    code = code_version()
    print(
        f"{db}: code {code}, {os.cpu_count()} cores, {busy_cores():.2f} busy before the run",
        flush=True,
    )
    capacity = None
    with Bench(db) as bench:
        with timer("create and migrate the database"):
            bench.create_database()
        sinks = bench.start_sinks(dispatchers, "dispatch")
        processes = bench.start_dispatchers(sinks, batch)
        if rate is None:
            with timer(f"measure capacity ({capacity_n} rows)"):
                capacity = measure_capacity(bench, capacity_n, processes, sinks)
            rate = capacity / 2
        total = round(rate * seconds)
        already_sent = bench.count_sent()[0]
        with timer("insert the rows"):
            start = time.time() + 3.0 + total * INSERT_SECONDS_PER_ROW[db]
            send_at = [dt.datetime.fromtimestamp(start + i / rate, tz=dt.UTC) for i in range(total)]
            due = bench.insert_followups(send_at)
            if time.time() >= start - 0.2:
                raise RuntimeError("inserting took longer than planned; rows came due early")
        meter = CpuMeter(
            {
                "dispatchers": [p.pid for p in processes],
                "sinks": [s.process.pid for s in sinks],
            }
            | ({"postgres": postgres_server_pids()} if db == "postgres" else {})
        )
        with timer("the steady stream"):
            sleep_until(start)
            meter.start()
            bench.wait_until_sent(already_sent + total, processes)
            cpu = meter.stop()
        bench.stop_processes(processes)
        arrivals = bench.stop_sinks(sinks)
    delivery = compare(due, arrivals)  # the capacity run's messages are not in `due`
    result = {
        "db": db,
        "code": code,
        "dispatchers": dispatchers,
        "batch": batch,
        "capacity": capacity,
        "rate": rate,
        "seconds": seconds,
        "n": total,
        "delivery": as_dict(delivery),
        "cpu": cpu,
        "elapsed": delivery.last_arrival - start,
        "stages": timer.stages,
    }
    print_result(result)
    return result


def print_result(result: dict[str, Any]) -> None:
    d = result["delivery"]
    p99, lost, duplicates = d["lateness_p99"], d["lost"], d["duplicates"]
    capacity = result["capacity"]
    print(
        f"\n== steady on {result['db']} (code {result['code']}): {result['n']} follow-ups "
        f"over {result['seconds']} s =="
    )
    print(f"dispatchers          {result['dispatchers']} (--batch {result['batch']})")
    if capacity:
        print(f"capacity (herd)      {capacity:8.0f} msg/s")
    print(f"rate                 {result['rate']:8.0f} msg/s" + (" (half)" if capacity else ""))
    print(
        f"lateness             p50 {d['lateness_p50']:.3f} s, p99 {p99:.3f} s, "
        f"max {d['lateness_max']:.3f} s     target p99 <= {TARGET_P99} s: "
        f"{verdict(p99 <= TARGET_P99)}"
    )
    print(f"lost                 {lost:8d}     target 0: {verdict(lost == 0)}")
    print(f"duplicates           {duplicates:8d}     target 0: {verdict(duplicates == 0)}")
    print_cpu("CPU ms/message", result["cpu"], result["n"], result["elapsed"])
    stages = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in result["stages"].items())
    print(f"wall time            {stages}")


def print_summary(results: list[dict[str, Any]]) -> None:
    print(f"\n== summary (code {results[0]['code']}) ==")
    print("db        disp batch capacity rate  n       p50_s  p99_s  max_s  lost dup")
    for r in results:
        d = r["delivery"]
        capacity = f"{r['capacity']:8.0f}" if r["capacity"] else "       -"
        print(
            f"{r['db']:9} {r['dispatchers']:<4} {r['batch']:<5} {capacity} {r['rate']:5.0f} "
            f"{r['n']:<7} {d['lateness_p50']:6.3f} {d['lateness_p99']:6.3f} "
            f"{d['lateness_max']:6.3f} {d['lost']:5} {d['duplicates']:3}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0, help="how long rows come due")
    parser.add_argument("--rate", type=float, help="rows per second (default: half capacity)")
    parser.add_argument("--db", choices=["postgres", "sqlite", "both"], default="both")
    parser.add_argument(
        "--dispatchers", type=int, default=0, help="default: 2 on PostgreSQL, 1 on SQLite"
    )
    parser.add_argument("--batch", type=int, default=100, help="dispatch --batch")
    parser.add_argument(
        "--capacity-n", type=int, default=5000, help="rows in the herd that measures capacity"
    )
    parser.add_argument("--result-file", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.db == "both":
        argv = without_db_arguments(sys.argv[1:])
        print_summary(run_each_database(__file__, argv, ["postgres", "sqlite"]))
        return
    dispatchers = args.dispatchers or DEFAULT_DISPATCHERS[args.db]
    result = run(args.db, args.seconds, args.rate, dispatchers, args.batch, args.capacity_n)
    write_result(args.result_file, result)


if __name__ == "__main__":
    main_guard(main)
