#!/usr/bin/python3
"""The ordering lesson's comparison (docs/ordering.md): runs scenarios/enrollment.yaml under each
sync kind and prints the table: for each way the central server can order the requests (by the
servers' clock stamps under each sync kind, by Lamport stamps, by arrival at the central), the
fraction of consecutive requests ordered wrongly against true time, the fraction of causally
related pairs ordered against causality, the servers' skew and the sync messages. Draws
OUT/ordering.png with analysis/plot_ordering.py.

    scripts/ordering_table.py build/ci/sim/clocksim out/ordering
"""
import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCENARIO = os.path.join(ROOT, "scenarios", "enrollment.yaml")
KINDS = [  # (label, algorithm.sync); every kind polls or is led by the central, n0 (the lowest id)
    ("free-running", "none"),
    ("Berkeley", "{kind: berkeley, period: 10s, step_threshold: 0s, quantum: 0s, resolution: 0s}"),
    # timed's own arithmetic: corrections in 5 ms quanta, readings at 1 ms resolution.
    ("Berkeley (timed 5 ms quantum)", "{kind: berkeley, period: 10s, step_threshold: 0s}"),
    ("Cristian", "{kind: cristian, period: 10s, step_threshold: 0s, min_delay: 1ms}"),
    ("Welch-Lynch", "{kind: welch_lynch, period: 10s, faults: 1, read_window: 500ms, step_threshold: 0s}"),
    # A two-minute lesson: NTP polls every 2-8 s and steps offsets above 1 ms after 4 s, where
    # ntpd's defaults (64-1024 s, 300 s stepout) would not finish its first step in the run.
    ("NTP", "{kind: ntp, minpoll: 1, maxpoll: 3, stepout: 4s, step_threshold: 1ms}"),
]


def pct(x: float) -> str:
    return f"{x * 100:.2f} %"


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    clocksim, out = argv
    os.makedirs(out, exist_ok=True)
    dirs = []
    print("| the central orders by | servers' max skew (ms) | mean skew (ms) | sync messages "
          "| wrongly ordered | causal pairs against causality |")
    print("|---|---|---|---|---|---|")
    free = None
    for label, sync in KINDS:
        run_dir = os.path.join(out, label.lower().replace(" ", "-").replace("(", "").replace(")", ""))
        cmd = [clocksim, "run", SCENARIO, "--quiet", "--out", run_dir, "--set", f"algorithm.sync={sync}"]
        r = subprocess.run(cmd, capture_output=True, text=True)
        if r.returncode == 2:
            sys.stderr.write(r.stderr)
            return 2
        with open(os.path.join(run_dir, "summary.json")) as f:
            res = json.load(f)["results"]
        o = res["ordering"]
        if free is None:
            free = o
        print(f"| clock stamps, {label} | {o['servers_max_skew_ns'] / 1e6:.3f} | {o['servers_mean_skew_ns'] / 1e6:.3f} | "
              f"{res['messages_sent']} | {pct(o['wrongly_ordered_by_clock'])} | {pct(o['causal_wrongly_ordered_by_clock'])} |")
        dirs.append(f"{label}={run_dir}")
    # Lamport stamps and the order of arrival do not depend on the physical clocks: one run shows them.
    print(f"| Lamport stamps | – | – | 0 | {pct(free['wrongly_ordered_by_lamport'])} "
          f"| {pct(free['causal_wrongly_ordered_by_lamport'])} |")
    print(f"| arrival at the central | – | – | 0 | {pct(free['wrongly_ordered_by_arrival'])} | – |")
    print(f"\n{free['requests']} requests, {free['consecutive_pairs']} consecutive pairs, "
          f"{free['causally_related_pairs']} of them causally related.")
    # Run by its own #! line: the Debian python3 that has matplotlib.
    subprocess.run([os.path.join(ROOT, "analysis", "plot_ordering.py"), "--out",
                    os.path.join(out, "ordering.png"), *dirs], check=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
