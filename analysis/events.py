#!/usr/bin/python3
"""Prints a run's events (events.csv) as events.log lines, filtered:

    analysis/events.py out/failover --only elections            # the election story alone
    analysis/events.py out/failover --node n3 --only faults,elections
    analysis/events.py out/failover --only became_master --from 55s --to 70s
    analysis/events.py out/bully-failover --election n6#1     # one election, every node's part

--only takes groups (elections, faults, rounds) and event kinds (docs/output-formats.md), comma
separated; --node, comma separated node names (cluster-wide events such as a partition have no
node and are left out by --node); --election, election ids as events.csv writes them ("n6#1": the
events of that election at every node). Exit code 2 on a missing or malformed file or an unknown name.
"""
from __future__ import annotations

import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import clocksim_io as cio  # noqa: E402
import plot_sequence  # noqa: E402

GROUPS = {
    "elections": ("master_silent", "election_started", "became_master", "became_slave", "conflict"),
    "faults": ("crash", "restart", "link_down", "link_up", "partition", "heal", "clock_step"),
    "rounds": ("round_complete", "outlier", "late_reply", "peer_unreachable"),
}


class OptionError(Exception):
    pass


def names_in(option: str, text: str | None) -> list[str] | None:
    """The comma-separated names of an option (None: not given). Given, it must name something: an
    empty filter would print nothing, or everything, without saying why."""
    if text is None:
        return None
    names = [n.strip() for n in text.split(",") if n.strip()]
    if not names:
        raise OptionError(f"{option} {text!r}: names nothing (comma-separated names expected)")
    return names


def kinds_for(only: str | None) -> set[str] | None:
    names = names_in("--only", only)
    if names is None:
        return None
    kinds: set[str] = set()
    for name in names:
        if name in GROUPS:
            kinds.update(GROUPS[name])
        elif name in cio.EVENT_KINDS:
            kinds.add(name)
        else:
            raise OptionError(f"--only {name}: unknown; expected a group ({', '.join(GROUPS)}) or an event "
                              f"kind ({', '.join(cio.EVENT_KINDS)})")
    return kinds


def filter_events(events, kinds: set[str] | None = None, nodes: set[str] | None = None,
                  start_ns: int | None = None, end_ns: int | None = None, elections: set[str] | None = None):
    ev = events
    if elections is not None:
        ev = ev[ev["election"].isin(sorted(elections))]
    if kinds is not None:
        ev = ev[ev["kind"].isin(sorted(kinds))]
    if nodes is not None:
        ev = ev[ev["node"].isin(sorted(nodes))]
    if start_ns is not None:
        ev = ev[ev["t_ns"] >= start_ns]
    if end_ns is not None:
        ev = ev[ev["t_ns"] <= end_ns]
    return ev


def log_lines(events) -> list[str]:
    """events.log's form: "t=60.000s n2 <detail>" (the kind when there is no detail)."""
    out = []
    for t, node, kind, detail in zip(events["t_ns"], events["node"], events["kind"], events["detail"]):
        text = detail if detail else kind
        out.append(f"t={int(t) / 1e9:.3f}s " + (f"{node} " if node else "") + text)
    return out


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("outdir", help="a `clocksim run --out` directory")
    parser.add_argument("--only", help="groups and kinds, comma separated (elections, faults, rounds, crash, ...)")
    parser.add_argument("--node", help="node names, comma separated")
    parser.add_argument("--from", dest="start", help="from this true time (e.g. 55s)")
    parser.add_argument("--to", dest="end", help="up to this true time (e.g. 70s)")
    parser.add_argument("--election", help="election ids, comma separated (e.g. n6#1)")
    args = parser.parse_args(argv)
    try:
        kinds = kinds_for(args.only)
        node_names = names_in("--node", args.node)
        election_ids = names_in("--election", args.election)
        start = plot_sequence.parse_time_ns(args.start) if args.start else None
        end = plot_sequence.parse_time_ns(args.end) if args.end else None
        if start is not None and end is not None and end < start:
            raise OptionError(f"--to {args.end} is before --from {args.start}")
    except (OptionError, plot_sequence.OptionError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    events = cio.read_events(args.outdir)
    nodes = set(node_names) if node_names is not None else None
    if nodes:
        known = set(events["node"])
        unknown = sorted(n for n in nodes if n not in known)
        if unknown:
            print(f"error: --node {','.join(unknown)}: no event names this node", file=sys.stderr)
            return 2
    elections = set(election_ids) if election_ids is not None else None
    if elections:
        unknown = sorted(e for e in elections if e not in set(events["election"]))
        if unknown:
            print(f"error: --election {','.join(unknown)}: no event names this election (ids such as n6#1: "
                  f"events.csv's election column)", file=sys.stderr)
            return 2
    for line in log_lines(filter_events(events, kinds, nodes, start, end, elections)):
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(cio.run_main(main))
