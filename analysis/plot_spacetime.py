#!/usr/bin/python3
"""Draws the space-time diagram of a logical-clock run: OUTDIR/spacetime.png. One horizontal line
per node of the run, true time to the right; every event a dot (local: grey, send: blue, receive:
green), every delivered message an arrow from its send to its receive, each event labelled with
its Lamport time (and vector timestamp when there is one). The faults of events.csv are marked:
a crash (red cross) and the node's time down (red band on its line) up to its restart (cyan
triangle), a link down (orange, under both ends' lines) and a partition (purple shading, its
sides named), each with a legend entry.

    analysis/plot_spacetime.py out/logical-clocks [--max-events 200] [--no-vectors]

Reads logical.csv, and when present trace.csv's first tick (which nodes the run has, those with
no logical event included), events.csv (the faults) and summary.json (the duration, the node
count); docs/output-formats.md. Exit code 2 on a missing or malformed file.
"""
from __future__ import annotations

import argparse
import os
import re
import sys
from dataclasses import dataclass, field

import pandas as pd
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import clocksim_io as cio  # noqa: E402
import plot_common as pc  # noqa: E402

COLUMNS = ["event", "t_ns", "node", "kind", "peer", "message_id", "cause", "lamport", "vector"]
KIND_COLOUR = {"local": "#7f7f7f", "send": "#1f77b4", "receive": "#2ca02c"}
FAULT_STYLE = {"crash": "#d62728", "restart": "#17becf", "down": "#ff9896", "link": "#ff7f0e",
               "partition": "#c5b0d5"}
DEFAULT_MAX_EVENTS = 200  # beyond this a diagram is unreadable: the first events are drawn


def read_logical(outdir: str) -> pd.DataFrame:
    path = os.path.join(outdir, "logical.csv")
    if not os.path.isfile(path):
        raise cio.FormatError(path, "missing (run a scenario with sync: logical)")
    try:
        df = pd.read_csv(path, dtype={"node": str, "kind": str, "peer": str, "vector": str},
                         keep_default_na=False)
    except UnicodeDecodeError:
        raise cio.not_utf8(path) from None
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as err:
        raise cio.FormatError(path, f"not a CSV file: {cio.shown(str(err), 300)}") from err
    missing = [c for c in COLUMNS if c not in df.columns]
    if missing:
        raise cio.FormatError(path, f"missing columns {cio.shown(str(missing), 300)}")
    if df.empty:
        # A run without a single logical event (shorter than the first gap of its workload, every
        # node down) writes the header alone, which pandas types as text: still a valid file.
        return df.astype({"event": "int64", "t_ns": "int64", "lamport": "int64"})
    for c in ("event", "t_ns", "lamport"):
        if not pd.api.types.is_integer_dtype(df[c]):
            raise cio.FormatError(path, f"column '{c}' is not integer")
    bad = df.loc[~df["kind"].isin(KIND_COLOUR.keys()), "kind"]
    if len(bad):
        raise cio.FormatError(path, f"unknown event kind {cio.shown(repr(bad.iloc[0]))}")
    return df


def label(row, vectors: bool) -> str:
    text = f"{row.lamport}"
    if vectors and row.vector != "":
        text += " [" + ",".join(str(row.vector).split()) + "]"
    return text


@dataclass
class RunContext:
    """What the other files of the run say around logical.csv (all optional)."""
    nodes: list[str] = field(default_factory=list)  # every node named by the run's files
    id_order: list[str] = field(default_factory=list)  # trace.csv's nodes, by node id
    node_count: int | None = None                    # summary.json's scenario.nodes
    events: pd.DataFrame | None = None               # events.csv
    end_ns: int | None = None                        # the run's duration


def read_context(outdir: str, logical: pd.DataFrame) -> RunContext:
    """The run's nodes (trace.csv's first tick, logical.csv's and events.csv's names), its faults
    and its duration, from the files that are there."""
    ctx = RunContext()
    names: list[str] = []
    if os.path.exists(os.path.join(outdir, cio.SUMMARY_FILE)):
        scenario = cio.read_summary(outdir)["scenario"]
        if isinstance(scenario.get("nodes"), int):
            ctx.node_count = scenario["nodes"]
        if isinstance(scenario.get("duration_ns"), int):
            ctx.end_ns = scenario["duration_ns"]
    path = os.path.join(outdir, cio.TRACE_FILE)
    if os.path.exists(path) or os.path.exists(path + ".gz"):
        ctx.id_order = cio.read_trace_nodes(outdir)
        names += ctx.id_order
    if os.path.exists(os.path.join(outdir, cio.EVENTS_FILE)):
        ctx.events = cio.read_events(outdir)
        for column in ("node", "subject", "peer"):
            names += ctx.events[column].tolist()
        for sides in ctx.events["nodes"]:
            names += str(sides).replace("|", " ").split()
    names += logical["node"].tolist() + logical["peer"].tolist()
    ctx.nodes = sorted({n for n in names if isinstance(n, str) and n != ""}, key=pc.natural_key)
    return ctx


