#!/usr/bin/python3
"""Plots one run: OUTDIR/offsets.png (every traced node's offset from true time, the master
drawn thick, crash/partition/election intervals shaded) and OUTDIR/skew.png (measured max skew
against the theoretical bound over time, violations in red).

    analysis/plot_offsets.py out/failover [--max-nodes 16] [--max-points 4000]

Reads only trace.csv, skew.csv, summary.json and (optionally) events.csv; see
docs/output-formats.md. Exit code 2 on a missing or malformed file.
"""
from __future__ import annotations

import argparse
import os
import sys

import numpy as np
import pandas as pd

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import clocksim_io as cio  # noqa: E402
import plot_common as pc  # noqa: E402

DEFAULT_MAX_NODES = 16
DEFAULT_MAX_POINTS = 4000  # per line; min/max per bucket keeps the peaks


def master_names(skew: pd.DataFrame | None) -> list[str]:
    """Nodes that were ever master, in order of first appearance."""
    if skew is None or len(skew) == 0:
        return []
    names = skew["master"].to_numpy()
    seen = pd.unique(names[names != ""])
    return [str(n) for n in seen]


def select_nodes(trace: pd.DataFrame, skew: pd.DataFrame | None, max_nodes: int) -> list[str]:
    """Every node when there are at most max_nodes; otherwise the masters plus evenly spaced
    others (by natural name order), so large runs stay readable and the choice is stable."""
    all_nodes = sorted((str(n) for n in trace["node"].unique()), key=pc.natural_key)
    if len(all_nodes) <= max_nodes:
        return all_nodes
    chosen = [m for m in master_names(skew) if m in set(all_nodes)][:max_nodes]
    rest = [n for n in all_nodes if n not in set(chosen)]
    k = max_nodes - len(chosen)
    if k > 0 and rest:
        picks = np.unique(np.linspace(0, len(rest) - 1, num=min(k, len(rest))).round().astype(int))
        chosen += [rest[i] for i in picks]
    return sorted(chosen, key=pc.natural_key)


def _master_series(trace: pd.DataFrame, skew: pd.DataFrame) -> pd.DataFrame:
    """Per skew tick, the offset of whoever is master then (NaN when none, not traced or down)."""
    ticks = skew[["t_ns", "master"]]
    masters = master_names(skew)
    sub = trace.loc[trace["node"].isin(masters), ["t_ns", "node", "offset_ns", "up"]].copy()
    sub["node"] = sub["node"].astype(str)
    merged = ticks.merge(sub, how="left", left_on=["t_ns", "master"], right_on=["t_ns", "node"])
    # Between a master's crash and the election the others still name it; it leads nothing then.
    offset = merged["offset_ns"].astype(float).where(merged["up"] == 1)
    return pd.DataFrame({"t_ns": merged["t_ns"], "master": merged["master"], "offset_ns": offset})


def make_offsets_figure(run: cio.Run, max_nodes: int = DEFAULT_MAX_NODES,
                        max_points: int = DEFAULT_MAX_POINTS, zoom: bool = True):
    """The whole run; plus, when the offsets after warm-up span less than half of the whole
    range (initial offsets dwarf the synchronised state), a second panel zoomed on that part."""
    trace = run.trace
    end_ns = max(run.duration_ns, int(trace["t_ns"].iloc[-1]) if len(trace) else 0)
    t_scale, t_name = pc.time_unit(end_ns)
    nodes = select_nodes(trace, run.skew, max_nodes) if len(trace) else []
    total_nodes = int(trace["node"].nunique()) if len(trace) else 0
    shown = trace[trace["node"].isin(nodes)] if len(trace) else trace
    master = (_master_series(trace, run.skew)
              if run.skew is not None and len(run.skew) and len(trace) else None)

    zoom_from, zoom_what = _zoom_start(run)
    after = (shown.loc[(shown["t_ns"] >= zoom_from) & (shown["up"] == 1), "offset_ns"].to_numpy()
             if len(shown) else [])
    with_zoom = (zoom and 0 < zoom_from < end_ns and len(after) > 0
                 and np.ptp(after) < 0.5 * np.ptp(shown["offset_ns"].to_numpy()))
    if with_zoom:
        fig, axes = pc.new_figure(2, 1, figsize=(pc.FIGSIZE_IN[0], 9.0))
    else:
        fig, axes = pc.new_figure()
    ax = axes[0, 0]
    envelope = _envelope(trace) if len(nodes) < total_nodes else None
    _draw_offsets(ax, run, shown, master, nodes, 0, end_ns, t_scale, max_points, envelope)
    subset = f" — {len(nodes)} of {total_nodes} nodes shown" if len(nodes) < total_nodes else ""
    ax.set_title(f"{pc.plain(run.name)} (seed {run.seed}): clock offsets{subset}")
    ax.set_xlabel(f"true time ({t_name})")
    handles, labels = ax.get_legend_handles_labels()
    if len(nodes) > 12:  # too many node names for a legend: keep the master and the band
        keep = [k for k, l in enumerate(labels) if l in ("master", "range of all up nodes")]
        handles, labels = [handles[k] for k in keep], [labels[k] for k in keep]
    extra = pc.interval_legend_handles(ax)
    if handles or extra:
        ax.legend(handles + extra, labels + [h.get_label() for h in extra], loc="upper right",
                  fontsize=7, ncol=2 if len(labels) > 8 else 1, framealpha=0.85)
    if not len(trace):
        ax.text(0.5, 0.5, "trace.csv has no rows", transform=ax.transAxes, ha="center")
    if with_zoom:
        zax = axes[1, 0]
        _draw_offsets(zax, run, shown[shown["t_ns"] >= zoom_from], master, nodes, zoom_from,
                      end_ns, t_scale, max_points, envelope)
        zax.set_title(f"after {zoom_what} ({zoom_from / t_scale:.4g} {t_name} on), zoomed", fontsize=10)
        zax.set_xlabel(f"true time ({t_name})")
    fig.tight_layout()
    return fig


