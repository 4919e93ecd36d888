#!/usr/bin/python3
"""Sweep determinism against random sweeps: case k draws a sweep from seed k (a shipped scenario as
its base, one to three of its parameters over drawn values, two or three seeds, traces kept or
not) and runs it five ways:

- `--jobs 1` (the reference) and `--jobs 2`;
- `--shard i/3` for i = 0, 1, 2, then `--merge`;
- `mpirun -np 2 --oversubscribe ... --mpi`;
- `--jobs 2` stopped by a drawn signal (SIGINT, SIGTERM or SIGKILL) after a drawn delay, up to three
  times, then run again to the end (resumed).

Every way must end with the reference's exit status and, when the sweep ran, the same files byte for
byte, the wall-clock fields of summary.json and sweep.csv aside (clocksim_io.deterministic_files).
A sweep refused before it runs (exit 2: a drawn value the base cannot take) must be refused the same
way by each. The signal lands at a wall-clock moment, so which runs a stopped sweep had finished
varies between machines; what is checked does not.

    sweep_ways_fuzz.py CLOCKSIM SOURCE_DIR WORK_DIR FIRST COUNT MPIEXEC
"""
import os
import random
import shutil
import signal
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "analysis"))
from clocksim_io import deterministic_files  # noqa: E402

try:
    import yaml
except ImportError:  # pragma: no cover
    print("missing yaml: install the Debian package python3-yaml (scripts/install-deps.sh)")
    sys.exit(1)

PARAMETERS = {
    "algorithm.sync.period": ["1s", "5s", "30s", "500ms"],
    "links.loss": [0, 0.1, 0.5, 1],
    "clocks.drift_ppm": ["uniform(-10, 10)", "uniform(-500, 500)", 0, "normal(0, 30)"],
    "nodes": [1, 2, 3, 8, 20],
    "links.latency": ["uniform(1ms, 3ms)", "1ms", "exponential(5ms)"],
    "clocks.initial_offset": ["0s", "uniform(-1s, 1s)", "uniform(-1h, 1h)"],
    "tick": ["1s", "100ms", "7s"],
}
SIGNALS = [signal.SIGINT, signal.SIGTERM, signal.SIGKILL]
TIMEOUT_S = 600


def draw_sweep(k, scenarios):
    rng = random.Random(k)
    names = rng.sample(sorted(PARAMETERS), rng.randint(1, 3))
    doc = {
        "name": f"ways{k}",
        "base": rng.choice(scenarios),
        "set": {"duration": rng.choice(["40s", "3m"])} if rng.random() < 0.7 else {},
        "matrix": {n: rng.sample(PARAMETERS[n], rng.randint(1, 2)) for n in names},
        "seeds": rng.choice(["1..2", "1..3", "7..8"]),
    }
    if rng.random() < 0.5:
        doc["traces"] = True
    return rng, doc


def run(cmd, env=None):
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=TIMEOUT_S, env=env)
    return r.returncode, r.stderr


def outputs(folder):
    return deterministic_files(folder, require_wall_clock=True) if os.path.isdir(folder) else {}


def stopped_then_resumed(rng, cmd, folder, total_runs, tally):
    """Runs cmd, stopping it up to three times with drawn signals and delays, then to the end."""
    for _ in range(rng.randint(1, 3)):
        sig, delay_s = rng.choice(SIGNALS), rng.uniform(0.02, 1.0)
        p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                             start_new_session=True)
        time.sleep(delay_s)
        try:
            os.killpg(p.pid, sig)
        except ProcessLookupError:
            pass
        _, err = p.communicate(timeout=TIMEOUT_S)
        tally["stops"] += 1
        tally["stopped_midway"] += 0 < finished_runs(folder) < total_runs or (finished_runs(folder) == 0 and p.returncode != 0)
        if "Sanitizer" in err or "runtime error" in err:
            return None, f"{sig.name} after {delay_s:.2f} s: a sanitizer report\n{err[-2000:]}"
    return run(cmd)


def finished_runs(folder):
    if not os.path.isdir(folder):
        return 0
    return sum(os.path.exists(os.path.join(folder, d, "summary.json")) for d in os.listdir(folder))


