#!/usr/bin/python3
"""Writes OUTDIR/report.html for one run: scenario parameters, summary figures, the expect
results, the offsets and skew plots (embedded as base64 PNG) and the events as a timeline plus
the narrative log. The page is self-contained: no network access, no external files.

    analysis/report.py out/failover [--max-nodes 16] [-o report.html] [--window 60s:64s]
    analysis/report.py out/tsp out/bully out/ring        # several runs: analysis/compare.py

Needs summary.json; trace.csv, skew.csv, events.csv and events.log are used when present.
Exit code 2 on a missing or malformed file.
"""
from __future__ import annotations

import argparse
import base64
import html
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import clocksim_io as cio  # noqa: E402
import plot_common as pc  # noqa: E402
import plot_offsets  # noqa: E402

MAX_LOG_LINES = 5000
MAX_TIMELINE_ROWS = 40
MAX_TIMELINE_POINTS = 3000

# Event kinds grouped for colour in the timeline.
KIND_COLORS = {
    "crash": "#d62728", "restart": "#2ca02c", "link_down": "#7f7f7f", "link_up": "#bcbd22",
    "partition": "#9467bd", "heal": "#8c564b", "clock_step": "#e377c2",
    "master_silent": "#ff7f0e", "election_started": "#ffbb00", "became_master": "#000000",
    "became_slave": "#17becf", "conflict": "#d62728", "round_complete": "#aec7e8",
    "outlier": "#ff9896", "late_reply": "#c49c94", "peer_unreachable": "#c7c7c7",
    "info": "#9edae5", "expect_failed": "#d62728",
}

STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:0 auto;max-width:1260px;
 padding:16px 24px;color:#222;background:#fff}
