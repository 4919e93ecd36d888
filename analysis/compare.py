#!/usr/bin/python3
"""Compares failover runs side by side in one self-contained HTML page: the runs aligned on their
first fault (the loss of the master: t = 0), zoomed on the failover window, with the failover
phases, the skew excursion, the election's messages by type (one window, stated), a table, and
each run's message sequence chart when the run wrote messages.csv.

    analysis/compare.py out/tsp out/bully out/ring -o out/failover-compare.html
    analysis/report.py out/tsp out/bully out/ring              # the same (report.py delegates)
    analysis/compare.py --run scenarios/failover.yaml scenarios/bully-failover.yaml \
        scenarios/ring-failover.yaml --out out/lecture         # runs them first (messages on)

Each DIR is a `clocksim run --out` folder (summary.json and skew.csv; events.csv and
messages.csv used when present: `--set output.messages=true`). Exit code 2 on a missing or
malformed file.
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys

import numpy as np
import pandas as pd

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import clocksim_io as cio  # noqa: E402
import plot_common as pc  # noqa: E402
import plot_sequence  # noqa: E402
import report  # noqa: E402

BEFORE_NS = 2_000_000_000  # the window starts this long before the fault
AFTER_ELECTED_NS = 3_000_000_000  # and ends this long after the slowest new master
PHASE_COLORS = {"detection": "#ff7f0e", "election": "#ffdd71"}

WINDOW_TEXT = ("Election messages: every election-layer message except the periodic HEARTBEAT and "
               "LOOP, from the loss of the master until the election is over (a node following the "
               "new master misses it again, the next fault, or the end of the run): "
               "results.failovers[].election_messages_by_type, the same window as "
               "docs/failover-table.md.")


class Side:
    """One run as compared: its first failover and the instants relative to it."""

    def __init__(self, run: cio.Run):
        self.run = run
        r = run.summary.get("results", {})
        fos = [f for f in r.get("failovers") or [] if isinstance(f, dict)]
        self.failover = fos[0] if fos else None
        self.origin_ns = int(self.failover["lost_at_ns"]) if self.failover else 0
        sc = run.summary.get("scenario", {})
        election = (sc.get("election") or {}).get("kind") if isinstance(sc.get("election"), dict) else None
        self.label = f"{run.name}" + (f" ({election})" if election else "")

    def rel(self, key: str):
        f = self.failover or {}
        v = f.get(key)
        return None if v is None else int(v)

    @property
    def detected_ns(self):
        return self.rel("detection_time_ns")

    @property
    def elected_ns(self):
        return self.rel("failover_time_ns")


def default_window(sides: list[Side]) -> tuple[int, int]:
    """(start, end) relative to the fault: 2 s before it to 3 s after the slowest new master."""
    ends = [s.elected_ns for s in sides if s.elected_ns is not None]
    return -BEFORE_NS, (max(ends) if ends else 10_000_000_000) + AFTER_ELECTED_NS


def make_compare_figure(sides: list[Side], window: tuple[int, int]):
    """Top: the failover phases per run (loss → detection → new master); bottom: each run's skew
    (and bound) around the fault, on one time axis relative to the fault."""
    fig, axes = pc.new_figure(2, 1, figsize=(12.0, 3.0 + 0.5 * len(sides) + 4.0), sharex=True,
                              gridspec_kw={"height_ratios": [1.0 + 0.35 * len(sides), 4.0]})
    phase_ax, skew_ax = axes[0, 0], axes[1, 0]
    start, end = window
    t_scale, t_name = (1e6, "ms") if end - start < 10e9 else (1e9, "s")
    colors = pc.matplotlib.colormaps["tab10"]
    v_max = 1.0
    for s in sides:
        if s.run.skew is not None:
            measured = s.run.skew["max_skew_ns"].to_numpy(dtype=float, na_value=np.nan)
            if np.isfinite(measured).any():  # none at all: every tick had no correct node up
                v_max = max(v_max, float(np.nanmax(measured)))
    v_scale, v_name = pc.value_unit(v_max)
    for i, s in enumerate(sides):
        row = len(sides) - 1 - i
        det, el = s.detected_ns, s.elected_ns
        if s.failover is None:
            phase_ax.text(0, row, "  no failover in this run", va="center", fontsize=9)
        else:
            d = det if det is not None else 0
            phase_ax.barh(row, d / t_scale, left=0, color=PHASE_COLORS["detection"], height=0.6,
                          gid=f"phase:detection:{i}")
            if el is not None:
                phase_ax.barh(row, (el - d) / t_scale, left=d / t_scale, color=PHASE_COLORS["election"],
                              height=0.6, gid=f"phase:election:{i}")
                # Notes inside the plot: an election longer than the window puts its note past the
                # right edge, where tight_layout would try to make room for it and fail.
                phase_ax.text(el / t_scale, row, f"  {s.failover.get('new_master')} after {el / 1e9:.3f} s",
                              va="center", fontsize=9, in_layout=False)
            else:
                phase_ax.text(d / t_scale, row, "  never replaced", va="center", fontsize=9, color="#c62828",
                              in_layout=False)
        skew = s.run.skew
        if skew is None:
            continue
        t_rel = skew["t_ns"].to_numpy() - s.origin_ns
        keep = (t_rel >= start) & (t_rel <= end)
        color = colors(i % colors.N)
        # NaN (no correct node up at that tick) leaves a gap in the line.
        measured = skew["max_skew_ns"].to_numpy(dtype=float, na_value=np.nan)[keep]
        skew_ax.plot(t_rel[keep] / t_scale, measured / v_scale, color=color, lw=1.6,
                     label=f"{pc.plain(s.label)}: max skew", gid=f"skew:{i}")
        bound = skew["bound_ns"].to_numpy(dtype=float, na_value=np.nan)[keep]
        if np.isfinite(bound).any():
            skew_ax.plot(t_rel[keep] / t_scale, bound / v_scale, color=color, lw=1.0, ls="--",
                         label=f"{pc.plain(s.label)}: bound", gid=f"bound:{i}")
        if el is not None:
            skew_ax.axvline(el / t_scale, color=color, lw=0.8, ls=":")
    phase_ax.set_yticks(range(len(sides)), [pc.plain(s.label) for s in reversed(sides)])
    phase_ax.axvline(0, color="#d62728", lw=1.2)
    phase_ax.set_title("failover phases after the master's loss (t = 0): detection, then election", fontsize=10)
    phase_ax.legend(handles=[pc.Patch(color=c, label=k) for k, c in PHASE_COLORS.items()], fontsize=8,
                    loc="lower right")
    skew_ax.axvline(0, color="#d62728", lw=1.2, label="master lost")
    skew_ax.set_xlim(start / t_scale, end / t_scale)
    skew_ax.set_xlabel(f"time since the master's loss ({t_name})")
    skew_ax.set_ylabel(f"max skew ({v_name})")
    skew_ax.grid(True, alpha=0.3)
    skew_ax.legend(fontsize=8, ncol=2)
    skew_ax.set_title("skew excursion around the failover (dotted: each run's new master)", fontsize=10)
    fig.tight_layout()
    return fig


def message_types(sides: list[Side]) -> list[str]:
    types: list[str] = []
    for s in sides:
        for t in (s.failover or {}).get("election_messages_by_type") or {}:
            if t not in types:
                types.append(t)
    return types


def make_messages_figure(sides: list[Side]):
    """Grouped bars: each run's election messages by type (the window of WINDOW_TEXT)."""
    types = message_types(sides)
    fig, axes = pc.new_figure(1, 1, figsize=(12.0, 4.0))
    ax = axes[0, 0]
    width = 0.8 / max(1, len(sides))
    colors = pc.matplotlib.colormaps["tab10"]
    for i, s in enumerate(sides):
        counts = (s.failover or {}).get("election_messages_by_type") or {}
        xs = np.arange(len(types)) + (i - (len(sides) - 1) / 2) * width
        ax.bar(xs, [counts.get(t, 0) for t in types], width=width, color=colors(i % colors.N),
               label=f"{pc.plain(s.label)}: {sum(counts.values())} in all", gid=f"messages:{i}")
    ax.set_xticks(range(len(types)), types, rotation=20, fontsize=8)
    ax.set_ylabel("messages")
    ax.set_title("election messages by type (one window for every run: see the note below)", fontsize=10)
    ax.legend(fontsize=8)
    ax.grid(True, axis="y", alpha=0.3)
    fig.tight_layout()
    return fig


