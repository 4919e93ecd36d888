"""Writes a synthetic run folder exactly in the documented format (docs/output-formats.md):
trace.csv, skew.csv, events.csv, events.log and summary.json.

The story is fixed so tests can check what the plots show: Berkeley-style rounds every
`period_s`; the master n0 crashes at 40% of the run, an election follows and n1 becomes master;
n0 restarts at 60%; the last node is partitioned away from 70% to 85% and its clock is stepped
by +20 ms while cut off, so the measured skew exceeds the bound there (violations). It is a
stand-in for `clocksim run` output, not a simulation: only the file format is the contract.
Usable as a script: fixture_run.py OUTDIR [--nodes N --ticks T] (bench/ uses it for 10^6 rows).
"""
from __future__ import annotations

import argparse
import json
import os

import numpy as np
import pandas as pd

FORMAT_VERSION = 1
# The header clocksim writes (docs/output-formats.md); the fixture fills t_ns, node, kind, detail.
EVENTS_COLUMNS = ["t_ns", "node", "kind", "what", "why", "subject", "peer", "election", "round", "seq",
                  "message", "value_ns", "rtt_ns", "error_ns", "count", "total", "nodes", "detail"]


def generate_run(outdir: str, nodes: int = 6, ticks: int = 600, tick_ms: int = 100,
                 period_s: float = 5.0, seed: int = 7, with_bound: bool = True,
                 with_events: bool = True, with_messages: bool = False) -> dict:
    """Writes the five files into outdir (created) and returns the summary dict."""
    os.makedirs(outdir, exist_ok=True)
    rng = np.random.default_rng(seed)
    tick_ns = tick_ms * 1_000_000
    t = np.arange(ticks, dtype=np.int64) * tick_ns
    duration_ns = int(ticks * tick_ns)
    names = [f"n{i}" for i in range(nodes)]

    crash_ns = int(duration_ns * 0.4) // tick_ns * tick_ns
    elected_ns = crash_ns + 8 * tick_ns * 10 if nodes > 1 else crash_ns
    elected_ns = min(elected_ns, duration_ns - tick_ns)
    restart_ns = int(duration_ns * 0.6) // tick_ns * tick_ns
    part_ns = int(duration_ns * 0.7) // tick_ns * tick_ns
    heal_ns = int(duration_ns * 0.85) // tick_ns * tick_ns
    step_ns = (part_ns + heal_ns) // 2 // tick_ns * tick_ns
    victim = nodes - 1

    # Rounds: every period, none while there is no master (between crash and election).
    period_ns = int(period_s * 1e9)
    rounds = np.arange(period_ns, duration_ns, period_ns, dtype=np.int64)
    rounds = rounds[(rounds < crash_ns) | (rounds >= elected_ns)]
    up = np.ones((ticks, nodes), dtype=bool)
    if nodes > 1:
        up[(t >= crash_ns) & (t < restart_ns), 0] = False
    part = np.zeros((len(rounds), nodes), dtype=bool)
    part[:, :] = True
    if nodes > 1:
        part[(rounds >= crash_ns) & (rounds < restart_ns), 0] = False
        part[(rounds >= part_ns) & (rounds < heal_ns), victim] = False

    drift_ppm = rng.uniform(-100, 100, nodes)
    off0 = rng.uniform(-50e6, 50e6, nodes)
    err = rng.normal(0, 2e5, (len(rounds), nodes))  # 0.2 ms reading error per correction

    # For each tick and node, the last round the node took part in (-1: none yet).
    k = np.searchsorted(rounds, t, side="right") - 1
    last = np.full((len(rounds) + 1, nodes), -1, dtype=np.int64)  # row j+1: up to round j
    for j in range(len(rounds)):
        last[j + 1] = np.where(part[j], j, last[j])
    L = last[k + 1]  # (ticks, nodes)
    tt = t[:, None].astype(float)
    rounds_pad = np.append(rounds, 0)  # so that index 0 exists when there are no rounds
    err_pad = np.vstack([err, np.zeros((1, nodes))])
    since = np.where(L >= 0, tt - rounds_pad[np.maximum(L, 0)], tt)
    base = np.where(L >= 0, err_pad[np.maximum(L, 0), np.arange(nodes)], off0)
    offset = base + drift_ppm * 1e-6 * since
    if nodes > 1:
        offset[(t >= step_ns) & (t < heal_ns), victim] += 20e6  # stepped while cut off
    offset = np.round(offset).astype(np.int64)
    local = offset + t[:, None]

    # As the engine reports it: the slaves keep naming the crashed n0 until they notice (6 s).
    silent_ns = crash_ns + 6 * tick_ns * 10
    master = np.where((t < silent_ns), "n0", np.where(t >= elected_ns, "n1" if nodes > 1 else "n0", ""))
    role = np.full((ticks, nodes), "slave", dtype=object)
    role[(master == "n0") & (t < crash_ns), 0] = "master"
    if nodes > 1:
        role[master == "n1", 1] = "master"
        role[(t >= crash_ns) & (t < elected_ns), 1] = "candidate"
    role[~up] = "none"

    trace = pd.DataFrame({
        "t_ns": np.repeat(t, nodes), "node": np.tile(names, ticks),
        "local_ns": local.ravel(), "offset_ns": offset.ravel(), "role": role.ravel(),
        "up": up.ravel().astype(np.int8)})
    trace.to_csv(os.path.join(outdir, "trace.csv"), index=False)

    masked = np.where(up, offset, np.nan)
    max_skew = (np.nanmax(masked, axis=1) - np.nanmin(masked, axis=1)).astype(np.int64)
    mean_abs = np.floor(np.nanmean(np.abs(masked), axis=1)).astype(np.int64)
    last_round = np.where(k >= 0, rounds_pad[np.maximum(k, 0)], 0)
    bound = (1_000_000 + 2 * 100e-6 * (t - last_round) + 4 * 2e5 * 3).astype(np.int64)
    bound_col = pd.array(bound, dtype="Int64") if with_bound else pd.array([pd.NA] * ticks, "Int64")
    masters = (role == "master").sum(axis=1)
    skew = pd.DataFrame({"t_ns": t, "max_skew_ns": max_skew, "mean_abs_offset_ns": mean_abs,
                         "bound_ns": bound_col, "master": master, "masters": masters})
    skew.to_csv(os.path.join(outdir, "skew.csv"), index=False)

    events = []
    if with_events:
        for r in rounds[:3]:
            events.append((int(r), "n0" if r < crash_ns else "n1", "round_complete",
                           f"{nodes} clocks averaged"))
        if nodes > 1:
            events += [
                (crash_ns, "n0", "crash", "was master"),
                (silent_ns, "n1", "master_silent", "no message from n0 for 6s"),
                (silent_ns, "n1", "election_started", "election n1#2"),
                (elected_ns, "n1", "became_master", "votes 4/5, after 8.000s"),
                (restart_ns, "n0", "restart", ""),
                (restart_ns, "n0", "became_slave", "master n1"),
                (part_ns, "", "partition", f"[{names[victim]}] | rest"),
                (step_ns, names[victim], "clock_step", "+20ms"),
                (heal_ns, "", "heal", ""),
            ]
        events.sort(key=lambda e: e[0])
    ev = pd.DataFrame(events, columns=["t_ns", "node", "kind", "detail"])
    for column in EVENTS_COLUMNS:
        if column not in ev.columns:
            ev[column] = ""
    # n1's election and its win name the election (events.csv `election`).
    ev.loc[(ev["node"] == "n1") & ev["kind"].isin(["election_started", "became_master"]), "election"] = "n1#2"
    ev[EVENTS_COLUMNS].to_csv(os.path.join(outdir, "events.csv"), index=False)
    with open(os.path.join(outdir, "events.log"), "w") as f:
        for t_e, node, kind, detail in events:
            text = {"crash": "crashed", "restart": "restarted", "partition": "partition",
                    "heal": "partition healed"}.get(kind, kind.replace("_", " "))
            f.write(f"t={t_e / 1e9:.3f}s {node + ' ' if node else ''}{text}"
                    f"{' (' + detail + ')' if detail else ''}\n")

    warmup_ns = min(3 * period_ns, duration_ns)
    after = t >= warmup_ns
    violations = int(((max_skew > bound) & after).sum()) if with_bound else 0
    summary = {
        "format_version": FORMAT_VERSION,
        "scenario": {"name": "fixture-failover", "file": "scenarios/fixture.yaml", "seed": seed,
                     "duration_ns": duration_ns, "tick_ns": tick_ns, "nodes": nodes,
                     "topology": "full_mesh", "sync": "berkeley", "election": "tsp",
                     "params": {"algorithm.sync.period": f"{period_s:g}s",
                                "clocks.drift_ppm": "uniform(-100, 100)",
                                "links.latency": "uniform(1ms, 5ms)"}},
        "results": {"max_skew_ns": int(max_skew.max()),
                    "max_skew_after_warmup_ns": int(max_skew[after].max()) if after.any() else 0,
                    "warmup_ns": warmup_ns,
                    "bound_ns": int(bound.max()) if with_bound else None,
                    "bound_violations": violations, "messages_sent": 1234,
                    "messages_delivered": 1200, "messages_lost": 34,
                    "events_processed": 98765, "elections": 1 if nodes > 1 else 0,
                    "worst_skew_over_bound": float((max_skew[after] / bound[after]).max())
                    if with_bound and after.any() else None,
                    "failovers": ([{"old_master": "n0", "lost_at_ns": crash_ns,
                                    "detection_time_ns": 6 * tick_ns * 10,
                                    "election_time_ns": elected_ns - crash_ns - 6 * tick_ns * 10,
                                    "failover_time_ns": elected_ns - crash_ns,
                                    "new_master": "n1", "elections_started": 1,
                                    "election_messages": 9,
                                    "election_messages_by_type": {"ELECTION": 5, "ACCEPT": 4},
                                    "max_skew_during_ns": int(max_skew[(t >= crash_ns) & (t < elected_ns)].max())}]
                                  if nodes > 1 else []),
                    "masters_at_end": 1},
        "expects": [
            {"text": "masters_at_end == 1", "passed": True, "detail": "1 master at the end"},
            {"text": "max_skew <= bound after 30s", "passed": violations == 0,
             "detail": f"{violations} ticks over the bound"},
        ],
        "wall_time_s": 0.25, "events_per_s": 395060.0,
    }
    with open(os.path.join(outdir, "summary.json"), "w") as f:
        json.dump(summary, f, indent=2)
        f.write("\n")
    if with_messages and nodes > 1:
        write_messages(outdir, names, crash_ns + 6 * tick_ns * 10, elected_ns)
    return summary


