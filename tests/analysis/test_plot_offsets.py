"""analysis/plot_offsets.py: the files it writes and what its figures contain."""
from __future__ import annotations

import os

import matplotlib.colors as mcolors
import numpy as np
import pandas as pd
import pytest

import clocksim_io as cio
import fixture_run
import plot_common as pc
import plot_offsets
from conftest import png_size, run_script


def _gids(ax, prefix):
    artists = list(ax.lines) + list(ax.collections) + list(ax.patches) + list(ax.texts)
    return [a for a in artists if (a.get_gid() or "").startswith(prefix)]


def _load(run_dir):
    return cio.load_run(run_dir, required=("trace", "skew", "events"), optional=())


def test_script_writes_both_pngs_at_1200x600(run_dir):
    result = run_script("plot_offsets.py", run_dir)
    assert result.returncode == 0, result.stderr
    for name, size in (("offsets.png", (1200, 900)), ("skew.png", (1200, 600))):
        path = os.path.join(run_dir, name)
        assert os.path.getsize(path) > 10_000
        assert png_size(path) == size  # offsets: two panels (whole run, zoom after warm-up)
    assert not [f for f in os.listdir(run_dir) if ".tmp-" in f]  # temp files renamed away


def test_offsets_figure_structure(run_dir):
    fig = plot_offsets.make_offsets_figure(_load(run_dir))
    ax = fig.axes[0]
    assert ax.get_xlabel() == "true time (s)"
    assert ax.get_ylabel() == "offset from true time (ms)"  # offsets up to 50 ms
    node_lines = _gids(ax, "node:")
    assert sorted(l.get_label() for l in node_lines) == [f"n{i}" for i in range(6)]
    # n0 crashed for a while: its down segment is drawn separately, dotted.
    assert [l.get_gid() for l in _gids(ax, "node-down:")] == ["node-down:n0"]
    master = _gids(ax, "master")[0]
    assert master.get_linewidth() > 2 * node_lines[0].get_linewidth()
    # The master line follows n0 then n1: compare with the trace directly.
    trace = pd.read_csv(os.path.join(run_dir, "trace.csv"))
    n1_end = trace[(trace.node == "n1")].offset_ns.iloc[-1] / 1e6
    assert master.get_ydata()[-1] == pytest.approx(n1_end)
    # Not drawn while the master named in skew.csv is down.
    skew = pd.read_csv(os.path.join(run_dir, "skew.csv"), keep_default_na=False)
    down_ticks = skew[(skew.t_ns >= 24e9) & (skew.t_ns < 36e9) & (skew.master == "n0")]
    assert len(down_ticks) == 0 or np.isnan(
        master.get_ydata()[np.isin(master.get_xdata(), down_ticks.t_ns / 1e9)]).all()
    changes = [t.get_text().strip() for t in ax.texts
               if t.get_gid() not in ("interval-label", "point-label")]
    assert [t.get_text().strip() for t in _gids(ax, "point-label")] == ["clock step n5"]
    assert changes == ["n0", "n1"]
    labels = {t.get_text().strip() for t in _gids(ax, "interval-label")}
    assert labels == {"n0 down", "election → n1", "partition"}
    kinds = {p.get_gid() for p in _gids(ax, "interval:")}
    assert kinds == {"interval:down", "interval:election", "interval:partition"}
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "master" in legend and "node down" in legend and "partition" in legend


def test_zoom_panel_after_warmup(run_dir):
    run = _load(run_dir)
    fig = plot_offsets.make_offsets_figure(run)
    assert len(fig.axes) == 2
    zoom = fig.axes[1]
    assert zoom.get_xlim()[0] == pytest.approx(run.warmup_ns / 1e9)
    assert "after warm-up" in zoom.get_title()
    assert len(_gids(zoom, "node:")) == 6 and _gids(zoom, "master")
    for line in _gids(zoom, "node:"):
        assert min(line.get_xdata()) >= run.warmup_ns / 1e9
    # Its y range is the running clocks' after warm-up, not the initial offsets'.
    trace = run.trace
    up_after = trace[(trace.t_ns >= run.warmup_ns) & (trace.up == 1)].offset_ns / 1e6
    lo, hi = zoom.get_ylim()
    assert lo <= up_after.min() and hi >= up_after.max()
    assert hi - lo < 1.2 * (up_after.max() - up_after.min())
    assert np.ptp(zoom.get_ylim()) < 0.5 * np.ptp(fig.axes[0].get_ylim())
    assert len(plot_offsets.make_offsets_figure(run, zoom=False).axes) == 1
    # An interval that began before the zoom (n0 down from 24 s) is named at its left edge.
    run.summary["results"]["warmup_ns"] = 27_000_000_000
    zoom = plot_offsets.make_offsets_figure(run).axes[1]
    labels = {t.get_text().strip(): t.get_position()[0] for t in _gids(zoom, "interval-label")}
    assert labels["n0 down"] == pytest.approx(27.0) and labels["partition"] == pytest.approx(42.0)


