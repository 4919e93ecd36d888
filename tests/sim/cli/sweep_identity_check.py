#!/usr/bin/python3
"""CTest sweep.identical_to_run: every run folder written by `clocksim sweep` (with --jobs 1 and
with --jobs 2) is byte-identical to what `clocksim run BASE --set ... --out` writes alone,
except summary.json's two wall-clock fields; and a resumed sweep redoes only what is missing.

    sweep_identity_check.py CLOCKSIM_BINARY SOURCE_DIR WORK_DIR
"""
import csv
import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "analysis"))
from clocksim_io import deterministic_files  # noqa: E402


SWEEP = """\
name: identity
base: {base}
set: {{duration: 1m, tick: 500ms}}
matrix:
  algorithm.sync.period: [10s, 20s]
  nodes: [3, 5]
seeds: [1, 2]
traces: true
"""
MATRIX = [("algorithm.sync.period", ["10s", "20s"]), ("nodes", ["3", "5"])]
FIXED = ["duration=1m", "tick=500ms"]
SEEDS = [1, 2]


def sh(*cmd, ok=(0,)):
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    if result.returncode not in ok:
        sys.exit(f"FAIL: {' '.join(cmd)} exited {result.returncode}\n{result.stdout}\n{result.stderr}")
    return result


def files(folder):
    return deterministic_files(folder, require_wall_clock=True)


def expected_runs():
    """(folder overrides) in matrix order, built here independently of the sweep planner."""
    runs = []
    for period in MATRIX[0][1]:
        for nodes in MATRIX[1][1]:
            for seed in SEEDS:
                runs.append(FIXED + [f"algorithm.sync.period={period}", f"nodes={nodes}", f"seed={seed}"])
    return runs


def main():
    binary, source_dir, work = (os.path.abspath(a) for a in sys.argv[1:4])
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    base = os.path.join(source_dir, "scenarios", "berkeley-basic.yaml")  # a master-led algorithm
    sweep_file = os.path.join(work, "identity.yaml")
    with open(sweep_file, "w") as f:
        f.write(SWEEP.format(base=base))

    for jobs in ("1", "2"):
        sh(binary, "sweep", sweep_file, "--out", os.path.join(work, f"jobs{jobs}"), "--jobs", jobs, "--quiet")
    with open(os.path.join(work, "jobs1", "sweep.csv")) as f:
        table = list(csv.DictReader(f))
    folders = [row["run"] for row in table]
    overrides = expected_runs()
    assert len(folders) == len(overrides) == 8, folders

    dry = sh(binary, "sweep", sweep_file, "--out", "OUT", "--dry-run").stdout.splitlines()
    assert len(dry) == 8, dry

    for folder, sets in zip(folders, overrides):
        alone = os.path.join(work, "alone", folder)
        cmd = [binary, "run", base]
        for s in sets:
            cmd += ["--set", s]
        sh(*cmd, "--out", alone, "--quiet", ok=(0, 1))  # 1: an expect failed; still a full run
        reference = files(alone)
        assert "summary.json" in reference and "trace.csv" in reference, sorted(reference)
        for jobs in ("1", "2"):
            got = files(os.path.join(work, f"jobs{jobs}", folder))
            assert got.keys() == reference.keys(), (folder, jobs, sorted(got), sorted(reference))
            for name in reference:
                assert got[name] == reference[name], f"{folder}/{name} differs with --jobs {jobs}"
    print(f"ok: {len(folders)} runs identical to `clocksim run` with --jobs 1 and --jobs 2")

    # Resume: remove one finished run and leave a stale .partial; only that run is redone.
    jobs2 = os.path.join(work, "jobs2")
    shutil.rmtree(os.path.join(jobs2, folders[3]))
    os.makedirs(os.path.join(jobs2, folders[3] + ".partial"))
    mtimes = {f: os.stat(os.path.join(jobs2, f, "summary.json")).st_mtime_ns for f in folders if f != folders[3]}
    out = sh(binary, "sweep", sweep_file, "--out", jobs2, "--jobs", "2").stdout
    assert "1 run now, 7 already done, 0 did not complete" in out, out
    for f, t in mtimes.items():
        assert os.stat(os.path.join(jobs2, f, "summary.json")).st_mtime_ns == t, f"{f} was redone"
    assert files(os.path.join(jobs2, folders[3])) == files(os.path.join(work, "jobs1", folders[3]))
    assert not os.path.exists(os.path.join(jobs2, folders[3] + ".partial"))
    print("ok: resume redid only the missing run")


if __name__ == "__main__":
    main()
