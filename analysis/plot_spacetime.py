#!/usr/bin/python3
"""Draws the space-time diagram of a logical-clock run: OUTDIR/spacetime.png. One horizontal line
per node, true time to the right; every event a dot (local: grey, send: blue, receive: green),
every delivered message an arrow from its send to its receive, each event labelled with its
Lamport time (and vector timestamp when there is one).

    analysis/plot_spacetime.py out/logical-clocks [--max-events 200] [--no-vectors]

Reads only logical.csv (docs/output-formats.md). Exit code 2 on a missing or malformed file.
"""
from __future__ import annotations

import argparse
import os
import sys

import pandas as pd

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import clocksim_io as cio  # noqa: E402
import plot_common as pc  # noqa: E402

COLUMNS = ["event", "t_ns", "node", "kind", "peer", "message_id", "cause", "lamport", "vector"]
KIND_COLOUR = {"local": "#7f7f7f", "send": "#1f77b4", "receive": "#2ca02c"}
DEFAULT_MAX_EVENTS = 200  # beyond this a diagram is unreadable: the first events are drawn


def read_logical(outdir: str) -> pd.DataFrame:
    path = os.path.join(outdir, "logical.csv")
    if not os.path.isfile(path):
        raise cio.FormatError(path, "missing (run a scenario with sync: logical)")
    try:
        df = pd.read_csv(path, dtype={"node": str, "kind": str, "peer": str, "vector": str},
                         keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as err:
        raise cio.FormatError(path, f"not a CSV file: {err}") from err
    missing = [c for c in COLUMNS if c not in df.columns]
    if missing:
        raise cio.FormatError(path, f"missing columns {missing}")
    if df.empty:
        # A run without a single logical event (shorter than the first gap of its workload, every
        # node down) writes the header alone, which pandas types as text: still a valid file.
        return df.astype({"event": "int64", "t_ns": "int64", "lamport": "int64"})
    for c in ("event", "t_ns", "lamport"):
        if not pd.api.types.is_integer_dtype(df[c]):
            raise cio.FormatError(path, f"column '{c}' is not integer")
    bad = df.loc[~df["kind"].isin(KIND_COLOUR.keys()), "kind"]
    if len(bad):
        raise cio.FormatError(path, f"unknown event kind '{bad.iloc[0]}'")
    return df


def label(row, vectors: bool) -> str:
    text = f"{row.lamport}"
    if vectors and row.vector != "":
        text += " [" + ",".join(str(row.vector).split()) + "]"
    return text


def make_spacetime_figure(df: pd.DataFrame, max_events: int = DEFAULT_MAX_EVENTS, vectors: bool = True):
    shown = df.iloc[:max_events]
    nodes = sorted(df["node"].unique(), key=pc.natural_key)
    y = {n: len(nodes) - 1 - i for i, n in enumerate(nodes)}  # first node on top
    span = float(shown["t_ns"].max() - shown["t_ns"].min()) if len(shown) else 1.0
    scale, unit = pc.time_unit(max(span, 1.0))
    fig, axes = pc.new_figure(figsize=(12, max(3.0, 0.9 * len(nodes) + 1.5)))
    ax = axes[0][0]
    t_end = float(shown["t_ns"].max()) / scale if len(shown) else 1.0
    for n in nodes:
        ax.plot([0, t_end], [y[n], y[n]], color="#bbbbbb", linewidth=1, gid=f"node:{n}")
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
    ax.set_yticks([y[n] for n in nodes], labels=nodes)
    ax.set_ylim(-0.6, len(nodes) - 0.2)
    ax.set_xlabel(f"true time ({unit})")
    title = "space-time diagram: Lamport time" + (" [vector]" if vectors else "") + " per event"
    if len(df) > len(shown):
        title += f" (first {len(shown)} of {len(df)} events)"
    elif df.empty:
        title += " (no events in this run)"
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
    fig = make_spacetime_figure(df, args.max_events, not args.no_vectors)
    pc.save_png(fig, os.path.join(args.outdir, "spacetime.png"))
    return 0


if __name__ == "__main__":
    sys.exit(cio.run_main(main))
