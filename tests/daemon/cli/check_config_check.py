#!/usr/bin/python3
"""clocksyncd --check-config says whether the daemon would start, without binding a socket or
touching a clock: every shipped example config passes (exit 0, a one-line summary), and each
broken one fails with exit 2 and its error located in the file (file:line:col, key).

usage: check_config_check.py CLOCKSYNCD CLOCKSYNCCTL EXAMPLES_DIR WORK_DIR"""
import os
import pathlib
import shutil
import subprocess
import sys

daemon, ctl, examples, work = sys.argv[1], sys.argv[2], pathlib.Path(sys.argv[3]), pathlib.Path(sys.argv[4])
shutil.rmtree(work, ignore_errors=True)
work.mkdir(parents=True)
# As root the daemon insists on a user to drop to; as anyone else it stays who it is.
user = ["--user", "nobody"] if os.geteuid() == 0 else []


def fail(message):
    sys.exit("FAIL: " + message)


def check(config, *flags):
    return subprocess.run([daemon, "--config", str(config), "--check-config", *user, *flags],
                          capture_output=True, text=True, timeout=60)


for f in sorted(examples.glob("*.yaml")):
    shutil.copy(f, work / f.name)
p = subprocess.run([ctl, "keygen", "--ids", "1,2,3", "--out-dir", str(work)], capture_output=True, text=True, timeout=60)
if p.returncode != 0:
    fail(f"keygen: {p.stderr}")

configs = sorted(work.glob("*.yaml"))
if not configs:
    fail(f"no example configs in {examples}")
for c in configs:
    p = check(c)
    if p.returncode != 0 or not p.stdout.startswith(f"ok: {c} (node "):
        fail(f"{c.name}: exit {p.returncode}, stdout {p.stdout!r}, stderr {p.stderr.strip()!r}")
    if "hmac-sha256 keys from" not in p.stdout:
        fail(f"{c.name}: the summary must say how packets are authenticated: {p.stdout!r}")
    # Nothing was bound: the control socket the example names does not exist afterwards.
    if list(work.glob("*.sock")):
        fail(f"{c.name}: --check-config created a socket")

base = (work / "node1.yaml").read_text()
broken = [
    ("kind: berkeley", "kind: berkley", "error: at 'algorithm.sync.kind': sync algorithm 'berkley' is not known"),
    ("backend: virtual", "backend: virtul", "error: at 'clock.backend': expected virtual or system, got 'virtul'"),
    ("listen: 127.0.0.1:5525", "listen: 127.0.0.1:70000", "error: at 'listen': '127.0.0.1:70000': port must be a number"),
    ("kind: tsp", "kind: tps", "error: at 'algorithm.election.kind': election algorithm 'tps' is not known"),
    ("drift_ppm: -150", "drift_ppm: -2000000", "error: at 'clock.drift_ppm'"),
]
for old, new, says in broken:
    if old not in base:
        fail(f"node1.yaml no longer has {old!r}; update this test")
    bad = work / "bad.yaml"
    bad.write_text(base.replace(old, new))
    p = check(bad)
    line = next(i + 1 for i, text in enumerate(bad.read_text().splitlines()) if new in text)
    if p.returncode != 2 or f"{bad}:{line}:" not in p.stderr or says not in p.stderr:
        fail(f"{new!r}: exit {p.returncode}, stderr {p.stderr.strip()!r}")

# Independent mistakes are reported together, each on its own line with the program's name, its
# place in the file and its key, in the order of the file; exit 2.
many = work / "many.yaml"
many.write_text(base.replace("backend: virtual", "backend: virtul").replace("kind: tsp", "kind: tps")
                .replace("listen: 127.0.0.1:5525", "listen: 127.0.0.1:70000") + "insecure: yes\n")
p = check(many)
lines = p.stderr.splitlines()
wanted = ["at 'listen'", "at 'clock.backend'", "at 'algorithm.election.kind'", "at 'insecure'"]
got = [w for line in lines for w in wanted if w in line]
if p.returncode != 2 or any(not line.startswith(f"clocksyncd: {many}:") for line in lines) or \
        sorted(got) != sorted(wanted) or len(lines) != len(wanted):
    fail(f"four mistakes at once: exit {p.returncode}, stderr {p.stderr.strip()!r}")
positions = [tuple(int(x) for x in line[len(f"clocksyncd: {many}:"):].split(":")[:2]) for line in lines]
if positions != sorted(positions):
    fail(f"four mistakes at once, not in the order of the file: {positions}")

# The start-up rule's limits (docs/daemon.md): refused located in the file, and as flags, exit 2;
# sane values pass.
for text, says in (("limits: {startup_quorum: -1}\n", "error: at 'limits.startup_quorum'"),
                   ("limits:\n  startup_tolerance: 0s\n", "error: at 'limits.startup_tolerance': expected a duration > 0")):
    bad = work / "bad-limits.yaml"
    bad.write_text(base + text)
    line = len(bad.read_text().splitlines())
    p = check(bad)
    if p.returncode != 2 or f"{bad}:{line}:" not in p.stderr or says not in p.stderr:
        fail(f"{text!r}: exit {p.returncode}, stderr {p.stderr.strip()!r}")
