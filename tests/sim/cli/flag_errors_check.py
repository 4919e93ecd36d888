#!/usr/bin/python3
"""clocksim's own command-line errors read as its other errors do, and as clocksyncd's and
clocksyncctl's (tests/daemon/cli/flag_errors_check.py): one line, 'clocksim: MESSAGE (clocksim
--help)', exit 2, nothing on stdout and nothing written. CLI11 alone printed its message bare with
a second line ('Run with --help for more information.'). --help and --version still exit 0.

usage: flag_errors_check.py CLOCKSIM WORK_DIR"""
import pathlib
import shutil
import subprocess
import sys

from cli_check_common import fail

clocksim, work = sys.argv[1], pathlib.Path(sys.argv[2])
shutil.rmtree(work, ignore_errors=True)
work.mkdir(parents=True)
(work / "s.yaml").write_text("name: s\nduration: 5s\nnodes: 3\nalgorithm: {sync: {kind: cristian, period: 1s}}\n")


def run(*args):
    return subprocess.run([clocksim, *args], cwd=work, capture_output=True, text=True, timeout=60)


bad = [
    (["run", "s.yaml", "--seed", "x"], "--seed: expected an integer in 0 .. 2^64 - 1, got 'x'"),
    (["run", "s.yaml", "--seed=-1"], "--seed: expected an integer in 0 .. 2^64 - 1, got '-1'"),
    (["run"], "scenario is required"),
    (["run", "s.yaml", "--no-such-flag"], "--no-such-flag"),
    (["run", "s.yaml", "--out"], "--out"),
    (["run", "s.yaml", "extra.yaml"], "extra.yaml"),
    (["validate"], "scenarios is required"),
    (["schema", "stray"], "stray"),
    (["sweep"], "sweep is required"),
    (["sweep", "missing.yaml"], "missing.yaml"),
    (["sweep", "s.yaml", "--jobs", "many"], "--jobs"),
    ([], "A subcommand is required"),
    (["--no-such-flag"], "unknown option '--no-such-flag'"),
    (["run", "--seeed", "3"], "unknown option '--seeed' (did you mean '--seed'?)"),
    (["run", "s.yaml", "--out=x", "--quite"], "unknown option '--quite' (did you mean '--quiet'?)"),
    (["validate", "--strcit=1"], "unknown option '--strcit'"),
    (["rnu", "s.yaml"], "unknown command 'rnu' (did you mean 'run'?)"),
]
for args, says in bad:
    p = run(*args)
    lines = p.stderr.splitlines()
    shown = " ".join(["clocksim", *args])
    if p.returncode != 2 or len(lines) != 1:
        fail(f"{shown}: exit {p.returncode}, stderr {p.stderr!r}; expected exit 2 and one line")
    if not (lines[0].startswith("clocksim: ") and lines[0].endswith(" (clocksim --help)") and says in lines[0]):
        fail(f"{shown}: {lines[0]!r}; expected 'clocksim: ...{says}... (clocksim --help)'")
    if p.stdout:
        fail(f"{shown}: printed {p.stdout!r} on stdout")
    if sorted(x.name for x in work.iterdir()) != ["s.yaml"]:
        fail(f"{shown}: refused, yet wrote {sorted(x.name for x in work.iterdir())}")

for args in (["--help"], ["--version"], ["run", "--help"], ["sweep", "--help"]):
    p = run(*args)
    if p.returncode != 0 or not p.stdout or p.stderr:
        fail(f"clocksim {' '.join(args)}: exit {p.returncode}, stdout {p.stdout[:200]!r}, stderr {p.stderr!r}")
print("ok: clocksim's flag errors are one line, 'clocksim: ... (clocksim --help)', exit 2")
