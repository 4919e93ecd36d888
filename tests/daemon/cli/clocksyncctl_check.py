#!/usr/bin/python3
"""clocksyncctl status reports a node it cannot reach as one clean line, exit 1, in both output
modes, whatever bytes the peer's name holds.

usage: clocksyncctl_check.py CLOCKSYNCCTL WORK_DIR"""
import json
import pathlib
import shutil
import socket
import subprocess
import sys
import threading

ctl, work = sys.argv[1], pathlib.Path(sys.argv[2])
shutil.rmtree(work, ignore_errors=True)
work.mkdir(parents=True)


def fail(message):
    sys.exit("FAIL: " + message)


def status(*args):
    return subprocess.run([ctl, "status", *args], capture_output=True, timeout=60)


# A Latin-1 file name (not UTF-8) that does not exist: the JSON line replaces the byte, and the
# tool neither aborts nor loses the peers after it.
latin1 = bytes(work) + b"/no\xe9such.sock"
good = str(work / "missing.sock")
p = status("--json", "--timeout-ms", "200", "--peer", latin1, "--peer", good)
lines = p.stdout.decode("utf-8").splitlines()
if p.returncode != 1 or len(lines) != 2:
    fail(f"--json with a Latin-1 peer: exit {p.returncode}, stdout {p.stdout!r}, stderr {p.stderr!r}")
first, second = (json.loads(line) for line in lines)
if first["peer"] != str(work) + "/no\ufffdsuch.sock" or "send failed" not in first["error"]:
    fail(f"--json with a Latin-1 peer: {first!r}")
if second["peer"] != good or "send failed" not in second["error"]:
    fail(f"--json, the peer after it: {second!r}")
p = status("--timeout-ms", "200", "--peer", latin1)
if p.returncode != 1 or b"send failed" not in p.stdout:
    fail(f"table with a Latin-1 peer: exit {p.returncode}, stdout {p.stdout!r}, stderr {p.stderr!r}")

# Something that answers with an empty datagram: named as such, not as a failed receive.
empty = work / "empty.sock"
server = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
server.bind(str(empty))


def answer_empty():
    _, client = server.recvfrom(16)
    server.sendto(b"", client)


t = threading.Thread(target=answer_empty)
t.start()
p = status("--timeout-ms", "5000", "--peer", str(empty))
t.join(timeout=10)
if p.returncode != 1 or f"{empty}: empty answer".encode() not in p.stdout:
    fail(f"an empty answer: exit {p.returncode}, stdout {p.stdout!r}, stderr {p.stderr!r}")
server.close()

print("ok")
