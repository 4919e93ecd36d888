#!/usr/bin/python3
"""Measures the Byzantine comparison table of docs/fault-tolerant-averaging.md: the honest skew of
free-running clocks, Berkeley, Cristian and welch_lynch facing one liar, over 20 seeds each.

    scripts/byzantine_table.py build/ci/sim/clocksim [two_faced|arbitrary] [--seeds 20]
"""
import argparse
import csv
import json
import os
import subprocess
import tempfile

CASES = [
    ("none (free-running)", 4, "none"),
    ("berkeley 4.3 window, liar = slave", 4, "{kind: berkeley, period: 10s, step_threshold: 0s, master: 0}"),
    ("berkeley 4.3 window, liar = master", 4, "{kind: berkeley, period: 10s, step_threshold: 0s, master: 3}"),
    ("cristian, liar = server", 4, "{kind: cristian, period: 10s, step_threshold: 0s, server: 3}"),
    ("welch_lynch f=1, n=4 (3f+1)", 4,
     "{kind: welch_lynch, period: 10s, faults: 1, read_window: 500ms, step_threshold: 0s}"),
    ("welch_lynch f=1, n=3 (3f)", 3,
     "{kind: welch_lynch, period: 10s, faults: 1, read_window: 500ms, step_threshold: 0s}"),
]


def scenario(n: int, sync: str, seed: int, mode: str) -> str:
    nodes = "\n".join(f"  - {{name: n{i}}}" for i in range(n))
    told = ", told_behind: [n0]" if n <= 3 else ", told_behind: [n0, n1]"
    return f"""name: byzantine-table
seed: {seed}
duration: 10m
tick: 100ms
nodes:
{nodes}
clocks:
  initial_offset: "uniform(-20ms, 20ms)"
  drift_ppm: "uniform(-50, 50)"
topology: full_mesh
links:
  latency: "uniform(1ms, 3ms)"
algorithm:
  sync: {sync}
faults:
  - {{at: 0s, byzantine: {{node: n{n - 1}, mode: {mode}, lie: 40ms{told if mode == 'two_faced' else ''}}}}}
"""


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("clocksim")
    p.add_argument("mode", nargs="?", default="two_faced", choices=["two_faced", "arbitrary"])
    p.add_argument("--seeds", type=int, default=20)
    args = p.parse_args()
    print("| sync | worst honest skew after 60 s (ms) | median (ms) | messages/s | bound at end (ms) |")
    print("|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        path, out = os.path.join(tmp, "s.yaml"), os.path.join(tmp, "out")
        for label, n, sync in CASES:
            worst, msgs, bound = [], [], ""
            for seed in range(1, args.seeds + 1):
                with open(path, "w") as f:
                    f.write(scenario(n, sync, seed, args.mode))
                subprocess.run([args.clocksim, "run", path, "--quiet", "--out", out], check=True)
                with open(os.path.join(out, "skew.csv")) as f:
                    rows = list(csv.DictReader(f))
                # An empty skew: no correct node up at that tick, nothing measured.
                worst.append(max(int(r["max_skew_ns"]) for r in rows
                                 if int(r["t_ns"]) >= 60_000_000_000 and r["max_skew_ns"] != ""))
                with open(os.path.join(out, "summary.json")) as f:
                    msgs.append(json.load(f)["results"]["messages_sent"])
                bound = rows[-1]["bound_ns"]
            median = sorted(worst)[len(worst) // 2]
            b = f"{int(bound) / 1e6:.2f}" if bound else "none"
            print(f"| {label} | {max(worst) / 1e6:.3f} | {median / 1e6:.3f} | {sum(msgs) / len(msgs) / 600:.1f} | {b} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
