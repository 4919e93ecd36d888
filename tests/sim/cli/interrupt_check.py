#!/usr/bin/python3
"""CTest cli.interrupt_and_write_errors: a run or sweep that is stopped, or can no longer write,
leaves no unfinished file behind.

- `clocksim run` ended by SIGINT, SIGTERM, SIGHUP or SIGQUIT mid-run: the process still ends by
  that signal (so shells and schedulers see what happened) and its output folder holds no
  temporary file.
- `clocksim run` under a file-size limit (a full disk fails the same way): it stops at the first
  refused write, long before the run would end, with exit 2, a message naming the file and the
  reason, and nothing in the output folder.
- `clocksim run` whose trace could not fit on the file system at all: refused before it starts,
  with exit 2, and nothing created.
- `clocksim run` whose events.csv outgrows its room (no trace; the check before the run cannot
  count events, whose number only the run tells): it stops at the refused write with exit 2,
  saying how far it got, why the check did not foresee it and what to change, and leaves nothing.
- `clocksim sweep` ended by SIGTERM: no temporary file anywhere under its folder, and running the
  same command again finishes the sweep.

    interrupt_check.py CLOCKSIM_BINARY WORK_DIR
"""
import os
import resource
import shutil
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cli_check_common import endless_scenario, fail, sweep_over, wait_for  # noqa: E402

# The trace of three nodes at a 10 ms tick grows by a hundred megabytes a second or more, and the
# whole run would write about 1.5 GB (the run refuses to start with less than 580 MB free).
ENDLESS = endless_scenario("10ms", 3)


def no_core():
    # SIGQUIT's default action dumps core; the test wants the exit status, not a core file.
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def every_file(folder):
    found = []
    for root, _, names in os.walk(folder):
        found += [os.path.relpath(os.path.join(root, n), folder) for n in names]
    return sorted(found)


def temporaries(folder):
    return [f for f in every_file(folder) if ".tmp" in os.path.basename(f)]


def check_run_signal(clocksim, work, scenario, sig):
    out = os.path.join(work, "run-" + sig.name)
    shutil.rmtree(out, ignore_errors=True)
    proc = subprocess.Popen([clocksim, "run", scenario, "--out", out, "--quiet"], preexec_fn=no_core,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)

    def trace_on_disk():
        return any(os.path.getsize(os.path.join(out, f)) > 0 for f in temporaries(out)) if os.path.isdir(out) else False

    wait_for(trace_on_disk, f"the run's trace to reach the disk before {sig.name}")
    proc.send_signal(sig)
    try:
        _, err = proc.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        proc.kill()
        fail(f"{sig.name}: the run did not end")
    if proc.returncode != -sig:
        fail(f"{sig.name}: expected the run to end by the signal, got exit status {proc.returncode}\n{err}")
    left = every_file(out)
    if left:
        fail(f"{sig.name}: the interrupted run left {left} in {out}")
    print(f"ok: {sig.name} ended the run and it left nothing behind")


def check_file_size_limit(clocksim, work, scenario):
    out = os.path.join(work, "run-fsize")
    shutil.rmtree(out, ignore_errors=True)

    def limit():
        resource.setrlimit(resource.RLIMIT_FSIZE, (4 << 20, resource.RLIM_INFINITY))

    start = time.monotonic()
    try:
        result = subprocess.run([clocksim, "run", scenario, "--out", out, "--quiet"], preexec_fn=limit,
                                capture_output=True, text=True, timeout=120)
    except subprocess.TimeoutExpired:
        fail("under a 4 MiB file-size limit the run went on instead of stopping at the refused write")
    took = time.monotonic() - start
    if result.returncode != 2:
        fail(f"under a file-size limit: expected exit 2, got {result.returncode}\n{result.stderr}")
    for needed in ("trace.csv", "File too large"):
        if needed not in result.stderr:
            fail(f"the write error's message lacks {needed!r}: {result.stderr!r}")
    # The limit is reached within milliseconds of the start; the whole run takes seconds (more
    # under a sanitizer). Going on to the end would not be stopping at the refused write.
    if took > 3:
        fail(f"the run went on for {took:.1f} s after its first refused write")
    left = every_file(out) if os.path.isdir(out) else []
    if left:
        fail(f"the failed run left {left} in {out}")
    print(f"ok: a refused write stopped the run after {took:.1f} s with exit 2: {result.stderr.strip()}")


# Thirty nodes on a lossy network write hundreds of kilobytes of events a simulated minute (a
# master_silent per node per missed heartbeat); skew.csv alone is 6 kB, all the check can count.
CHATTY = """name: chatty
seed: 1
duration: 10m
tick: 1s
nodes: 30
clocks:
  drift_ppm: uniform(-100, 100)
  initial_offset: uniform(-20ms, 20ms)
topology: full_mesh
links:
  latency: uniform(1ms, 5ms)
  loss: 0.3
algorithm:
  sync: {kind: berkeley, period: 200ms}
  election: {kind: bully}
output: {trace: false}
"""


