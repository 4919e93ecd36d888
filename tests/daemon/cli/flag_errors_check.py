#!/usr/bin/python3
"""Every error clocksyncd and clocksyncctl print starts with the program's name, as one line, and
exits 2: CLI11's own parse errors (a value out of range, one that does not convert, an unknown or
missing flag, two flags that exclude each other) printed bare before, with a second line, while
every other error of theirs carried the prefix. --help still prints the help and exits 0.

usage: flag_errors_check.py CLOCKSYNCD CLOCKSYNCCTL"""
import subprocess
import sys

daemon, ctl = sys.argv[1], sys.argv[2]


def fail(message):
    sys.exit("FAIL: " + message)


# Each start would need a socket and keys: every one here is refused before any of that.
bad = [
    (daemon, "clocksyncd", ["--drift-ppm", "inf"]),
    (daemon, "clocksyncd", ["--drift-ppm", "-1e9"]),
    (daemon, "clocksyncd", ["--cluster", "-1"]),
    (daemon, "clocksyncd", ["--cluster", "4294967296"]),
    (daemon, "clocksyncd", ["--max-slew-ppm", "-1"]),
    (daemon, "clocksyncd", ["--max-rate-ppm", "abc"]),
    (daemon, "clocksyncd", ["--startup-updates", "1.5"]),
    (daemon, "clocksyncd", ["--clock", "sundial"]),
    (daemon, "clocksyncd", ["--reference-clock", "gps"]),
    (daemon, "clocksyncd", ["--seed", "-1"]),
    (daemon, "clocksyncd", ["--no-such-flag"]),
    (daemon, "clocksyncd", ["stray-argument"]),
    (daemon, "clocksyncd", ["--listen"]),
    (daemon, "clocksyncd", ["--insecure=maybe"]),
    # The daemon's own checks (already prefixed) stay as they were.
    (daemon, "clocksyncd", ["--drift-ppm", "nan"]),
    (ctl, "clocksyncctl", []),
    (ctl, "clocksyncctl", ["no-such-command"]),
    (ctl, "clocksyncctl", ["status"]),
    (ctl, "clocksyncctl", ["status", "--peer", "x.sock", "--timeout-ms", "0"]),
    (ctl, "clocksyncctl", ["status", "--peer", "x.sock", "--timeout-ms", "soon"]),
    (ctl, "clocksyncctl", ["status", "--peer", "x.sock", "--no-such-flag"]),
    (ctl, "clocksyncctl", ["keygen", "--key-id", "-1"]),
    (ctl, "clocksyncctl", ["keygen", "--key-id", "4294967296"]),
    (ctl, "clocksyncctl", ["keygen", "--ids", "1,2", "--rotate", "--activate"]),
    (ctl, "clocksyncctl", ["keygen", "--ids", "1,x"]),
    (ctl, "clocksyncctl", ["keygen", "--rotate", "--out-dir", "keys"]),
]
for program, name, args in bad:
    p = subprocess.run([program, *args], capture_output=True, text=True, timeout=60)
    lines = p.stderr.splitlines()
    if p.returncode != 2 or not lines or any(not line.startswith(name + ":") and not line.startswith(name + " ")
                                             for line in lines):
        fail(f"{name} {' '.join(args)}: exit {p.returncode}, stderr {p.stderr!r}; expected exit 2 and every line "
             f"starting with '{name}:'")
    if len(lines) != 1:
        fail(f"{name} {' '.join(args)}: {len(lines)} lines of error, expected one: {p.stderr!r}")
    if p.stdout:
        fail(f"{name} {' '.join(args)}: printed {p.stdout!r} on stdout")

# A command clocksyncctl does not have is named, with the ones it has (CLI11 alone said "A
# subcommand is required", naming neither).
for given, expected in (("no-such-command", "clocksyncctl: unknown command 'no-such-command'; the commands are "
                         "status, keygen (clocksyncctl --help)"),
                        ("stauts", "clocksyncctl: unknown command 'stauts' (did you mean 'status'?); the commands are "
                         "status, keygen (clocksyncctl --help)")):
    p = subprocess.run([ctl, given], capture_output=True, text=True, timeout=60)
    if p.returncode != 2 or p.stderr.strip() != expected:
        fail(f"clocksyncctl {given}: exit {p.returncode}, stderr {p.stderr!r}; expected exit 2 and {expected!r}")

# A rotation step without --ids says what it needs (before: "give either --ids (with --out-dir) or
# --out", and --out is no way to rotate).
for step in ("--rotate", "--activate", "--retire"):
    p = subprocess.run([ctl, "keygen", step, "--out-dir", "keys"], capture_output=True, text=True, timeout=60)
    expected = f"clocksyncctl keygen: {step} needs --ids, every member's id, and --out-dir, the folder of their key files"
    if p.returncode != 2 or p.stderr.strip() != expected:
        fail(f"clocksyncctl keygen {step} --out-dir keys: exit {p.returncode}, stderr {p.stderr!r}; expected {expected!r}")

for program, args in ((daemon, ["--help"]), (ctl, ["--help"]), (ctl, ["keygen", "--help"])):
    p = subprocess.run([program, *args], capture_output=True, text=True, timeout=60)
    if p.returncode != 0 or "Usage:" not in p.stdout or p.stderr:
        fail(f"{program} {' '.join(args)}: exit {p.returncode}, stdout {p.stdout[:200]!r}, stderr {p.stderr!r}")
print("ok")