h1{font-size:1.5em;margin:.2em 0}h2{font-size:1.15em;margin:1.4em 0 .5em;border-bottom:1px solid #ddd}
table{border-collapse:collapse;font-size:.9em}td,th{padding:3px 10px;border-bottom:1px solid #eee;
 text-align:left;vertical-align:top}th{color:#555;font-weight:600}
.cards{display:flex;flex-wrap:wrap;gap:10px}.card{border:1px solid #ddd;border-radius:6px;
 padding:8px 14px;min-width:130px}.card .v{font-size:1.35em;font-weight:600}.card .k{color:#666;
 font-size:.8em}.bad{color:#c62828}.good{color:#2e7d32}
.badge{display:inline-block;padding:1px 8px;border-radius:10px;font-size:.8em;font-weight:700;color:#fff}
.badge.pass{background:#2e7d32}.badge.fail{background:#c62828}
img.plot{width:100%;max-width:1200px;height:auto;border:1px solid #eee}
img.plot.sequence{width:auto;max-width:100%}
pre.log{max-height:420px;overflow:auto;background:#fafafa;border:1px solid #eee;padding:8px;
 font-size:.85em}
#render-problems{display:none;background:#ffebee;color:#b71c1c;padding:8px;border:1px solid #e57373}
.muted{color:#777}svg text{font-family:inherit}
"""

# Records, in the DOM, whether each plot decoded (naturalWidth) and how many timeline marks were
# drawn, and shows a banner if an image is broken. A browser test reads these attributes back
# from --dump-dom; a reader sees the banner.
SELF_CHECK = """
window.addEventListener('load', function () {
  var imgs = document.querySelectorAll('img.plot'), ok = 0, problems = [];
  imgs.forEach(function (img) {
    var good = img.complete && img.naturalWidth > 0;
    img.setAttribute('data-loaded', good ? '1' : '0');
    img.setAttribute('data-natural-width', String(img.naturalWidth));
    img.setAttribute('data-natural-height', String(img.naturalHeight));
    if (good) { ok++; } else { problems.push(img.alt || 'a plot'); }
  });
  var marks = document.querySelectorAll('#timeline svg .mark').length;
  document.body.setAttribute('data-images-total', String(imgs.length));
  document.body.setAttribute('data-images-ok', String(ok));
  document.body.setAttribute('data-timeline-marks', String(marks));
  if (problems.length) {
    var box = document.getElementById('render-problems');
    box.textContent = 'Could not display: ' + problems.join(', ');
    box.style.display = 'block';
  }
  document.body.setAttribute('data-rendered', '1');
});
"""


def esc(value) -> str:
    return html.escape(str(value), quote=True)


def _img(fig, alt: str) -> str:
    data = base64.b64encode(pc.png_bytes(fig)).decode("ascii")
    return f'<img class="plot" alt="{esc(alt)}" src="data:image/png;base64,{data}">'


def _flatten(prefix: str, value, out: list[tuple[str, str]]) -> None:
    if isinstance(value, dict):
        for k, v in value.items():
            _flatten(f"{prefix}.{k}" if prefix else str(k), v, out)
    elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        for i, v in enumerate(value):
            _flatten(f"{prefix}[{i}]", v, out)
    else:
        out.append((prefix, json.dumps(value) if isinstance(value, (list, bool)) or value is None
                    else str(value)))


def _table(rows: list[tuple[str, str]]) -> str:
    body = "".join(f"<tr><th>{esc(k)}</th><td>{esc(v)}</td></tr>" for k, v in rows)
    return f"<table>{body}</table>"


def _card(key: str, value: str, cls: str = "") -> str:
    return f'<div class="card"><div class="v {cls}">{esc(value)}</div><div class="k">{esc(key)}</div></div>'


def summary_cards(summary: dict) -> str:
    r = summary.get("results", {})
    warmup = r.get("warmup_ns")
    after = f"after t={warmup / 1e9:.1f}s" if isinstance(warmup, (int, float)) else "no steady state"
    cards = [_card(f"worst steady skew ({after})", pc.format_ns(r.get("max_skew_after_warmup_ns"))),
             _card("steady mean / p99", f"{pc.format_ns(r.get('steady_skew_mean_ns'))} / "
                                        f"{pc.format_ns(r.get('steady_skew_p99_ns'))}"),
             _card("theoretical bound", pc.format_ns(r.get("bound_ns"))),
             _card("max skew incl. start-up", pc.format_ns(r.get("max_skew_ns")), "muted")]
    ratio = r.get("worst_skew_over_bound")
    if isinstance(ratio, (int, float)):
        cards.append(_card("worst skew / bound", f"{ratio:.3g}", "bad" if ratio > 1 else "good"))
    violations = r.get("bound_violations")
    if violations is not None:
        cards.append(_card("ticks over the bound", str(violations), "bad" if violations else "good"))
    sent, lost = r.get("messages_sent"), r.get("messages_lost")
    if sent is not None:
        loss = f" ({100.0 * lost / sent:.2g}% lost)" if sent and lost is not None else ""
        cards.append(_card("messages sent" + loss, f"{sent:,}"))
    for key, label in (("elections", "elections"), ("masters_at_end", "masters at the end"),
                       ("events_processed", "events processed")):
        if r.get(key) is not None:
            v = r[key]
            cards.append(_card(label, f"{v:,}" if isinstance(v, int) else str(v),
                               "bad" if key == "masters_at_end" and v != 1 else ""))
    failovers = r.get("failovers")
    if isinstance(failovers, list):
        cards.append(_card("failovers", str(len(failovers))))
    if summary.get("wall_time_s") is not None:
        cards.append(_card("wall time", f"{summary['wall_time_s']:.3g} s"))
    if summary.get("events_per_s") is not None:
        cards.append(_card("events / s", f"{summary['events_per_s']:,.0f}"))
    return f'<div class="cards">{"".join(cards)}</div>'


def expects_html(expects: list) -> str:
    if not expects:
        return '<p class="muted">The scenario has no expect: block.</p>'
    rows = []
    for e in expects:
        passed = bool(e.get("passed")) if isinstance(e, dict) else False
        evaluated = e.get("evaluated", True) if isinstance(e, dict) else True
        badge = ('<span class="badge pass">PASS</span>' if passed else
                 '<span class="badge fail">FAIL</span>' if evaluated else
                 '<span class="badge" style="background:#777">N/A</span>')
        text = e.get("text", "") if isinstance(e, dict) else e
        detail = e.get("detail", "") if isinstance(e, dict) else ""
        rows.append(f'<tr class="expect {"pass" if passed else "fail"}"><td>{badge}</td>'
                    f"<td>{esc(text)}</td><td>{esc(detail)}</td></tr>")
    n_fail = sum(1 for e in expects if not (isinstance(e, dict) and e.get("passed")))
    head = (f'<p class="{"bad" if n_fail else "good"}">{len(expects) - n_fail} of {len(expects)} '
            f"expectations passed.</p>")
    return head + f"<table>{''.join(rows)}</table>"


def _cell(key: str, value) -> str:
    """Durations in readable units; instants (…_at_ns) in seconds of true time; counts by type
    as "ELECTION 7 · OK 6"."""
    if isinstance(value, dict):
        return " · ".join(f"{k} {v}" for k, v in value.items()) or "—"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, (int, float)) and not isinstance(value, bool) and key.endswith("_ns"):
        return f"t={value / 1e9:.3f}s" if key.endswith("_at_ns") else pc.format_ns(value)
    return "—" if value is None else str(value)


def failovers_html(summary: dict) -> str:
    failovers = summary.get("results", {}).get("failovers")
    if not isinstance(failovers, list) or not failovers:
        return '<p class="muted">No failovers.</p>'
    rows = [f for f in failovers if isinstance(f, dict)]
    columns = list(dict.fromkeys(k for f in rows for k in f))
    head = "".join(f"<th>{esc(c.removesuffix('_ns').replace('_', ' '))}</th>" for c in columns)
    body = "".join("<tr>" + "".join(f"<td>{esc(_cell(c, f.get(c)))}</td>" for c in columns) + "</tr>"
                   for f in rows)
    return f'<table id="failovers"><tr>{head}</tr>{body}</table>'


def timeline_svg(run: cio.Run) -> str:
    """The events as an SVG timeline: a cluster row (partitions, elections) and one row per node
    with events; intervals as bars, single events as dots with a tooltip."""
    ev = run.events
    if ev is None or len(ev) == 0:
        return '<p class="muted">No events were recorded.</p>'
    end_ns = max(run.duration_ns, int(ev["t_ns"].max()), 1)
    t_scale, t_name = pc.time_unit(end_ns)
    nodes = sorted({n for n in ev["node"] if n}, key=pc.natural_key)
    hidden = max(0, len(nodes) - (MAX_TIMELINE_ROWS - 1))
    nodes = nodes[: MAX_TIMELINE_ROWS - 1]
    rows = ["cluster"] + nodes
    row_of = {n: i for i, n in enumerate(rows)}
    left, right, top, row_h = 90, 20, 14, 18
    width = 1200
    plot_w = width - left - right
    height = top + row_h * len(rows) + 40

    def x(t_ns: float) -> float:
        return left + plot_w * min(max(t_ns / end_ns, 0.0), 1.0)

    parts = [f'<svg width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" role="img" aria-label="events timeline">']
    for i, name in enumerate(rows):
        y = top + i * row_h
        if i % 2 == 0:
            parts.append(f'<rect x="{left}" y="{y}" width="{plot_w}" height="{row_h}" fill="#f6f6f6"/>')
        parts.append(f'<text x="{left - 6}" y="{y + row_h * 0.7:.1f}" font-size="11" '
                     f'text-anchor="end">{esc(name)}</text>')
    for iv in pc.event_intervals(ev, end_ns):
        node = iv.label.split(" ")[0] if iv.kind == "down" else None
        row = row_of.get(node, 0) if node else 0
        if node and node not in row_of:
            continue
        y = top + row * row_h + 3
        color = pc.INTERVAL_STYLE[iv.kind][0]
        parts.append(f'<rect class="mark interval" x="{x(iv.start_ns):.1f}" y="{y}" '
                     f'width="{max(x(iv.end_ns) - x(iv.start_ns), 1.5):.1f}" height="{row_h - 6}" '
                     f'fill="{color}" fill-opacity="0.8"><title>{esc(iv.label)}: '
                     f'{iv.start_ns / 1e9:.3f}s – {iv.end_ns / 1e9:.3f}s</title></rect>')
    shown = ev if len(ev) <= MAX_TIMELINE_POINTS else ev[ev["kind"] != "round_complete"]
    shown = shown.head(MAX_TIMELINE_POINTS)
    for t, node, kind, detail in zip(shown["t_ns"], shown["node"], shown["kind"], shown["detail"]):
        if node and node not in row_of:
            continue
        row = row_of.get(node, 0) if node else 0
        cy = top + row * row_h + row_h / 2
        color = KIND_COLORS.get(kind, "#444444")
        tip = f"t={int(t) / 1e9:.3f}s {node} {kind}" + (f": {detail}" if detail else "")
        parts.append(f'<circle class="mark event" data-kind="{esc(kind)}" cx="{x(t):.1f}" '
                     f'cy="{cy:.1f}" r="4" fill="{color}" stroke="#fff" stroke-width="0.8">'
                     f"<title>{esc(tip)}</title></circle>")
    axis_y = top + row_h * len(rows)
    parts.append(f'<line x1="{left}" y1="{axis_y}" x2="{left + plot_w}" y2="{axis_y}" stroke="#444"/>')
    for tick in np.linspace(0, end_ns, 11):
        parts.append(f'<line x1="{x(tick):.1f}" y1="{axis_y}" x2="{x(tick):.1f}" y2="{axis_y + 4}" '
                     f'stroke="#444"/><text x="{x(tick):.1f}" y="{axis_y + 16}" font-size="10" '
                     f'text-anchor="middle">{tick / t_scale:.4g}</text>')
    parts.append(f'<text x="{left + plot_w / 2}" y="{axis_y + 32}" font-size="11" '
                 f'text-anchor="middle">true time ({t_name})</text></svg>')
    kinds = [k for k in KIND_COLORS if k in set(shown["kind"])]
    legend = " ".join(f'<span style="white-space:nowrap"><svg width="10" height="10"><circle cx="5" '
                      f'cy="5" r="4" fill="{KIND_COLORS[k]}"/></svg> {esc(k)}</span>' for k in kinds)
    note = f'<p class="muted">{hidden} more nodes with events are not shown as rows.</p>' if hidden else ""
    return f'<div id="timeline">{"".join(parts)}</div><p style="font-size:.85em">{legend}</p>{note}'


def events_log_html(run: cio.Run) -> str:
    lines = run.events_log
    if lines is None:
        return '<p class="muted">events.log was not written for this run.</p>'
    more = len(lines) - MAX_LOG_LINES
    body = esc("\n".join(lines[:MAX_LOG_LINES]))
    tail = f'<p class="muted">… {more} more lines in events.log.</p>' if more > 0 else ""
    return f'<pre class="log" id="events-log">{body}</pre>{tail}'


def sequence_window(run: cio.Run) -> tuple[int, int] | None:
    """The first failover's election: from just before its detection to just after the new master."""
    fos = [f for f in run.summary.get("results", {}).get("failovers") or [] if isinstance(f, dict)]
    if not fos:
        return None
    f = fos[0]
    lost = int(f["lost_at_ns"])
    det = lost + int(f.get("detection_time_ns") or 0)
    end = lost + int(f["failover_time_ns"]) if f.get("failover_time_ns") is not None else det + 5_000_000_000
    return det - 100_000_000, end + 600_000_000


def sequence_html(run: cio.Run, window: tuple[int, int] | None) -> str:
    import plot_sequence
    if run.messages is None:
        return ('<p class="muted">No messages.csv: run with <code>--set output.messages=true</code> for the '
                "message sequence chart.</p>")
    # Without a chosen window: the first failover's election, election messages only (the sync
    # layer's rounds would drown the cascade); a chosen window shows every layer.
    layer = None if window else "election"
    window = window or sequence_window(run)
    if window is None:
        return '<p class="muted">No failover to show; choose a window with --window START:END.</p>'
    fig = plot_sequence.make_sequence_figure(run.messages, run.events, window[0], window[1], layer=layer,
                                             title=run.name)
    img = _img(fig, "message sequence chart").replace('class="plot"', 'class="plot sequence"')
    what = "election-layer messages" if layer else "messages of every layer"
    return (f'<div id="sequence"><p class="muted">{what} sent from t={window[0] / 1e9:.3f}s to '
            f"t={window[1] / 1e9:.3f}s (--window START:END to choose).</p>{img}</div>")


def build_report(run: cio.Run, max_nodes: int = plot_offsets.DEFAULT_MAX_NODES,
                 window: tuple[int, int] | None = None) -> str:
    s = run.summary
    scenario = {k: v for k, v in s.get("scenario", {}).items() if k != "params"}
    scenario_rows: list[tuple[str, str]] = []
    _flatten("", scenario, scenario_rows)
    if "duration_ns" in scenario:
        scenario_rows.append(("duration", pc.format_ns(scenario["duration_ns"])))
    param_rows: list[tuple[str, str]] = []
    _flatten("", s.get("scenario", {}).get("params", {}), param_rows)
    result_rows: list[tuple[str, str]] = []
    _flatten("", s.get("results", {}), result_rows)

    plots = []
    if run.trace is not None:
        plots.append(_img(plot_offsets.make_offsets_figure(run, max_nodes), "clock offsets"))
    if run.skew is not None:
        plots.append(_img(plot_offsets.make_skew_figure(run), "max skew vs bound"))
    if run.links is not None and len(run.links):
        import plot_links
        plots.append(_img(plot_links.make_links_figure(run.links), "link asymmetry"))
    missing = [f for f in (cio.TRACE_FILE, cio.SKEW_FILE) if f in run.missing]
    if missing:
        plots.append(f'<p class="muted">Not plotted: {esc(", ".join(missing))} not written '
                     f"for this run.</p>")

    title = f"clocksim report: {run.name}"
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(title)}</title><style>{STYLE}</style></head>
<body>
<div id="render-problems" role="alert"></div>
<h1>{esc(title)}</h1>
<p class="muted">seed {esc(run.seed)} · {esc(s.get("scenario", {}).get("file", ""))} ·
format_version {esc(s.get("format_version"))}</p>
<h2>Summary</h2>{summary_cards(s)}
<h2>Expectations</h2><div id="expects">{expects_html(s.get("expects", []))}</div>
<h2>Failovers</h2>{failovers_html(s)}
<h2>Plots</h2><div id="plots">{"".join(plots)}</div>
<h2>Timeline</h2>{timeline_svg(run)}
<h2>Message sequence</h2>{sequence_html(run, window)}
<h2>Events log</h2>{events_log_html(run)}
<h2>Scenario</h2>{_table(scenario_rows)}
<h2>Parameters</h2>{_table(param_rows) if param_rows else '<p class="muted">none recorded</p>'}
<h2>All results</h2>{_table(result_rows)}
<script>{SELF_CHECK}</script>
</body></html>
"""


def write_atomically(path: str, text: str) -> None:
    """Temp file in the same directory, then rename: a reader never sees half a report."""
    tmp = f"{path}.tmp-{os.getpid()}"
    try:
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("outdirs", nargs="+", metavar="outdir",
                        help="a `clocksim run --out` directory; several: a comparison page (compare.py)")
    parser.add_argument("-o", "--output", help="where to write (default OUTDIR/report.html)")
    parser.add_argument("--max-nodes", type=int, default=plot_offsets.DEFAULT_MAX_NODES,
                        help="draw at most this many nodes' offsets (masters first)")
    parser.add_argument("--window", help="the message sequence chart's window, START:END in true time "
                                         "(default: the first failover's election); with several runs, "
                                         "relative to the fault")
    args = parser.parse_args(argv)
    if args.max_nodes < 1:
        parser.error("--max-nodes must be at least 1")  # as plot_offsets.py: 0 drew an empty plot
    import plot_sequence  # noqa: E402 (imports this module's siblings)
    window = None
    if args.window:
        try:
            window = plot_sequence.parse_window(args.window)
        except plot_sequence.OptionError as err:
            print(f"error: {err}", file=sys.stderr)
            return 2
    if len(args.outdirs) > 1:
        import compare
        runs = [cio.load_run(d, required=("skew",), optional=("events", "messages")) for d in args.outdirs]
        path = args.output or os.path.join(os.path.dirname(os.path.abspath(args.outdirs[0])), "compare.html")
        write_atomically(path, compare.build_compare(runs, window))
        print(path)
        return 0
    run = cio.load_run(args.outdirs[0], required=(),
                       optional=("trace", "skew", "events", "events_log", "messages", "links"))
    path = args.output or os.path.join(args.outdirs[0], "report.html")
    write_atomically(path, build_report(run, args.max_nodes, window))
    print(path)
    return 0


if __name__ == "__main__":
    sys.exit(cio.run_main(main))
