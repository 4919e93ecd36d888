#!/usr/bin/python3
"""Without --out a run writes to out/<scenario name>, and the name is free text: a name with path
separators or dots stays one folder inside out/, never a path that climbs out of it. An empty
--out (a script's unset variable) is refused with exit 2, for run and sweep, and writes nothing.

usage: default_out_check.py CLOCKSIM WORKDIR"""
import os
import shutil
import subprocess
import sys

from cli_check_common import fail

clocksim, work = sys.argv[1], sys.argv[2]
shutil.rmtree(work, ignore_errors=True)
cwd = os.path.join(work, "a", "b")
os.makedirs(cwd)
cases = {
    "../../escaped": ".._.._escaped",
    "Berkeley / TSP": "Berkeley _ TSP",
    "..": "dots",  # the file's stem
    "plain": "plain",
}
for name, folder in cases.items():
    stem = "dots" if name == ".." else "scenario"
    path = os.path.join(cwd, stem + ".yaml")
    with open(path, "w") as f:
        f.write(f'name: "{name}"\nduration: 2s\nnodes: 2\n')
    p = subprocess.run([clocksim, "run", path, "--quiet"], cwd=cwd, capture_output=True, text=True, timeout=60)
    if p.returncode != 0:
        fail(f"name {name!r}: exit {p.returncode}: {p.stderr.strip()}")
    if not os.path.isfile(os.path.join(cwd, "out", folder, "summary.json")):
        fail(f"name {name!r}: no out/{folder}/summary.json; out/ holds {sorted(os.listdir(os.path.join(cwd, 'out')))}")
outside = [e for e in os.listdir(work) if e != "a"] + [e for e in os.listdir(os.path.join(work, "a")) if e != "b"]
if outside:
    fail(f"a run wrote outside its out/ folder: {outside}")
empty = os.path.join(work, "empty")
os.makedirs(empty)
scenario = os.path.join(empty, "scenario.yaml")
with open(scenario, "w") as f:
    f.write('name: plain\nduration: 2s\nnodes: 2\n')
sweep = os.path.join(empty, "sweep.yaml")
with open(sweep, "w") as f:
    f.write("base: scenario.yaml\nseeds: [1, 2]\n")
for args in (["run", scenario, "--quiet", "--out", ""], ["sweep", sweep, "--out", ""]):
    p = subprocess.run([clocksim, *args], cwd=empty, capture_output=True, text=True, timeout=60)
    if p.returncode != 2 or "--out" not in p.stderr or "empty" not in p.stderr:
        fail(f"{args[0]} --out '': exit {p.returncode}, stderr {p.stderr.strip()!r}; expected exit 2 naming --out")
left = sorted(set(os.listdir(empty)) - {"scenario.yaml", "sweep.yaml"})
if left:
    fail(f"--out '' left {left}")
print("ok")