def _envelope(trace: pd.DataFrame) -> pd.DataFrame:
    """Per tick, the lowest and highest offset over every up node (not only those drawn)."""
    up = trace.loc[trace["up"] == 1, ["t_ns", "offset_ns"]]
    return up.groupby("t_ns", sort=True)["offset_ns"].agg(["min", "max"]).reset_index()


def _zoom_start(run: cio.Run) -> tuple[int, str]:
    """Where the synchronised state starts: the end of warm-up when the run has one, else the
    first completed sync round (from events.csv); (0, "") when neither is known."""
    if run.warmup_ns > 0:
        return run.warmup_ns, "warm-up"
    if run.events is not None and len(run.events):
        rounds = run.events.loc[run.events["kind"] == "round_complete", "t_ns"]
        if len(rounds):
            return int(rounds.iloc[0]), "the first round"
    return 0, ""


def _draw_offsets(ax, run: cio.Run, shown: pd.DataFrame, master: pd.DataFrame | None,
                  nodes: list[str], start_ns: int, end_ns: int, t_scale: float,
                  max_points: int, envelope: pd.DataFrame | None = None) -> None:
    """Node lines, the master line and the event intervals for [start_ns, end_ns] on ax; with
    `envelope`, the range of all up nodes as a grey band behind the drawn subset."""
    max_abs = float(np.abs(shown["offset_ns"].to_numpy()).max()) if len(shown) else 1.0
    if envelope is not None and len(envelope):
        envelope = envelope[envelope["t_ns"] >= start_ns]
        max_abs = max(max_abs, float(envelope[["min", "max"]].abs().to_numpy().max(initial=0)))
    v_scale, v_name = pc.value_unit(max_abs)
    ax.set_xlim(start_ns / t_scale, (end_ns if end_ns > start_ns else start_ns + 1) / t_scale)
    intervals = [iv for iv in pc.event_intervals(run.events, end_ns) if iv.end_ns >= start_ns]
    pc.shade_intervals(ax, intervals, t_scale)
    pc.mark_points(ax, [p for p in pc.point_events(run.events) if p.t_ns >= start_ns], t_scale)

    if envelope is not None and len(envelope):
        bucket = np.arange(len(envelope)) // max(1, len(envelope) // max_points)
        e = envelope.groupby(bucket).agg({"t_ns": "first", "min": "min", "max": "max"})
        ax.fill_between(e["t_ns"].to_numpy() / t_scale, e["min"].to_numpy() / v_scale,
                        e["max"].to_numpy() / v_scale, color="#999999", alpha=0.25, lw=0,
                        zorder=1, label="range of all up nodes", gid="all-nodes-range")

    codes = shown["node"].cat.codes.to_numpy()
    categories = list(shown["node"].cat.categories)
    t_all = shown["t_ns"].to_numpy()
    y_all = shown["offset_ns"].to_numpy()
    up_all = shown["up"].to_numpy()
    colors = pc.matplotlib.colormaps["tab20" if len(nodes) > 10 else "tab10"]
    for i, node in enumerate(nodes):
        mask = codes == categories.index(node)
        t, y, up = t_all[mask], y_all[mask].astype(float), up_all[mask]
        idx = pc.minmax_indices(y, max_points)
        t, y, up = t[idx] / t_scale, y[idx] / v_scale, up[idx]
        color = colors(i % colors.N)
        ax.plot(t, np.where(up == 1, y, np.nan), lw=0.8, color=color, label=node, gid=f"node:{node}")
        if (up == 0).any():
            # A crashed node's clock keeps running (its rows are still written); draw it faint.
            ax.plot(t, np.where(up == 0, y, np.nan), lw=0.8, ls=":", color=color, alpha=0.6,
                    label="_nolegend_", gid=f"node-down:{node}")

    if master is not None:
        ms = master[master["t_ns"] >= start_ns]
        y = ms["offset_ns"].to_numpy(dtype=float)
        if np.isfinite(y).any():
            tm = ms["t_ns"].to_numpy()
            # Downsampled as the node lines are: a tick with no master (NaN) stays a gap.
            keep = pc.minmax_indices(y, max_points)
            ax.plot(tm[keep] / t_scale, y[keep] / v_scale, lw=2.6, color=pc.MASTER_COLOR,
                    alpha=0.85, label="master", gid="master", zorder=5)
            names = ms["master"].to_numpy()
            changes = np.flatnonzero((names != np.roll(names, 1)) & (names != ""))
            changes = changes[np.isfinite(y[changes])][:20]
            ax.plot(tm[changes] / t_scale, y[changes] / v_scale, "D", color=pc.MASTER_COLOR, ms=6,
                    label="_nolegend_", gid="master-change", zorder=6)
            for j in changes:
                ax.annotate(f" {names[j]}", (tm[j] / t_scale, y[j] / v_scale), fontsize=8,
                            fontweight="bold", zorder=7)

    if start_ns > 0 and (shown["up"] == 1).any():
        # The zoom follows the running clocks; a crashed node drifting away and the zero line
        # must not stretch it back to the full range.
        up_offsets = shown.loc[shown["up"] == 1, "offset_ns"].to_numpy() / v_scale
        lo, hi = float(up_offsets.min()), float(up_offsets.max())
        pad = 0.05 * (hi - lo) if hi > lo else max(abs(hi), 1.0) * 0.05
        ax.set_ylim(lo - pad, hi + pad)
        if lo <= 0 <= hi:
            ax.axhline(0, color="#888888", lw=0.6, zorder=1)
    else:
        ax.axhline(0, color="#888888", lw=0.6, zorder=1)
    ax.set_ylabel(f"offset from true time ({v_name})")
    ax.grid(True, alpha=0.3)


