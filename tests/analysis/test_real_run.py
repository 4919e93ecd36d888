"""Renders the plots and the report from a real small `clocksim run` (not a fixture), when
CTest passes the binary (CLOCKSIM_BINARY). Checks the scripts accept what the simulator
actually writes; the figures' structure is tested on fixtures in the other files."""
from __future__ import annotations

import os
import subprocess

import pytest

import clocksim_io as cio
import plot_offsets
from conftest import SOURCE_DIR, png_size, run_script

BINARY = os.environ.get("CLOCKSIM_BINARY", "")
SCENARIO = "scenarios/failover.yaml"

if not (BINARY and os.path.exists(BINARY)):
    pytest.fail("CLOCKSIM_BINARY not set or missing: build clocksim (cmake --build --preset ci)",
                pytrace=False)


@pytest.fixture(scope="module")
def real_run(tmp_path_factory):
    scenario = SCENARIO
    out = tmp_path_factory.mktemp("real") / "run"
    result = subprocess.run([BINARY, "run", os.path.join(SOURCE_DIR, scenario), "--out", str(out)],
                            capture_output=True, text=True, timeout=240)
    # A failed expectation is still a complete run for plotting purposes.
    assert (out / "summary.json").exists(), result.stdout + result.stderr
    return str(out)


def test_reads_every_file_of_a_real_run(real_run):
    run = cio.load_run(real_run, required=("trace", "skew", "events", "events_log"), optional=())
    assert len(run.trace) > 0 and len(run.skew) > 0
    assert run.trace["node"].nunique() == run.summary["scenario"]["nodes"]


def test_plots_and_report_from_a_real_run(real_run):
    result = run_script("plot_offsets.py", real_run)
    assert result.returncode == 0, result.stderr
    assert png_size(os.path.join(real_run, "offsets.png")) in ((1200, 600), (1200, 900))
    assert png_size(os.path.join(real_run, "skew.png")) == (1200, 600)
    run = cio.load_run(real_run)
    ax = plot_offsets.make_skew_figure(run).axes[0]
    assert [l for l in ax.lines if l.get_gid() == "max_skew"]
    if run.skew["bound_ns"].notna().any():
        assert [l for l in ax.lines if l.get_gid() == "bound"]
    if (run.skew["master"] != "").any():  # a master-led algorithm: the master line is drawn
        ax = plot_offsets.make_offsets_figure(run).axes[0]
        assert [l for l in ax.lines if l.get_gid() == "master"]
    result = run_script("report.py", real_run)
    assert result.returncode == 0, result.stderr
    assert os.path.getsize(os.path.join(real_run, "report.html")) > 10_000


# A logical run with a node down all along (no logical event) and a crash, a link and a
# partition: the space-time diagram reads which nodes the run has and its faults from its files.
LOGICAL_FAULTS = """name: logical-faults
seed: 1
duration: 4s
tick: 100ms
nodes: 5
topology: full_mesh
links:
  latency: uniform(20ms, 200ms)
algorithm:
  sync: {kind: logical, clock: vector, mean_interval: 300ms, send_probability: 0.6, peers: random}
faults:
  - {at: 0s, crash: n4}
  - {at: 1s, crash: n1, until: 2s}
  - {at: 1500ms, link_down: [n0, n2], until: 2500ms}
  - {at: 3s, partition: [[n0, n3], rest], until: 3500ms}
"""


def test_spacetime_of_a_real_logical_run_with_faults(tmp_path):
    import plot_spacetime
    (tmp_path / "s.yaml").write_text(LOGICAL_FAULTS)
    out = tmp_path / "run"
    result = subprocess.run([BINARY, "run", str(tmp_path / "s.yaml"), "--out", str(out), "--quiet"],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    df = plot_spacetime.read_logical(str(out))
    assert "n4" not in set(df["node"])
    ax = plot_spacetime.make_spacetime_figure(df, context=plot_spacetime.read_context(str(out), df)).axes[0]
    lines = {l.get_gid() for l in ax.lines}
    assert {f"node:n{i}" for i in range(5)} <= lines
    assert {"crash:n4:0", "crash:n1:1000000000", "restart:n1:2000000000"} <= lines
    assert {"link-down:n0-n2:n0:1500000000", "link-down:n0-n2:n2:1500000000"} <= lines
    assert [p for p in ax.patches if p.get_gid() == "partition:3000000000"]
    result = run_script("plot_spacetime.py", str(out))
    assert result.returncode == 0, result.stderr