def test_zoom_from_first_round_without_warmup(run_dir):
    run = _load(run_dir)
    run.summary["results"]["warmup_ns"] = 0
    fig = plot_offsets.make_offsets_figure(run)
    assert len(fig.axes) == 2
    assert fig.axes[1].get_xlim()[0] == pytest.approx(5.0)  # the fixture's first round
    assert "after the first round" in fig.axes[1].get_title()


def test_no_zoom_when_the_run_ends_within_warmup(tmp_path):
    fixture_run.generate_run(str(tmp_path), nodes=1, ticks=100)  # 10 s run, 15 s warm-up
    fig = plot_offsets.make_offsets_figure(_load(str(tmp_path)))
    assert len(fig.axes) == 1


def test_intervals_are_placed_at_event_times(run_dir):
    fig = plot_offsets.make_offsets_figure(_load(run_dir))
    down = _gids(fig.axes[0], "interval:down")[0]
    xs = down.get_xy()[:, 0]
    assert (xs.min(), xs.max()) == pytest.approx((24.0, 36.0))  # crash 40%, restart 60% of 60 s


def test_large_runs_show_a_subset_with_the_masters(tmp_path):
    fixture_run.generate_run(str(tmp_path), nodes=30, ticks=100)
    run = _load(str(tmp_path))
    fig = plot_offsets.make_offsets_figure(run, max_nodes=8)
    ax = fig.axes[0]
    shown = [l.get_label() for l in _gids(ax, "node:")]
    assert len(shown) == 8 and "n0" in shown and "n1" in shown
    assert "8 of 30 nodes shown" in ax.get_title()
    assert "n0" in [t.get_text() for t in ax.get_legend().get_texts()]
    # The grey band spans every up node, not just the drawn ones.
    band = _gids(ax, "all-nodes-range")[0]
    up = run.trace[run.trace.up == 1]
    ys = band.get_paths()[0].vertices[:, 1] * 1e6
    assert ys.min() == pytest.approx(up.offset_ns.min(), rel=1e-9)
    assert ys.max() == pytest.approx(up.offset_ns.max(), rel=1e-9)
    # Beyond 12 lines the legend keeps the master, the band and the interval kinds.
    ax = plot_offsets.make_offsets_figure(run, max_nodes=14).axes[0]
    assert len(_gids(ax, "node:")) == 14
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend[:2] == ["range of all up nodes", "master"] and "n0" not in legend
    # No band when every node is drawn.
    assert not _gids(plot_offsets.make_offsets_figure(run, max_nodes=30).axes[0], "all-nodes-range")


def test_skew_figure_structure_and_violations(run_dir):
    run = _load(run_dir)
    fig = plot_offsets.make_skew_figure(run)
    ax = fig.axes[0]
    assert ax.get_xlabel() == "true time (s)" and ax.get_ylabel().endswith("(ms)")
    assert _gids(ax, "max_skew") and _gids(ax, "bound")
    bound = _gids(ax, "bound")[0]
    assert bound.get_drawstyle() == "steps-post"
    # Violations: every tick after warm-up with max_skew > bound, computed here independently.
    skew = pd.read_csv(os.path.join(run_dir, "skew.csv"))
    expected = skew[(skew.max_skew_ns > skew.bound_ns) & (skew.t_ns >= run.warmup_ns)]
    assert len(expected) > 0
    viol = _gids(ax, "violations")[0]
    assert len(viol.get_offsets()) == len(expected)
    assert np.allclose(np.sort(viol.get_offsets()[:, 0]), expected.t_ns / 1e9)
    assert mcolors.to_hex(viol.get_facecolor()[0]) == pc.VIOLATION_COLOR
    assert f"bound violated ({len(expected)} ticks)" in [t.get_text() for t in ax.get_legend().get_texts()]
    assert _gids(ax, "warmup")
    assert ax.get_yscale() == "log"  # 80 ms initial skew vs sub-ms steady state


def test_skew_without_bound_has_no_bound_line(tmp_path):
    fixture_run.generate_run(str(tmp_path), with_bound=False, ticks=100)
    fig = plot_offsets.make_skew_figure(_load(str(tmp_path)))
    ax = fig.axes[0]
    assert not _gids(ax, "bound") and not _gids(ax, "violations")
    assert "no theoretical bound" in ax.get_title()


