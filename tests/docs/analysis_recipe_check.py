#!/usr/bin/python3
"""docs/analysis.md, recipe 1: the sweep runs, and the table "What it says (median over 5 seeds,
ms)" is what it measures: per period, the median over the seeds of the worst skew after warm-up
for Berkeley and Cristian at asymmetry 0 and 0.8, in ms with two decimals.

    analysis_recipe_check.py CLOCKSIM SOURCE_DIR WORK_DIR
"""
import csv
import os
import shutil
import statistics
import subprocess
import sys

COLUMNS = [("berkeley", "0"), ("berkeley", "0.8"), ("cristian", "0"), ("cristian", "0.8")]


def guide_table(path):
    """{period in s: [cell, ...]} from the recipe's table."""
    with open(path) as f:
        lines = f.read().split("\n")
    start = next(i for i, line in enumerate(lines) if line.startswith("What it says (median over 5 seeds, ms)"))
    rows = {}
    for line in lines[start + 1:]:
        if rows and not line.startswith("|"):
            break
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if cells[0].endswith(" s") and cells[0][:-2].isdigit():
            rows[cells[0][:-2]] = cells[1:]
    return rows


def main():
    clocksim, source, work = sys.argv[1:4]
    shutil.rmtree(work, ignore_errors=True)
    sweep = os.path.join(source, "scenarios", "sweeps", "asymmetry-vs-period.yaml")
    run = subprocess.run([clocksim, "sweep", sweep, "--out", work, "--jobs", "2"], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    with open(os.path.join(work, "sweep.csv"), newline="") as f:
        rows = list(csv.DictReader(f))
    worst = {}
    for r in rows:
        key = (r["algorithm.sync.period_s"], r["algorithm.sync.kind"], r["links.asymmetry"])
        worst.setdefault(key, []).append(int(r["max_skew_after_warmup_ns"]))
    table = guide_table(os.path.join(source, "docs", "analysis.md"))
    assert sorted(table) == ["10", "30", "5"], table
    for period, cells in table.items():
        measured = [f"{statistics.median(worst[(period, kind, a)]) / 1e6:.2f}" for kind, a in COLUMNS]
        assert cells == measured, f"docs/analysis.md: the {period} s row says {cells}, the sweep measures {measured}"
        print(f"{period} s: {' '.join(measured)}")


if __name__ == "__main__":
    main()
