#!/usr/bin/python3
"""clocksyncd refuses (exit 2, by the start and by --check-config) a key file that someone other
than root, this user or the user it drops to could replace: one in a folder that group or others
may write (without the sticky bit), or below such a folder, or a link into such a folder. Whoever
may write any of them may put keys of their own in the file's place. A key file in a safe folder,
and a link into one, are accepted. A refused key file that the config file names is pointed to
there (file:line:col and the key); one given by --key-file is named as the flag gave it.

usage: key_file_start_check.py CLOCKSYNCD WORK_DIR"""
import os
import pathlib
import shutil
import subprocess
import sys

daemon, work = sys.argv[1], pathlib.Path(sys.argv[2])
shutil.rmtree(work, ignore_errors=True)
work.mkdir(parents=True)
work.chmod(0o755)
user = ["--user", "nobody"] if os.geteuid() == 0 else []
config = work / "node.yaml"
config.write_text("id: 1\nlisten: 127.0.0.1:0\ncontrol: none\npeers: [2@127.0.0.1:9]\n"
                  "algorithm:\n  sync: {kind: berkeley, period: 2s}\n")


def fail(message):
    sys.exit("FAIL: " + message)


def check(key):
    return subprocess.run([daemon, "--config", str(config), "--key-file", str(key), *user, "--check-config"],
                          capture_output=True, text=True, timeout=10)


def key_in(folder, name="cluster.key"):
    folder.mkdir(mode=0o700, exist_ok=True)
    folder.chmod(0o700)
    key = folder / name
    key.write_text(os.urandom(32).hex() + "\n")
    key.chmod(0o600)
    return key


def expect_accepted(key):
    p = check(key)
    if p.returncode != 0:
        fail(f"{key}: exit {p.returncode}, stderr {p.stderr.strip()!r}; expected the key file to be accepted")


def expect_refused(key, says):
    p = check(key)
    if p.returncode != 2 or f"key file {key}" not in p.stderr or says not in p.stderr:
        fail(f"{key}: exit {p.returncode}, stderr {p.stderr.strip()!r}; expected exit 2 saying {says!r}")


safe = key_in(work / "safe")
expect_accepted(safe)
for bits in (0o777, 0o775, 0o757, 0o720):
    (work / "safe").chmod(bits)
    expect_refused(safe, f"folder {work / 'safe'}: permissions {bits:04o} let group or others replace the key file")
(work / "safe").chmod(0o1777)  # sticky and root's or this user's: nobody else can rename the file away
expect_accepted(safe)
(work / "safe").chmod(0o700)

# A folder above counts as much: whoever may write it may rename the key folder and put their own.
(work / "above").mkdir(mode=0o700)
inner = key_in(work / "above" / "inner")
(work / "above").chmod(0o757)
expect_refused(inner, f"folder {work / 'above'} (on the way to {work / 'above' / 'inner'}): permissions 0757")
(work / "above").chmod(0o700)
expect_accepted(inner)

# A link: judged where it leads too.
target = key_in(work / "elsewhere", "real.key")
link = work / "safe" / "linked.key"
link.symlink_to(target)
expect_accepted(link)
(work / "elsewhere").chmod(0o757)
expect_refused(link, f"folder {work / 'elsewhere'}: permissions 0757 let group or others replace the key file in it")
expect_refused(link, f"({link} is a link to {target})")
# Named by the config file: the refusal points to where (a missing file, and one others could replace).
named = work / "named.yaml"
missing = work / "safe" / "missing.key"
named.write_text(config.read_text() + f"key_file: {missing}\n")
line = len(config.read_text().splitlines()) + 1
for key, says in ((missing, "cannot open key file"), (link, "permissions 0757")):
    named.write_text(config.read_text() + f"key_file: {key}\n")
    p = subprocess.run([daemon, "--config", str(named), *user, "--check-config"], capture_output=True, text=True, timeout=10)
    where = f"clocksyncd: {named}:{line}:11: error: at 'key_file': "
    if p.returncode != 2 or not p.stderr.startswith(where) or says not in p.stderr:
        fail(f"key_file: {key} in {named}: exit {p.returncode}, stderr {p.stderr.strip()!r}; expected exit 2, "
             f"beginning {where!r} and saying {says!r}")
    # The flag replaces the file's key_file, and with it the place an error points to.
    p = subprocess.run([daemon, "--config", str(named), "--key-file", str(missing), *user, "--check-config"],
                       capture_output=True, text=True, timeout=10)
    if p.returncode != 2 or "error: at 'key_file'" in p.stderr or f"{missing}: cannot open key file" not in p.stderr:
        fail(f"--key-file {missing}: exit {p.returncode}, stderr {p.stderr.strip()!r}; expected exit 2 naming the flag's file only")
(work / "elsewhere").chmod(0o700)
print("ok: a key file others could replace is refused, in its folder, above it, or where its link leads")
