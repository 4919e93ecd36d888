#!/usr/bin/python3
"""Failover table of issue 4, measured with the simulator itself (docs/failover-table.md).

For each election algorithm (tsp, bully, ring, standby) and each node count, runs the
algorithm's failover scenario through `clocksim sweep` over K seeds, reads every run's
summary.json and prints a markdown table: detection, election and failover times, messages per
election, the message-complexity formula in the simulator's counting, and a verdict.

Standard library only. Normally started by bench/failover_table.sh (which builds the binary).
"""

import argparse
import csv
import json
import math
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

SCENARIOS = {
    "tsp": "scenarios/failover.yaml",
    "bully": "scenarios/bully-failover.yaml",
    "ring": "scenarios/ring-failover.yaml",
    "standby": "scenarios/standby.yaml",
}

# From this many nodes on, the scenarios are scaled (see overrides()).
LARGE_N = 256


def overrides(algorithm, n, loss=None):
    """--set overrides for one (algorithm, n): (path, YAML value) pairs, in order.

    Every run: exactly one loss of the master and no return of the old one (bully-failover and
    standby bring the old master back at 120 s; that is not part of a failover), and one
    expectation left, masters_at_end == 1, so sweep.csv's expects_failed says whether the run
    ended with one master (the scenarios' skew and failover-time bounds are for 8 nodes).
    """
    large = n >= LARGE_N
    crash_at = "120s" if large else "60s"
    sets = [
        ("faults", "[{at: %s, crash: master}]" % crash_at),
        ("expect", "[{masters_at_end: 1}]"),
        ("duration", "200s" if large else "100s"),
    ]
    if loss is not None:
        sets.append(("links.loss", repr(loss)))
    if large:
        # A Berkeley round measures every slave in turn: with timed's 5 good replies of 10
        # probes, 511 slaves take about 15 s, longer than the 5 s period, and a slave hears its
        # master too rarely to keep its failure timer quiet. One good reply of at most 3 probes
        # (~6 ms per slave, ~3 s per round) and a 10 s period make a round fit; the start-up
        # election of 512 nodes also needs longer, hence the crash at 120 s.
        sets += [
            ("algorithm.sync.period", "10s"),
            ("algorithm.sync.probes", "3"),
            ("algorithm.sync.good_replies", "1"),
        ]
        if algorithm == "tsp":
            # timed's election timeout is 1.5-3.75 periods (360-900 s for 240 s); keep that ratio.
            sets.append(("algorithm.election.timeout", '"uniform(15s, 30s)"'))
        if algorithm == "ring":
            # A circuit of 512 hops (plus the ELECTED round) takes ~3 s at 1-5 ms a hop: more than
            # the 5 s election timeout allows once a hop or two is lost.
            sets.append(("algorithm.election.election_timeout", "20s"))
    return sets


# ---- the formulas, in the simulator's counting ------------------------------------------------
# A broadcast is n-1 unicast sends (the crashed node is still addressed); the crashed node never
# answers; only election-layer messages are counted (no HEARTBEAT, LOOP or Berkeley traffic).

