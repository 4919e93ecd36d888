#!/usr/bin/python3
"""CTest sweep.shard_merge and sweep.mpi: a sweep split into shards and merged, or spread over MPI
ranks, writes the same run folders and the same sweep.csv as the threaded sweep (wall-clock
fields aside), and resumes the same way; another sweep's shards in the same folder are refused.

    sweep_distributed_check.py shard CLOCKSIM_BINARY SOURCE_DIR WORK_DIR
    sweep_distributed_check.py mpi CLOCKSIM_BINARY SOURCE_DIR WORK_DIR MPIEXEC
"""
import csv
import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "analysis"))
from clocksim_io import deterministic_files  # noqa: E402


SWEEP = """\
name: distributed
base: {base}
set: {{duration: 40s, tick: 500ms}}
matrix:
  algorithm.sync.period: [5s, 10s, 20s]
  nodes: [3, 4]
seeds: [1, 2]
"""
RUNS = 12


def sh(*cmd, ok=(0,), env=None):
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=600, env=env)
    if result.returncode not in ok:
        sys.exit(f"FAIL: {' '.join(cmd)} exited {result.returncode}\n{result.stdout}\n{result.stderr}")
    return result


def assert_same(got_dir, want_dir, what):
    got, want = deterministic_files(got_dir, require_wall_clock=True), deterministic_files(want_dir)
    with open(os.path.join(got_dir, "sweep.csv")) as f:
        assert len(list(csv.DictReader(f))) == RUNS, f"{got_dir}/sweep.csv: not {RUNS} rows"
    assert sorted(got) == sorted(want), (what, sorted(set(got) ^ set(want)))
    for name in want:
        assert got[name] == want[name], f"{what}: {name} differs from the threaded sweep"


