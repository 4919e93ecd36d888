"""analysis/events.py: events.log lines filtered by group, kind, node and time."""
from __future__ import annotations

import re

import pytest

import clocksim_io as cio
import events as events_tool
from conftest import run_script


def _lines(result):
    assert result.returncode == 0, result.stderr
    return [l for l in result.stdout.splitlines() if l]


def test_only_elections_and_node(run_dir):
    ev = cio.read_events(run_dir)
    lines = _lines(run_script("events.py", run_dir, "--only", "elections"))
    expected = ev[ev["kind"].isin(events_tool.GROUPS["elections"])]
    assert len(lines) == len(expected) > 0
    assert all(re.match(r"^t=\d+\.\d{3}s ", l) for l in lines)
    lines = _lines(run_script("events.py", run_dir, "--node", "n1", "--only", "elections,crash"))
    expected = ev[(ev["node"] == "n1") & ev["kind"].isin(list(events_tool.GROUPS["elections"]) + ["crash"])]
    assert len(lines) == len(expected) > 0
    assert all(" n1 " in l for l in lines)


def test_time_window(run_dir):
    ev = cio.read_events(run_dir)
    t0, t1 = int(ev["t_ns"].iloc[len(ev) // 3]), int(ev["t_ns"].iloc[2 * len(ev) // 3])
    lines = _lines(run_script("events.py", run_dir, "--from", f"{t0 / 1e9}s", "--to", f"{t1 / 1e9}s"))
    assert len(lines) == int(((ev["t_ns"] >= t0) & (ev["t_ns"] <= t1)).sum())


def test_one_election_by_its_id(run_dir):
    ev = cio.read_events(run_dir)
    lines = _lines(run_script("events.py", run_dir, "--election", "n1#2"))
    assert len(lines) == int((ev["election"] == "n1#2").sum()) == 2
    assert all(" n1 " in l for l in lines)
    bad = run_script("events.py", run_dir, "--election", "n1#9")
    assert bad.returncode == 2 and "--election n1#9: no event names this election" in bad.stderr


def test_unknown_names_exit_2(run_dir):
    bad = run_script("events.py", run_dir, "--only", "electons")
    assert bad.returncode == 2 and "--only electons: unknown" in bad.stderr
    bad = run_script("events.py", run_dir, "--node", "n99")
    assert bad.returncode == 2 and "n99" in bad.stderr


@pytest.mark.parametrize("option, value", [("--only", ",,,"), ("--only", ""), ("--node", ""), ("--election", " , ")])
def test_a_filter_that_names_nothing_is_refused(run_dir, option, value):
    # Before, --only ",,," printed nothing and --node "" printed every event, both with exit 0.
    p = run_script("events.py", run_dir, option, value)
    assert p.returncode == 2 and "names nothing" in p.stderr and not p.stdout, (p.returncode, p.stderr)
