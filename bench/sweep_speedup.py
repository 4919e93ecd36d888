#!/usr/bin/python3
"""Sweep speedup on this machine: the same sweep run on one core and on all of them, threaded
(`--jobs`) and over MPI ranks (`mpirun -np K ... --mpi`), with every run folder and sweep.csv
checked identical to the one-core sweep (wall-clock fields aside). Prints one table.

    bench/sweep_speedup.py BUILD_DIR [--quick] [--reps N] [--no-mpi]

The sweep is the Cristian star of the peer comparison (bench/peers/star.yaml) over three sizes
and four seeds: twelve runs of unequal cost, so a static split would leave a core idle at the end
and the table shows what dynamic load balance recovers. Speedup is wall time on one core over
wall time on K; run it on an otherwise idle machine (the load average is printed).
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "analysis"))
from clocksim_io import deterministic_files  # noqa: E402

SWEEP = """\
name: speedup
base: {base}
set: {{duration: {duration}}}
matrix:
  nodes: [{sizes}]
seeds: 1..4
"""


def timed(cmd: list[str]) -> tuple[float, float]:
    """Wall seconds and the CPU seconds of the command and all its children."""
    before = os.times()
    start = time.monotonic()
    result = subprocess.run(cmd, capture_output=True, text=True)
    wall = time.monotonic() - start
    after = os.times()
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} exited {result.returncode}: {result.stderr.strip()}")
    return wall, (after.children_user - before.children_user) + (after.children_system - before.children_system)


def main(argv: list[str]) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("build", help="a build directory with sim/clocksim (built with Open MPI for the MPI rows)")
    p.add_argument("--quick", action="store_true", help="small runs (seconds), to check the script")
    p.add_argument("--reps", type=int, default=1, help="best of N per variant")
    p.add_argument("--no-mpi", action="store_true", help="threaded rows only")
    args = p.parse_args(argv)
    clocksim = os.path.join(args.build, "sim", "clocksim")
    if not os.access(clocksim, os.X_OK):
        print(f"error: {clocksim} missing", file=sys.stderr)
        return 2
    cores = os.cpu_count() or 1
    mpirun = shutil.which("mpirun")
    if not args.no_mpi and mpirun is None:
        print("error: mpirun missing: apt-get install openmpi-bin libopenmpi-dev (or pass --no-mpi)", file=sys.stderr)
        return 2

    sizes, duration = ("51, 101, 201", "120s") if args.quick else ("201, 401, 801", "900s")
    with tempfile.TemporaryDirectory() as work:
        sweep_file = os.path.join(work, "speedup.yaml")
        with open(sweep_file, "w") as f:
            f.write(SWEEP.format(base=os.path.join(ROOT, "bench", "peers", "star.yaml"), sizes=sizes,
                                 duration=duration))
        variants = [("threads", 1), ("threads", cores)]
        if not args.no_mpi:
            # Shared memory only, and no single-copy transport: containers often forbid it.
            os.environ.update(OMPI_MCA_btl="self,vader", OMPI_MCA_btl_vader_single_copy_mechanism="none")
            mpi = [mpirun, "--oversubscribe"] + (["--allow-run-as-root"] if os.geteuid() == 0 else [])
            variants += [("MPI ranks", 1), ("MPI ranks", cores)]
        rows = []
        reference = None
        for how, k in variants:
            best = None
            for rep in range(args.reps):
                out = os.path.join(work, f"{how.split()[0]}-{k}-{rep}")
                if how == "threads":
                    cmd = [clocksim, "sweep", sweep_file, "--out", out, "--jobs", str(k), "--quiet"]
                else:
                    cmd = mpi + ["-np", str(k), clocksim, "sweep", sweep_file, "--out", out, "--mpi", "--quiet"]
                wall, cpu = timed(cmd)
                files = deterministic_files(out)
                if reference is None:
                    reference = files
                same = files == reference
                shutil.rmtree(out)
                if best is None or wall < best[0]:
                    best = (wall, cpu, same)
            rows.append((how, k, *best))

    print(f"host: {cores} cores, load average {os.getloadavg()[0]:.1f}; sweep: 12 runs of the Cristian star, "
          f"nodes {sizes}, {duration} each")
    print("| variant | workers | wall s | CPU s | speedup vs 1 worker | output |")
    print("|---|---|---|---|---|---|")
    one = {}
    failed = False
    for how, k, wall, cpu, same in rows:
        one.setdefault(how, wall)
        failed |= not same
        print(f"| {how} | {k} | {wall:.2f} | {cpu:.2f} | {one[how] / wall:.2f} | "
              f"{'identical' if same else 'DIFFERS from the one-thread sweep'} |")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
