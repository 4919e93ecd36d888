#!/usr/bin/python3
"""Plots a parameter sweep from SWEEPDIR/sweep.csv into SWEEPDIR/sweep.png.

    analysis/plot_sweep.py out/sweep                       # one panel per swept parameter
    analysis/plot_sweep.py out/asym --x asymmetry --hue kind --facet period --metric steady_max

Without --x: one panel per swept parameter, one colour per combination of the others (pooled
above six). With --x: that parameter on the x axis, one colour per value of --hue, one panel per
value of --facet; every other parameter and the seeds are pooled (the title names them). Each
series is the median over the pooled runs (line), their max (dotted) and the min..max band; the
bound (dashed) wherever the runs have one, and runs with bound violations (bound_violations > 0)
as red crosses. Parameters are named by their sweep.csv column or its last component
("period" for algorithm.sync.period_s). Exit code 2 on a missing or malformed file or a bad option.
"""
from __future__ import annotations

import argparse
import os
import re
import sys

import numpy as np
import pandas as pd
from matplotlib.lines import Line2D

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import clocksim_io as cio  # noqa: E402
import plot_common as pc  # noqa: E402

MAX_SERIES = 6  # more combinations of the other parameters than this are pooled into one series
_DURATION = re.compile(r"^\s*([-+]?\d+(?:\.\d*)?(?:[eE][-+]?\d+)?)\s*(ns|us|µs|ms|s|m|min|h)\s*$")
_UNIT_S = {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0, "min": 60.0,
           "h": 3600.0}


def parse_axis(values: pd.Series) -> tuple[np.ndarray, str | None, list[str] | None]:
    """Places a parameter's values on an axis: plain numbers as they are, durations ("250ms",
    "10s") in seconds; anything else (e.g. "uniform(-100, 100)") as categories in file order.
    Returns (x per row, unit or None, category labels or None)."""
    raw = values.astype(str).str.strip()
    numeric = pd.to_numeric(raw, errors="coerce")
    if numeric.notna().all():
        return numeric.to_numpy(dtype=float), None, None
    matches = raw.str.extract(_DURATION)
    if matches[0].notna().all():
        seconds = matches[0].astype(float) * matches[1].map(_UNIT_S)
        return seconds.to_numpy(dtype=float), "s", None
    templated = _template_axis(raw)
    if templated is not None:
        return templated
    labels = list(pd.unique(raw))
    return raw.map({v: i for i, v in enumerate(labels)}).to_numpy(dtype=float), None, labels


_NUMBER = re.compile(r"\d+(?:\.\d*)?(?:[eE][-+]?\d+)?")  # unsigned: "-10" reads as "-X"


def _template_axis(raw: pd.Series):
    """Distributions that differ only in their numbers ("uniform(-10, 10)", "uniform(-100, 100)")
    are placed by the one quantity that varies: the common magnitude when every number in a
    value has the same absolute value, else the single number position that changes. The unit is
    the template, e.g. "uniform(-X, X)". None when the values do not fit that shape."""
    values = list(pd.unique(raw))
    templates = {_NUMBER.sub("X", v) for v in values}
    if len(templates) != 1 or "X" not in next(iter(templates)) or len(values) < 2:
        return None
    numbers = {v: [float(n) for n in _NUMBER.findall(v)] for v in values}
    if all(len({abs(n) for n in ns}) == 1 for ns in numbers.values()):
        position = {v: abs(ns[0]) for v, ns in numbers.items()}
    else:
        columns = list(zip(*numbers.values()))
        varying = [i for i, col in enumerate(columns) if len(set(col)) > 1]
        if len(varying) != 1:
            return None
        position = {v: ns[varying[0]] for v, ns in numbers.items()}
    if len(set(position.values())) != len(values):
        return None
    template = next(iter(templates))
    return raw.map(position).to_numpy(dtype=float), template, None


# --metric name -> (sweep.csv column, axis label, kind): "skew" is in ns (bound comparable),
# "ratio" is skew/bound (bound = 1), "seconds" and "count" are plain numbers.
METRICS = {
    "steady_max": ("max_skew_after_warmup_ns", "worst skew after warm-up", "skew"),
    "steady_mean": ("steady_skew_mean_ns", "mean skew after warm-up", "skew"),
    "steady_p50": ("steady_skew_p50_ns", "median skew after warm-up", "skew"),
    "steady_p99": ("steady_skew_p99_ns", "p99 skew after warm-up", "skew"),
    "max": ("max_skew_ns", "worst skew (start-up included)", "skew"),
    "skew_over_bound": ("skew_over_bound", "worst skew / bound after warm-up", "ratio"),
    "failover_time": ("failover_time_max_s", "worst failover time", "seconds"),
    "detection_time": ("detection_time_max_s", "worst detection time", "seconds"),
    "election_messages": ("election_messages", "election messages", "count"),
    "messages": ("messages_sent", "messages sent", "count"),
    "elections": ("elections", "elections started", "count"),
}
DEFAULT_METRIC = "steady_max"


