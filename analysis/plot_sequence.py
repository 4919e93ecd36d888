#!/usr/bin/python3
"""Draws a message sequence chart of one run's time window from messages.csv: one lifeline per
node (columns), time flowing down (in event order by default: one row per distinct instant,
labelled with its time; --linear for true time to scale), one arrow per message from its sending to its receiving
instant, coloured by type; lost messages end in a cross half-way, messages to a down node in a
cross at the receiver. Role events from events.csv (crash, election started, became master) are
marked on the lifelines, with the election's id ("n3#2") beside an election's start and its winner.

    analysis/plot_sequence.py out/bully --window 60s:64s [--layer election] [-o seq.png]

Needs messages.csv: run the scenario with `--set output.messages=true` (or `output: {messages:
true}`). Exit code 2 on a missing or malformed file or a bad option.
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

MAX_ARROWS = 400  # beyond this the chart is unreadable; the title says how many were left out
EVENT_MARKS = {  # events.csv kind -> (marker, colour, label)
    "crash": ("X", "#d62728", "crash"),
    "restart": ("P", "#2ca02c", "restart"),
    "master_silent": ("o", "#ff7f0e", "master silent"),
    "election_started": ("s", "#ffbb00", "election started"),
    "became_master": ("D", "#000000", "became master"),
    "became_slave": ("v", "#17becf", "became slave"),
}
_DURATION = re.compile(r"^\s*([-+]?\d+(?:\.\d*)?)\s*(ns|us|ms|s|m|min|h)?\s*$")
_UNIT_NS = {"ns": 1, "us": 1e3, "ms": 1e6, "s": 1e9, "m": 60e9, "min": 60e9, "h": 3600e9, None: 1e9}


class OptionError(Exception):
    pass


def parse_time_ns(text: str) -> int:
    """"60s", "1.5s", "250ms", "-2s" or a bare number of seconds -> ns."""
    m = _DURATION.match(text)
    if not m:
        raise OptionError(f"expected a time such as 60s or 250ms, found {text!r}")
    return int(round(float(m.group(1)) * _UNIT_NS[m.group(2)]))


def parse_window(text: str) -> tuple[int, int]:
    """"60s:64s" -> (60e9, 64e9) ns."""
    if ":" not in text:
        raise OptionError(f"--window {text}: expected START:END, e.g. 60s:64s")
    a, b = text.split(":", 1)
    start, end = parse_time_ns(a), parse_time_ns(b)
    if end <= start:
        raise OptionError(f"--window {text}: the end is not after the start")
    return start, end


def in_window(messages: pd.DataFrame, start_ns: int, end_ns: int, layer: str | None = None) -> pd.DataFrame:
    """Messages sent within [start, end] (of the given layer)."""
    m = messages[(messages["sent_ns"] >= start_ns) & (messages["sent_ns"] <= end_ns)]
    if layer:
        m = m[m["layer"] == layer]
    return m


class OrdinalTime:
    """Time flowing down in event order: every distinct instant of the chart gets its own row, so
    a 3 ms cascade and a 200 ms pause take the same room; the rows are labelled with their times."""

    def __init__(self, instants_ns):
        self.instants = np.unique(np.asarray(instants_ns, dtype=np.int64))

    def __call__(self, t_ns):
        return np.searchsorted(self.instants, np.asarray(t_ns, dtype=np.int64)).astype(float)


def make_sequence_figure(messages: pd.DataFrame, events: pd.DataFrame | None, start_ns: int, end_ns: int,
                         nodes: list[str] | None = None, layer: str | None = None, title: str = "",
                         origin_ns: int = 0, ax=None, time_axis: str = "ordinal"):
    """The chart on `ax` (a new figure when None). Times are shown relative to `origin_ns` (e.g.
    the fault), in ms when the window is under 10 s. time_axis "ordinal" (default): one row per
    distinct instant, labelled with its time; "linear": true time to scale."""
    shown = in_window(messages, start_ns, end_ns, layer)
    left_out = max(0, len(shown) - MAX_ARROWS)
    shown = shown.head(MAX_ARROWS)
    if nodes is None:
        names = set(messages["from"]) | set(messages["to"])
        if events is not None:
            names |= {n for n in events["node"] if n}
        nodes = sorted(names, key=pc.natural_key)
    col = {n: i for i, n in enumerate(nodes)}
    if ax is None:
        fig, axes = pc.new_figure(1, 1, figsize=(max(6.0, 1.1 * len(nodes) + 2.5) + 2.2, 7.0))
        ax = axes[0, 0]
    else:
        fig = ax.figure
    span = end_ns - start_ns
    scale, unit = (1e6, "ms") if span < 10e9 else (1e9, "s")
    ev_in = None
    if events is not None and len(events):
        ev_in = events[(events["t_ns"] >= start_ns) & (events["t_ns"] <= end_ns) &
                       events["kind"].isin(list(EVENT_MARKS)) & events["node"].isin(list(col))]
    ordinal = None
    if time_axis == "ordinal":
        instants = list(shown["sent_ns"]) + [int(r) for r in shown["received_ns"].dropna()]
        if ev_in is not None:
            instants += list(ev_in["t_ns"])
        ordinal = OrdinalTime(instants or [start_ns, end_ns])

    def y(t_ns):
        if ordinal is not None:
            return ordinal(t_ns)
        return (np.asarray(t_ns, dtype=float) - origin_ns) / scale

    for i, n in enumerate(nodes):
        ax.axvline(i, color="#bbbbbb", lw=1.0, zorder=1)
    types = list(pd.unique(shown["type"]))
    colors = pc.matplotlib.colormaps["tab10"]
    color_of = {t: colors(i % colors.N) for i, t in enumerate(types)}
    counts = {}
    for sent, recv, a, b, typ, fate in zip(shown["sent_ns"], shown["received_ns"], shown["from"], shown["to"],
                                           shown["type"], shown["fate"]):
        if a not in col or b not in col:
            continue
        x0, x1 = col[a], col[b]
        y0 = float(y(sent))
        if fate == "delivered":
            y1 = float(y(int(recv)))
            ax.annotate("", xy=(x1, y1), xytext=(x0, y0), zorder=3,
                        arrowprops=dict(arrowstyle="-|>", color=color_of[typ], lw=1.1, shrinkA=0, shrinkB=0))
        else:
            # Lost (or still in flight): half-way; to a down node: at the receiver.
            xe = x1 if fate == "to_down_node" else (x0 + x1) / 2
            step = 0.5 if ordinal is not None else max(span / scale * 0.01, 1e-9)
            ye = y0 + (0.5 if fate != "to_down_node" else 1.0) * step
            ax.plot([x0, xe], [y0, ye], color=color_of[typ], lw=1.1, ls="--", zorder=3)
            ax.plot([xe], [ye], marker="x", color=color_of[typ], ms=7, mew=2, zorder=4, gid=f"fate:{fate}")
        counts[typ] = counts.get(typ, 0) + 1
    handles = [Line2D([], [], color=color_of[t], lw=2, label=f"{t} ({counts.get(t, 0)})") for t in types]
    if ev_in is not None:
        for kind, (marker, color, label) in EVENT_MARKS.items():
            sub = ev_in[ev_in["kind"] == kind]
            if len(sub) == 0:
                continue
            ax.scatter([col[n] for n in sub["node"]], y(sub["t_ns"]), marker=marker, s=60, color=color,
                       edgecolors="white", zorder=5, gid=f"event:{kind}")
            handles.append(Line2D([], [], marker=marker, ls="", color=color, label=label))
            # Which election: "n3#2" (events.csv `election`) beside the marker.
            if "election" in sub.columns:
                for n, t, eid in zip(sub["node"], sub["t_ns"], sub["election"]):
                    if isinstance(eid, str) and eid:
                        ax.text(col[n] + 0.1, float(y(t)), eid, fontsize=7, va="center", ha="left", zorder=6,
                                color="#333333", backgroundcolor=(1, 1, 1, 0.7), gid="election_id")
    ax.set_xticks(range(len(nodes)), nodes)
    ax.xaxis.tick_top()
    ax.set_xlim(-0.5, max(len(nodes), 1) - 0.5)  # a window without messages still has an axis
    origin = "" if origin_ns == 0 else f" since t={origin_ns / 1e9:.3f}s"
    if ordinal is not None:
        n = len(ordinal.instants)
        ax.set_ylim(n - 0.5 + 0.5, -0.5)  # time flows down
        every = max(1, int(np.ceil(n / 30)))
        rows = list(range(0, n, every))
        ax.set_yticks(rows, [f"{(ordinal.instants[r] - origin_ns) / scale:.3f}" for r in rows], fontsize=7)
        # Long pauses between successive instants are written out, as the rows hide them.
        gaps = np.diff(ordinal.instants)
        if len(gaps):
            typical = max(float(np.median(gaps)), 1.0)
            for i in np.flatnonzero(gaps > 20 * typical):
                ax.axhline(i + 0.5, color="#999999", lw=0.8, ls=(0, (1, 3)), zorder=0)
                ax.text(len(nodes) - 0.5, i + 0.5, f" +{gaps[i] / scale:.3g} {unit} ", fontsize=7, va="center",
                        ha="right", color="#666666", backgroundcolor="white", gid="gap")
        ax.set_ylabel(f"time{origin} ({unit}), in event order")
    else:
        ax.set_ylim(float(y(end_ns)), float(y(start_ns)))  # time flows down
        ax.set_ylabel(f"time{origin} ({unit})")
    what = f"{len(shown)} messages drawn" + (f" ({layer} layer, this window)" if layer else " (this window)")
    if left_out:
        what += f" (first {MAX_ARROWS}; {left_out} more not drawn)"
    ax.set_title((pc.plain(title) + "\n" if title else "") + what, fontsize=10)
    ax.grid(True, axis="y", alpha=0.3)
    if handles:
        ax.legend(handles=handles, fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0), framealpha=0.85)
    ax.set_gid("sequence")
    if ax is fig.axes[0] and len(fig.axes) == 1:
        fig.tight_layout()
    return fig


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("outdir", help="a `clocksim run --out` directory with messages.csv")
    parser.add_argument("--window", required=True, help="START:END in true time, e.g. 60s:64s")
    parser.add_argument("--layer", choices=("election", "sync"), help="only this layer's messages")
    parser.add_argument("--linear", action="store_true",
                        help="true time to scale (default: one row per instant, in event order)")
    parser.add_argument("-o", "--output", help="the PNG (default OUTDIR/sequence.png)")
    args = parser.parse_args(argv)
    try:
        start, end = parse_window(args.window)
    except OptionError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    run = cio.load_run(args.outdir, required=("messages",), optional=("events",))
    fig = make_sequence_figure(run.messages, run.events, start, end, layer=args.layer, title=run.name,
                               time_axis="linear" if args.linear else "ordinal")
    path = args.output or os.path.join(args.outdir, "sequence.png")
    pc.save_png(fig, path)
    print(path)
    return 0


if __name__ == "__main__":
    sys.exit(cio.run_main(main))
