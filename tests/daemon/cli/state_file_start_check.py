#!/usr/bin/python3
"""clocksyncd started with a state file it cannot create exits 2 naming the file and the reason,
and leaves nothing behind: a file-size limit below the file's layout (RLIMIT_FSIZE: the write
fails with EFBIG, and the daemon ignores SIGXFSZ so that the signal does not end it first), a
read-only folder and a full file system. A state file that is a symbolic link, or in a folder
that group or others may write (without the sticky bit), or below one, is refused the same way,
by the start and by --check-config, and nothing is written through the link. The read-only folder and the
full file system need a folder that is really read-only or
full: as an unprivileged user a mode 0555 folder; as root (who writes through any mode) a private
mount namespace with a read-only bind mount and a 4 KiB tmpfs, skipped where mounts are not
permitted. A refused state file that the config file names is pointed to there (file:line:col and
the key), by the start and by --check-config.

usage: state_file_start_check.py CLOCKSYNCD WORK_DIR"""
import os
import pathlib
import resource
import shutil
import subprocess
import sys

daemon, work = sys.argv[1], pathlib.Path(sys.argv[2])
shutil.rmtree(work, ignore_errors=True)
work.mkdir(parents=True)
root = os.geteuid() == 0
# As root the daemon insists on a user to drop to; the state file is opened before it drops.
user = ["--user", "nobody"] if root else []
config = work / "node.yaml"
config.write_text("id: 1\nlisten: 127.0.0.1:0\ncontrol: none\npeers: [2@127.0.0.1:9]\ninsecure: true\n"
                  "algorithm:\n  sync: {kind: berkeley, period: 2s}\n")


def fail(message):
    sys.exit("FAIL: " + message)


def start(state, prefix=(), preexec_fn=None):
    # A start that gets past the state file runs until the timeout: that is a failure here too.
    try:
        return subprocess.run([*prefix, daemon, "--config", str(config), "--state-file", str(state), *user],
                              capture_output=True, text=True, timeout=10, preexec_fn=preexec_fn)
    except subprocess.TimeoutExpired:
        fail(f"{state}: the daemon started")


def check_config(state, prefix=()):
    return subprocess.run([*prefix, daemon, "--config", str(config), "--state-file", str(state), *user, "--check-config"],
                          capture_output=True, text=True, timeout=10)


def expect_refused(p, state, reason):
    if p.returncode != 2 or f"state file {state}" not in p.stderr or reason not in p.stderr:
        fail(f"{state}: exit {p.returncode}, stderr {p.stderr.strip()!r}; expected exit 2 and {reason!r}")
    left = sorted(x.name for x in state.parent.glob(state.name + "*"))
    if left:
        fail(f"{state}: a refused start left {left}")


def small_files():
    resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))  # the layout is 8192 bytes


state = work / "limited.state"
expect_refused(start(state, preexec_fn=small_files), state, "File too large")

# A link is refused, not followed: neither the file it names nor the folder's is written.
target = work / "elsewhere.state"
for name in ("linked.state", "dangling.state"):
    link = work / name
    if name == "linked.state":
        target.write_bytes(b"")
        target.chmod(0o600)
    elif target.exists():
        target.unlink()
    link.symlink_to(target)
    for run in (start, check_config):
        p = run(link)
        if p.returncode != 2 or f"state file {link}: is a symbolic link" not in p.stderr:
            fail(f"{name} ({run.__name__}): exit {p.returncode}, stderr {p.stderr.strip()!r}")
    if not link.is_symlink() or (name == "dangling.state") == target.exists() or \
            (target.exists() and target.stat().st_size != 0):
        fail(f"{name}: the refused start wrote through the link")
    link.unlink()

# A folder others may write: they could put their own file in its place.
shared = work / "shared"
shared.mkdir()
shared.chmod(0o777)
for run in (start, check_config):
    expect_refused(run(shared / "n.state"), shared / "n.state", "let group or others replace the state file in it")
shared.chmod(0o1777)  # sticky, as /tmp: others can neither remove nor rename our file
p = check_config(shared / "n.state")
if p.returncode != 0:
    fail(f"a sticky folder: exit {p.returncode}, stderr {p.stderr.strip()!r}")

# A folder on the way others may write: they could rename the state file's folder away and put
# their own in its place (every folder on the way is judged, as sshd's StrictModes does).
above = work / "above"
(above / "state").mkdir(parents=True)
above.chmod(0o757)
for run in (start, check_config):
    expect_refused(run(above / "state" / "n.state"), above / "state" / "n.state",
                   f"folder {above} (on the way to {above / 'state'}): permissions 0757 let group or others rename "
                   "what is in it, and so replace the state file")

# Named by the config file (not --state-file): the refusal points to the key that named it.
named = work / "named.yaml"
named.write_text(config.read_text() + f"state_file: {above / 'state' / 'n.state'}\n")
where = f"clocksyncd: {named}:{len(config.read_text().splitlines()) + 1}:13: error: at 'state_file': state file "
for extra in ([], ["--check-config"]):
    try:
        p = subprocess.run([daemon, "--config", str(named), *user, *extra], capture_output=True, text=True, timeout=10)
    except subprocess.TimeoutExpired:
        fail(f"state_file in {named} {extra}: the daemon started")
    if p.returncode != 2 or not p.stderr.startswith(where) or "permissions 0757" not in p.stderr:
        fail(f"state_file in {named} {extra}: exit {p.returncode}, stderr {p.stderr.strip()!r}; expected exit 2 beginning {where!r}")
above.chmod(0o755)

readonly = work / "readonly"
readonly.mkdir()
if not root:
    readonly.chmod(0o555)
    expect_refused(start(readonly / "n.state"), readonly / "n.state", "Permission denied")
    # --check-config says so too, rather than passing a start that then fails.
    expect_refused(check_config(readonly / "n.state"), readonly / "n.state", "Permission denied")
    readonly.chmod(0o755)


def in_namespace(mount):
    # unshare -m: the mount is seen by this command only and ends with it.
    return ["unshare", "-m", "sh", "-c", mount + ' && exec "$0" "$@"']


if root and shutil.which("unshare"):
    probe = subprocess.run(["unshare", "-m", "true"], capture_output=True)
    if probe.returncode != 0:
        print("skipped read-only and full file systems: no mount namespace here")
    else:
        read_only_mount = in_namespace(f"mount --bind -o ro {readonly} {readonly}")
        expect_refused(start(readonly / "n.state", read_only_mount), readonly / "n.state", "Read-only file system")
        expect_refused(check_config(readonly / "n.state", read_only_mount), readonly / "n.state", "Read-only file system")
        full = work / "full"
        full.mkdir()
        fill = f"mount -t tmpfs -o size=4k tmpfs {full} && dd if=/dev/zero of={full}/fill bs=1k count=8 2>/dev/null; true"
        p = start(full / "n.state", in_namespace(fill))
        if p.returncode != 2 or "No space left on device" not in p.stderr:
            fail(f"a full file system: exit {p.returncode}, stderr {p.stderr.strip()!r}")
print("ok")