class OptionError(Exception):
    pass


def resolve_metric(df: pd.DataFrame, name: str | None) -> tuple[str, str, str]:
    """(column, label, kind) for a --metric name or a sweep.csv column. Without a name: the
    steady-state worst skew, or the overall worst skew when the table has no steady column."""
    if name is None:
        column, label, kind = METRICS[DEFAULT_METRIC]
        if column in df.columns and df[column].notna().any():
            return column, label, kind
        return "max_skew_ns", "worst skew", "skew"
    if name in METRICS:
        column, label, kind = METRICS[name]
    elif name in df.columns:
        column, label = name, name
        kind = "skew" if name.endswith("_ns") else "seconds" if name.endswith("_s") else "count"
    else:
        raise OptionError(f"--metric {name}: unknown; expected one of {', '.join(METRICS)} or a "
                          f"numeric column of sweep.csv")
    if column not in df.columns:
        raise OptionError(f"--metric {name}: sweep.csv has no column {column} (written by an older "
                          f"clocksim?)")
    if not df[column].notna().any():
        raise OptionError(f"--metric {name}: column {column} is empty in every run")
    if not pd.api.types.is_numeric_dtype(df[column]):
        numeric = [c for c in df.columns if pd.api.types.is_numeric_dtype(df[c]) and c != "seed"]
        raise OptionError(f"--metric {name}: column {column} is not numeric; numeric columns: {', '.join(numeric)}")
    return column, label, kind


def resolve_param(params: list[str], name: str | None, option: str) -> str | None:
    """A parameter column from its full name, its last component, or either without `_s`."""
    if name is None:
        return None
    if name in params:
        return name
    def short(p):
        last = p.split(".")[-1]
        return {p, last, p[:-2] if p.endswith("_s") else p, last[:-2] if last.endswith("_s") else last}
    hits = [p for p in params if name in short(p)]
    if len(hits) == 1:
        return hits[0]
    if not hits:
        raise OptionError(f"{option} {name}: not a swept parameter; sweep.csv has {', '.join(params)}")
    raise OptionError(f"{option} {name}: ambiguous, matches {', '.join(hits)}")


def _short(param: str) -> str:
    return param.split(".")[-1] if "." in param else param


def _gids_startwith(ax, prefix: str) -> bool:
    return any((line.get_gid() or "").startswith(prefix) for line in ax.lines)


def _axis_label(param: str, unit: str | None) -> str:
    if param.endswith("_s") and unit is None:
        return param[:-2] + " (s)"
    return param + (f" ({unit})" if unit else "")


