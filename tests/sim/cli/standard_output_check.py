#!/usr/bin/python3
"""The three programs and their standard descriptors (config/standard_streams.hpp): standard
output on a full disk is an error (exit 2, "PROGRAM: cannot write to standard output: ..."), not
a report lost in silence; and a run started with descriptors 0, 1 and 2 closed writes the same
files as any other run, with nothing of its report in them.

usage: standard_output_check.py CLOCKSIM CLOCKSYNCD CLOCKSYNCCTL SOURCE_DIR WORK_DIR"""
import pathlib
import shutil
import subprocess
import sys

from cli_check_common import fail

clocksim, clocksyncd, clocksyncctl, source = sys.argv[1:5]
work = pathlib.Path(sys.argv[5])
shutil.rmtree(work, ignore_errors=True)
work.mkdir(parents=True)
failover = f"{source}/scenarios/failover.yaml"
sweep = work / "s.yaml"
sweep.write_text(f"name: s\nbase: {source}/scenarios/cristian-basic.yaml\nset: {{duration: 20s}}\n"
                 "matrix:\n  algorithm.sync.period: [5s, 10s]\nseeds: [1]\n")

commands = [
    ("clocksim", [clocksim, "schema"]),
    ("clocksim", [clocksim, "validate", failover]),
    ("clocksim", [clocksim, "run", failover, "--out", str(work / "full-run")]),
    ("clocksim", [clocksim, "sweep", str(sweep), "--out", str(work / "full-sweep")]),
    ("clocksim", [clocksim, "--version"]),
    ("clocksim", [clocksim, "run", "--help"]),
    ("clocksyncd", [clocksyncd, "--version"]),
    ("clocksyncctl", [clocksyncctl, "--version"]),
    ("clocksyncctl", [clocksyncctl, "keygen", "--ids", "1,2", "--out-dir", str(work / "keys")]),
]
for program, command in commands:
    with open("/dev/full", "w") as full:
        p = subprocess.run(command, stdout=full, stderr=subprocess.PIPE, text=True, timeout=120)
    if p.returncode != 2 or f"{program}: cannot write to standard output: " not in p.stderr:
        fail(f"{' '.join(command[1:])} > /dev/full: exit {p.returncode}, stderr {p.stderr.strip()!r}")

# Descriptors 0, 1 and 2 closed: the run's files are those of a run with all three open.
subprocess.run([clocksim, "run", failover, "--out", str(work / "open")], capture_output=True, check=True, timeout=120)
p = subprocess.run(["sh", "-c", 'exec "$@" <&- >&- 2>&-', "sh", clocksim, "run", failover, "--out", str(work / "closed")],
                   timeout=120)
if p.returncode != 0:
    fail(f"a run with its standard descriptors closed: exit {p.returncode}")
for f in sorted((work / "open").iterdir()):
    kept = [line for line in f.read_text().splitlines() if "wall_time_s" not in line and "events_per_s" not in line]
    got = [line for line in (work / "closed" / f.name).read_text().splitlines()
           if "wall_time_s" not in line and "events_per_s" not in line]
    if kept != got:
        fail(f"{f.name} differs when the run starts with its standard descriptors closed")
print("ok")
