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


# --- --x / --hue / --facet / --metric -----------------------------------------------------------

def _study(tmp_path):
    """A kind x period x asymmetry x seed table shaped like scenarios/sweeps/asymmetry-vs-period:
    Cristian has no bound at 5 s; one Berkeley run is over its end-of-run bound without any
    violation (the bound varies per tick), one has bound_violations = 2."""
    rows = []
    for kind in ("berkeley", "cristian"):
        for period in (5, 10, 30):
            for asym in (0, 0.4, 0.8):
                for seed in (1, 2, 3):
                    skew = int(1e6 * (1 + period / 10 + asym * (2 if kind == "berkeley" else 1)) + seed * 1000)
                    bound = "" if (kind == "cristian" and period == 5) else int(2e6 + 1e6 * period / 5 + 4e6 * asym)
                    violations = 2 if (kind == "berkeley" and period == 30 and asym == 0.8 and seed == 3) else 0
                    if kind == "berkeley" and period == 10 and asym == 0 and seed == 1:
                        skew = bound + 5  # over the end-of-run bound, yet no instant violated it
                    rows.append({
                        "run": f"{kind}-{period}-{asym}-{seed}", "algorithm.sync.kind": kind,
                        "algorithm.sync.period_s": period, "links.asymmetry": asym, "seed": seed,
                        "max_skew_ns": skew * 5, "max_skew_after_warmup_ns": skew,
                        "steady_skew_mean_ns": skew // 2, "bound_ns": bound,
                        "skew_over_bound": "" if bound == "" else skew / bound,
                        "bound_violations": violations, "bound_why": "no_model" if bound == "" else "",
                        "bound_note": "no bound" if bound == "" else "",
                        "failovers": 0, "events": 1, "wall_time_s": 0.1})
    df = pd.DataFrame(rows)
    df.to_csv(tmp_path / "sweep.csv", index=False)
    return df


def test_x_hue_facet_draws_one_panel_per_facet_with_medians_bounds_and_violations(tmp_path):
    raw = _study(tmp_path)
    df, params = cio.read_sweep(str(tmp_path))
    fig = plot_sweep.make_sweep_figure(df, params, x="asymmetry", hue="kind", facet="period",
                                       metric="steady_max")
    axes = [a for a in fig.axes if a.get_visible()]
    assert [a.get_gid() for a in axes] == ["facet:5", "facet:10", "facet:30"]
    assert axes[0].get_title().startswith("period = 5 s: worst skew after warm-up vs asymmetry")
    assert "3 seeds" in axes[0].get_title()
    assert axes[0].get_xlabel() == "links.asymmetry"
    assert len({a.get_ylim() for a in axes}) == 1  # one value scale across the facets
    for ax, period in zip(axes, (5, 10, 30)):
        for kind in ("berkeley", "cristian"):
            cell = raw[(raw["algorithm.sync.period_s"] == period) & (raw["algorithm.sync.kind"] == kind)]
            med = cell.groupby("links.asymmetry")["max_skew_after_warmup_ns"].median()
            line = [l for l in _gids(ax, "median:") if l.get_gid() == f"median:{kind}"][0]
            assert list(line.get_xdata()) == [0.0, 0.4, 0.8]
            assert np.allclose(line.get_ydata(), med.to_numpy() / 1e6)
        bounds = {l.get_gid() for l in _gids(ax, "bound:")}
        assert bounds == ({"bound:berkeley"} if period == 5 else {"bound:berkeley", "bound:cristian"})
        legend = [t.get_text() for t in ax.get_legend().get_texts()]
        assert ("kind=cristian (no bound)" in legend) == (period == 5)
        marks = _gids(ax, "violations")
        # Only the run the simulator counted violations for, not the one over its end-of-run bound.
        if period == 30:
            assert len(marks) == 1 and len(marks[0].get_offsets()) == 1
            assert marks[0].get_offsets()[0][0] == pytest.approx(0.8)
        else:
            assert not marks


def test_metric_skew_over_bound_draws_the_bound_at_one(tmp_path):
    _study(tmp_path)
    df, params = cio.read_sweep(str(tmp_path))
    fig = plot_sweep.make_sweep_figure(df, params, x="period", hue="kind", metric="skew_over_bound")
    ax = fig.axes[0]
    assert ax.get_ylabel() == "worst skew / bound after warm-up"
    ratio = [l for l in ax.lines if l.get_gid() == "bound:ratio"]
    assert len(ratio) == 1 and list(ratio[0].get_ydata()) == [1.0, 1.0]
    assert "pooled over asymmetry and 3 seeds" in ax.get_title()
    cristian = [l for l in _gids(ax, "median:") if l.get_gid() == "median:cristian"][0]
    assert list(cristian.get_xdata()) == [10.0, 30.0]  # no ratio without a bound at 5 s


def test_metric_mean_and_default_metric(tmp_path):
    raw = _study(tmp_path)
    df, params = cio.read_sweep(str(tmp_path))
    fig = plot_sweep.make_sweep_figure(df, params, x="links.asymmetry", metric="steady_mean")
    line = _gids(fig.axes[0], "median:")[0]
    assert np.allclose(line.get_ydata(), raw.groupby("links.asymmetry")["steady_skew_mean_ns"].median() / 1e6)
    assert fig.axes[0].get_ylabel().startswith("mean skew after warm-up")


def test_script_options_and_errors(tmp_path):
    _study(tmp_path)
    out = tmp_path / "fig.png"
    ok = run_script("plot_sweep.py", str(tmp_path), "--x", "asymmetry", "--hue", "kind", "--facet",
                    "period", "--out", str(out))
    assert ok.returncode == 0, ok.stderr
    assert png_size(str(out)) == (1800, 500)
    bad = run_script("plot_sweep.py", str(tmp_path), "--x", "latency")
    assert bad.returncode == 2 and "--x latency: not a swept parameter" in bad.stderr
    bad = run_script("plot_sweep.py", str(tmp_path), "--x", "kind", "--metric", "wat")
    assert bad.returncode == 2 and "--metric wat: unknown" in bad.stderr
    bad = run_script("plot_sweep.py", str(tmp_path), "--hue", "kind")
    assert bad.returncode == 2 and "need --x" in bad.stderr


def test_failover_time_says_when_failovers_never_finished(tmp_path):
    rows = [{"run": f"r{i}", "election.kind": kind, "seed": 1, "max_skew_ns": 1000, "bound_ns": "",
             "failovers": fos, "failovers_unfinished": unfinished, "failover_time_max_s": worst,
             "events": 1, "wall_time_s": 0.1}
            for i, (kind, fos, unfinished, worst) in enumerate([("bully", 1, 0, 3.2), ("bully", 2, 1, 2.5),
                                                                ("ring", 1, 1, ""), ("ring", 1, 0, 4.0)])]
    pd.DataFrame(rows).to_csv(tmp_path / "sweep.csv", index=False)
    result = run_script("plot_sweep.py", str(tmp_path), "--metric", "failover_time")
    assert result.returncode == 0, result.stderr
    assert "note: 2 of 4 runs lost a master that was not replaced by the end of the run" in result.stderr
    # Other metrics do not mention it.
    other = run_script("plot_sweep.py", str(tmp_path), "--metric", "max")
    assert other.returncode == 0, other.stderr
    assert "note:" not in other.stderr