def draw_panel(ax, df: pd.DataFrame, xparam: str, series: pd.Series, series_label: str,
               column: str, label: str, kind: str, v_scale: float, v_name: str, log_y: bool,
               title: str, max_series: int | None = None) -> None:
    """One panel: `column` against `xparam`, one colour per distinct value of `series`."""
    x, unit, categories = parse_axis(df[xparam])
    y_all = df[column].to_numpy(dtype=float, na_value=np.nan)
    bound_all = (df["bound_ns"].to_numpy(dtype=float, na_value=np.nan) if "bound_ns" in df.columns
                 else np.full(len(df), np.nan))
    keys = list(pd.unique(series))
    pooled = max_series is not None and len(keys) > max_series
    if pooled:
        series = pd.Series(["all other parameters"] * len(df), index=df.index)
        keys = ["all other parameters"]
    colors = pc.matplotlib.colormaps["tab10"]
    handles = []
    scale = v_scale if kind == "skew" else 1.0
    for s_index, key in enumerate(keys):
        rows = (series == key).to_numpy()
        frame = pd.DataFrame({"x": x[rows], "y": y_all[rows], "bound": bound_all[rows]})
        frame = frame[np.isfinite(frame["y"])]
        if frame.empty:
            continue
        g = frame.groupby("x", sort=True)
        xs = g.size().index.to_numpy(dtype=float)
        med = g["y"].median().to_numpy() / scale
        lo = g["y"].min().to_numpy() / scale
        hi = g["y"].max().to_numpy() / scale
        color = colors(s_index % colors.N)
        name = pc.plain("all runs" if pooled else f"{series_label}={key}" if key != "" else "runs")
        ax.fill_between(xs, lo, hi, color=color, alpha=0.18, lw=0, gid=f"band:{key}")
        ax.plot(xs, med, "o-", color=color, lw=1.6, ms=4, label=f"median ({name})", gid=f"median:{key}")
        ax.plot(xs, hi, "v:", color=color, lw=1.0, ms=4, label=f"max ({name})", gid=f"max:{key}")
        if kind == "skew":
            bound = g["bound"].median().to_numpy() / scale
            if np.isfinite(bound).any():
                ax.plot(xs, bound, "--", color=color, lw=1.4, alpha=0.9, label=f"bound ({name})",
                        gid=f"bound:{key}")
            else:
                name += " (no bound)"
        handles.append(Line2D([], [], color=color, lw=6, alpha=0.5, label=name))
    if kind == "ratio":
        ax.axhline(1.0, color="black", ls="--", lw=1.4, gid="bound:ratio")
    # Runs that broke their bound at some instant: the simulator counted it (bound_violations),
    # not a comparison here of a worst skew with an end-of-run bound.
    over = np.zeros(len(df), dtype=bool)
    if "bound_violations" in df.columns and kind in ("skew", "ratio"):
        over = (df["bound_violations"].fillna(0).to_numpy(dtype=float) > 0) & np.isfinite(y_all)
    if over.any():
        ax.scatter(x[over], y_all[over] / scale, marker="x", s=30, color=pc.VIOLATION_COLOR, zorder=6,
                   label=f"run with bound violations ({int(over.sum())})", gid="violations")
    if categories is not None:
        ax.set_xticks(range(len(categories)), [pc.plain(c) for c in categories], rotation=20, fontsize=8)
    elif (x > 0).all() and pc.wants_log(x, ratio=20.0):  # a log axis would hide x = 0
        ax.set_xscale("log")
    if log_y:
        ax.set_yscale("log", nonpositive="mask")
    ax.set_xlabel(pc.plain(_axis_label(xparam, unit)))
    unit_text = v_name if kind == "skew" else "s" if kind == "seconds" else ""
    ax.set_ylabel(pc.plain(f"{label} ({unit_text})" if unit_text else label))
    ax.set_title(pc.plain(title), fontsize=10)
    ax.grid(True, alpha=0.3, which="both")
    handles += [Line2D([], [], color="black", marker="o", lw=1.6, ms=4, label="median over seeds"),
                Line2D([], [], color="black", marker="v", ls=":", ms=4, label="max over seeds (band: min..max)")]
    if _gids_startwith(ax, "bound:"):
        handles.append(Line2D([], [], color="black", ls="--", lw=1.4, label="theoretical bound"))
    if over.any():
        handles.append(Line2D([], [], color=pc.VIOLATION_COLOR, marker="x", ls="",
                              label=f"run over its bound ({int(over.sum())})"))
    ax.legend(handles=handles, fontsize=7, framealpha=0.85)


def _value_axis(df: pd.DataFrame, column: str, kind: str):
    y = df[column].to_numpy(dtype=float, na_value=np.nan)
    values = y
    if kind == "skew" and "bound_ns" in df.columns:
        values = np.concatenate([y, df["bound_ns"].to_numpy(dtype=float, na_value=np.nan)])
    finite = values[np.isfinite(values)]
    v_scale, v_name = pc.value_unit(np.nanmax(np.concatenate([finite, [1.0]])))
    log_y = pc.wants_log(finite, ratio=30.0) if len(finite) else False
    return v_scale, v_name, log_y