def prediction(algorithm, n):
    """(formula text, low, high, what to print for n) of election messages for one failover."""
    if algorithm == "tsp":
        v = 5 * n - 8
        return ("5n-8 with one candidate = ELECTION (n-1) + ACCEPT, ELECTION_ACK, SLAVEUP (n-2 each) "
                "+ MASTERUP (n-1): timed's 3(n-1)+2 election part (6(n-1)+2 with SETTIME/ACK sync "
                "traffic, not counted here) with each broadcast as n-1 sends; O(n)", v, v, "%d" % v)
    if algorithm == "bully":
        return ("best n (n-2 detects first: 1 ELECTION to the dead n-1, then n-1 COORDINATOR); worst "
                "n(n-1) (every node holds an election: n(n-1)/2 ELECTION + (n-1)(n-2)/2 OK + n-1 "
                "COORDINATOR); O(n^2)", n, n * (n - 1), "%d .. %d" % (n, n * (n - 1)))
    if algorithm == "ring":
        # n' = n-1 live nodes; each live hop is acknowledged (ELECTION_ACK) and a message that
        # crosses the dead node is sent there hop_sends = 2 times. Single initiator: one circuit
        # of ELECTION and one of ELECTED = 2(n'+2) + 2n' = 4n. Every node initiating (they all
        # miss the same heartbeats): Chang-Roberts 2n'-1 .. n'(n'+1)/2 ELECTION hops
        # (favourable .. worst ordering) + the ELECTED circuit = 6n-4 .. n^2+n+2.
        return ("single initiator 4n (textbook n'..2n'-1 ELECTION + n' ELECTED for n'=n-1 live nodes, "
                "each hop acknowledged, 2 sends to the dead node); every node initiating (they miss the "
                "same heartbeats) 6n-4 (ids rise along the ring: Chang-Roberts' favourable 2n'-1) up to "
                "n^2+n+2 (its worst n'(n'+1)/2); O(n) expected here",
                4 * n, n * n + n + 2, "4n=%d; all initiate 6n-4=%d (worst %d)" % (4 * n, 6 * n - 4, n * n + n + 2))
    if algorithm == "standby":
        return ("0 (no election: the standby's timer alone decides; the takeover is its first HEARTBEAT "
                "broadcast, n-1 sends, not counted)", 0, 0, "0")
    raise ValueError(algorithm)


def verdict(algorithm, n, election_msgs, candidacies, later, by_type, late):
    _, low, high, _ = prediction(algorithm, n)
    if not election_msgs:
        return "no: no completed failover"
    runs = len(election_msgs)
    med = statistics.median(election_msgs)
    worst = max(election_msgs)

    def runs_with(kind):
        return sum(1 for v in by_type.get(kind, []) if v > 0)

    later_runs = sum(1 for v in later if v > 0)
    later_text = ("; %d/%d runs had a later spurious detection (new episode, not counted)" % (later_runs, runs)
                  if later_runs else "")
    if algorithm == "tsp":
        exact = sum(1 for m in election_msgs if m == low)
        ok = low <= med <= 1.15 * low
        text = ("yes, O(n): " if ok else "partly: O(n) per candidacy, but ") + \
            "median %s = %.2f x (5n-8), %d/%d runs exactly 5n-8" % (fmt_num(med), med / low, exact, runs)
        causes = []
        # Every candidacy broadcasts one ELECTION (n-1 sends); those after the appointment are
        # orphans: slaves that missed the new master's MASTERUP (a broadcast nobody acknowledges).
        broadcasts = [round(v / (n - 1)) for v in by_type.get("ELECTION", [0] * runs)]
        orphans = sum(1 for b, c in zip(broadcasts, candidacies) if b > c)
        if orphans:
            causes.append("%d/%d runs with a candidacy after the appointment (an orphan that missed the "
                          "unacknowledged MASTERUP; 1-0.99^(n-1) = %.0f%% at 1%% loss), QUIT and a second "
                          "MASTERUP round" % (orphans, runs, 100 * (1 - 0.99 ** (n - 1))))
        refused = runs_with("REFUSE")
        if refused:
            causes.append("%d run(s) with simultaneous candidates (REFUSE, new candidacy)" % refused)
        refusing = by_type.get("REFUSE", [0] * runs)
        other = sum(1 for m, b, c, r in zip(election_msgs, broadcasts, candidacies, refusing)
                    if m > low and b <= c and r == 0)
        if other:
            causes.append("%d run(s) with retransmissions after loss" % other)
        if causes:
            text += "; above: " + ", ".join(causes)
        return text + later_text
    if algorithm == "bully":
        ratio = med / high
        ok = low <= med <= 1.05 * high
        where = "the worst case: every node holds an election" if ratio > 0.7 else "between best and worst case"
        text = ("yes, O(n^2): " if ok else "no: ") + "median = %.3f x n(n-1), %s" % (ratio, where)
        if med > high:
            text += " (+ re-elections after a lost OK/COORDINATOR)"
        return text + later_text
    if algorithm == "ring":
        favourable = 6 * n - 4
        ratio = med / favourable
        ok = low <= med <= high
        text = ("yes: " if ok else "no: ") + "median = %.2f x (6n-4)" % ratio
        text += ", the linear all-initiate case" if ratio <= 1.5 else ", above the linear all-initiate case"
        text += "; worst = %.2f x the quadratic n^2+n+2" % (worst / high)
        above = sum(1 for m in election_msgs if m > favourable)
        if above:
            text += "; %d/%d runs above 6n-4" % (above, runs)
            late_runs = sum(1 for v in late if v > 0)
            text += " (initiators staggered in id order: a message travels on through nodes that have " \
                    "not started yet)"
            if late_runs:
                text += "; %d/%d runs with late initiators (median %s, max %d) starting after the appointment: " \
                        "they timed out before the winner's heartbeat reached them (or while their " \
                        "master had been silent for less than half the failure timeout), and each " \
                        "starts a full ELECTION circuit" % (
                            late_runs, runs, fmt_num(statistics.median(late)), max(late))
        return text + later_text
    if algorithm == "standby":
        ok = worst == 0
        return ("yes: " if ok else "no: ") + "worst %d election messages" % worst + later_text
    raise ValueError(algorithm)


