#!/usr/bin/python3
"""The ordering lesson's comparison (docs/ordering.md): runs scenarios/enrollment.yaml under each
sync kind, prints the table (servers' skew, messages, fraction of requests ordered wrongly by the
servers' clocks and by Lamport clocks) and draws OUT/ordering.png with analysis/plot_ordering.py.

    scripts/ordering_table.py build/ci/sim/clocksim out/ordering

A kind the binary does not know (NTP until it exists) is reported as not available and skipped:
add it to KINDS and it is compared like the others.
"""
import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCENARIO = os.path.join(ROOT, "scenarios", "enrollment.yaml")
KINDS = [  # (label, algorithm.sync)
    ("free-running", "none"),
    ("Berkeley", "{kind: berkeley, period: 10s, master: 0, step_threshold: 0s}"),
    ("Cristian", "{kind: cristian, period: 10s, server: 0, step_threshold: 0s, min_delay: 1ms}"),
    ("Welch-Lynch", "{kind: welch_lynch, period: 10s, faults: 1, read_window: 500ms, step_threshold: 0s}"),
    ("NTP", "{kind: ntp}"),  # the hook: compared as soon as `sync: ntp` exists
]


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    clocksim, out = argv
    os.makedirs(out, exist_ok=True)
    dirs = []
    print("| sync | servers' max skew (ms) | mean skew (ms) | messages | wrongly ordered by clocks | by Lamport clocks |")
    print("|---|---|---|---|---|---|")
    for label, sync in KINDS:
        run_dir = os.path.join(out, label.lower())
        cmd = [clocksim, "run", SCENARIO, "--quiet", "--out", run_dir, "--set", f"algorithm.sync={sync}"]
        if label == "free-running":
            cmd = cmd[:-2]
        r = subprocess.run(cmd, capture_output=True, text=True)
        if r.returncode == 2:
            print(f"| {label} | not available: {r.stderr.strip().splitlines()[-1] if r.stderr.strip() else 'rejected'} |||||")
            continue
        with open(os.path.join(run_dir, "summary.json")) as f:
            res = json.load(f)["results"]
        o = res["ordering"]
        print(f"| {label} | {o['servers_max_skew_ns'] / 1e6:.3f} | {o['servers_mean_skew_ns'] / 1e6:.3f} | "
              f"{res['messages_sent']} | {o['wrongly_ordered_by_clock']:.4f} | {o['wrongly_ordered_by_lamport']:.4f} |")
        dirs.append(f"{label}={run_dir}")
    # Run by its own #! line: the Debian python3 that has matplotlib.
    subprocess.run([os.path.join(ROOT, "analysis", "plot_ordering.py"), "--out",
                    os.path.join(out, "ordering.png"), *dirs], check=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