def make_sweep_figure(df: pd.DataFrame, params: list[str], x: str | None = None, hue: str | None = None,
                      facet: str | None = None, metric: str | None = None):
    column, label, kind = resolve_metric(df, metric)
    v_scale, v_name, log_y = _value_axis(df, column, kind)
    n_seeds = df["seed"].nunique()
    seeds_text = f"{n_seeds} seed{'s' if n_seeds != 1 else ''}"
    x = resolve_param(params, x, "--x")
    hue = resolve_param(params, hue, "--hue")
    facet = resolve_param(params, facet, "--facet")
    if x is None:
        if hue or facet:
            raise OptionError("--hue and --facet need --x")
        ncols = min(len(params), 3)
        nrows = int(np.ceil(len(params) / ncols))
        fig, axes = pc.new_figure(nrows, ncols, figsize=(6.0 * ncols, 5.0 * nrows))
        for p_index, param in enumerate(params):
            ax = axes[p_index // ncols, p_index % ncols]
            others = [q for q in params if q != param]
            combos = (df[others].astype(str).agg(", ".join, axis=1) if others
                      else pd.Series([""] * len(df), index=df.index))
            draw_panel(ax, df, param, combos, ", ".join(_short(q) for q in others), column, label, kind,
                       v_scale, v_name, log_y, f"{label} vs {_short(param)} — {seeds_text}",
                       max_series=MAX_SERIES)
        for extra in range(len(params), nrows * ncols):
            axes[extra // ncols, extra % ncols].set_visible(False)
        fig.tight_layout()
        return fig
    used = [p for p in (x, hue, facet) if p]
    if len(set(used)) != len(used):
        raise OptionError("--x, --hue and --facet must name different parameters")
    pooled = [p for p in params if p not in used]
    facet_values = list(pd.unique(df[facet].astype(str))) if facet else [None]
    ncols = min(len(facet_values), 3)
    nrows = int(np.ceil(len(facet_values) / ncols))
    fig, axes = pc.new_figure(nrows, ncols, figsize=(6.0 * ncols, 5.0 * nrows))
    pooled_text = f"pooled over {', '.join(_short(p) for p in pooled)} and " if pooled else "over "
    for i, fv in enumerate(facet_values):
        ax = axes[i // ncols, i % ncols]
        sub = df if fv is None else df[df[facet].astype(str) == fv]
        series = (sub[hue].astype(str) if hue else pd.Series([""] * len(sub), index=sub.index))
        title = f"{label} vs {_short(x)}"
        if fv is not None:
            name = _short(facet)
            title = (f"{name[:-2]} = {fv} s" if name.endswith("_s") else f"{name} = {fv}") + f": {title}"
        title += f" — {pooled_text}{seeds_text}"
        draw_panel(ax, sub, x, series, _short(hue) if hue else "", column, label, kind, v_scale, v_name,
                   log_y, title)
        ax.set_gid(f"facet:{fv}" if fv is not None else "facet:")
    # One value scale for every panel, so that the facets compare by eye.
    drawn = [axes[i // ncols, i % ncols] for i in range(len(facet_values))]
    low = min(ax.get_ylim()[0] for ax in drawn)
    high = max(ax.get_ylim()[1] for ax in drawn)
    for ax in drawn:
        ax.set_ylim(low, high)
    for extra in range(len(facet_values), nrows * ncols):
        axes[extra // ncols, extra % ncols].set_visible(False)
    fig.tight_layout()
    return fig


def unfinished_note(df: pd.DataFrame, metric: str | None) -> None:
    """Says when a plotted failover time leaves out failovers that never finished: a run that
    lost a master and had no new one by its end has no time to plot, and its point shows only
    the failovers that did finish."""
    column, _, _ = resolve_metric(df, metric)
    if column != "failover_time_max_s" or "failovers_unfinished" not in df.columns:
        return
    runs = int((df["failovers_unfinished"].fillna(0) > 0).sum())
    if runs:
        print(f"note: {runs} of {len(df)} runs lost a master that was not replaced by the end of the run; "
              "their worst failover time is over the finished failovers only (sweep.csv failovers_unfinished)",
              file=sys.stderr)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("sweepdir", help="a `clocksim sweep --out` directory")
    parser.add_argument("--x", help="the swept parameter on the x axis (default: one panel per parameter)")
    parser.add_argument("--hue", help="one colour per value of this parameter (needs --x)")
    parser.add_argument("--facet", help="one panel per value of this parameter (needs --x)")
    parser.add_argument("--metric", help=f"what to plot: {', '.join(METRICS)} or a sweep.csv column "
                                         f"(default {DEFAULT_METRIC})")
    parser.add_argument("--out", help="the PNG to write (default SWEEPDIR/sweep.png)")
    args = parser.parse_args(argv)
    df, params = cio.read_sweep(args.sweepdir)
    if len(df) == 0:
        raise cio.FormatError(os.path.join(args.sweepdir, cio.SWEEP_FILE), "no runs recorded yet")
    try:
        fig = make_sweep_figure(df, params, x=args.x, hue=args.hue, facet=args.facet, metric=args.metric)
    except OptionError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    unfinished_note(df, args.metric)
    path = args.out or os.path.join(args.sweepdir, "sweep.png")
    pc.save_png(fig, path)
    print(path)
    return 0


if __name__ == "__main__":
    sys.exit(cio.run_main(main))
