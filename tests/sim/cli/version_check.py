#!/usr/bin/python3
"""`--version` of clocksim, clocksyncd and clocksyncctl: one line on stdout, exit 0, naming the
program, the project's release (CMake's project version) and the identity of the code it was built
from, 16 hex digits; the daemon's two programs are one build of one code and say so alike. A
sweep records clocksim's identity (docs/sweeps.md), so the line must be what the record holds.

usage: version_check.py RELEASE CLOCKSIM CLOCKSYNCD CLOCKSYNCCTL"""
import re
import subprocess
import sys

from cli_check_common import fail

release, clocksim, clocksyncd, clocksyncctl = sys.argv[1:5]
identities = {}
for name, path in (("clocksim", clocksim), ("clocksyncd", clocksyncd), ("clocksyncctl", clocksyncctl)):
    p = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=60)
    match = re.fullmatch(rf"{name} {re.escape(release)} \(code ([0-9a-f]{{16}})\)\n", p.stdout)
    if p.returncode != 0 or not match or p.stderr:
        fail(f"{name} --version: exit {p.returncode}, stdout {p.stdout!r}, stderr {p.stderr!r}")
    identities[name] = match.group(1)
if identities["clocksyncd"] != identities["clocksyncctl"]:
    fail(f"clocksyncd and clocksyncctl of one build name other code: {identities}")
# The simulator's identity covers the engine, the daemon's the daemon: other sources, other hashes.
if identities["clocksim"] == identities["clocksyncd"]:
    fail(f"the simulator and the daemon hash the same code: {identities}")
print("versions:", identities)