def check_case(k, clocksim, scenarios, work, mpiexec, tally):
    rng, doc = draw_sweep(k, scenarios)
    case = os.path.join(work, f"case{k}")
    shutil.rmtree(case, ignore_errors=True)
    os.makedirs(case)
    sweep = os.path.join(case, "sweep.yaml")
    with open(sweep, "w") as f:
        yaml.safe_dump(doc, f, sort_keys=False)

    def out(name):
        return os.path.join(case, name)

    ref_code, ref_err = run([clocksim, "sweep", sweep, "--out", out("ref"), "--jobs", "1", "--quiet"])
    if ref_code not in (0, 1, 2) or "Sanitizer" in ref_err:
        return f"--jobs 1 exited {ref_code}: {ref_err[-2000:]}"
    want = outputs(out("ref"))
    ways = {}
    ways["--jobs 2"] = run([clocksim, "sweep", sweep, "--out", out("j2"), "--jobs", "2", "--quiet"]), out("j2")
    for i in range(3):
        code, err = run([clocksim, "sweep", sweep, "--out", out("shards"), "--shard", f"{i}/3", "--quiet"])
        if code not in (0, 1, ref_code):
            return f"--shard {i}/3 exited {code} (--jobs 1: {ref_code}): {err[-2000:]}"
    ways["--shard i/3 + --merge"] = run([clocksim, "sweep", sweep, "--out", out("shards"), "--merge", "--quiet"]), out("shards")
    launcher = [mpiexec, "-np", "2", "--oversubscribe"] + (["--allow-run-as-root"] if os.getuid() == 0 else [])
    mpi_env = dict(os.environ, OMPI_MCA_btl="self,vader", OMPI_MCA_btl_vader_single_copy_mechanism="none")
    ways["mpirun -np 2 --mpi"] = run(launcher + [clocksim, "sweep", sweep, "--out", out("mpi"), "--mpi", "--quiet"],
                                     env=mpi_env), out("mpi")
    resumed = stopped_then_resumed(rng, [clocksim, "sweep", sweep, "--out", out("cut"), "--jobs", "2", "--quiet"],
                                   out("cut"), finished_runs(out("ref")), tally)
    if resumed[0] is None:
        return resumed[1]
    ways["stopped and resumed"] = resumed, out("cut")

    for way, ((code, err), folder) in ways.items():
        if code != ref_code:
            return f"{way} exited {code}, --jobs 1 {ref_code}:\n{err[-2000:]}\n--jobs 1 said:\n{ref_err[-2000:]}"
        if ref_code == 2:
            continue
        got = outputs(folder)
        differ = sorted(n for n in set(got) | set(want) if got.get(n) != want.get(n))
        if differ:
            return f"{way}: {len(differ)} files differ from --jobs 1, e.g. {differ[:5]}"
    tally["refused" if ref_code == 2 else "ran"] += 1
    shutil.rmtree(case)
    return None


def main():
    if len(sys.argv) != 7:
        sys.exit(__doc__)
    clocksim, source, work = (os.path.abspath(a) for a in sys.argv[1:4])
    first, count, mpiexec = int(sys.argv[4]), int(sys.argv[5]), sys.argv[6]
    if not shutil.which(mpiexec):
        sys.exit(f"FAIL: no MPI launcher '{mpiexec}': apt-get install openmpi-bin libopenmpi-dev "
                 "(scripts/install-deps.sh), then reconfigure")
    folder = os.path.join(source, "scenarios")
    scenarios = sorted(os.path.join(folder, f) for f in os.listdir(folder) if f.endswith(".yaml"))
    os.makedirs(work, exist_ok=True)
    problems = []
    tally = {"ran": 0, "refused": 0, "stops": 0, "stopped_midway": 0}
    for k in range(first, first + count):
        problem = check_case(k, clocksim, scenarios, work, mpiexec, tally)
        if problem:
            problems.append(f"case {k} (kept in {work}/case{k}): {problem}")
            print(problems[-1], flush=True)
    print(f"{count - len(problems)} of {count} random sweeps gave the same bytes five ways ({tally['ran']} ran, "
          f"{tally['refused']} refused alike before running; {tally['stops']} stops, {tally['stopped_midway']} of them "
          "with some runs left to do)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
