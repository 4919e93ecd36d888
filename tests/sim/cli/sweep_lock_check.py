#!/usr/bin/python3
"""CTest cli.sweep_folder_lock: two sweeps never write one folder at once.

- A second `clocksim sweep` into a folder where one runs stops at once with exit 2 and says the
  folder is in use; the first goes on undisturbed.
- Shards of one sweep run side by side; a shard started twice, the whole sweep, or a merge beside
  running shards stop with exit 2.
- A sweep killed outright (SIGKILL) leaves no lock behind: the same sweep then runs to its end.

    sweep_lock_check.py CLOCKSIM_BINARY WORK_DIR
"""
import os
import shutil
import signal
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cli_check_common import endless_scenario, fail, sweep_over, wait_for  # noqa: E402


def sweep_text(duration):
    return sweep_over("endless.yaml", "locked", duration, 50)


def start(clocksim, *args):
    return subprocess.Popen([clocksim, "sweep", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def wait_started(out, count=1):
    wait_for(lambda: os.path.isdir(out) and sum(name.endswith(".partial") for name in os.listdir(out)) >= count,
             f"{count} run(s) to start in {out}")


def refused(clocksim, args, expected):
    result = subprocess.run([clocksim, "sweep", *args], capture_output=True, text=True, timeout=60)
    if result.returncode != 2 or expected not in result.stderr:
        fail(f"clocksim sweep {' '.join(args)}: expected exit 2 saying {expected!r}, got {result.returncode}: "
             f"{result.stderr!r}")
    print(f"ok: refused ({result.stderr.strip()})")


def stop(proc):
    proc.send_signal(signal.SIGTERM)
    proc.communicate(timeout=60)


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    clocksim, work = sys.argv[1], os.path.abspath(sys.argv[2])
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    with open(os.path.join(work, "endless.yaml"), "w") as f:
        f.write(endless_scenario("1s", 50))
    sweep_file = os.path.join(work, "sweep.yaml")
    with open(sweep_file, "w") as f:
        f.write(sweep_text("100000s"))

    # A second copy of a running sweep.
    out = os.path.join(work, "whole")
    first = start(clocksim, sweep_file, "--out", out, "--jobs", "1")
    wait_started(out)
    refused(clocksim, [sweep_file, "--out", out, "--jobs", "1"], "is in use by another clocksim sweep")
    refused(clocksim, [sweep_file, "--out", out, "--shard", "0/2"], "is in use by the whole sweep")
    refused(clocksim, [sweep_file, "--out", out, "--merge"], "is in use by another clocksim sweep")
    if first.poll() is not None:
        fail(f"the first sweep ended when the second was refused: {first.communicate()}")
    if not any(name.endswith(".partial") for name in os.listdir(out)):
        fail("the refused sweep disturbed the running one's run folder")
    print("ok: the running sweep goes on")

    # SIGKILL runs no handler at all; the system still drops the lock with the process.
    first.kill()
    first.communicate(timeout=60)
    with open(sweep_file, "w") as f:
        f.write(sweep_text("2s"))
    result = subprocess.run([clocksim, "sweep", sweep_file, "--out", out, "--quiet"], capture_output=True, text=True,
                            timeout=300)
    if result.returncode != 0:
        fail(f"after SIGKILL the sweep could not take its folder again: {result.returncode} {result.stderr!r}")
    print("ok: a killed sweep leaves no lock; the sweep then finished")

    # Shards side by side, but each once.
    with open(sweep_file, "w") as f:
        f.write(sweep_text("100000s"))
    shards_out = os.path.join(work, "shards")
    a = start(clocksim, sweep_file, "--out", shards_out, "--shard", "0/2")
    b = start(clocksim, sweep_file, "--out", shards_out, "--shard", "1/2")
    wait_started(shards_out, 2)
    for proc in (a, b):
        if proc.poll() is not None:
            fail(f"a shard beside another was refused: {proc.communicate()}")
    print("ok: shards 0/2 and 1/2 run side by side")
    refused(clocksim, [sweep_file, "--out", shards_out, "--shard", "1/2"], "shard 1/2 is already running")
    refused(clocksim, [sweep_file, "--out", shards_out, "--merge"], "is in use by another clocksim sweep")
    refused(clocksim, [sweep_file, "--out", shards_out], "is in use by another clocksim sweep")
    stop(a)
    stop(b)


if __name__ == "__main__":
    main()
