#!/usr/bin/python3
"""clocksyncctl keygen writes a keyring for every member of --ids or none: ids are read as the
daemon reads them (7 or n7), at least two (a key per pair), and a failure part-way removes the
files it wrote.

usage: keygen_check.py CLOCKSYNCCTL WORK_DIR"""
import os
import pathlib
import shutil
import stat
import subprocess
import sys

ctl, work = sys.argv[1], pathlib.Path(sys.argv[2])
shutil.rmtree(work, ignore_errors=True)
work.mkdir(parents=True)


def fail(message):
    sys.exit("FAIL: " + message)


def keygen(ids, out):
    out.mkdir(parents=True, exist_ok=True)
    return subprocess.run([ctl, "keygen", "--ids", ids, "--out-dir", str(out)], capture_output=True, text=True, timeout=60)


p = keygen("1,n2,3", work / "ok")
if p.returncode != 0 or sorted(x.name for x in (work / "ok").iterdir()) != ["node1.keys", "node2.keys", "node3.keys"]:
    fail(f"a three-member keygen: exit {p.returncode}, {p.stderr}")
if stat.S_IMODE((work / "ok" / "node2.keys").stat().st_mode) != 0o600:
    fail("key files must be 0600")

for ids, says in (("", "is not a node id"), ("1,x", "is not a node id"),
                  ("1,-2", "is not a node id"), ("1,4294967295", "is not a node id"), ("5", "at least two"),
                  ("1,1", "twice")):
    out = work / f"bad{abs(hash(ids))}"
    p = keygen(ids, out)
    if p.returncode != 2 or says not in p.stderr:
        fail(f"--ids {ids!r}: exit {p.returncode}, stderr {p.stderr.strip()!r}")
    if any(out.iterdir()):
        fail(f"--ids {ids!r} refused, yet wrote {sorted(x.name for x in out.iterdir())}")

# node3.keys exists and --force is not given: nothing of the new set may stay.
part = work / "part"
part.mkdir()
(part / "node3.keys").write_text("keep me\n")
os.chmod(part / "node3.keys", 0o600)
p = keygen("1,2,3", part)
if p.returncode == 0:
    fail("keygen overwrote an existing key file without --force")
if sorted(x.name for x in part.iterdir()) != ["node3.keys"] or (part / "node3.keys").read_text() != "keep me\n":
    fail(f"a failed keygen left {sorted(x.name for x in part.iterdir())}: {p.stderr}")
print("ok: keygen writes every keyring or none")
