"""A real run in which every node is down for a while and then restarts: skew.csv leaves the skew
and the mean |offset| of those ticks empty, and every reader of it shows a gap there, never a 0
(clocksim_io, the skew plot, report.py, compare.py). Needs the binary (CLOCKSIM_BINARY)."""
from __future__ import annotations

import os
import subprocess

import numpy as np
import pytest

import clocksim_io as cio
import compare
import plot_offsets
from conftest import run_script

BINARY = os.environ.get("CLOCKSIM_BINARY", "")

if not (BINARY and os.path.exists(BINARY)):
    pytest.fail("CLOCKSIM_BINARY not set or missing: build clocksim (cmake --build --preset ci)",
                pytrace=False)

# n0 and n1 are down from 20 s to 30 s, n2 from 21 s to 30.5 s: at the ticks 21 s .. 29 s no
# node is up. n2 alone at 20 s is a measurement (its skew with itself is 0).
SCENARIO = """name: all-down
seed: 1
duration: 40s
tick: 1s
nodes: 3
clocks:
  drift_ppm: uniform(-100, 100)
  initial_offset: uniform(-20ms, 20ms)
topology: full_mesh
links:
  latency: uniform(1ms, 5ms)
algorithm:
  sync: {kind: berkeley, period: 5s, step_threshold: 1ms, quantum: 0s, resolution: 0s}
  election: {kind: bully}
faults:
  - {at: 20s, crash: n0, until: 30s}
  - {at: 20s, crash: n1, until: 30s}
  - {at: 21s, crash: n2, until: 30500ms}
"""
GAP_S = range(21, 30)


@pytest.fixture(scope="module")
def all_down(tmp_path_factory):
    base = tmp_path_factory.mktemp("down")
    (base / "all-down.yaml").write_text(SCENARIO)
    out = base / "run"
    result = subprocess.run([BINARY, "run", str(base / "all-down.yaml"), "--out", str(out), "--quiet"],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode in (0, 1) and (out / "summary.json").exists(), result.stdout + result.stderr
    return str(out)


def _gap(skew):
    return skew["t_ns"].isin([s * 1_000_000_000 for s in GAP_S]).to_numpy()


def test_the_empty_fields_are_read_as_missing(all_down):
    with open(os.path.join(all_down, "skew.csv")) as f:
        row = f.readlines()[1 + 25]
    assert row.startswith("25000000000,,,")
    skew = cio.read_skew(all_down)
    gap = _gap(skew)
    assert gap.sum() == len(GAP_S)
    assert skew.loc[gap, "max_skew_ns"].isna().all() and skew.loc[gap, "mean_abs_offset_ns"].isna().all()
    assert skew.loc[~gap, "max_skew_ns"].notna().all()
    assert skew.loc[skew["t_ns"] == 20_000_000_000, "max_skew_ns"].tolist() == [0]
    assert (skew.loc[gap, "masters"] == 0).all() and (skew.loc[gap, "master"] == "").all()


@pytest.mark.parametrize("max_points", [4000, 8])
def test_the_skew_plot_has_a_gap_there(all_down, max_points):
    run = cio.load_run(all_down)
    ax = plot_offsets.make_skew_figure(run, max_points=max_points).axes[0]
    line = next(l for l in ax.lines if l.get_gid() == "max_skew")
    x, y = np.asarray(line.get_xdata(), dtype=float), np.asarray(line.get_ydata(), dtype=float)
    inside = (x > 20) & (x < 30)
    # Downsampled or not, the line is broken inside the gap and never drawn at 0 there.
    assert inside.any() and np.isnan(y[inside]).all()
    assert np.isfinite(y[x <= 20]).all() and np.isfinite(y[x >= 30]).all()
    spans = [p for p in ax.patches if p.get_gid() == "no-node-up"]
    assert len(spans) == 1
    xs = np.asarray(spans[0].get_xy())[:, 0]
    assert (xs.min(), xs.max()) == (21.0, 30.0)
    assert "no correct node up" in [t.get_text() for t in ax.get_legend().get_texts()]
    assert not plot_offsets.violation_mask(run.skew, run.warmup_ns)[_gap(run.skew)].any()


def test_the_scripts_and_report_accept_the_run(all_down):
    for script in ("plot_offsets.py", "report.py"):
        result = run_script(script, all_down)
        assert result.returncode == 0, script + ": " + result.stderr


def test_compare_draws_the_gap(all_down):
    runs = [cio.load_run(all_down, required=("skew",), optional=("events", "messages"))] * 2
    sides = [compare.Side(r) for r in runs]
    assert sides[0].failover is not None
    fig = compare.make_compare_figure(sides, compare.default_window(sides))
    line = next(l for l in fig.axes[1].lines if l.get_gid() == "skew:0")
    lost_s = sides[0].failover["lost_at_ns"] / 1e9
    x, y = np.asarray(line.get_xdata(), dtype=float) + lost_s, np.asarray(line.get_ydata(), dtype=float)
    inside = (x > 20) & (x < 30)
    assert inside.any() and np.isnan(y[inside]).all()
    assert "<html" in compare.build_compare(runs)
