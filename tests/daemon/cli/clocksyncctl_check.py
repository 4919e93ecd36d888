#!/usr/bin/python3
"""clocksyncctl status reports a node it cannot reach as one clean line, exit 1, in both output
modes, whatever bytes the peer's name holds; a forged answer's text never reaches the terminal as
control characters; nodes that run different builds are named under the table.

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

# A socket in the working directory named without a '/' is a path, not HOST:PORT; so is any name
# without a ':', and a socket file whose name has one.
for name in ("missing.sock", "odd:name.sock"):
    p = subprocess.run([ctl, "status", "--timeout-ms", "200", "--peer", name], capture_output=True, timeout=60, cwd=work)
    says = f"{name}: send failed: ".encode()
    if name == "odd:name.sock":
        says = b"port must be a number"  # no such file: read as HOST:PORT
    if p.returncode != 1 or says not in p.stdout:
        fail(f"--peer {name}: exit {p.returncode}, stdout {p.stdout!r}, stderr {p.stderr!r}")
# Something that answers with an empty datagram: named as such, not as a failed receive.
empty = work / "empty.sock"
server = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
server.bind(str(empty))


def answer_empty():
    _, client = server.recvfrom(16)
    server.sendto(b"", client)


for peer, cwd in ((str(empty), None), ("empty.sock", work)):
    t = threading.Thread(target=answer_empty)
    t.start()
    p = subprocess.run([ctl, "status", "--timeout-ms", "5000", "--peer", peer], capture_output=True, timeout=60, cwd=cwd)
    t.join(timeout=10)
    if p.returncode != 1 or f"{peer}: empty answer".encode() not in p.stdout:
        fail(f"an empty answer via --peer {peer}: exit {p.returncode}, stdout {p.stdout!r}, stderr {p.stderr!r}")
# A socket file whose name has a ':' is still a path.
colon = work / "odd:name.sock"
server2 = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
server2.bind(str(colon))
server.close()
server = server2
t = threading.Thread(target=answer_empty)
t.start()
p = subprocess.run([ctl, "status", "--timeout-ms", "5000", "--peer", "odd:name.sock"], capture_output=True, timeout=60, cwd=work)
t.join(timeout=10)
if p.returncode != 1 or b"odd:name.sock: empty answer" not in p.stdout:
    fail(f"a socket file with a ':' in its name: exit {p.returncode}, stdout {p.stdout!r}, stderr {p.stderr!r}")
server.close()

# An answer can be forged (over UDP, by anyone who can send one): its text must not reach the
# terminal as control characters, and one that is no status answer is named as such, without
# the JSON library's internals.
forged = work / "forged.sock"
server = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
server.bind(str(forged))
well_formed = {"id": 7, "role": "\x1b[2J\x1b[1;1Hmaster\u009b", "believed_master": None, "clock": {"offset_ns": 1500000},
               "counters": {"packets_in": 1, "packets_out": 2, "dropped_total": 0}, "rounds": 3, "keys": None}
for answer, says in ((json.dumps(well_formed).encode(), b"\\x1B[2J\\x1B[1;1Hmaster\\x9B"),
                     (b"{}", b"not a clocksyncd status answer: key 'counters' not found"),
                     (b'{"counters": 1, "id": "7"}', b"not a clocksyncd status answer: ")):
    def answer_once(reply=answer):
        _, client = server.recvfrom(16)
        server.sendto(reply, client)
    t = threading.Thread(target=answer_once)
    t.start()
    p = status("--timeout-ms", "5000", "--peer", str(forged))
    t.join(timeout=10)
    if says not in p.stdout or b"\x1b" in p.stdout or b"\xc2\x9b" in p.stdout or b"[json.exception" in p.stdout:
        fail(f"answer {answer!r}: exit {p.returncode}, stdout {p.stdout!r}; expected {says!r}, no control characters")
server.close()

# The builds the nodes report: one line under the table when they differ (an upgrade half done),
# naming each build with its nodes; nothing when they agree. A build is forged text like any other.
def serve(path, reply):
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(str(path))

    def answer_once():
        _, client = sock.recvfrom(16)
        sock.sendto(json.dumps(reply).encode(), client)
    thread = threading.Thread(target=answer_once)
    thread.start()
    return sock, thread


def with_build(build):
    return {**well_formed, "role": "slave", **({} if build is None else {"build": build})}


new = {"release": "0.1.0", "code": "e683d4b453c5dbe4"}
old = {"release": "0.1.0", "code": "3f2a9c1b2d3e4f50"}
for builds, says, silent in (
        ((new, new), None, b"builds"),
        ((new, old, new), b"the nodes run 2 builds:\n  0.1.0 (code 3f2a9c1b2d3e4f50): " + bytes(work / "b1.sock") +
         b"\n  0.1.0 (code e683d4b453c5dbe4): " + bytes(work / "b0.sock") + b", " + bytes(work / "b2.sock") + b"\n", None),
        ((new, None, {"release": 1, "code": None}), b"  unknown: " + bytes(work / "b1.sock") + b", " + bytes(work / "b2.sock"),
         None),
        ((new, {"release": "0.1.0\x1b[2J", "code": "x"}), b"  0.1.0\\x1B[2J (code x): ", b"\x1b")):
    servers = [serve(work / f"b{i}.sock", with_build(b)) for i, b in enumerate(builds)]
    p = status("--timeout-ms", "5000", *sum((["--peer", str(work / f"b{i}.sock")] for i in range(len(builds))), []))
    for sock, thread in servers:
        thread.join(timeout=10)
        sock.close()
    for i in range(len(builds)):
        (work / f"b{i}.sock").unlink()
    if p.returncode != 0 or (says is not None and says not in p.stdout) or (silent is not None and silent in p.stdout):
        fail(f"builds {builds}: exit {p.returncode}, stdout {p.stdout!r}; expected {says!r}, not {silent!r}")

print("ok")