def violation_mask(skew: pd.DataFrame, warmup_ns: int) -> np.ndarray:
    """Ticks after warm-up where the measured max skew exceeds the bound written for that tick."""
    # Compared as integers (nullable): a tick with no bound or nothing measured violates nothing.
    over = (skew["max_skew_ns"].astype("Int64") > skew["bound_ns"].astype("Int64")).fillna(False)
    return (over & (skew["t_ns"] >= warmup_ns)).to_numpy(dtype=bool)


def unmeasured_intervals(t: np.ndarray, skew_ns: np.ndarray, end_ns: int) -> list[tuple[int, int]]:
    """[start, end) of each run of ticks whose skew is NaN (no correct node up), the end being the
    next measured tick (or the end of the run)."""
    gap = np.isnan(skew_ns)
    if not gap.any():
        return []
    edges = np.flatnonzero(np.diff(np.concatenate([[0], gap.astype(np.int8), [0]])))
    out = []
    for first, after in zip(edges[::2], edges[1::2]):
        out.append((int(t[first]), int(t[after]) if after < len(t) else max(end_ns, int(t[-1]))))
    return out


def mark_zero_skew(ax, t, s, max_points: int) -> None:
    """A log axis cannot show a skew of exactly 0 (one correct node up, or clocks that agree to
    the nanosecond): left alone it would read as a gap, like the hatched ticks where nothing was
    measured. Such ticks get a mark on the axis's floor instead."""
    zero = np.flatnonzero(s == 0)
    if not len(zero):
        return
    if len(zero) > max_points:
        zero = zero[np.linspace(0, len(zero) - 1, max_points).astype(int)]
    ax.autoscale_view()
    floor, top = ax.get_ylim()
    ax.scatter(t[zero], np.full(len(zero), floor), s=12, marker="^", color="#1f77b4", clip_on=False, zorder=6,
               gid="zero-skew", label="skew 0 (below a log axis)")
    ax.set_ylim(floor, top)


