"""Drawing helpers shared by the plot scripts: unit choice, downsampling, event intervals.

Figures are built with matplotlib.figure.Figure directly (no pyplot state), so every plot
function returns its Figure for the caller (tests inspect it) and nothing leaks between plots.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import matplotlib

matplotlib.use("Agg")
from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

FIGSIZE_IN = (12.0, 6.0)
DPI = 100  # 1200 x 600 px

VIOLATION_COLOR = "#d62728"
MASTER_COLOR = "black"
INTERVAL_STYLE = {  # kind -> (face colour, legend label)
    "down": ("#ff9896", "node down"),
    "partition": ("#c5b0d5", "partition"),
    "link": ("#c7c7c7", "link down"),
    "election": ("#ffdd71", "election"),
}


def plain(text) -> str:
    """Text from a run (a scenario's name, a swept value, a folder name) as matplotlib must draw it:
    literally. Between two "$" matplotlib reads mathtext, so a name such as "a$\\frac{b$" stopped
    the figure with a parse error, and "$5 to $9" lost its dollars; "\\$" is a literal one."""
    return re.sub(r"(?<!\\)\$", r"\\$", str(text))


def new_figure(nrows: int = 1, ncols: int = 1, figsize=FIGSIZE_IN, **kwargs):
    fig = Figure(figsize=figsize, dpi=DPI)
    FigureCanvasAgg(fig)
    axes = fig.subplots(nrows, ncols, squeeze=False, **kwargs)
    return fig, axes


def save_png(fig: Figure, path: str) -> None:
    """Writes atomically (temp file, then rename). No bbox_inches="tight": the file's pixel
    size stays exactly figsize * dpi."""
    import os
    tmp = f"{path}.tmp-{os.getpid()}"
    try:
        fig.savefig(tmp, format="png", dpi=DPI)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def png_bytes(fig: Figure) -> bytes:
    import io
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI)
    return buf.getvalue()


# ---------------------------------------------------------------------------------------------
# Units

_VALUE_UNITS = [(1.0, "ns"), (1e3, "µs"), (1e6, "ms"), (1e9, "s")]
_TIME_UNITS = [(1e6, "ms"), (1e9, "s"), (60e9, "min"), (3600e9, "h")]


def value_unit(max_abs_ns: float) -> tuple[float, str]:
    """Largest unit in which the range still reads as >= 1 (e.g. 3.2e6 ns -> ms)."""
    scale, name = _VALUE_UNITS[0]
    for s, n in _VALUE_UNITS:
        if max_abs_ns >= s:
            scale, name = s, n
    return scale, name


def time_unit(span_ns: float) -> tuple[float, str]:
    """Seconds up to 10 minutes, then minutes up to 3 hours, then hours; ms below 2 s."""
    if span_ns < 2e9:
        return _TIME_UNITS[0]
    if span_ns <= 600e9:
        return _TIME_UNITS[1]
    if span_ns <= 3 * 3600e9:
        return _TIME_UNITS[2]
    return _TIME_UNITS[3]


def format_ns(value_ns) -> str:
    """'12.3 ms' for people; '—' for a missing value."""
    if value_ns is None or (isinstance(value_ns, float) and np.isnan(value_ns)) or value_ns is pd.NA:
        return "—"
    scale, name = value_unit(abs(float(value_ns)))
    return f"{float(value_ns) / scale:.4g} {name}"


def wants_log(values: np.ndarray, ratio: float = 100.0) -> bool:
    """True when the positive values span at least `ratio` (a log axis then reads better)."""
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v) & (v > 0)]
    return len(v) > 1 and v.max() / v.min() >= ratio


def natural_key(name: str):
    return [int(p) if p.isdigit() else p for p in re.split(r"(\d+)", str(name))]


# ---------------------------------------------------------------------------------------------
# Downsampling

def minmax_indices(y: np.ndarray, max_points: int) -> np.ndarray:
    """Indices of a subsequence of at most ~max_points that keeps, per bucket, the minimum and
    the maximum (so spikes and violations survive downsampling). NaNs are ignored per bucket,
    but the first NaN of every run of them is kept, so that a gap in the data stays a gap in the
    line instead of being bridged."""
    n = len(y)
    if n <= max_points or max_points < 4:
        return np.arange(n)
    nan = np.isnan(np.asarray(y, dtype=float))
    gap_starts = np.flatnonzero(nan & ~np.concatenate([[False], nan[:-1]]))
    bucket = int(np.ceil(n / (max_points // 2)))
    nb = n // bucket
    head = np.asarray(y[: nb * bucket], dtype=float).reshape(nb, bucket)
    filled_lo = np.where(np.isnan(head), np.inf, head)
    filled_hi = np.where(np.isnan(head), -np.inf, head)
    base = np.arange(nb) * bucket
    idx = np.concatenate([base + filled_lo.argmin(axis=1), base + filled_hi.argmax(axis=1)])
    if nb * bucket < n:
        tail = np.arange(nb * bucket, n)
        idx = np.concatenate([idx, tail[[0, -1]]])
    return np.unique(np.concatenate([idx, gap_starts]))


# ---------------------------------------------------------------------------------------------
# Event intervals (from events.csv)

@dataclass
class Interval:
    kind: str        # key of INTERVAL_STYLE
    start_ns: int
    end_ns: int      # the end of the run when the closing event never came
    label: str


@dataclass
class PointEvent:
    t_ns: int
    kind: str
    label: str


def event_intervals(events: pd.DataFrame | None, end_ns: int) -> list[Interval]:
    """Pairs opening and closing events: crash..restart per node, link_down..link_up per
    (node, peer), partition..heal, and election_started..the next became_master (concurrent
    candidates form one election)."""
    if events is None or len(events) == 0:
        return []
    out: list[Interval] = []
    down: dict[str, int] = {}
    links: dict[tuple[str, str], int] = {}
    partitions: list[int] = []
    election_start: int | None = None
    for t, node, kind, peer in zip(events["t_ns"].to_numpy(), events["node"], events["kind"],
                                   events["peer"]):
        t = int(t)
        if kind == "crash":
            down.setdefault(node, t)
        elif kind == "restart" and node in down:
            out.append(Interval("down", down.pop(node), t, f"{node} down"))
        elif kind == "link_down":
            links.setdefault((node, peer), t)
        elif kind == "link_up":
            key = (node, peer)
            if key not in links:  # restored from the other end: the same link
                key = (peer, node) if (peer, node) in links else None
            if key is not None:
                out.append(Interval("link", links.pop(key), t, _link_label(*key)))
        elif kind == "partition":
            partitions.append(t)
        elif kind == "heal" and partitions:
            start = partitions.pop(0)
            out.append(Interval("partition", start, t, "partition"))
        elif kind == "election_started":
            if election_start is None:
                election_start = t
        elif kind == "became_master" and election_start is not None:
            out.append(Interval("election", election_start, t, f"election → {node}"))
            election_start = None
    for node, start in down.items():
        out.append(Interval("down", start, end_ns, f"{node} down"))
    for key, start in links.items():
        out.append(Interval("link", start, end_ns, _link_label(*key)))
    for start in partitions:
        out.append(Interval("partition", start, end_ns, "partition"))
    if election_start is not None:
        out.append(Interval("election", election_start, end_ns, "election (unfinished)"))
    out.sort(key=lambda iv: (iv.start_ns, iv.kind))
    return out


def _link_label(node: str, peer: str) -> str:
    return f"link {node}–{peer} down" if peer and node else f"link {node or peer} down"


def point_events(events: pd.DataFrame | None, kinds=("clock_step", "expect_failed")) -> list[PointEvent]:
    if events is None or len(events) == 0:
        return []
    sel = events[events["kind"].isin(kinds)]
    return [PointEvent(int(t), k, f"{k.replace('_', ' ')} {n}".strip())
            for t, k, n in zip(sel["t_ns"], sel["kind"], sel["node"])]


def shade_intervals(ax, intervals: list[Interval], t_scale: float, max_labels: int = 24) -> None:
    """Shades each interval on ax (x in units of t_scale; set the x limits first) and labels the
    first max_labels, stacking labels that would overlap; remembers the kinds for the legend."""
    kinds_seen: list[str] = []
    xmin, xmax = ax.get_xlim()
    width = max(xmax - xmin, 1e-12)
    row_ends: list[float] = []  # axes-fraction x where the last label of each row ends
    for i, iv in enumerate(intervals):
        color, _ = INTERVAL_STYLE[iv.kind]
        x0, x1 = iv.start_ns / t_scale, max(iv.end_ns, iv.start_ns) / t_scale
        span = ax.axvspan(x0, x1, color=color, alpha=0.35, lw=0, zorder=0)
        span.set_gid(f"interval:{iv.kind}")
        if iv.kind not in kinds_seen:
            kinds_seen.append(iv.kind)
        if i >= max_labels:
            continue
        x_text = max(x0, xmin)  # an interval that began before the visible range: label at its edge
        if x_text > xmax:
            continue
        f0 = (x_text - xmin) / width
        row = next((r for r, end in enumerate(row_ends) if end <= f0), len(row_ends))
        if row == len(row_ends):
            row_ends.append(0.0)
        row_ends[row] = f0 + (len(iv.label) + 2) * 0.0065  # ~7 pt characters on a 12 in axis
        ax.text(x_text, 0.99 - 0.045 * (row % 8), " " + iv.label, transform=ax.get_xaxis_transform(),
                fontsize=7, va="top", ha="left", color="#333333", clip_on=True,
                gid="interval-label")
    ax._clocksim_interval_kinds = kinds_seen  # read by interval_legend_handles


def interval_legend_handles(ax) -> list[Patch]:
    return [Patch(facecolor=INTERVAL_STYLE[k][0], alpha=0.35, label=INTERVAL_STYLE[k][1])
            for k in getattr(ax, "_clocksim_interval_kinds", [])]


def mark_points(ax, points: list[PointEvent], t_scale: float, max_points: int = 50,
                max_labels: int = 12) -> None:
    """Dotted verticals for single events (clock steps, failed expectations), the first
    max_labels of them named along the line."""
    for i, p in enumerate(points[:max_points]):
        color = VIOLATION_COLOR if p.kind == "expect_failed" else "#555555"
        ax.axvline(p.t_ns / t_scale, color=color, ls=":", lw=1, gid=f"point:{p.kind}")
        if i < max_labels:
            ax.text(p.t_ns / t_scale, 0.02, " " + p.label, transform=ax.get_xaxis_transform(),
                    rotation=90, fontsize=7, color=color, va="bottom", ha="right", clip_on=True,
                    gid="point-label")