# ---- running --------------------------------------------------------------------------------

def sweep_file(algorithm, n, seeds, path, loss):
    lines = ["# written by bench/failover_table.py",
             "name: failover-table-%s-%d" % (algorithm, n),
             "base: %s" % json.dumps(str(ROOT / SCENARIOS[algorithm])),
             "set:"]
    for key, value in overrides(algorithm, n, loss):
        lines.append("  %s: %s" % (key, value))
    lines += ["matrix:", "  nodes: [%d]" % n, "seeds: 1..%d" % seeds]
    path.write_text("\n".join(lines) + "\n")


def run_sweep(clocksim, algorithm, n, seeds, out, jobs, loss):
    folder = out / ("%s-n%d" % (algorithm, n))
    # A sweep resumes finished runs whatever their settings: start afresh every time.
    if folder.exists():
        shutil.rmtree(folder)
    sweep = out / ("%s-n%d.sweep.yaml" % (algorithm, n))
    sweep_file(algorithm, n, seeds, sweep, loss)
    cmd = [clocksim, "sweep", str(sweep), "--out", str(folder), "--jobs", str(jobs), "--quiet"]
    start = time.monotonic()
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    wall = time.monotonic() - start
    if proc.returncode == 2:
        sys.stderr.write(proc.stderr)
        raise SystemExit("error: %s: clocksim sweep refused the sweep file" % sweep)
    runs = []
    for seed in range(1, seeds + 1):
        summary = folder / ("nodes=%d,seed=%d" % (n, seed)) / "summary.json"
        if not summary.exists():
            runs.append({"seed": seed, "missing": True})
            continue
        data = json.loads(summary.read_text())
        if data.get("format_version") != 1:
            raise SystemExit("error: %s: format_version is not 1" % summary)
        runs.append({"seed": seed, "missing": False, "results": data["results"],
                     "expects": data.get("expects", []),
                     "later_detections": later_detections(summary.parent, data["results"]["failovers"])})
    return runs, wall, " ".join(cmd)


