#!/usr/bin/python3
"""Worked example: sweep a parameter from Python, in-process, and plot the result.

    PYTHONPATH=build/release/python analysis/sweep_from_python.py [--out DIR] [--seeds N]

Runs scenarios/berkeley-basic.yaml for several sync periods and seeds with the clocksim module
(no files between runs), and plots the worst skew after the first minute against the period,
with the bound clocksim computed for each run (drawn only where the bound model applies; the
run's summary.json says why where it does not). Writes DIR/period_sweep.png and period_sweep.csv.
"""
import argparse
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))


def import_clocksim():
    """The clocksim module from PYTHONPATH, else from this tree's own builds (release first)."""
    try:
        import clocksim
        return clocksim
    except ImportError:
        pass
    build = os.path.join(HERE, "..", "build")
    for preset in ["release", "ci", "debug", "bench"]:
        folder = os.path.join(build, preset, "python")
        if os.path.isdir(os.path.join(folder, "clocksim")):
            sys.path.insert(0, folder)
            try:
                import clocksim
                return clocksim
            except ImportError:
                sys.path.pop(0)
    sys.stderr.write("sweep_from_python.py: error: the clocksim module is not built: run scripts/test.sh (or "
                     "cmake --preset release && cmake --build --preset release), or set PYTHONPATH to a "
                     "build's python folder (build/release/python)\n")
    sys.exit(2)


clocksim = import_clocksim()
SCENARIO = os.path.join(HERE, "..", "scenarios", "berkeley-basic.yaml")
PERIODS_S = [10, 15, 20, 30, 60]
WARMUP_NS = 60_000_000_000


def measure(period_s, seed):
    r = clocksim.run(SCENARIO, set={"algorithm.sync.period": f"{period_s}s", "duration": "5m"}, seed=seed)
    steady = r.skew[r.skew["t_ns"] >= WARMUP_NS]
    return {"period_s": period_s, "seed": seed, "max_skew_ms": steady["max_skew_ns"].max() / 1e6,
            "bound_ms": steady["bound_ns"].max() / 1e6}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default="out/period-sweep")
    ap.add_argument("--seeds", type=int, default=5)
    args = ap.parse_args(argv)
    os.makedirs(args.out, exist_ok=True)
    table = pd.DataFrame([measure(p, s) for p in PERIODS_S for s in range(1, args.seeds + 1)])
    table.to_csv(os.path.join(args.out, "period_sweep.csv"), index=False)

    per_period = table.groupby("period_s").agg(median=("max_skew_ms", "median"), lo=("max_skew_ms", "min"),
                                               hi=("max_skew_ms", "max"), bound=("bound_ms", "max"))
    fig, ax = plt.subplots(figsize=(6, 4), dpi=120)
    ax.fill_between(per_period.index, per_period["lo"], per_period["hi"], alpha=0.25, label="min–max over seeds")
    ax.plot(per_period.index, per_period["median"], marker="o", label="median worst skew")
    bounded = per_period["bound"].notna()
    ax.plot(per_period.index[bounded], per_period["bound"][bounded], linestyle="--", color="black",
            label="bound (clocksim)")
    ax.set_xlabel("Berkeley period (s)")
    ax.set_ylabel("worst skew after 60 s (ms)")
    ax.set_title("berkeley-basic: worst steady skew vs period")
    ax.legend()
    fig.tight_layout()
    path = os.path.join(args.out, "period_sweep.png")
    fig.savefig(path)
    print(f"{len(table)} runs; wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
