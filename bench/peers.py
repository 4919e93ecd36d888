#!/usr/bin/python3
"""The peer comparison: clocksim against a bare std::priority_queue loop and ns-3 (Debian's
libns3-dev, each of its event schedulers) on the same workloads, measured in one run on this
machine, printed as one table with ratios. bench/peers.sh builds everything and calls this.

    bench/peers.py BUILD_DIR [--quick] [--full] [--hour-1e5] [--star-only] [--reps N] [--cpu N]

Workloads (docs/performance.md):
- PHOLD (bench/phold.hpp): N nodes, k pending events each, every event schedules one more at a
  random node after 1 ms + exponential(1 ms). The bare loop and ns-3 draw the same numbers in the
  same order, so their event sequences hash alike (column `check`); the engine runs PHOLD as
  algorithm objects over its network with per-link streams (other draws: its own checksum,
  shown in `check` as `own …`, pinned by CTest bench.engine_event_order, never compared).
- The clock-sync star (bench/peers/star.hpp, bench/peers/star.yaml): N clients ask a time
  server once per second of simulated time, one request and one reply each, for an hour.
  clocksim runs the real scenario (Cristian, probes 1, the exact skew checker, summary.json);
  the bare loop and ns-3 run the event skeleton of it (3 events per exchange). A second clocksim
  row runs the same scenario through the engine alone (clocksim_bench_engine --star-line: the
  World without the checker, the statistics and the outputs; the same events), so the table
  shows what the engine costs and what checking adds.
- The 10^5-client hour (--hour-1e5, and in --full): the same star with one request per client
  every 15 s instead of every second (4.8·10^7 messages, 7.2·10^7 events), the largest rate at
  which the whole run fits in a minute of one core on the host it was measured on
  (docs/performance.md).

Times are CPU seconds of the measured process (the machine may be shared; wall time is printed
too); the best of --reps runs, taken in turns (every variant of a workload once, then again), so
that a slow spell of a shared host falls on all of them alike. On a host whose cores differ in
speed (a virtual machine whose core shares its physical one with another guest), --cpu N runs
every variant on the same core. Ratios: events per CPU-second against the bare loop's, and for
the star the whole run's CPU time against the bare loop's.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
STAR_SCENARIO = os.path.join(ROOT, "bench", "peers", "star.yaml")
NS3_SCHEDULERS = ["map", "heap", "calendar", "priority_queue"]  # list is O(n) per insert


def parse_line(text: str) -> dict:
    for line in text.splitlines():
        if line.startswith("workload="):
            return dict(kv.split("=", 1) for kv in line.split(" ") if "=" in kv and not kv.startswith("variant="))\
                | {"variant": line.split("variant=", 1)[1].split(" events=")[0]}
    raise RuntimeError(f"no result line in: {text!r}")


def pinned(cpu: int | None):
    """What a child runs before exec: staying on one core, when asked to."""
    return None if cpu is None else (lambda: os.sched_setaffinity(0, {cpu}))


def run_measured(cmd: list[str], cpu: int | None = None) -> dict:
    r = subprocess.run(cmd, capture_output=True, text=True, preexec_fn=pinned(cpu))
    if r.returncode not in (0, 1):  # clocksim run exits 1 when an expectation fails; none here
        raise RuntimeError(f"{' '.join(cmd)} failed ({r.returncode}): {r.stderr.strip()}")
    return parse_line(r.stdout)


def run_clocksim_star(clocksim: str, clients: int, seconds: int, period_s: int, cpu: int | None = None) -> dict:
    with tempfile.TemporaryDirectory() as out:
        cmd = [clocksim, "run", STAR_SCENARIO, "--quiet", "--out", out,
               "--set", f"nodes={clients + 1}", "--set", f"duration={seconds}s",
               "--set", f"algorithm.sync.period={period_s}s"]
        wall0 = time.monotonic()
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                                preexec_fn=pinned(cpu))
        stderr = proc.stderr.read()
        _, status, usage = os.wait4(proc.pid, 0)  # this child's own CPU time and peak RSS
        wall = time.monotonic() - wall0
        code = os.waitstatus_to_exitcode(status)
        if code not in (0, 1):  # 1: an expectation failed; the bench scenario has none
            raise RuntimeError(f"{' '.join(cmd)} failed ({code}): {stderr.strip()}")
        with open(os.path.join(out, "summary.json")) as f:
            res = json.load(f)["results"]
    return {"variant": "clocksim (Cristian scenario)", "events": str(res["events_processed"]),
            "cpu_s": f"{usage.ru_utime + usage.ru_stime:.3f}", "wall_s": f"{wall:.3f}", "checksum": "-",
            "peak_rss_kib": str(usage.ru_maxrss)}


def best(runs: list[dict]) -> dict:
    return min(runs, key=lambda r: float(r["cpu_s"]))


def measure_in_turns(variants: list, reps: int) -> list[dict]:
    """The best run of each variant (a callable), running them in turns `reps` times."""
    runs: list[list[dict]] = [[] for _ in variants]
    for _ in range(reps):
        for i, run in enumerate(variants):
            runs[i].append(run())
    return [best(r) for r in runs]


def main(argv: list[str]) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("build", help="a build directory with sim/clocksim and bench/clocksim_bench_{bare,ns3,engine}")
    p.add_argument("--quick", action="store_true", help="small sizes (a minute)")
    p.add_argument("--full", action="store_true", help="add the 10^5-client star (tens of minutes)")
    p.add_argument("--hour-1e5", action="store_true",
                   help="only the 10^5-client hour at one request per client every 15 s (a few minutes)")
    p.add_argument("--reps", type=int, default=1)
    p.add_argument("--cpu", type=int, default=None, help="run every measured process on this core")
    p.add_argument("--smoke", action="store_true", help="tiny sizes: checks that every variant runs (CTest)")
    p.add_argument("--star-only", action="store_true", help="only the star rows (PHOLD's ns-3 calendar alone takes 13 minutes)")
    args = p.parse_args(argv)
    b = lambda name: os.path.join(args.build, "bench", name)  # noqa: E731
    clocksim = os.path.join(args.build, "sim", "clocksim")
    for exe in [clocksim, b("clocksim_bench_bare"), b("clocksim_bench_ns3"), b("clocksim_bench_engine")]:
        if not os.access(exe, os.X_OK):
            print(f"error: {exe} missing (bench/peers.sh builds it; ns-3 needs Debian's libns3-dev)", file=sys.stderr)
            return 2

    if args.cpu is not None and args.cpu not in os.sched_getaffinity(0):
        print(f"error: --cpu {args.cpu}: not a core this process may run on "
              f"({sorted(os.sched_getaffinity(0))})", file=sys.stderr)
        return 2

    # Star rows: (clients, seconds, period in seconds).
    hour_1e5 = (10, 60, 15) if args.smoke else (100_000, 3600, 15)  # --smoke: tiny sizes of whatever runs
    if args.smoke:
        phold = [(1_000, 1, 20_000)]
        star = [(10, 10, 1), (10, 30, 7)]
    elif args.quick:
        phold = [(10_000, 10, 1_000_000)]
        star = [(1_000, 600, 1)]
    else:
        phold = [(100_000, 10, 5_000_000), (1_000_000, 1, 5_000_000)]
        star = [(1_000, 3600, 1), (10_000, 3600, 1)] + ([(100_000, 3600, 1), hour_1e5] if args.full else [])
    if args.hour_1e5:
        phold, star = [], [hour_1e5]
    if args.star_only:
        phold = []

    rows = []
    cpu = args.cpu
    measured = lambda cmd: (lambda: run_measured(cmd, cpu))  # noqa: E731
    for nodes, k, events in phold:
        case = f"PHOLD {nodes:.0e} x {k}, {events:.0e} ev".replace("e+0", "e")
        size = [str(nodes), str(k), str(events)]
        variants = [measured([b("clocksim_bench_bare"), "phold", *size])]
        variants += [measured([b("clocksim_bench_ns3"), s, "phold", *size]) for s in NS3_SCHEDULERS]
        variants.append(measured([b("clocksim_bench_engine"), "--peer-line", *size]))
        rows.append((case, measure_in_turns(variants, args.reps), "rate"))
    for clients, seconds, period_s in star:
        case = f"star {clients:.0e} clients, {seconds // 60} min".replace("e+0", "e")
        if period_s != 1:
            case += f", a request every {period_s} s"
        size = [str(clients), str(seconds), str(period_s)]
        variants = [measured([b("clocksim_bench_bare"), "star", *size])]
        variants += [measured([b("clocksim_bench_ns3"), s, "star", *size]) for s in ["map", "priority_queue"]]
        variants.append(lambda c=clients, t=seconds, p=period_s: run_clocksim_star(clocksim, c, t, p, cpu))
        variants.append(measured([b("clocksim_bench_engine"), "--star-line", STAR_SCENARIO, *size]))
        group = measure_in_turns(variants, args.reps)
        run, engine_only = group[-2], group[-1]
        if run["events"] != engine_only["events"]:  # the same World: only the observers differ
            raise RuntimeError(f"{case}: the engine alone handled {engine_only['events']} events, "
                               f"the full run {run['events']}")
        rows.append((case, group, "time"))

    print(f"host: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}"
          + ("" if cpu is None else f", every run on core {cpu}"))
    print(f"| workload | variant | events | CPU s | wall s | M events/CPU-s | vs bare | peak RSS MiB | check |")
    print("|---|---|---|---|---|---|---|---|---|")
    for case, group, how in rows:
        bare = group[0]
        bare_rate = int(bare["events"]) / max(float(bare["cpu_s"]), 1e-9)
        for r in group:
            rate = int(r["events"]) / max(float(r["cpu_s"]), 1e-9)
            # PHOLD: events per CPU-second against the bare loop's; the star: the bare loop's CPU
            # time over this one's (the engine's event count includes ticks and timers).
            ratio = rate / bare_rate if how == "rate" else float(bare["cpu_s"]) / max(float(r["cpu_s"]), 1e-9)
            check = "-" if r["checksum"] in ("-", "0000000000000000") else ("same" if r["checksum"] == bare["checksum"] else "DIFFERS")
            if r["variant"].startswith("clocksim") and check != "-":
                check = f"own {r['checksum'][:8]}"  # other draws: not comparable with the bare loop
            if r is bare:
                check = "reference"
            print(f"| {case} | {r['variant']} | {int(r['events']):,} | {float(r['cpu_s']):.2f} | {float(r['wall_s']):.2f} "
                  f"| {rate / 1e6:.2f} | {ratio:.2f} | {int(r['peak_rss_kib']) / 1024:.0f} | {check} |")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
