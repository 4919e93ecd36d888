#!/usr/bin/python3
"""clocksim answers a misspelt command by naming it, the command it was likely meant to be and the
commands it has (exit 2), and every command it names exists.

usage: command_names_check.py CLOCKSIM"""
import subprocess
import sys

from cli_check_common import fail

clocksim = sys.argv[1]


def run(*args):
    return subprocess.run([clocksim, *args], capture_output=True, text=True, timeout=60)


p = run("rnu", "scenarios/failover.yaml")
if p.returncode != 2 or "unknown command 'rnu' (did you mean 'run'?); the commands are run, validate, schema, sweep" \
        not in p.stderr:
    fail(f"a misspelt command: exit {p.returncode}, stderr {p.stderr.strip()!r}")
p = run("plot", "scenarios/failover.yaml")
if p.returncode != 2 or "unknown command 'plot'; the commands are run, validate, schema, sweep" not in p.stderr:
    fail(f"an unknown command: exit {p.returncode}, stderr {p.stderr.strip()!r}")
for command in ("run", "validate", "schema", "sweep"):
    p = run(command, "--help")
    if p.returncode != 0 or command not in p.stdout:
        fail(f"{command} --help: exit {p.returncode}, stdout {p.stdout[:200]!r}")
p = run()
if p.returncode != 2:
    fail(f"no command: exit {p.returncode}")
if run("--version").returncode != 0:
    fail("--version failed")
print("ok")
