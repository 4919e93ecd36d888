#!/usr/bin/python3
"""--seed of clocksim run and clocksyncd takes every seed a scenario takes (0 .. 2^64 - 1) and
refuses anything else with exit 2, instead of running a wrapped or saturated seed.

usage: seed_option_check.py CLOCKSIM CLOCKSYNCD WORK_DIR"""
import json
import pathlib
import shutil
import subprocess
import sys

from cli_check_common import fail

clocksim, clocksyncd, work = sys.argv[1], sys.argv[2], pathlib.Path(sys.argv[3])
shutil.rmtree(work, ignore_errors=True)
work.mkdir(parents=True)
(work / "s.yaml").write_text("name: s\nduration: 5s\nnodes: 3\nalgorithm: {sync: {kind: cristian, period: 1s}}\n")

for seed in ("0", "7", "18446744073709551615"):
    out = work / f"ok{seed}"
    p = subprocess.run([clocksim, "run", "s.yaml", f"--seed={seed}", "--out", out.name, "-q"], cwd=work,
                       capture_output=True, text=True, timeout=60)
    if p.returncode != 0:
        fail(f"--seed={seed}: exit {p.returncode}: {p.stderr}")
    got = json.loads((out / "summary.json").read_text())["scenario"]["seed"]
    if str(got) != seed:
        fail(f"--seed={seed} ran seed {got}")

for seed in ("-1", "18446744073709551616", "+5", "1e3", "abc"):
    out = work / "bad"
    for command in ([clocksim, "run", "s.yaml", f"--seed={seed}", "--out", out.name, "-q"],
                    [clocksyncd, f"--seed={seed}", "--id", "1", "--listen", "127.0.0.1:1", "--insecure"]):
        p = subprocess.run(command, cwd=work, capture_output=True, text=True, timeout=60)
        if p.returncode != 2 or "--seed: expected an integer in 0 .. 2^64 - 1" not in p.stderr:
            fail(f"{command[0]} --seed={seed}: exit {p.returncode}, stderr {p.stderr.strip()!r}")
    if out.exists():
        fail(f"--seed={seed} refused, yet wrote {out}")
print("ok: --seed takes 0 .. 2^64 - 1 exactly")