def _fmt_s(ns) -> str:
    return "—" if ns is None else f"{ns / 1e9:.3f} s"


def table_html(sides: list[Side]) -> str:
    types = message_types(sides)
    head = ["run", "old master", "new master", "detection", "election", "failover", "elections started",
            "election messages"] + types + ["skew excursion", "steady worst skew", "bound"]
    rows = []
    for s in sides:
        f = s.failover or {}
        r = s.run.summary.get("results", {})
        counts = f.get("election_messages_by_type") or {}
        cells = [s.label, f.get("old_master", "—"), f.get("new_master") or "—", _fmt_s(f.get("detection_time_ns")),
                 _fmt_s(f.get("election_time_ns")), _fmt_s(f.get("failover_time_ns")),
                 str(f.get("elections_started", "—")), str(f.get("election_messages", "—"))]
        cells += [str(counts.get(t, 0)) for t in types]
        cells += [pc.format_ns(f.get("max_skew_during_ns")), pc.format_ns(r.get("max_skew_after_warmup_ns")),
                  pc.format_ns(r.get("bound_ns"))]
        rows.append("<tr>" + "".join(f"<td>{report.esc(c)}</td>" for c in cells) + "</tr>")
    header = "".join(f"<th>{report.esc(h)}</th>" for h in head)
    return f'<div style="overflow-x:auto"><table id="compare-table"><tr>{header}</tr>{"".join(rows)}</table></div>'