def later_detections(folder, failovers):
    """(later episodes, late initiators). Later episodes, which summary.json's election_messages
    leaves out: master_silent events of nodes that had already followed the new master
    (became_slave after the appointment). Late initiators: elections started after the
    appointment, before any later episode, by nodes that had not followed the new master yet."""
    if not failovers or failovers[0]["failover_time_ns"] is None:
        return 0, 0
    elected_ns = failovers[0]["lost_at_ns"] + failovers[0]["failover_time_ns"]
    followers, count, late = set(), 0, 0
    with open(folder / "events.csv", newline="") as f:
        for r in csv.DictReader(f):
            if int(r["t_ns"]) <= elected_ns:
                continue
            if r["kind"] == "became_slave":
                followers.add(r["node"])
            elif r["kind"] == "master_silent" and r["node"] in followers:
                count += 1
            elif r["kind"] == "election_started" and r["node"] not in followers and count == 0:
                late += 1
    return count, late


def summarize(algorithm, n, runs):
    row = {"algorithm": algorithm, "n": n, "runs": len(runs), "problems": []}
    det, ele, fo, sent, elect, cand, later, late = [], [], [], [], [], [], [], []
    steady, bounds, ratios, notes = [], [], [], set()
    by_type, per_run_types = {}, []
    completed = 0
    for r in runs:
        if r["missing"]:
            row["problems"].append("seed %d: no summary.json (run failed)" % r["seed"])
            continue
        fos = r["results"]["failovers"]
        if len(fos) != 1:
            row["problems"].append("seed %d: %d failovers, expected 1" % (r["seed"], len(fos)))
        if r["results"].get("masters_at_end") != 1:
            row["problems"].append("seed %d: %s masters at the end" % (r["seed"], r["results"].get("masters_at_end")))
        if not fos:
            continue
        f = fos[0]
        if f["failover_time_ns"] is None:
            row["problems"].append("seed %d: master %s lost at %.3fs never replaced"
                                   % (r["seed"], f["old_master"], f["lost_at_ns"] / 1e9))
            continue
        if "election_messages" not in f:
            raise SystemExit("error: summary.json has no election_messages: rebuild clocksim")
        completed += 1
        det.append(f["detection_time_ns"] / 1e9)
        ele.append(f["election_time_ns"] / 1e9)
        fo.append(f["failover_time_ns"] / 1e9)
        sent.append(f["messages_sent"])
        elect.append(f["election_messages"])
        cand.append(f["elections_started"])
        later.append(r["later_detections"][0])
        late.append(r["later_detections"][1])
        per_run_types.append(f["election_messages_by_type"])
        res = r["results"]
        if res.get("max_skew_after_warmup_ns") is not None:
            steady.append(res["max_skew_after_warmup_ns"] / 1e6)
        if res.get("bound_ns") is not None:
            bounds.append(res["bound_ns"] / 1e6)
        if res.get("worst_skew_over_bound") is not None:
            ratios.append(res["worst_skew_over_bound"])
        if res.get("bound_ns") is None and res.get("bound_note"):
            notes.add(res["bound_note"])
    # One list per type, aligned with the completed runs (a type absent from a run counted 0).
    for k in sorted({k for t in per_run_types for k in t}):
        by_type[k] = [t.get(k, 0) for t in per_run_types]
    row.update(completed=completed, detection_s=det, election_s=ele, failover_s=fo,
               messages_sent=sent, election_messages=elect, elections_started=cand,
               later_detections=later, late_initiators=late,
               steady_skew_ms=steady, bound_ms=bounds, skew_over_bound=ratios, bound_notes=sorted(notes),
               election_messages_by_type={k: statistics.median(v) for k, v in sorted(by_type.items())})
    formula, low, high, predicted = prediction(algorithm, n)
    row.update(formula=formula, predicted_low=low, predicted_high=high, predicted=predicted,
               predicted_short=("%d" % low) if low == high else "%d .. %d" % (low, high),
               verdict=verdict(algorithm, n, elect, cand, later, by_type, late))
    return row


def verdict_word(text):
    """The verdict's first word: yes, partly or no."""
    return text.split(":", 1)[0].split(",", 1)[0]


def fmt_num(x):
    return ("%d" % x) if float(x).is_integer() else ("%.1f" % x)


