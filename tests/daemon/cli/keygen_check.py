#!/usr/bin/python3
"""clocksyncctl keygen writes a keyring for every member of --ids or none: ids are read as the
daemon reads them (7 or n7), at least two (a key per pair), and a failure part-way removes the
files it wrote. --out-dir is created when missing (mode 0700, its parents as mkdir -p makes them)
and refused when group or others may write it (unless sticky, as /tmp); in every mode (--out-dir,
--out, each step of a rotation) a folder others may write or another user owns, or a key file
that is a link (for a rotation step: one into such a folder), is refused and nothing changes; a
rotation step follows a link into a safe folder and keeps it. A rotation is three steps, each to every file or to none, keeping mode 0600:
--rotate adds a new key id, accept-only, to every member's file; --activate makes it the id
members sign with; --retire keeps only it. Each refuses to run out of order.

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
    out.mkdir(mode=0o700, parents=True, exist_ok=True)
    return subprocess.run([ctl, "keygen", "--ids", ids, "--out-dir", str(out)], capture_output=True, text=True, timeout=60)


p = keygen("1,n2,3", work / "ok")
if p.returncode != 0 or sorted(x.name for x in (work / "ok").iterdir()) != ["node1.keys", "node2.keys", "node3.keys"]:
    fail(f"a three-member keygen: exit {p.returncode}, {p.stderr}")
if stat.S_IMODE((work / "ok" / "node2.keys").stat().st_mode) != 0o600:
    fail("key files must be 0600")

for ids, says in (("", "is not a node id"), ("1,x", "is not a node id"), ("1,,2", "an empty item in the list"),
                  ("1,2,", "an empty item in the list"), (",1,2", "an empty item in the list"),
                  ("1,-2", "is not a node id"), ("1,4294967295", "is not a node id"), ("5", "at least two"),
                  ("1,1", "twice"), ("1,4026531840", "id 4026531840 is reserved")):
    out = work / f"bad{abs(hash(ids))}"
    p = keygen(ids, out)
    if p.returncode != 2 or says not in p.stderr:
        fail(f"--ids {ids!r}: exit {p.returncode}, stderr {p.stderr.strip()!r}")
    if any(out.iterdir()):
        fail(f"--ids {ids!r} refused, yet wrote {sorted(x.name for x in out.iterdir())}")

# A missing --out-dir is made, its parents too, the folder itself for its owner only.
fresh = work / "fresh" / "a" / "b"
p = subprocess.run([ctl, "keygen", "--ids", "1,2", "--out-dir", str(fresh) + "/"], capture_output=True, text=True,
                   timeout=60)
if p.returncode != 0 or sorted(x.name for x in fresh.iterdir()) != ["node1.keys", "node2.keys"]:
    fail(f"keygen into a missing folder: exit {p.returncode}, stderr {p.stderr.strip()!r}")
if stat.S_IMODE(fresh.stat().st_mode) != 0o700:
    fail(f"--out-dir made with mode {stat.S_IMODE(fresh.stat().st_mode):o}, expected 700")
old_umask = os.umask(0o022)
os.umask(old_umask)
if stat.S_IMODE(fresh.parent.stat().st_mode) != 0o755 & ~old_umask:
    fail(f"a parent of --out-dir made with mode {stat.S_IMODE(fresh.parent.stat().st_mode):o}, not as mkdir -p")
# Whatever the umask, the parents it makes are not writable by group or others: that would make
# the new key folder unfit (a folder on the way others may write) the moment it was made.
loose = work / "loose" / "a" / "b"
p = subprocess.run([ctl, "keygen", "--ids", "1,2", "--out-dir", str(loose)], capture_output=True, text=True,
                   timeout=60, preexec_fn=lambda: os.umask(0))
if p.returncode != 0 or stat.S_IMODE(loose.parent.stat().st_mode) != 0o755:
    fail(f"keygen under umask 0: exit {p.returncode}, stderr {p.stderr.strip()!r}, a parent made with mode "
         f"{stat.S_IMODE(loose.parent.stat().st_mode) if loose.parent.exists() else 0:o}")
# A folder others may write (without the sticky bit) could have its key files replaced: refused,
# nothing written; with the sticky bit (as /tmp) others cannot, and it is used.
shared = work / "shared"
shared.mkdir()
for mode in (0o777, 0o775, 0o757):
    shared.chmod(mode)
    p = subprocess.run([ctl, "keygen", "--ids", "1,2", "--out-dir", str(shared)], capture_output=True, text=True,
                       timeout=60)
    if p.returncode != 2 or "let group or others replace the key files in it" not in p.stderr or any(shared.iterdir()):
        fail(f"--out-dir of mode {mode:o}: exit {p.returncode}, stderr {p.stderr.strip()!r}")
shared.chmod(0o1777)
p = subprocess.run([ctl, "keygen", "--ids", "1,2", "--out-dir", str(shared)], capture_output=True, text=True, timeout=60)
if p.returncode != 0:
    fail(f"--out-dir of mode 1777: exit {p.returncode}, stderr {p.stderr.strip()!r}")
(work / "plain").write_text("")
p = subprocess.run([ctl, "keygen", "--ids", "1,2", "--out-dir", str(work / "plain")], capture_output=True, text=True,
                   timeout=60)
if p.returncode != 2 or "is not a folder" not in p.stderr:
    fail(f"--out-dir naming a file: exit {p.returncode}, stderr {p.stderr.strip()!r}")
# Refused ids make no folder.
p = subprocess.run([ctl, "keygen", "--ids", "1,x", "--out-dir", str(work / "never")], capture_output=True, text=True,
                   timeout=60)
if p.returncode != 2 or (work / "never").exists():
    fail(f"refused ids: exit {p.returncode}, and the folder {'was' if (work / 'never').exists() else 'was not'} made")

# node3.keys exists and --force is not given: nothing of the new set may stay.
part = work / "part"
part.mkdir(mode=0o700)
(part / "node3.keys").write_text("keep me\n")
os.chmod(part / "node3.keys", 0o600)
p = keygen("1,2,3", part)
if p.returncode == 0:
    fail("keygen overwrote an existing key file without --force")
if sorted(x.name for x in part.iterdir()) != ["node3.keys"] or (part / "node3.keys").read_text() != "keep me\n":
    fail(f"a failed keygen left {sorted(x.name for x in part.iterdir())}: {p.stderr}")


def ctl_keygen(*args):
    return subprocess.run([ctl, "keygen", *args], capture_output=True, text=True, timeout=60)


def key_ids(path):
    return sorted({int(line.split()[1]) for line in path.read_text().splitlines()
                   if line.strip() and not line.lstrip().startswith("#")})


def key_lines(path):
    return [l for l in path.read_text().splitlines() if l.strip() and not l.lstrip().startswith("#")]


def texts(folder):
    return {n: (folder / f"node{n}.keys").read_text() for n in (1, 2, 3)}


# Rotation: id 2 beside id 1 in every file, accept-only; then signing; then only id 2. The old
# pair keys stay byte for byte, and the new ones keep their bytes from step to step.
rot = work / "rot"
rot.mkdir()
if keygen("1,2,3", rot).returncode != 0:
    fail("keygen for the rotation")
old_lines = {n: key_lines(rot / f"node{n}.keys") for n in (1, 2, 3)}
# A step for some members only would leave the pairs with the others behind: refused, naming
# the member left out and the whole list; no file changes.
fresh = texts(rot)
for step in ("--rotate", "--activate", "--retire"):
    p = ctl_keygen("--ids", "1,2", "--out-dir", str(rot), step)
    if p.returncode != 2 or "holds keys for member 3, which --ids leaves out" not in p.stderr \
            or "(--ids 1,2,3)" not in p.stderr or texts(rot) != fresh:
        fail(f"{step} for members 1,2 of 1,2,3: exit {p.returncode}, {p.stderr}")
p = ctl_keygen("--ids", "1,2,3", "--out-dir", str(rot), "--rotate")
if p.returncode != 0:
    fail(f"--rotate: exit {p.returncode}, {p.stderr}")
for n in (1, 2, 3):
    f = rot / f"node{n}.keys"
    if key_ids(f) != [1, 2] or not set(old_lines[n]) <= set(f.read_text().splitlines()):
        fail(f"--rotate: node{n}.keys holds ids {key_ids(f)}:\n{f.read_text()}")
    new = [l for l in key_lines(f) if l.split()[1] == "2"]
    if len(new) != 2 or any(l.split()[3:] != ["accept-only"] for l in new):
        fail(f"--rotate: the new keys of node{n}.keys are not accept-only:\n{f.read_text()}")
    if stat.S_IMODE(f.stat().st_mode) != 0o600:
        fail("--rotate must keep key files 0600")
# Nodes 1 and 2 share the new key: the same hex under both ids' lines.
k12 = [l.split()[2] for l in (rot / "node1.keys").read_text().splitlines() if l.startswith("2 2 ")]
k21 = [l.split()[2] for l in (rot / "node2.keys").read_text().splitlines() if l.startswith("1 2 ")]
if len(k12) != 1 or k12 != k21:
    fail("--rotate: nodes 1 and 2 do not share one new key")
rotated = texts(rot)
for args, says in ((["--rotate"], "a rotation is under way"),
                   (["--rotate", "--key-id", "3"], "a rotation is under way"),
                   (["--retire"], "run --activate"),
                   (["--activate", "--key-id", "2"], "--key-id names the id --rotate adds"),
                   (["--rotate", "--activate"], "excludes"),
                   (["--activate", "--retire"], "excludes")):
    p = ctl_keygen("--ids", "1,2,3", "--out-dir", str(rot), *args)
    if p.returncode != 2 or says not in p.stderr or texts(rot) != rotated:
        fail(f"{' '.join(args)} in the middle of a rotation: exit {p.returncode}, {p.stderr}")
for attempt in (1, 2):  # a second --activate changes nothing
    p = ctl_keygen("--ids", "1,2,3", "--out-dir", str(rot), "--activate")
    if p.returncode != 0:
        fail(f"--activate (#{attempt}): exit {p.returncode}, {p.stderr}")
    for n in (1, 2, 3):
        f = rot / f"node{n}.keys"
        want = [" ".join(l.split()[:3]) for l in key_lines(f)]
        if "accept-only" in f.read_text() or key_ids(f) != [1, 2] or \
                want != [" ".join(l.split()[:3]) for l in rotated[n].splitlines()
                         if l.strip() and not l.lstrip().startswith("#")]:
            fail(f"--activate: node{n}.keys:\n{f.read_text()}")
p = ctl_keygen("--ids", "1,2,3", "--out-dir", str(rot), "--rotate", "--key-id", "2")
if p.returncode != 2 or "not above the highest" not in p.stderr:
    fail(f"--rotate --key-id 2 over id 2: exit {p.returncode}, {p.stderr}")
p = ctl_keygen("--ids", "1,2,3", "--out-dir", str(rot), "--retire")
if p.returncode != 0 or any(key_ids(rot / f"node{n}.keys") != [2] for n in (1, 2, 3)):
    fail(f"--retire: exit {p.returncode}, {p.stderr}")
if (rot / "node1.keys").read_text().count("2 2 " + k12[0]) != 1:
    fail("--retire changed the new key's bytes")

# A member whose file lacks the new id cannot be retired to it; nothing changes.
lag = work / "lag"
lag.mkdir()
keygen("1,2,3", lag)
ctl_keygen("--ids", "1,2,3", "--out-dir", str(lag), "--rotate")
before = texts(lag)
(lag / "node3.keys").write_text("\n".join(l for l in before[3].splitlines() if not l.startswith(("1 2 ", "2 2 "))) + "\n")
before[3] = (lag / "node3.keys").read_text()
for step in ("--activate", "--retire"):
    p = ctl_keygen("--ids", "1,2,3", "--out-dir", str(lag), step)
    if p.returncode != 2 or "run --rotate" not in p.stderr or "node3.keys" not in p.stderr:
        fail(f"{step} with a lagging file: exit {p.returncode}, {p.stderr}")
    if texts(lag) != before:
        fail(f"a refused {step} changed a file")
# A missing member file, or a world-readable one, refuses the rotation before any change.
os.chmod(lag / "node2.keys", 0o644)
p = ctl_keygen("--ids", "1,2,3", "--out-dir", str(lag), "--rotate")
if p.returncode != 2 or "too open" not in p.stderr or any((lag / f"node{n}.keys").read_text() != before[n] for n in (1, 2, 3)):
    fail(f"--rotate over a 0644 file: exit {p.returncode}, {p.stderr}")
os.chmod(lag / "node2.keys", 0o600)
p = ctl_keygen("--ids", "1,2,4", "--out-dir", str(lag), "--rotate")
if p.returncode != 2 or "node4.keys" not in p.stderr:
    fail(f"--rotate with a member file missing: exit {p.returncode}, {p.stderr}")
p = ctl_keygen("--ids", "1,2,3", "--out-dir", str(lag), "--rotate", "--retire")
if p.returncode != 2:
    fail(f"--rotate with --retire: exit {p.returncode}")
# Past the last key id there is no rotation: refused, saying so, not wrapped round to id 0.
top = work / "top"
top.mkdir()
p = ctl_keygen("--ids", "1,2,3", "--out-dir", str(top), "--key-id", "4294967295")
if p.returncode != 0:
    fail(f"keygen --key-id 4294967295: exit {p.returncode}, {p.stderr}")
before = texts(top)
p = ctl_keygen("--ids", "1,2,3", "--out-dir", str(top), "--rotate")
if p.returncode != 2 or "no key id above 4294967295 is left" not in p.stderr or texts(top) != before:
    fail(f"--rotate past the last key id: exit {p.returncode}, {p.stderr}")

# Every mode judges its folder alike (one check): a folder group or others may write (without the
# sticky bit) or that another user owns is refused, exit 2, naming the folder and its mode or
# owner, and so is a key file that is a link (see below); nothing is written or changed. Root's own
# ownership excuses no write bit, so this means the same when the tests run as root.
def modes(folder):
    return {x.name: (x.read_text() if x.is_file() and not x.is_symlink() else "->") for x in folder.iterdir()}


def every_mode(folder):
    """The keygen command lines of every mode, writing into or changing the files of `folder`."""
    return {"--ids --out-dir": ["--ids", "1,2,3", "--out-dir", str(folder), "--force"],
            "--out": ["--out", str(folder / "cluster.key"), "--force"],
            "--rotate": ["--ids", "1,2,3", "--out-dir", str(folder), "--rotate"],
            "--activate": ["--ids", "1,2,3", "--out-dir", str(folder), "--activate"],
            "--retire": ["--ids", "1,2,3", "--out-dir", str(folder), "--retire"]}


def expect_refused(mode, args, folder, says):
    before = modes(folder)
    p = ctl_keygen(*args)
    if p.returncode != 2 or says not in p.stderr or len(p.stderr.splitlines()) != 1:
        fail(f"keygen {mode} into {folder}: exit {p.returncode}, stderr {p.stderr.strip()!r}; expected exit 2 "
             f"saying {says!r}")
    if modes(folder) != before:
        fail(f"keygen {mode} refused for {folder}, yet changed its files")


guarded = work / "guarded"
guarded.mkdir(mode=0o700)
if keygen("1,2,3", guarded).returncode != 0 or ctl_keygen("--out", str(guarded / "cluster.key")).returncode != 0:
    fail("keygen for the folder checks")
for mode, args in every_mode(guarded).items():
    for bits in (0o777, 0o775, 0o757, 0o720):
        guarded.chmod(bits)
        expect_refused(mode, args, guarded, f"folder {guarded}: permissions {bits:04o} let group or others "
                                            f"replace the key files in it (chmod go-w {guarded})")
    guarded.chmod(0o700)
if os.geteuid() == 0:
    os.chown(guarded, 4242, 4242)
    for mode, args in every_mode(guarded).items():
        expect_refused(mode, args, guarded, f"folder {guarded}: owned by uid 4242, not by this user or root")
    os.chown(guarded, 0, 0)
# Every folder on the way counts, not only the last (as sshd's StrictModes): whoever may write one
# above may rename the key folder away and put one of their own in its place.
inner = guarded / "inner"
inner.mkdir(mode=0o700)
if keygen("1,2,3", inner).returncode != 0 or ctl_keygen("--out", str(inner / "cluster.key")).returncode != 0:
    fail("keygen for the folder checks on the way")
for mode, args in every_mode(inner).items():
    guarded.chmod(0o757)
    expect_refused(mode, args, inner, f"folder {guarded} (on the way to {inner}): permissions 0757 let group or "
                                      f"others rename what is in it, and so replace the key files (chmod go-w {guarded})")
    guarded.chmod(0o1777)  # sticky, root's or this user's (as /tmp): nobody else can rename what is in it
    if ctl_keygen(*args).returncode != 0:
        fail(f"keygen {mode} below a sticky folder: {ctl_keygen(*args).stderr}")
    guarded.chmod(0o700)
# A missing --out-dir is not made below a folder others may write; a fit one is made 0700.
guarded.chmod(0o777)
p = ctl_keygen("--ids", "1,2", "--out-dir", str(guarded / "new" / "keys"))
if p.returncode != 2 or f"folder {guarded} (on the way to {guarded}/new/keys): permissions 0777" not in p.stderr \
        or (guarded / "new").exists():
    fail(f"--out-dir made below a folder of mode 0777: exit {p.returncode}, stderr {p.stderr.strip()!r}")
guarded.chmod(0o700)
shutil.rmtree(inner)
# A key file that is a link: a rotation step changes the file where it leads and keeps the link
# (configuration management, secret mounts), when the folder it leads to is as safe as the key
# folder; when others may write that folder, whoever may change what is there chooses the keys,
# and the step is refused. New keyrings and --out are written only where they are named.
elsewhere = work / "elsewhere"
elsewhere.mkdir(mode=0o700)
for name in ("node2.keys", "cluster.key"):
    (elsewhere / name).write_bytes((guarded / name).read_bytes())
    os.chmod(elsewhere / name, 0o600)
    (guarded / name).unlink()
    (guarded / name).symlink_to(elsewhere / name)
link = guarded / "node2.keys"
for mode in ("--rotate", "--activate", "--retire"):
    before = (elsewhere / "node2.keys").read_bytes()
    p = ctl_keygen(*every_mode(guarded)[mode])
    if p.returncode != 0 or not link.is_symlink() or link.resolve() != elsewhere / "node2.keys" or \
            (elsewhere / "node2.keys").read_bytes() == before:
        fail(f"keygen {mode} through a link into a safe folder: exit {p.returncode}, {p.stderr.strip()!r}, "
             f"link kept: {link.is_symlink()}")
kept = modes(elsewhere)
for mode in ("--out", "--ids --out-dir"):
    named = guarded / ("cluster.key" if mode == "--out" else "node2.keys")
    expect_refused(mode, every_mode(guarded)[mode], guarded,
                   f"{named} is a symbolic link; new keys are written only where they are named")
elsewhere.chmod(0o757)
for mode in ("--rotate", "--activate", "--retire"):
    expect_refused(mode, every_mode(guarded)[mode], guarded,
                   f"folder {elsewhere}: permissions 0757 let group or others replace the key files in it (chmod "
                   f"go-w {elsewhere}) ({link} is a link to {elsewhere / 'node2.keys'})")
if modes(elsewhere) != kept:
    fail("a refused keygen changed the file a link points to")
elsewhere.chmod(0o700)
# Once fit, every mode goes through (the refusals above were the folder's, not the files').
for name in ("node2.keys", "cluster.key"):
    (guarded / name).unlink()
    shutil.copy2(elsewhere / name, guarded / name)
for mode in ("--rotate", "--activate", "--retire", "--out", "--ids --out-dir"):
    p = ctl_keygen(*every_mode(guarded)[mode])
    if p.returncode != 0:
        fail(f"keygen {mode} into a fit folder: exit {p.returncode}, {p.stderr}")
print("ok: keygen writes every keyring or none; --rotate, --activate and --retire change every file or none, in order")