for flags, says in ((["--startup-quorum=-1"], "clocksyncd: --startup-quorum: expected a count in [0, "),
                    (["--startup-tolerance", "0s"], "clocksyncd: --startup-tolerance: expected a duration > 0"),
                    # Past int64 nanoseconds: said as a range, not as "expected a duration >= 0".
                    (["--panic-threshold=99999999999s"],
                     "clocksyncd: --panic-threshold: expected a duration from 0 to 9223372036s"),
                    (["--min-step", "-1s"], "clocksyncd: --min-step: expected a duration from 0 to 9223372036s")):
    p = check(work / "node1.yaml", *flags)
    if p.returncode != 2 or says not in p.stderr:
        fail(f"{flags}: exit {p.returncode}, stderr {p.stderr.strip()!r}")
p = check(work / "node1.yaml", "--startup-quorum", "1", "--startup-tolerance", "250ms")
if p.returncode != 0:
    fail(f"--startup-quorum 1 --startup-tolerance 250ms: exit {p.returncode}, stderr {p.stderr.strip()!r}")

# Problems outside the file: a key file that is not there, a user that does not exist.
p = check(work / "node1.yaml", "--key-file", str(work / "missing.keys"))
if p.returncode != 2 or "cannot open key file" not in p.stderr:
    fail(f"a missing key file: exit {p.returncode}, stderr {p.stderr.strip()!r}")
# What the daemon refuses before it binds, --check-config refuses too (exit 2): a peer the key
# file has no key for, a control socket path longer than a Unix socket takes.
partial = work / "partial.keys"
partial.write_text("".join(line for line in (work / "node1.keys").read_text().splitlines(keepends=True)
                           if not line.startswith("3 ")))
partial.chmod(0o600)
if os.geteuid() == 0:
    shutil.chown(partial, "nobody")
p = check(work / "node1.yaml", "--key-file", str(partial))
# Located where node1.yaml lists peer 3 (peers.1 on line 11): the key file has no line to point to.
if p.returncode != 2 or f"node1.yaml:11:27: error: at 'peers.1': peer 3 has no key" not in p.stderr:
    fail(f"a key file without peer 3: exit {p.returncode}, stderr {p.stderr.strip()!r}")
p = check(work / "node1.yaml", "--control", str(work / ("c" * 120 + ".sock")))
if p.returncode != 2 or not p.stderr.startswith("clocksyncd: control socket path is too long"):
    fail(f"a long control path: exit {p.returncode}, stderr {p.stderr.strip()!r}")
long_control = work / "long-control.yaml"
long_control.write_text(base.replace("control: node1.sock", "control: " + "c" * 120 + ".sock"))
p = check(long_control)
if p.returncode != 2 or f"{long_control}:9:10: error: at 'control': control socket path is too long" not in p.stderr:
    fail(f"a long control path in the file: exit {p.returncode}, stderr {p.stderr.strip()!r}")
# Two of the node's own sockets on one address, and a peer listed twice: refused, named.
same = work / "same.yaml"
if "status: 127.0.0.1:6525" not in base:
    fail("node1.yaml no longer has its status address; update this test")
# However the address is spelled, and a wildcard covers every address of its version.
for status, listen in (("127.0.0.1:5525", None), ("localhost:5525", None), ("127.1:5525", None),
                       ("127.0.0.1:5525", "0.0.0.0:5525"), ("127.0.0.1:5525", "\"[::]:5525\"")):
    text = base.replace("status: 127.0.0.1:6525", f"status: {status}")
    if listen:
        text = text.replace("listen: 127.0.0.1:5525", f"listen: {listen}")
    same.write_text(text)
    p = check(same)
    if p.returncode != 2 or f"status {status} is the address of `listen`" not in p.stderr:
        fail(f"status {status} on listen {listen or '127.0.0.1:5525'}: exit {p.returncode}, stderr {p.stderr.strip()!r}")
twice = work / "twice.yaml"
twice.write_text(base.replace("peers: [2@127.0.0.1:5526, 3@127.0.0.1:5527]",
                              "peers: [2@127.0.0.1:5526, 3@127.0.0.1:5527, 2@127.0.0.1:5528]"))
p = check(twice)
if p.returncode != 2 or "id 2 is listed twice" not in p.stderr:
    fail(f"a peer listed twice: exit {p.returncode}, stderr {p.stderr.strip()!r}")
# Ids from 0xF0000000 up name the NTP port's clients: refused for a member and for an NTP server,
# in the file (located) and as a flag, before anything binds.
reserved = work / "reserved.yaml"
reserved.write_text(base.replace("peers: [2@127.0.0.1:5526, 3@127.0.0.1:5527]",
                                 "peers: [2@127.0.0.1:5526, 4026531840@127.0.0.1:5527]"))