def med_worst(values, fmt):
    if not values:
        return "-"
    return "%s / %s" % (fmt(statistics.median(values)), fmt(max(values)))


def seconds(x):
    return "%.3f" % x


def markdown(rows, args, walls):
    out = []
    # Short cells only (a wide table overflows the page): the verdicts' reasons follow as a list.
    out.append("| algorithm | n | runs | failovers | detection s (med / worst) | election s (med / worst) "
               "| failover s (med / worst) | election msgs (med / worst) | predicted | matches? |")
    out.append("|---|---:|---:|---:|---:|---:|---:|---:|---|---|")
    for r in rows:
        out.append("| %s | %d | %d | %d | %s | %s | %s | %s | %s | %s |" % (
            r["algorithm"], r["n"], r["runs"], r["completed"],
            med_worst(r["detection_s"], seconds), med_worst(r["election_s"], seconds),
            med_worst(r["failover_s"], seconds), med_worst(r["election_messages"], fmt_num),
            r["predicted_short"], verdict_word(r["verdict"])))
    out.append("")
    out.append("Verdicts (*election msgs* against the formula):")
    for r in rows:
        out.append("- %s n=%d: %s" % (r["algorithm"], r["n"], r["verdict"]))
    out.append("")
    out.append("Clock skew in the same runs, in steady state (after the warm-up: the first full sync round, "
               "docs/output-formats.md#summaryjson; the start-up spread is not counted), next to the bound:")
    out.append("")
    out.append("| algorithm | n | steady worst skew ms (med / worst) | bound ms (med) | worst skew / bound (worst) |")
    out.append("|---|---:|---:|---:|---:|")
    for r in rows:
        out.append("| %s | %d | %s | %s | %s |" % (
            r["algorithm"], r["n"], med_worst(r["steady_skew_ms"], lambda x: "%.3f" % x),
            ("%.3f" % statistics.median(r["bound_ms"])) if r["bound_ms"] else "none",
            ("%.3f" % max(r["skew_over_bound"])) if r["skew_over_bound"] else "-"))
    out.append("")
    unbounded = [(r["algorithm"], r["n"], note) for r in rows for note in r["bound_notes"]]
    if unbounded:
        out.append("Runs without a bound (summary.json `bound_note`):")
        for alg, n, note in unbounded:
            out.append("- %s n=%d: %s" % (alg, n, note))
        out.append("")
    out.append("Times are from the loss of the master: detection = first master_silent or "
               "election_started; election = detection → became_master; failover = loss → became_master.")
    out.append("Every message count on this page (this table, the verdicts, the by-type table below) and on "
               "analysis/compare.py's page is the same one, over the same window. "
               "*election msgs* is summary.json `election_messages`: election-layer messages except HEARTBEAT "
               "and LOOP, from the loss until a node that already follows the new master reports a silence "
               "(a new, spurious episode), the next fault or the end of the run — the whole election, "
               "announcements after the appointment, late detectors and orphans included, no sync traffic. "
               "The formulas count the same way: a broadcast is n−1 sends (the crashed node is still addressed).")
    out.append("")
    out.append("Formulas (simulator counting):")
    seen = set()
    for r in rows:
        if r["algorithm"] in seen:
            continue
        seen.add(r["algorithm"])
        out.append("- **%s**: %s" % (r["algorithm"], r["formula"]))
    out.append("")
    out.append("Growth of the median election messages between node counts (log-log slope; 1 = linear, 2 = quadratic):")
    by_alg = {}
    for r in rows:
        if r["election_messages"]:
            by_alg.setdefault(r["algorithm"], []).append((r["n"], statistics.median(r["election_messages"])))
    for alg, pts in by_alg.items():
        slopes = []
        for (n1, m1), (n2, m2) in zip(pts, pts[1:]):
            if m1 > 0 and m2 > 0:
                slopes.append("%d→%d: %.2f" % (n1, n2, math.log(m2 / m1) / math.log(n2 / n1)))
        if slopes:
            out.append("- %s: %s" % (alg, ", ".join(slopes)))
    out.append("")
    out.append("Election messages by type (median over runs):")
    out.append("")
    out.append("| algorithm | n | by type |")
    out.append("|---|---:|---|")
    for r in rows:
        parts = ", ".join("%s %s" % (k, fmt_num(v)) for k, v in r["election_messages_by_type"].items())
        out.append("| %s | %d | %s |" % (r["algorithm"], r["n"], parts or "-"))
    out.append("")
    out.append("Link loss: %s." % ("as in the scenario files" if args.loss is None
                                    else "links.loss = %g on every link (--loss)" % args.loss))
    out.append("")
    out.append("Overrides (`--set`) of each run, on top of the scenario file:")
    for alg in args.algorithms:
        for n in args.nodes:
            sets = " ".join("`%s=%s`" % (k, v.strip('"')) for k, v in overrides(alg, n, args.loss))
            out.append("- %s n=%d (%s): %s" % (alg, n, SCENARIOS[alg], sets))
    problems = [(r["algorithm"], r["n"], p) for r in rows for p in r["problems"]]
    out.append("")
    if problems:
        out.append("Problems:")
        for alg, n, p in problems:
            out.append("- %s n=%d: %s" % (alg, n, p))
    else:
        out.append("Every run had exactly one master loss, a completed failover and one master at the end.")
    out.append("")
    out.append("Seeds 1..%d per row; wall time %s." % (args.seeds, ", ".join(
        "%s n=%d %.0fs" % (a, n, w) for (a, n), w in walls.items())))
    return "\n".join(out) + "\n"