def test_zero_skew_on_a_log_axis_is_marked_not_a_gap(tmp_path):
    fixture_run.generate_run(str(tmp_path), ticks=200)
    path = os.path.join(str(tmp_path), "skew.csv")
    skew = pd.read_csv(path, dtype=str, keep_default_na=False)
    skew.loc[50:59, "max_skew_ns"] = "0"
    skew.loc[100, "max_skew_ns"] = "1000000000"  # a span of 10^3 or more: a log axis
    skew.to_csv(path, index=False)
    run = _load(str(tmp_path))
    ax = plot_offsets.make_skew_figure(run).axes[0]
    assert ax.get_yscale() == "log"
    marks = _gids(ax, "zero-skew")
    assert len(marks) == 1
    xs = marks[0].get_offsets()[:, 0]
    t_s = run.skew["t_ns"].to_numpy()[50:60] / 1e9
    assert np.allclose(np.sort(xs), t_s / (60 if ax.get_xlabel().endswith("(min)") else 1))
    assert not _gids(ax, "no-node-up")


def test_downsampled_master_line_keeps_a_gap_with_no_master(tmp_path):
    fixture_run.generate_run(str(tmp_path), nodes=3, ticks=20_000, tick_ms=1)
    path = os.path.join(str(tmp_path), "skew.csv")
    skew = pd.read_csv(path, dtype=str, keep_default_na=False)
    skew.loc[10_001:10_003, "master"] = ""  # three ticks without a master, between two kept points
    skew.to_csv(path, index=False)
    ax = plot_offsets.make_offsets_figure(_load(str(tmp_path)), max_points=500).axes[0]
    master = _gids(ax, "master")[0]
    assert len(master.get_ydata()) <= 510
    assert np.isnan(master.get_ydata()).any()


def test_downsampling_keeps_extremes_and_bounds_the_points(tmp_path):
    fixture_run.generate_run(str(tmp_path), nodes=2, ticks=50_000, tick_ms=1)
    run = _load(str(tmp_path))
    fig = plot_offsets.make_skew_figure(run, max_points=1000)
    line = _gids(fig.axes[0], "max_skew")[0]
    assert len(line.get_ydata()) <= 1010
    assert line.get_ydata().max() == pytest.approx(run.skew.max_skew_ns.max() / 1e6)


def test_without_events_csv_still_plots(run_dir):
    os.remove(os.path.join(run_dir, "events.csv"))
    result = run_script("plot_offsets.py", run_dir)
    assert result.returncode == 0 and "events.csv not found" in result.stderr


def test_minmax_indices():
    y = np.sin(np.linspace(0, 50, 100_001))
    y[12_345] = 9.0
    y[70_000] = -9.0
    idx = pc.minmax_indices(y, 500)
    assert len(idx) <= 502 and 12_345 in idx and 70_000 in idx
    assert np.all(np.diff(idx) > 0)
    assert list(pc.minmax_indices(np.arange(10.0), 500)) == list(range(10))


@pytest.mark.parametrize("ns, unit", [(500, "ns"), (2_500, "µs"), (3.2e6, "ms"), (4e9, "s")])
def test_value_unit(ns, unit):
    assert pc.value_unit(ns)[1] == unit


@pytest.mark.parametrize("ns, unit", [(1e9, "ms"), (300e9, "s"), (3600e9, "min"), (86400e9, "h")])
def test_time_unit(ns, unit):
    assert pc.time_unit(ns)[1] == unit


def test_event_intervals_pairing():
    ev = pd.DataFrame([
        (10, "n1", "crash", ""), (12, "n2", "election_started", ""),
        (13, "n3", "election_started", ""), (15, "n3", "became_master", ""),
        (20, "n1", "restart", ""), (30, "n4", "link_down", "n5"),
        (31, "n4", "link_down", "n6"), (33, "n4", "link_up", "n6"),
        (35, "n4", "link_up", "n5"),
        (40, "", "partition", ""), (45, "n2", "crash", ""), (50, "", "heal", ""),
        (60, "n7", "link_down", "n8"), (65, "n8", "link_up", "n7"),
    ], columns=["t_ns", "node", "kind", "peer"])
    got = [(i.kind, i.start_ns, i.end_ns, i.label) for i in pc.event_intervals(ev, 100)]
    assert got == [("down", 10, 20, "n1 down"), ("election", 12, 15, "election → n3"),
                   ("link", 30, 35, "link n4–n5 down"), ("link", 31, 33, "link n4–n6 down"),
                   ("partition", 40, 50, "partition"),
                   ("down", 45, 100, "n2 down"), ("link", 60, 65, "link n7–n8 down")]