@dataclass
class Faults:
    """The faults to mark, clipped to [0, end_ns]."""
    down: list[tuple[str, int, int]] = field(default_factory=list)        # node, crash, restart (or end)
    crashes: list[tuple[str, int]] = field(default_factory=list)
    restarts: list[tuple[str, int]] = field(default_factory=list)
    links: list[tuple[str, str, int, int]] = field(default_factory=list)  # a, b, down, up (or end)
    partitions: list[tuple[int, int, str]] = field(default_factory=list)  # start, heal (or end), sides


def faults_of(events: pd.DataFrame | None, end_ns: int) -> Faults:
    f = Faults()
    if events is None or len(events) == 0:
        return f
    down: dict[str, int] = {}
    links: dict[frozenset, tuple[str, str, int]] = {}
    open_partitions: list[tuple[int, str]] = []
    for t, node, kind, peer, sides in zip(events["t_ns"].to_numpy(), events["node"], events["kind"],
                                          events["peer"], events["nodes"]):
        t = int(t)
        if t > end_ns:
            break
        if kind == "crash":
            f.crashes.append((node, t))
            down.setdefault(node, t)
        elif kind == "restart":
            f.restarts.append((node, t))
            if node in down:
                f.down.append((node, down.pop(node), t))
        elif kind == "link_down":
            links.setdefault(frozenset((node, peer)), (node, peer, t))
        elif kind == "link_up" and frozenset((node, peer)) in links:
            a, b, since = links.pop(frozenset((node, peer)))
            f.links.append((a, b, since, t))
        elif kind == "partition":
            open_partitions.append((t, "" if pd.isna(sides) else str(sides)))
        elif kind == "heal" and open_partitions:
            # `heal: all` ends every partition at once.
            for since, what in open_partitions:
                f.partitions.append((since, t, what))
            open_partitions = []
    f.down += [(node, since, end_ns) for node, since in down.items()]
    f.links += [(a, b, since, end_ns) for a, b, since in links.values()]
    f.partitions += [(since, end_ns, what) for since, what in open_partitions]
    return f


def _draw_faults(ax, faults: Faults, y: dict[str, float], scale: float) -> list:
    """Marks the faults on ax; returns one legend handle per kind drawn."""
    handles = []
    for since, until, sides in faults.partitions:
        ax.axvspan(since / scale, until / scale, color=FAULT_STYLE["partition"], alpha=0.35, lw=0, zorder=0,
                   gid=f"partition:{since}")
        if sides:
            ax.text(since / scale, 0.99, " " + sides.replace("|", " | "), transform=ax.get_xaxis_transform(),
                    fontsize=7, va="top", ha="left", color="#5b3f7a", gid=f"partition-sides:{since}")
    if faults.partitions:
        handles.append(Patch(facecolor=FAULT_STYLE["partition"], alpha=0.35, label="partition (until healed)"))
    for node, since, until in faults.down:
        if node in y:
            ax.plot([since / scale, until / scale], [y[node], y[node]], color=FAULT_STYLE["down"], lw=7,
                    alpha=0.6, solid_capstyle="butt", zorder=1, gid=f"down:{node}:{since}")
    if faults.down:
        handles.append(Line2D([], [], color=FAULT_STYLE["down"], lw=7, alpha=0.6, label="node down"))
    for a, b, since, until in faults.links:
        for n in (a, b):
            if n in y:
                ax.plot([since / scale, until / scale], [y[n] - 0.22, y[n] - 0.22], color=FAULT_STYLE["link"],
                        lw=1.5, ls=(0, (2, 1.5)), marker="|", markevery=[0], ms=8, zorder=2,
                        gid=f"link-down:{a}-{b}:{n}:{since}")
                ax.text(since / scale, y[n] - 0.27, f" {a}–{b}", fontsize=6, va="top", ha="left",
                        color=FAULT_STYLE["link"], gid=f"link-label:{a}-{b}:{n}:{since}")
    if faults.links:
        handles.append(Line2D([], [], color=FAULT_STYLE["link"], lw=1.5, ls=(0, (2, 1.5)), marker="|", ms=8,
                              label="link down (under both ends)"))
    for kind, points, marker in (("crash", faults.crashes, "X"), ("restart", faults.restarts, "^")):
        for node, t in points:
            if node in y:
                ax.plot([t / scale], [y[node]], marker, color=FAULT_STYLE[kind], ms=9, mec="black", mew=0.5,
                        zorder=6, gid=f"{kind}:{node}:{t}")
        if points:
            handles.append(Line2D([], [], ls="", marker=marker, color=FAULT_STYLE[kind], ms=9, mec="black",
                                  mew=0.5, label=kind))
    return handles