def sequences_html(sides: list[Side], window: tuple[int, int]) -> str:
    parts = []
    for s in sides:
        if s.run.messages is None:
            parts.append(f'<p class="muted">{report.esc(s.label)}: no messages.csv (run it with '
                         f"<code>--set output.messages=true</code> for its message sequence).</p>")
            continue
        det = s.detected_ns or 0
        el = s.elected_ns if s.elected_ns is not None else window[1]
        # The election itself: from just before detection to a little after the new master.
        start = s.origin_ns + det - 100_000_000
        end = s.origin_ns + el + 600_000_000
        fig = plot_sequence.make_sequence_figure(s.run.messages, s.run.events, start, end, layer="election",
                                                 title=s.label, origin_ns=s.origin_ns)
        parts.append(report._img(fig, f"message sequence: {s.label}").replace(
            'class="plot"', 'class="plot sequence"'))
    note = ('<p class="muted">Each chart draws every election-layer message sent from just before the '
            "detection to 0.6 s after the new master (HEARTBEATs included), so its count is not the "
            "table's: the table counts the election window stated above.</p>")
    return f'{note}<div id="sequences" class="cards">{"".join(parts)}</div>'


def build_compare(runs: list[cio.Run], window: tuple[int, int] | None = None) -> str:
    sides = [Side(r) for r in runs]
    window = window or default_window(sides)
    plots = [report._img(make_compare_figure(sides, window), "failover phases and skew around the fault"),
             report._img(make_messages_figure(sides), "election messages by type")]
    title = "clocksim comparison: " + " · ".join(s.label for s in sides)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{report.esc(title)}</title><style>{report.STYLE}</style></head>