def check_events_outgrow_their_room(clocksim, work):
    out = os.path.join(work, "run-events", "out")
    shutil.rmtree(os.path.dirname(out), ignore_errors=True)
    scenario = os.path.join(work, "chatty.yaml")
    with open(scenario, "w") as f:
        f.write(CHATTY)

    def limit():  # a full disk fails the same way, with "No space left on device"
        resource.setrlimit(resource.RLIMIT_FSIZE, (512 << 10, resource.RLIM_INFINITY))

    result = subprocess.run([clocksim, "run", scenario, "--out", out, "--quiet"], preexec_fn=limit,
                            capture_output=True, text=True, timeout=300)
    if result.returncode != 2:
        fail(f"events past a 512 KiB file-size limit: expected exit 2, got {result.returncode}\n{result.stderr}")
    for needed in ("I/O error writing", "events.", "File too large", " (at t=", "of 600.000s)",
                   "no bound on their size is known before it", "output.events: false"):
        if needed not in result.stderr:
            fail(f"the refused write's message lacks {needed!r}: {result.stderr!r}")
    if os.path.exists(os.path.dirname(out)):
        fail(f"the failed run left {every_file(os.path.dirname(out))} behind")
    print(f"ok: events past their room stopped the run with exit 2: {result.stderr.strip()}")


def check_no_room(clocksim, work):
    out = os.path.join(work, "run-no-room", "out")
    scenario = os.path.join(work, "petabytes.yaml")
    with open(scenario, "w") as f:
        f.write("name: petabytes\nduration: 1000000s\ntick: 1ns\nnodes: 3\n")
    result = subprocess.run([clocksim, "run", scenario, "--out", out, "--quiet"], capture_output=True, text=True,
                            timeout=60)
    if result.returncode != 2 or "need at least" not in result.stderr:
        fail(f"a petabyte trace: expected exit 2 saying how much it needs, got {result.returncode}: {result.stderr!r}")
    if os.path.exists(os.path.dirname(out)):
        fail("the refused run created its output folder")
    print(f"ok: refused before it started: {result.stderr.strip()}")


def check_sweep_signal(clocksim, work):
    folder = os.path.join(work, "sweep")
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(folder)
    with open(os.path.join(folder, "endless.yaml"), "w") as f:
        f.write(ENDLESS)
    sweep_file = os.path.join(folder, "sweep.yaml")
    with open(sweep_file, "w") as f:
        f.write(sweep_over("endless.yaml", "endless-sweep", "100000s", 3))
    out = os.path.join(folder, "out")
    proc = subprocess.Popen([clocksim, "sweep", sweep_file, "--out", out, "--jobs", "2"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    wait_for(lambda: os.path.isdir(out) and len(temporaries(out)) >= 2, "two runs of the sweep to start")
    proc.send_signal(signal.SIGTERM)
    try:
        _, err = proc.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        proc.kill()
        fail("SIGTERM: the sweep did not end")
    if proc.returncode != -signal.SIGTERM:
        fail(f"SIGTERM: expected the sweep to end by the signal, got exit status {proc.returncode}\n{err}")
    left = temporaries(out)
    if left:
        fail(f"the interrupted sweep left temporary files: {left}")
    # The same command again, with runs short enough to finish, completes the sweep.
    with open(sweep_file, "w") as f:
        f.write(sweep_over("endless.yaml", "endless-sweep", "2s", 3))
    result = subprocess.run([clocksim, "sweep", sweep_file, "--out", out, "--jobs", "2"],
                            capture_output=True, text=True, timeout=300)
    if result.returncode != 0:
        fail(f"the sweep did not finish after the interruption: exit {result.returncode}\n{result.stderr}")
    if temporaries(out) or any(".partial" in f for f in every_file(out)):
        fail(f"the finished sweep left partial files: {every_file(out)}")
    print("ok: SIGTERM ended the sweep without temporaries, and it finished when run again")


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    clocksim, work = sys.argv[1], os.path.abspath(sys.argv[2])
    os.makedirs(work, exist_ok=True)
    scenario = os.path.join(work, "endless.yaml")
    with open(scenario, "w") as f:
        f.write(ENDLESS)
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT):
        check_run_signal(clocksim, work, scenario, sig)
    check_file_size_limit(clocksim, work, scenario)
    check_no_room(clocksim, work)
    check_events_outgrow_their_room(clocksim, work)
    check_sweep_signal(clocksim, work)


if __name__ == "__main__":
    main()