def main():
    mode, binary, source_dir, work = sys.argv[1], *(os.path.abspath(a) for a in sys.argv[2:5])
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    base = os.path.join(source_dir, "scenarios", "berkeley-basic.yaml")
    sweep_file = os.path.join(work, "distributed.yaml")
    with open(sweep_file, "w") as f:
        f.write(SWEEP.format(base=base))
    threaded = os.path.join(work, "threaded")
    sh(binary, "sweep", sweep_file, "--out", threaded, "--jobs", "2", "--quiet")

    if mode == "shard":
        out = os.path.join(work, "shards")
        for i in range(3):
            r = sh(binary, "sweep", sweep_file, "--out", out, "--shard", f"{i}/3")
            assert f"in shard {i}/3" in r.stdout and "--merge" in r.stdout, r.stdout
            if i < 2:
                assert not os.path.exists(os.path.join(out, "sweep.csv")), "a shard wrote sweep.csv"
            if i == 1:  # merging early lists what is missing, writes what is done, and fails
                r = sh(binary, "sweep", sweep_file, "--out", out, "--merge", ok=(1,))
                assert r.stderr.count("not done: ") == 4, r.stderr
                with open(os.path.join(out, "sweep.csv")) as f:
                    assert len(list(csv.DictReader(f))) == 8
        r = sh(binary, "sweep", sweep_file, "--out", out, "--merge")
        assert f"{RUNS} runs, {RUNS} done, 0 not done" in r.stdout, r.stdout
        assert_same(out, threaded, "shards + merge")
        for bad in ("3/3", "x", "1/0"):
            r = sh(binary, "sweep", sweep_file, "--out", out, "--shard", bad, ok=(2,))
            assert "expected i/K" in r.stderr, r.stderr
        for bad in ("-1", "1025", "99999999999"):
            r = sh(binary, "sweep", sweep_file, "--out", out, "--jobs", bad, ok=(2,))
            assert "--jobs" in r.stderr and "1797693" not in r.stderr, r.stderr
        # The shards of another sweep (the sweep file edited in between) into the same folder:
        # refused at once, naming what differs, and nothing of the folder changes.
        other = os.path.join(work, "other.yaml")
        with open(other, "w") as f:
            f.write(SWEEP.format(base=base).replace("duration: 40s", "duration: 30s"))
        def contents():  # the lock files a refused shard takes before it reads the record aside
            return {k: v for k, v in deterministic_files(out).items() if not k.endswith(".lock")}
        before = contents()
        for cmd in (["--shard", "1/3"], ["--merge"], ["--jobs", "1"]):
            r = sh(binary, "sweep", other, "--out", out, *cmd, ok=(2,))
            assert "holds runs of another sweep" in r.stderr and "duration=40s" in r.stderr \
                and "duration=30s" in r.stderr, r.stderr
        assert contents() == before, "a refused sweep changed the folder"
        # A topology file the runs read, edited between two shards of one sweep: the later shard
        # and the merge are refused, naming the file; with the file as it was, both go on.
        net = os.path.join(work, "triangle.dot")
        triangle = "graph { n0 -- n1; n1 -- n2; n2 -- n0; }\n"
        with open(net, "w") as f:
            f.write(triangle)
        topo = os.path.join(work, "topo.yaml")
        with open(topo, "w") as f:
            f.write(SWEEP.format(base=base).replace("  nodes: [3, 4]\n", "")
                    .replace("set: {", "set: {nodes: 3, topology: {file: " + net + "}, "))
        topo_out = os.path.join(work, "topo")
        sh(binary, "sweep", topo, "--out", topo_out, "--shard", "0/2")
        with open(net, "w") as f:
            f.write(triangle.replace("n2 -- n0", "n0 -- n2"))
        for cmd in (["--shard", "1/2"], ["--merge"]):
            r = sh(binary, "sweep", topo, "--out", topo_out, *cmd, ok=(2,))
            assert "holds runs of another sweep" in r.stderr and "triangle.dot has changed" in r.stderr, r.stderr
        with open(net, "w") as f:
            f.write(triangle)
        sh(binary, "sweep", topo, "--out", topo_out, "--shard", "1/2")
        r = sh(binary, "sweep", topo, "--out", topo_out, "--merge")
        assert "6 runs, 6 done, 0 not done" in r.stdout, r.stdout
        print(f"ok: 3 shards + merge identical to the threaded sweep ({RUNS} runs); bad --shard exits 2; "
              "another sweep's shards, merge and resume refused, and so are shards after its topology file changed")
        return

    mpiexec = sys.argv[5]
    launcher = [mpiexec, "-np", "2", "--oversubscribe"]
    if os.geteuid() == 0:
        launcher.append("--allow-run-as-root")
    env = dict(os.environ, OMPI_MCA_btl="self,vader", OMPI_MCA_btl_vader_single_copy_mechanism="none")
    out = os.path.join(work, "mpi")
    r = sh(*launcher, binary, "sweep", sweep_file, "--out", out, "--mpi", env=env)
    assert f"{RUNS} runs ({RUNS} run now, 0 already done, 0 did not complete)" in r.stdout, r.stdout
    assert r.stdout.count("sweep distributed:") == 1, "only rank 0 reports: " + r.stdout
    per_rank = dict(kv.split("=") for kv in r.stdout.split("runs per rank:")[1].split("\n")[0].split())
    assert sorted(per_rank) == ["0", "1"] and sum(map(int, per_rank.values())) == RUNS, r.stdout
    assert all(int(n) > 0 for n in per_rank.values()), "both ranks must have run some: " + r.stdout
    assert_same(out, threaded, "mpirun -np 2 --mpi")
    # Resume: one run removed and a stale .partial left; only that run is redone.
    victim = sorted(d for d in os.listdir(out) if os.path.isdir(os.path.join(out, d)))[5]
    shutil.rmtree(os.path.join(out, victim))
    os.makedirs(os.path.join(out, victim + ".partial"))
    r = sh(*launcher, binary, "sweep", sweep_file, "--out", out, "--mpi", env=env)
    assert f"(1 run now, {RUNS - 1} already done, 0 did not complete)" in r.stdout, r.stdout
    assert_same(out, threaded, "resumed --mpi")
    r = sh(*launcher, binary, "sweep", sweep_file, "--out", out, "--mpi", "--jobs", "2", ok=(2,), env=env)
    print(f"ok: mpirun -np 2 --mpi identical to the threaded sweep ({RUNS} runs) and resumes")


if __name__ == "__main__":
    main()