def make_spacetime_figure(df: pd.DataFrame, max_events: int = DEFAULT_MAX_EVENTS, vectors: bool = True,
                          context: RunContext | None = None):
    ctx = context or RunContext()
    shown = df.iloc[:max_events]
    cut = len(df) > len(shown)
    # Every node of the run gets its line, one with no logical event (down all along) included.
    nodes = sorted(set(df["node"]) | set(ctx.nodes), key=pc.natural_key)
    # A vector timestamp lists its entries by node id: the lines follow the same order whenever
    # trace.csv says it for every node (names need not sort as their ids do).
    by_id = {n: i for i, n in enumerate(ctx.id_order)}
    in_id_order = bool(nodes) and all(n in by_id for n in nodes)
    if in_id_order:
        nodes.sort(key=by_id.__getitem__)
    y = {n: len(nodes) - 1 - i for i, n in enumerate(nodes)}  # first node on top
    # Whole runs are drawn to their end (a crash after the last event still shows); a cut one to
    # its last event drawn.
    last_ns = int(shown["t_ns"].max()) if len(shown) else 0
    end_ns = last_ns if cut else max(last_ns, ctx.end_ns or 0)
    if not cut and ctx.end_ns is None and ctx.events is not None and len(ctx.events):
        end_ns = max(end_ns, int(ctx.events["t_ns"].max()))
    span = float(end_ns) if end_ns > 0 else 1.0
    scale, unit = pc.time_unit(max(span, 1.0))
    fig, axes = pc.new_figure(figsize=(12, max(3.0, 0.9 * len(nodes) + 1.5)))
    ax = axes[0][0]
    t_end = end_ns / scale if end_ns > 0 else 1.0
    for n in nodes:
        ax.plot([0, t_end], [y[n], y[n]], color="#bbbbbb", linewidth=1, gid=f"node:{n}")
    handles = _draw_faults(ax, faults_of(ctx.events, end_ns), y, scale)
    by_event = shown.set_index("event")
    for row in shown.itertuples():
        if row.kind == "receive" and row.cause != "" and int(row.cause) in by_event.index:
            src = by_event.loc[int(row.cause)]
            ax.annotate("", xy=(row.t_ns / scale, y[row.node]), xytext=(src.t_ns / scale, y[src.node]),
                        arrowprops=dict(arrowstyle="->", color="#1f77b4", linewidth=0.8),
                        gid=f"message:{int(row.cause)}->{row.event}")
    for row in shown.itertuples():
        ax.plot([row.t_ns / scale], [y[row.node]], "o", color=KIND_COLOUR[row.kind], markersize=5,
                gid=f"event:{row.event}:{row.kind}")
        ax.text(row.t_ns / scale, y[row.node] + 0.12, label(row, vectors), fontsize=6, ha="center",
                rotation=45 if vectors else 0, gid=f"label:{row.event}")
    if handles:
        kinds = [k for k in KIND_COLOUR if (shown["kind"] == k).any()]
        handles = [Line2D([], [], ls="", marker="o", color=KIND_COLOUR[k], ms=5, label=f"{k} event")
                   for k in kinds] + handles
        ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.005, 1.0), fontsize=8, framealpha=0.85)
    ax.set_yticks([y[n] for n in nodes], labels=nodes)
    ax.set_ylim(-0.6, len(nodes) - 0.2)
    ax.set_xlabel(f"true time ({unit})")
    title = "space-time diagram: Lamport time" + (" [vector]" if vectors else "") + " per event"
    if cut:
        title += f" (first {len(shown)} of {len(df)} events)"
    elif df.empty:
        title += " (no events in this run)"
    named_by_id = all(re.fullmatch(r"n\d+", n) for n in nodes)  # default names sort as their ids
    if vectors and not in_id_order and not named_by_id and (df["vector"] != "").any():
        title += " — vector entries by node id, which trace.csv does not give for every node"
    if ctx.node_count is not None and len(nodes) < ctx.node_count:
        # output.trace_nodes left some nodes out of trace.csv, and nothing else names them.
        title += f" — {len(nodes)} of {ctx.node_count} nodes (the others are named in no file)"
    ax.set_title(title)
    fig.tight_layout()
    return fig


def main(argv: list[str]) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("outdir")
    p.add_argument("--max-events", type=int, default=DEFAULT_MAX_EVENTS)
    p.add_argument("--no-vectors", action="store_true", help="label events with Lamport times only")
    args = p.parse_args(argv)
    if args.max_events < 1:
        # A negative count would slice from the end: the diagram would leave out the last events
        # while its title says it shows the first ones.
        p.error(f"--max-events must be at least 1, got {args.max_events}")
    df = read_logical(args.outdir)
    fig = make_spacetime_figure(df, args.max_events, not args.no_vectors, read_context(args.outdir, df))
    pc.save_png(fig, os.path.join(args.outdir, "spacetime.png"))
    return 0


if __name__ == "__main__":
    sys.exit(cio.run_main(main))