<body>
<div id="render-problems" role="alert"></div>
<h1>{report.esc(title)}</h1>
<p class="muted">Runs aligned on their first loss of the master (t = 0); window
{window[0] / 1e9:+.3f} s to {window[1] / 1e9:+.3f} s around it.</p>
<h2>Side by side</h2>{table_html(sides)}
<p class="muted" id="window-note">{report.esc(WINDOW_TEXT)}</p>
<h2>Plots</h2><div id="plots">{"".join(plots)}</div>
<h2>The elections, message by message</h2>{sequences_html(sides, window)}
<script>{report.SELF_CHECK}</script>
</body></html>
"""


def find_clocksim(explicit: str | None) -> str | None:
    """--clocksim, $CLOCKSIM_BINARY, `clocksim` on PATH, or a build of this source tree."""
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    if explicit:  # named: that one or none, never another in its place
        return explicit if os.path.isfile(explicit) and os.access(explicit, os.X_OK) else None
    for candidate in (os.environ.get("CLOCKSIM_BINARY"), shutil.which("clocksim"),
                      os.path.join(root, "build", "ci", "sim", "clocksim"),
                      os.path.join(root, "build", "release", "sim", "clocksim")):
        if candidate and os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate
    return None


def check_distinct_stems(scenarios: list[str], out: str) -> None:
    """Each scenario runs into OUT/<file stem>: two with one stem would share a folder."""
    stems: dict[str, str] = {}
    for scenario in scenarios:
        stem = os.path.splitext(os.path.basename(scenario))[0]
        if stem in stems:
            raise cio.FormatError(scenario, f"has the same file name as {stems[stem]}: both would run into "
                                            f"{os.path.join(out, stem)}; rename one")
        stems[stem] = scenario


def run_scenarios(clocksim: str, scenarios: list[str], out: str, sets: list[str]) -> list[str]:
    """`clocksim run` each scenario into OUT/<file stem> with messages.csv on; the folders."""
    dirs = []
    for scenario in scenarios:
        d = os.path.join(out, os.path.splitext(os.path.basename(scenario))[0])
        cmd = [clocksim, "run", scenario, "--quiet", "--out", d, "--set", "output.messages=true"]
        for s in sets:
            cmd += ["--set", s]
        r = subprocess.run(cmd, capture_output=True, text=True)
        if r.returncode not in (0, 1):  # 1: an expectation failed, still a complete run
            raise cio.FormatError(scenario, "clocksim run failed: " + (r.stderr.strip() or f"exit {r.returncode}"))
        dirs.append(d)
    return dirs


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("outdirs", nargs="*", help="`clocksim run --out` directories")
    parser.add_argument("-o", "--output", help="where to write (default: compare.html in the first DIR's parent, "
                                                "or in --out)")
    parser.add_argument("--window", help="START:END relative to the fault, e.g. -2s:8s")
    parser.add_argument("--run", nargs="+", metavar="SCENARIO",
                        help="run these scenarios first (clocksim run --set output.messages=true)")
    parser.add_argument("--out", help="with --run: where the runs go (default out/compare)")
    parser.add_argument("--set", action="append", default=[], help="with --run: an override for every run")
    parser.add_argument("--clocksim", help="with --run: the clocksim binary (default: $CLOCKSIM_BINARY, PATH, "
                                           "build/ci or build/release of this tree)")
    args = parser.parse_args(argv)
    if not args.run:
        # Without --run these would be passed over in silence: the page would land beside the
        # first folder while the user looks for it in --out.
        given = [name for name, value in (("--out", args.out), ("--set", args.set), ("--clocksim", args.clocksim))
                 if value]
        if given:
            parser.error(f"{', '.join(given)} applies only with --run; write the page elsewhere with -o FILE")
    if args.run:
        check_distinct_stems(args.run, args.out or os.path.join("out", "compare"))
        clocksim = find_clocksim(args.clocksim)
        if clocksim is None and args.clocksim:
            print(f"error: --clocksim {args.clocksim}: not an executable file", file=sys.stderr)
            return 2
        if clocksim is None:
            print("error: --run: no clocksim binary found; build it (cmake --build --preset ci) or pass --clocksim",
                  file=sys.stderr)
            return 2
        out = args.out or os.path.join("out", "compare")
        args.outdirs = args.outdirs + run_scenarios(clocksim, args.run, out, args.set)
        args.output = args.output or os.path.join(out, "compare.html")
    if not args.outdirs:
        print("error: give run folders, or scenarios with --run", file=sys.stderr)
        return 2
    window = None
    if args.window:
        try:
            window = plot_sequence.parse_window(args.window)
        except plot_sequence.OptionError as err:
            print(f"error: {err}", file=sys.stderr)
            return 2
    runs = [cio.load_run(d, required=("skew",), optional=("events", "messages")) for d in args.outdirs]
    path = args.output or os.path.join(os.path.dirname(os.path.abspath(args.outdirs[0])), "compare.html")
    report.write_atomically(path, build_compare(runs, window))
    print(path)
    return 0


if __name__ == "__main__":
    sys.exit(cio.run_main(main))