p = check(reserved)
line = next(i + 1 for i, text in enumerate(reserved.read_text().splitlines()) if "4026531840@" in text)
if p.returncode != 2 or f"{reserved}:{line}:27: error: at 'peers.1': id 4026531840 is reserved" not in p.stderr:
    fail(f"a member id in the reserved range: exit {p.returncode}, stderr {p.stderr.strip()!r}")
ntp = work / "ntp.yaml"
ntp.write_text(base.replace("kind: berkeley, period: 2s, step_threshold: 1ms, quantum: 0, resolution: 0", "kind: ntp")
               + "ntp:\n  listen: 127.0.0.1:12301\n  servers: [100@127.0.0.1:12300, 4026531840@127.0.0.1:12302]\n")
p = check(ntp)
line = next(i + 1 for i, text in enumerate(ntp.read_text().splitlines()) if "servers:" in text)
if p.returncode != 2 or f"{ntp}:{line}:" not in p.stderr or "at 'ntp.servers.1': id 4026531840 is reserved" not in p.stderr:
    fail(f"an NTP server id in the reserved range: exit {p.returncode}, stderr {p.stderr.strip()!r}")
ntp.write_text(ntp.read_text().replace(", 4026531840@127.0.0.1:12302", ""))
if check(ntp).returncode != 0:
    fail(f"{ntp.name} without the reserved id must pass")
# NTP's selection parameters are read as the simulator reads them: same names, same ranges.
for param, says in [("minsane: 0", "parameter 'sync.minsane': value 0 is outside [1, 64]"),
                    ("startup_wait: 2h", "parameter 'sync.startup_wait': duration 2h is outside [0s, 3600s]")]:
    bad = work / "bad-ntp.yaml"
    bad.write_text(ntp.read_text().replace("kind: ntp", "kind: ntp, " + param))
    p = check(bad)
    line = next(i + 1 for i, text in enumerate(bad.read_text().splitlines()) if param in text)
    if p.returncode != 2 or f"{bad}:{line}:" not in p.stderr or says not in p.stderr:
        fail(f"{param!r}: exit {p.returncode}, stderr {p.stderr.strip()!r}")
good = work / "good-ntp.yaml"
good.write_text(ntp.read_text().replace("kind: ntp", "kind: ntp, minsane: 3, startup_wait: 30s"))
if check(good).returncode != 0:
    fail(f"{good.name} with minsane 3 and startup_wait 30s must pass")
p = check(ntp, "--ntp-server", "4294967000@127.0.0.1:12300")
if p.returncode != 2 or "ntp server id 4294967000 is reserved" not in p.stderr:
    fail(f"--ntp-server in the reserved range: exit {p.returncode}, stderr {p.stderr.strip()!r}")
p = check(work / "node1.yaml", "--id", "4026531841")
if p.returncode != 2 or "id 4026531841 is reserved" not in p.stderr:
    fail(f"--id in the reserved range: exit {p.returncode}, stderr {p.stderr.strip()!r}")
# Flag values outside what the virtual clock holds: NaN passes CLI11's ranges, a huge offset
# would saturate the clock.
for flag, value, says in (("--drift-ppm", "nan", "expected a number"), ("--offset", "9000000000s", "a century")):
    p = check(work / "node1.yaml", flag, value)
    if p.returncode != 2 or says not in p.stderr:
        fail(f"{flag} {value}: exit {p.returncode}, stderr {p.stderr.strip()!r}")
if os.geteuid() == 0:
    p = subprocess.run([daemon, "--config", str(work / "node1.yaml"), "--check-config", "--user", "no-such-user-x"],
                       capture_output=True, text=True, timeout=60)
    if p.returncode != 2 or "does not exist" not in p.stderr:
        fail(f"an unknown user: exit {p.returncode}, stderr {p.stderr.strip()!r}")
    # Dropping to uid 0 is no drop: packets would be parsed as root.
    p = subprocess.run([daemon, "--config", str(work / "node1.yaml"), "--check-config", "--user", "root"],
                       capture_output=True, text=True, timeout=60)
    if p.returncode != 2 or "is uid 0" not in p.stderr:
        fail(f"--user root: exit {p.returncode}, stderr {p.stderr.strip()!r}")
    # The daemon itself refuses whom it would run as as --check-config does (exit 2), before it
    # creates its state file or binds anything.
    state = work / "refused.state"
    p = subprocess.run([daemon, "--config", str(work / "node1.yaml"), "--user", "no-such-user-x", "--state-file",
                        str(state), "--control", "none"], capture_output=True, text=True, timeout=60)
    if p.returncode != 2 or "does not exist" not in p.stderr:
        fail(f"starting with an unknown user: exit {p.returncode}, stderr {p.stderr.strip()!r}")
    if state.exists():
        fail("a refused start created its state file")
print("ok")