def write_messages(outdir: str, names: list[str], detected_ns: int, elected_ns: int) -> None:
    """messages.csv for the failover: n1 asks every other up node (ELECTION, 2 ms) and each
    accepts (ACCEPT, 3 ms); the one to the crashed n0 goes to a down node; one ACCEPT is lost.
    All of them belong to election n1#2."""
    rows = []
    t = detected_ns
    for peer in names[2:]:
        rows.append((t, t + 2_000_000, "n1", peer, "ELECTION", "election", "delivered", "n1#2"))
        lost = peer == names[-1]
        rows.append((t + 2_000_000, None if lost else t + 5_000_000, peer, "n1", "ACCEPT", "election",
                     "lost" if lost else "delivered", "n1#2"))
    rows.append((t, None, "n1", "n0", "ELECTION", "election", "to_down_node", "n1#2"))
    rows.append((elected_ns, elected_ns + 1_000_000, "n1", names[-1], "TIME_REQUEST", "sync", "delivered", ""))
    df = pd.DataFrame(rows, columns=["sent_ns", "received_ns", "from", "to", "type", "layer", "fate", "election"])
    df["received_ns"] = df["received_ns"].astype("Int64")
    df.to_csv(os.path.join(outdir, "messages.csv"), index=False)


def generate_sweep(sweepdir: str, periods=("5s", "10s", "30s"), drifts=("10", "100", "1000"),
                   seeds=(1, 2, 3), violate: bool = True) -> pd.DataFrame:
    """Writes sweepdir/sweep.csv for a period x drift sweep: skew ~ 2 * drift * period plus
    seed noise, bound = 1 ms + 2 * drift * period; the largest cell exceeds its bound for one
    seed when `violate`. Returns the table written."""
    os.makedirs(sweepdir, exist_ok=True)
    rows = []
    for period in periods:
        period_s = float(period.rstrip("s"))
        for drift in drifts:
            for seed in seeds:
                rng = np.random.default_rng([seed, int(period_s), int(drift)])
                bound = int(1e6 + 2 * float(drift) * 1e-6 * period_s * 1e9)
                skew = int(bound * rng.uniform(0.3, 0.9))
                if violate and period == periods[-1] and drift == drifts[-1] and seed == seeds[0]:
                    skew = int(bound * 1.4)
                run = f"period={period},drift={drift},seed={seed}"
                rows.append({"run": run, "algorithm.sync.period": period,
                             "clocks.drift_ppm": drift, "seed": seed,
                             "max_skew_ns": skew * 3, "max_skew_after_warmup_ns": skew,
                             "bound_ns": bound, "bound_violations": int(skew > bound),
                             "failovers": 0, "events": 10000 + seed, "expects_failed": 0,
                             "wall_time_s": 0.5})
    df = pd.DataFrame(rows)
    df.to_csv(os.path.join(sweepdir, "sweep.csv"), index=False)
    return df


def main() -> None:
    parser = argparse.ArgumentParser(description="write a synthetic clocksim run folder")
    parser.add_argument("outdir")
    parser.add_argument("--nodes", type=int, default=6)
    parser.add_argument("--ticks", type=int, default=600)
    parser.add_argument("--sweep", action="store_true", help="write a sweep.csv instead")
    args = parser.parse_args()
    if args.sweep:
        generate_sweep(args.outdir)
    else:
        generate_run(args.outdir, nodes=args.nodes, ticks=args.ticks)


if __name__ == "__main__":
    main()
