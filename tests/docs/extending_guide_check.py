#!/usr/bin/python3
"""docs/extending.md, step 5, end to end: the sweep of the example algorithm against Berkeley on
the same ring runs, every neighbour_average run meets its scenario's expectations, summary.json
says why it has no bound, analysis/plot_sweep.py draws the comparison, and the guide's table of
measured skews is what the sweep measures.

    extending_guide_check.py CLOCKSIM SOURCE_DIR WORK_DIR
"""
import csv
import json
import os
import shutil
import subprocess
import sys


def main():
    clocksim, source, work = sys.argv[1:4]
    shutil.rmtree(work, ignore_errors=True)
    sweep = os.path.join(source, "scenarios", "sweeps", "neighbour-average-vs-berkeley.yaml")
    run = subprocess.run([clocksim, "sweep", sweep, "--out", work, "--jobs", "2"], capture_output=True, text=True)
    # Exit 1: some run missed an expectation (Berkeley is held to the example's limits too).
    assert run.returncode in (0, 1), run.stderr
    with open(os.path.join(work, "sweep.csv"), newline="") as f:
        rows = list(csv.DictReader(f))
    kinds = {}
    for r in rows:
        kind = r["algorithm.sync"].split(",")[0].removeprefix("{kind: ")
        kinds.setdefault(kind, []).append(r)
    assert sorted(kinds) == ["berkeley", "neighbour_average"], kinds.keys()
    assert len(kinds["neighbour_average"]) == 5 and len(kinds["berkeley"]) == 5
    for r in kinds["neighbour_average"]:
        assert r["expects_failed"] == "0", r
        assert r["bound_ns"] == "", r
    notes = set()
    for name in os.listdir(work):
        path = os.path.join(work, name, "summary.json")
        if name.startswith("sync=_kind__neighbour_average") and os.path.exists(path):
            with open(path) as f:
                notes.add(json.load(f)["results"]["bound_note"])
    assert len(notes) == 1 and "no worst-case bound" in notes.pop(), notes
    plot = subprocess.run(["/usr/bin/python3", os.path.join(source, "analysis", "plot_sweep.py"), work],
                          capture_output=True, text=True)
    assert plot.returncode == 0, plot.stderr
    assert os.path.getsize(os.path.join(work, "sweep.png")) > 10_000
    for kind, rs in sorted(kinds.items()):
        worst = max(int(r["max_skew_after_warmup_ns"]) for r in rs)
        print(f"{kind}: worst skew after warm-up over 5 seeds {worst / 1e6:.3f} ms")
    check_guide_table(os.path.join(source, "docs", "extending.md"), kinds)


def check_guide_table(guide, kinds):
    """The guide's "Measured (seeds 1-5 ...)" table: each row's cells are this sweep's worst skew
    after warm-up per seed, in ms with two decimals."""
    with open(guide) as f:
        rows = {cells[0]: cells[1:6] for cells in
                ([c.strip() for c in line.strip().strip("|").split("|")] for line in f if line.startswith("| "))
                if cells[0] in kinds}
    assert sorted(rows) == sorted(kinds), f"{guide}: no table row for {sorted(set(kinds) - set(rows))}"
    for kind, rs in kinds.items():
        measured = [f"{int(r['max_skew_after_warmup_ns']) / 1e6:.2f} ms" for r in sorted(rs, key=lambda r: int(r["seed"]))]
        assert rows[kind] == measured, f"{guide}: the {kind} row says {rows[kind]}, the sweep measures {measured}"


if __name__ == "__main__":
    main()
