#!/usr/bin/python3
"""Plots a parameter sweep: SWEEPDIR/sweep.png with one panel per swept parameter showing the
worst measured skew (median over seeds as a line, the min..max band, the max as a dotted line)
and the theoretical bound, with runs that exceeded their bound marked in red.

    analysis/plot_sweep.py out/sweep

Reads SWEEPDIR/sweep.csv (docs/output-formats.md). Exit code 2 on a missing or malformed file.
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


def skew_column(df: pd.DataFrame) -> tuple[str, str]:
    if "max_skew_after_warmup_ns" in df.columns and df["max_skew_after_warmup_ns"].notna().all():
        return "max_skew_after_warmup_ns", "worst skew after warm-up"
    return "max_skew_ns", "worst skew"


def _short(param: str) -> str:
    return param.split(".")[-1] if "." in param else param


def _gids_startwith(ax, prefix: str) -> bool:
    return any((line.get_gid() or "").startswith(prefix) for line in ax.lines)


def make_sweep_figure(df: pd.DataFrame, params: list[str]):
    ncols = min(len(params), 3)
    nrows = int(np.ceil(len(params) / ncols))
    fig, axes = pc.new_figure(nrows, ncols, figsize=(6.0 * ncols, 5.0 * nrows))
    column, what = skew_column(df)
    skew_all = df[column].to_numpy(dtype=float)
    bound_all = df["bound_ns"].to_numpy(dtype=float, na_value=np.nan)
    v_scale, v_name = pc.value_unit(np.nanmax(np.concatenate([skew_all, bound_all, [1.0]])))
    log_y = pc.wants_log(np.concatenate([skew_all, bound_all]), ratio=30.0)

    for p_index, param in enumerate(params):
        ax = axes[p_index // ncols, p_index % ncols]
        x, unit, categories = parse_axis(df[param])
        others = [q for q in params if q != param]
        combos = (df[others].astype(str).agg(", ".join, axis=1) if others
                  else pd.Series([""] * len(df), index=df.index))
        keys = list(pd.unique(combos))
        pooled = len(keys) > MAX_SERIES
        if pooled:
            combos = pd.Series(["all other parameters"] * len(df), index=df.index)
            keys = ["all other parameters"]
        colors = pc.matplotlib.colormaps["tab10"]
        handles = []  # one entry per colour; the line styles are explained once, in black
        for s_index, key in enumerate(keys):
            rows = (combos == key).to_numpy()
            frame = pd.DataFrame({"x": x[rows], "skew": skew_all[rows], "bound": bound_all[rows]})
            g = frame.groupby("x", sort=True)
            xs = g.size().index.to_numpy(dtype=float)
            med = g["skew"].median().to_numpy() / v_scale
            lo = g["skew"].min().to_numpy() / v_scale
            hi = g["skew"].max().to_numpy() / v_scale
            bound = g["bound"].median().to_numpy() / v_scale
            color = colors(s_index % colors.N)
            name = ("all runs" if pooled else
                    f"{', '.join(_short(q) for q in others)}={key}" if key else "runs")
            ax.fill_between(xs, lo, hi, color=color, alpha=0.18, lw=0, gid=f"band:{key}")
            ax.plot(xs, med, "o-", color=color, lw=1.6, ms=4, label=f"median ({name})",
                    gid=f"median:{key}")
            ax.plot(xs, hi, "v:", color=color, lw=1.0, ms=4, label=f"max over seeds ({name})",
                    gid=f"max:{key}")
            if np.isfinite(bound).any():
                ax.plot(xs, bound, "--", color=color, lw=1.4, alpha=0.9, label=f"bound ({name})",
                        gid=f"bound:{key}")
            handles.append(Line2D([], [], color=color, lw=6, alpha=0.5, label=name))
        over = np.isfinite(bound_all) & (skew_all > bound_all)
        if over.any():
            ax.scatter(x[over], skew_all[over] / v_scale, marker="x", s=30,
                       color=pc.VIOLATION_COLOR, zorder=6, label=f"run over its bound ({int(over.sum())})",
                       gid="violations")
        if categories is not None:
            ax.set_xticks(range(len(categories)), categories, rotation=20, fontsize=8)
        elif pc.wants_log(x, ratio=20.0):
            ax.set_xscale("log")
        if log_y:
            ax.set_yscale("log", nonpositive="mask")
        ax.set_xlabel(param + (f" ({unit})" if unit else ""))
        ax.set_ylabel(f"{what} ({v_name})")
        n_seeds = df["seed"].nunique()
        ax.set_title(f"{what} vs {_short(param)} — {n_seeds} seed{'s' if n_seeds != 1 else ''}",
                     fontsize=10)
        ax.grid(True, alpha=0.3, which="both")
        handles += [Line2D([], [], color="black", marker="o", lw=1.6, ms=4, label="median over seeds"),
                    Line2D([], [], color="black", marker="v", ls=":", ms=4, label="max over seeds (band: min..max)")]
        if _gids_startwith(ax, "bound:"):
            handles.append(Line2D([], [], color="black", ls="--", lw=1.4, label="theoretical bound"))
        if over.any():
            handles.append(Line2D([], [], color=pc.VIOLATION_COLOR, marker="x", ls="",
                                  label=f"run over its bound ({int(over.sum())})"))
        ax.legend(handles=handles, fontsize=7, framealpha=0.85)
    for extra in range(len(params), nrows * ncols):
        axes[extra // ncols, extra % ncols].set_visible(False)
    fig.tight_layout()
    return fig


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("sweepdir", help="a `clocksim sweep --out` directory")
    args = parser.parse_args(argv)
    df, params = cio.read_sweep(args.sweepdir)
    if len(df) == 0:
        raise cio.FormatError(os.path.join(args.sweepdir, cio.SWEEP_FILE), "no runs recorded yet")
    fig = make_sweep_figure(df, params)
    path = os.path.join(args.sweepdir, "sweep.png")
    pc.save_png(fig, path)
    print(path)
    return 0


if __name__ == "__main__":
    sys.exit(cio.run_main(main))