def make_skew_figure(run: cio.Run, max_points: int = DEFAULT_MAX_POINTS):
    skew = run.skew
    fig, axes = pc.new_figure()
    ax = axes[0, 0]
    end_ns = max(run.duration_ns, int(skew["t_ns"].iloc[-1]) if len(skew) else 0)
    t_scale, t_name = pc.time_unit(end_ns)
    t = skew["t_ns"].to_numpy()
    s = skew["max_skew_ns"].to_numpy(dtype=float, na_value=np.nan)  # NaN: no correct node up
    b = skew["bound_ns"].to_numpy(dtype=float, na_value=np.nan)
    top = np.nanmax(np.concatenate([s, b, [1.0]]))
    v_scale, v_name = pc.value_unit(top)

    ax.set_xlim(0, end_ns / t_scale if end_ns else 1)
    if run.warmup_ns > 0:
        ax.axvspan(0, run.warmup_ns / t_scale, color="#dddddd", alpha=0.5, lw=0, zorder=0,
                   gid="warmup", label="warm-up")
    pc.shade_intervals(ax, pc.event_intervals(run.events, end_ns), t_scale)
    pc.mark_points(ax, pc.point_events(run.events), t_scale)
    for k, (g0, g1) in enumerate(unmeasured_intervals(t, s, end_ns)):
        # Nothing was measured there: a hatched gap, not a line at 0.
        ax.axvspan(g0 / t_scale, g1 / t_scale, facecolor="none", edgecolor="#888888", hatch="//", lw=0,
                   zorder=0, gid="no-node-up", label="no correct node up" if k == 0 else "_nolegend_")

    idx = pc.minmax_indices(s, max_points)
    ax.plot(t[idx] / t_scale, s[idx] / v_scale, lw=0.9, color="#1f77b4", label="measured max skew",
            gid="max_skew")
    if np.isfinite(b).any():
        bidx = pc.minmax_indices(b, max_points)
        ax.plot(t[bidx] / t_scale, b[bidx] / v_scale, lw=1.4, ls="--", color="#2ca02c",
                label="theoretical bound", gid="bound", drawstyle="steps-post")
    viol = violation_mask(skew, run.warmup_ns)
    n_viol = int(viol.sum())
    if n_viol:
        vi = np.flatnonzero(viol)
        if len(vi) > max_points:
            vi = vi[pc.minmax_indices(s[vi], max_points)]
        ax.scatter(t[vi] / t_scale, s[vi] / v_scale, s=10, color=pc.VIOLATION_COLOR, zorder=6,
                   label=f"bound violated ({n_viol} ticks)", gid="violations")
    if pc.wants_log(np.concatenate([s, b])):
        ax.set_yscale("log", nonpositive="mask")
        mark_zero_skew(ax, t / t_scale, s, max_points)
    else:
        ax.set_ylim(bottom=0)
    ax.set_xlabel(f"true time ({t_name})")
    ax.set_ylabel(f"skew between up nodes ({v_name})")
    bound_note = "" if np.isfinite(b).any() else " (this scenario has no theoretical bound)"
    ax.set_title(f"{pc.plain(run.name)} (seed {run.seed}): max skew vs bound{bound_note}")
    ax.grid(True, alpha=0.3, which="both")
    handles, labels = ax.get_legend_handles_labels()
    extra = pc.interval_legend_handles(ax)
    ax.legend(handles + extra, labels + [h.get_label() for h in extra], loc="upper right",
              fontsize=8, framealpha=0.85)
    fig.tight_layout()
    return fig


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("outdir", help="a `clocksim run --out` directory")
    parser.add_argument("--max-nodes", type=int, default=DEFAULT_MAX_NODES,
                        help="draw at most this many nodes (masters first)")
    parser.add_argument("--max-points", type=int, default=DEFAULT_MAX_POINTS,
                        help="downsample each line to about this many points")
    args = parser.parse_args(argv)
    if args.max_points < 2 or args.max_nodes < 1:
        parser.error("--max-points must be at least 2 and --max-nodes at least 1")
    run = cio.load_run(args.outdir, required=("trace", "skew"), optional=("events",))
    if run.missing:
        print(f"note: {', '.join(run.missing)} not found; intervals are not shaded", file=sys.stderr)
    for name, fig in (("offsets.png", make_offsets_figure(run, args.max_nodes, args.max_points)),
                      ("skew.png", make_skew_figure(run, args.max_points))):
        path = os.path.join(args.outdir, name)
        pc.save_png(fig, path)
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(cio.run_main(main))