def parse_list(text, kind):
    try:
        return [kind(x) for x in text.split(",") if x.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError("expected a comma-separated list, got %r" % text)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--clocksim", required=True, help="the clocksim binary")
    p.add_argument("--nodes", type=lambda s: parse_list(s, int), default=[8, 64, 512],
                   help="comma-separated node counts (default 8,64,512)")
    p.add_argument("--seeds", type=int, default=20, help="seeds 1..K per algorithm and node count (default 20)")
    p.add_argument("--algorithms", type=lambda s: parse_list(s, str), default=list(SCENARIOS),
                   help="comma-separated subset of tsp,bully,ring,standby")
    p.add_argument("--out", default=str(ROOT / "out" / "failover-table"),
                   help="folder for the runs, table.md and table.json (default out/failover-table)")
    p.add_argument("--jobs", type=int, default=2, help="runs in parallel (default 2)")
    p.add_argument("--loss", type=float, default=None,
                   help="set links.loss of every run (default: the scenario's own, lossless today)")
    args = p.parse_args(argv)
    for a in args.algorithms:
        if a not in SCENARIOS:
            p.error("unknown algorithm %r (choose from %s)" % (a, ",".join(SCENARIOS)))
    if args.loss is not None and not 0 <= args.loss < 1:
        p.error("--loss must be in [0, 1)")
    if args.seeds < 1 or any(n < 2 for n in args.nodes):
        p.error("--seeds must be >= 1 and every node count >= 2")
    out = Path(args.out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    rows, walls = [], {}
    for alg in args.algorithms:
        for n in args.nodes:
            sys.stderr.write("failover_table: %s n=%d, %d seeds ...\n" % (alg, n, args.seeds))
            runs, wall, _ = run_sweep(args.clocksim, alg, n, args.seeds, out, args.jobs, args.loss)
            walls[(alg, n)] = wall
            rows.append(summarize(alg, n, runs))
    text = markdown(rows, args, walls)
    (out / "table.md").write_text(text)
    (out / "table.json").write_text(json.dumps(rows, indent=1) + "\n")
    sys.stdout.write(text)
    return 0 if all(r["completed"] == r["runs"] and not r["problems"] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
