#!/usr/bin/python3
"""CTest cli.memory_limit: a run that needs more memory than it may take ends with exit 2 and a
message naming the limit, instead of being killed by the kernel's out-of-memory killer.

- `--memory-limit` takes a size, 'available' or 'none'; anything else is exit 2 naming the option.
- A run within its limit is not disturbed by it.
- A run that outgrows an explicit limit (a full mesh of 4,096 Welch-Lynch nodes: every round puts
  4096 x 4095 messages in flight) ends with exit 2 and the message, creates no output folder, and
  leaves an existing one as it was.
- A sweep: the run that outgrows the limit is reported failed with the same message, the others
  finish. A sweep whose `--jobs` threads' stacks would take more than half of the limit runs on
  fewer workers, says so, and finishes every run.
- By default the limit is in force: the data limit of a running `clocksim run` is nine tenths of
  MemAvailable at its start, give or take what the process held then and what changed since.

A sanitizer build applies no limit (its shadow memory alone exceeds any): there only the option's
parsing and the unchanged small run are checked, and the script says so.

    memory_limit_check.py CLOCKSIM_BINARY WORK_DIR SANITIZER(0|1)
"""
import os
import shutil
import signal
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cli_check_common import endless_scenario, fail, wait_for  # noqa: E402

clocksim, work, sanitizer = sys.argv[1], sys.argv[2], sys.argv[3] == "1"
shutil.rmtree(work, ignore_errors=True)
os.makedirs(work)

MESH = """name: mesh
seed: 1
duration: 20s
tick: 100ms
nodes: 4096
topology: full_mesh
links: {latency: 2ms}
algorithm:
  sync: {kind: welch_lynch, period: 5s, faults: 0, read_window: 250ms}
"""
mesh = os.path.join(work, "mesh.yaml")
with open(mesh, "w") as f:
    f.write(MESH)


def run(*args, timeout=120):
    return subprocess.run([clocksim, *args], capture_output=True, text=True, timeout=timeout)


for bad in ("0", "-1G", "12XB", "lots", "", "9999999TiB", "1.5GiB"):
    p = run("run", mesh, "--out", os.path.join(work, "never"), "--memory-limit", bad)
    if p.returncode != 2 or "--memory-limit" not in p.stderr or os.path.exists(os.path.join(work, "never")):
        fail(f"--memory-limit {bad!r}: exit {p.returncode}, stderr {p.stderr.strip()!r}; expected exit 2 naming the option")

small = os.path.join(work, "small")
p = run("run", mesh, "--quiet", "--out", small, "--set", "nodes=8", "--memory-limit", "256MiB")
if p.returncode != 0:
    fail(f"an 8-node run under 256MiB: exit {p.returncode}, stderr {p.stderr.strip()!r}")
before = {name: open(os.path.join(small, name), "rb").read() for name in sorted(os.listdir(small))}

if sanitizer:
    print("ok (a sanitizer build applies no memory limit: checked the option and a small run only)")
    sys.exit(0)

SAYS = "the run needs more memory than its limit, 67.1 MB, given by --memory-limit"
big = os.path.join(work, "big")
p = run("run", mesh, "--quiet", "--out", big, "--memory-limit", "64MiB")
if p.returncode != 2 or SAYS not in p.stderr or not p.stderr.startswith(f"clocksim: {mesh}: "):
    fail(f"the 4096-node mesh under 64MiB: exit {p.returncode}, stderr {p.stderr.strip()!r}; expected exit 2 "
         f"saying {SAYS!r}")
if os.path.exists(big):
    fail(f"the refused run left {big}: {os.listdir(big)}")
# Into the folder of an earlier run: it stays as it was.
p = run("run", mesh, "--quiet", "--out", small, "--set", "nodes=4096", "--memory-limit", "64MiB")
after = {name: open(os.path.join(small, name), "rb").read() for name in sorted(os.listdir(small))}
if p.returncode != 2 or after != before:
    fail(f"the refused run into {small}: exit {p.returncode}; the folder changed: {sorted(after)} vs {sorted(before)}")

sweep = os.path.join(work, "sweep.yaml")
with open(sweep, "w") as f:
    f.write("name: mem\nbase: mesh.yaml\nmatrix:\n  nodes: [8, 4096]\nseeds: [1]\n")
out = os.path.join(work, "sweep")
p = run("sweep", sweep, "--quiet", "--out", out, "-j", "1", "--memory-limit", "64MiB", timeout=300)
if p.returncode != 1 or f"failed: nodes=4096,seed=1: {SAYS}" not in p.stderr:
    fail(f"the sweep under 64MiB: exit {p.returncode}, stderr {p.stderr.strip()!r}; expected exit 1 and the 4096-node "
         "run failed with the message")
if not os.path.exists(os.path.join(out, "nodes=8,seed=1", "summary.json")) or os.path.exists(os.path.join(out, "nodes=4096,seed=1")):
    fail(f"the sweep's folders: {sorted(os.listdir(out))}; expected the 8-node run done and no 4096-node folder")

# 64 workers' stacks (8 MiB each) would take far more than half of 200 MiB: fewer workers.
many = os.path.join(work, "many.yaml")
with open(many, "w") as f:
    f.write("name: many\nbase: mesh.yaml\nset: {nodes: 3, duration: 6s}\nmatrix:\n  tick: [1s]\nseeds: 1..64\n")
out = os.path.join(work, "many")
p = run("sweep", many, "--quiet", "--out", out, "-j", "64", "--memory-limit", "200MiB", timeout=300)
done = [d for d in os.listdir(out) if os.path.exists(os.path.join(out, d, "summary.json"))] if os.path.isdir(out) else []
if p.returncode != 0 or "workers instead of 64: their stacks" not in p.stderr or len(done) != 64:
    fail(f"64 jobs under 200MiB: exit {p.returncode}, {len(done)} runs done, stderr {p.stderr.strip()!r}; expected exit 0, "
         "a note of fewer workers, and every run done")


def mem_available():
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024
    fail("no MemAvailable in /proc/meminfo")


def data_limit(pid):
    with open(f"/proc/{pid}/limits") as f:
        for line in f:
            if line.startswith("Max data size"):
                return line.split()[3]
    return None


endless = os.path.join(work, "endless.yaml")
with open(endless, "w") as f:
    f.write(endless_scenario("1s", 3))
available = mem_available()
proc = subprocess.Popen([clocksim, "run", endless, "--quiet", "--out", os.path.join(work, "endless")],
                        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
try:
    wait_for(lambda: data_limit(proc.pid) not in (None, "unlimited") or proc.poll() is not None,
             "the run to set its memory limit")
    limit = data_limit(proc.pid)
finally:
    proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=60)
if limit in (None, "unlimited"):
    fail(f"a default run has no data limit ({limit}); stderr {proc.stderr.read().strip()!r}")
expected = available * 0.9
if not 0.8 * expected <= int(limit) <= 1.2 * expected:
    fail(f"a default run's data limit is {int(limit) / 1e9:.2f} GB; expected about nine tenths of MemAvailable, "
         f"{expected / 1e9:.2f} GB")
print(f"ok: default limit {int(limit) / 1e9:.2f} GB (MemAvailable {available / 1e9:.2f} GB)")
