"""analysis/plot_sweep.py: one panel per swept parameter, medians/max/bands and the bound."""
from __future__ import annotations

import os

import numpy as np
import pandas as pd
import pytest

import clocksim_io as cio
import plot_sweep
from conftest import png_size, run_script


def _gids(ax, prefix):
    return [a for a in list(ax.lines) + list(ax.collections)
            if (a.get_gid() or "").startswith(prefix)]


def test_script_writes_sweep_png(sweep_dir):
    result = run_script("plot_sweep.py", sweep_dir)
    assert result.returncode == 0, result.stderr
    path = os.path.join(sweep_dir, "sweep.png")
    assert png_size(path) == (1200, 500)  # two parameters side by side


def test_one_panel_per_parameter_with_bound_and_bands(sweep_dir):
    df, params = cio.read_sweep(sweep_dir)
    fig = plot_sweep.make_sweep_figure(df, params)
    axes = [a for a in fig.axes if a.get_visible()]
    assert len(axes) == 2
    period_ax, drift_ax = axes
    assert period_ax.get_xlabel() == "algorithm.sync.period (s)"
    assert drift_ax.get_xlabel() == "clocks.drift_ppm"
    assert period_ax.get_ylabel() == "worst skew after warm-up (ms)"
    assert drift_ax.get_xscale() == "log" and period_ax.get_xscale() == "linear"  # 10..1000 vs 5..30
    assert period_ax.get_yscale() == "log"
    for ax in axes:  # one series per value of the other parameter
        assert len(_gids(ax, "median:")) == 3 and len(_gids(ax, "max:")) == 3
        assert len(_gids(ax, "bound:")) == 3 and len(_gids(ax, "band:")) == 3
        assert len(_gids(ax, "violations")[0].get_offsets()) == 1
    # The median and bound lines carry the numbers from sweep.csv.
    raw = pd.read_csv(os.path.join(sweep_dir, "sweep.csv"))
    cell = raw[(raw["clocks.drift_ppm"] == 100)]
    med = cell.groupby("algorithm.sync.period", sort=False)["max_skew_after_warmup_ns"].median()
    line = [l for l in _gids(period_ax, "median:") if l.get_gid() == "median:100"][0]
    assert list(line.get_xdata()) == [5.0, 10.0, 30.0]
    assert np.allclose(line.get_ydata(), med[["5s", "10s", "30s"]].to_numpy() / 1e6)
    bound = [l for l in _gids(period_ax, "bound:") if l.get_gid() == "bound:100"][0]
    assert np.allclose(bound.get_ydata(), [2.0, 3.0, 7.0])  # 1 ms + 2 * 100 ppm * period
    legend = [t.get_text() for t in period_ax.get_legend().get_texts()]
    assert "theoretical bound" in legend and "run over its bound (1)" in legend


def test_unrelated_distributions_are_categories():
    x, unit, cats = plot_sweep.parse_axis(pd.Series(["uniform(1ms, 5ms)", "exponential(2ms)"]))
    assert list(x) == [0.0, 1.0] and cats == ["uniform(1ms, 5ms)", "exponential(2ms)"]


def test_single_parameter_and_categories(tmp_path):
    rows = [{"run": f"r{i}", "links.latency": lat, "seed": s, "max_skew_ns": 1000 * (i + 1),
             "bound_ns": "", "failovers": 0, "events": 1, "wall_time_s": 0.1}
            for i, (lat, s) in enumerate([("uniform(1ms, 5ms)", 1), ("uniform(1ms, 5ms)", 2),
                                          ("exponential(2ms)", 1), ("exponential(2ms)", 2)])]
    pd.DataFrame(rows).to_csv(tmp_path / "sweep.csv", index=False)
    df, params = cio.read_sweep(str(tmp_path))
    fig = plot_sweep.make_sweep_figure(df, params)
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["uniform(1ms, 5ms)", "exponential(2ms)"]
    assert ax.get_ylabel() == "worst skew (µs)"  # no after-warm-up column
    assert not _gids(ax, "bound:")
    assert "theoretical bound" not in [t.get_text() for t in ax.get_legend().get_texts()]


def test_many_combinations_are_pooled(tmp_path):
    rows = [{"run": f"r{a}-{b}", "a": a, "b": b, "seed": 1, "max_skew_ns": a * b + 1,
             "bound_ns": 100, "failovers": 0, "events": 1, "wall_time_s": 0.1}
            for a in range(1, 9) for b in range(1, 9)]
    pd.DataFrame(rows).to_csv(tmp_path / "sweep.csv", index=False)
    df, params = cio.read_sweep(str(tmp_path))
    fig = plot_sweep.make_sweep_figure(df, params)
    assert len(_gids(fig.axes[0], "median:")) == 1


@pytest.mark.parametrize("values, xs, unit", [
    (["5s", "250ms", "2m"], [5.0, 0.25, 120.0], "s"),
    (["10", "1e3", "0.5"], [10.0, 1000.0, 0.5], None),
    (["uniform(-10, 10)", "uniform(-1e3, 1e3)"], [10.0, 1000.0], "uniform(-X, X)"),
    (["normal(mean=0, sd=5)", "normal(mean=0, sd=50)"], [5.0, 50.0], "normal(mean=X, sd=X)"),
])
def test_parse_axis(values, xs, unit):
    x, u, cats = plot_sweep.parse_axis(pd.Series(values))
    assert list(x) == xs and u == unit and cats is None


def test_missing_sweep_csv_exits_2(tmp_path):
    result = run_script("plot_sweep.py", str(tmp_path))
    assert result.returncode == 2 and "sweep.csv: file not found" in result.stderr


def test_sweep_with_bad_number_exits_2(sweep_dir):
    path = os.path.join(sweep_dir, "sweep.csv")
    df = pd.read_csv(path, dtype=str)
    df.loc[4, "max_skew_ns"] = "lots"
    df.to_csv(path, index=False)
    result = run_script("plot_sweep.py", sweep_dir)
    assert result.returncode == 2 and "line 6: column max_skew_ns" in result.stderr
