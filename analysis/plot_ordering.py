#!/usr/bin/python3
"""The ordering lesson in one picture: for each run of scenarios/enrollment.yaml, the fraction of
consecutive requests the central server ordered wrongly by the servers' clock stamps (bars), by
Lamport stamps (hatched) and by when the requests reached it (grey), with the mean skew between
the servers each run achieved written above.

    analysis/plot_ordering.py --out ordering.png LABEL=RUN_DIR [LABEL=RUN_DIR ...]

Reads only each run's summary.json (results.ordering; docs/output-formats.md). Exit code 2 on a
missing or malformed file.
"""
from __future__ import annotations

import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import clocksim_io as cio  # noqa: E402
import plot_common as pc  # noqa: E402

FIELDS = ("wrongly_ordered_by_clock", "wrongly_ordered_by_lamport", "wrongly_ordered_by_arrival", "servers_max_skew_ns",
          "servers_mean_skew_ns")


def read_ordering(run_dir: str) -> dict:
    summary = cio.read_summary(run_dir)
    path = os.path.join(run_dir, "summary.json")
    o = summary.get("results", {}).get("ordering")
    if not isinstance(o, dict):
        raise cio.FormatError(path, "no results.ordering (the scenario needs an 'ordering:' section)")
    for f in FIELDS:
        if not isinstance(o.get(f), (int, float)):
            raise cio.FormatError(path, f"results.ordering.{f} missing or not a number")
    return o


def make_ordering_figure(runs: list[tuple[str, dict]]):
    fig, axes = pc.new_figure()
    ax = axes[0][0]
    xs = list(range(len(runs)))
    w = 0.27
    clock = [o["wrongly_ordered_by_clock"] * 100 for _, o in runs]
    lamport = [o["wrongly_ordered_by_lamport"] * 100 for _, o in runs]
    arrival = [o["wrongly_ordered_by_arrival"] * 100 for _, o in runs]
    for i, (label, o) in enumerate(runs):
        ax.bar(i - w, clock[i], w, color="#1f77b4", gid=f"clock:{label}",
               label="by the servers' clocks" if i == 0 else None)
        ax.bar(i, lamport[i], w, color="#ffffff", edgecolor="#ff7f0e", hatch="//", gid=f"lamport:{label}",
               label="by Lamport clocks" if i == 0 else None)
        ax.bar(i + w, arrival[i], w, color="#bbbbbb", gid=f"arrival:{label}",
               label="by arrival at the central" if i == 0 else None)
        ax.text(i - w, clock[i], f"mean skew {pc.format_ns(o['servers_mean_skew_ns'])}", ha="center", va="bottom",
                fontsize=8, gid=f"skew:{label}")
    ax.set_xticks(xs, labels=[pc.plain(label) for label, _ in runs])
    ax.set_ylabel("consecutive requests ordered wrongly (%)")
    ax.set_ylim(0, max([1.0] + clock + lamport + arrival) * 1.15)
    ax.set_title("The ordering lesson: a central server orders requests by stamps or by arrival")
    ax.legend(loc="upper right")
    fig.tight_layout()
    return fig


def main(argv: list[str]) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--out", required=True, help="PNG to write")
    p.add_argument("runs", nargs="+", help="LABEL=RUN_DIR")
    args = p.parse_args(argv)
    runs = []
    for spec in args.runs:
        label, sep, run_dir = spec.partition("=")
        if not sep:
            print(f"error: expected LABEL=RUN_DIR, got '{spec}'", file=sys.stderr)
            return 2
        runs.append((label, read_ordering(run_dir)))
    pc.save_png(make_ordering_figure(runs), args.out)
    return 0


if __name__ == "__main__":
    sys.exit(cio.run_main(main))
