"""analysis/compare.py (and report.py with several runs): failover runs aligned on the fault,
the phases, the skew excursion, the election messages by type and the sequence charts."""
from __future__ import annotations

import os
import re
import subprocess

import numpy as np
import pytest

import clocksim_io as cio
import compare
import fixture_run
from conftest import SOURCE_DIR, run_script

BINARY = os.environ.get("CLOCKSIM_BINARY", "")


@pytest.fixture(scope="module")
def three_runs(tmp_path_factory):
    base = tmp_path_factory.mktemp("cmp")
    dirs = []
    for i, ticks in enumerate((600, 700, 800)):  # the fault lands at a different time in each
        d = str(base / f"run{i}")
        fixture_run.generate_run(d, ticks=ticks, seed=i + 1, with_messages=(i != 2))
        dirs.append(d)
    return dirs


def _load(dirs):
    return [cio.load_run(d, required=("skew",), optional=("events", "messages")) for d in dirs]


def test_runs_are_aligned_on_the_fault_and_phases_match_the_summaries(three_runs):
    runs = _load(three_runs)
    sides = [compare.Side(r) for r in runs]
    window = compare.default_window(sides)
    fig = compare.make_compare_figure(sides, window)
    phase_ax, skew_ax = fig.axes[0], fig.axes[1]
    assert skew_ax.get_xlabel() == "time since the master's loss (s)"
    for i, (run, side) in enumerate(zip(runs, sides)):
        f = run.summary["results"]["failovers"][0]
        bars = {p.get_gid(): p for p in phase_ax.patches if (p.get_gid() or "").endswith(f":{i}")}
        assert bars[f"phase:detection:{i}"].get_width() == pytest.approx(f["detection_time_ns"] / 1e9)
        election = bars[f"phase:election:{i}"]
        assert election.get_x() + election.get_width() == pytest.approx(f["failover_time_ns"] / 1e9)
        line = [l for l in skew_ax.lines if l.get_gid() == f"skew:{i}"][0]
        x = np.asarray(line.get_xdata())
        # Aligned: t = 0 is this run's loss of the master; the window is -2 s .. slowest + 3 s.
        skew = run.skew
        rel = (skew["t_ns"] - f["lost_at_ns"]) / 1e9
        keep = (rel >= window[0] / 1e9) & (rel <= window[1] / 1e9)
        assert np.allclose(x, rel[keep]) and x.min() >= -2.0
        measured = skew["max_skew_ns"].to_numpy(dtype=float, na_value=np.nan)[keep.to_numpy()]
        assert np.allclose(line.get_ydata(), measured / 1e6)  # ms
    assert window[1] == max(s.elected_ns for s in sides) + compare.AFTER_ELECTED_NS


def test_messages_by_type_use_the_election_window(three_runs):
    runs = _load(three_runs)
    sides = [compare.Side(r) for r in runs]
    fig = compare.make_messages_figure(sides)
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["ELECTION", "ACCEPT"]
    for i in range(3):
        heights = [p.get_height() for p in ax.patches if p.get_gid() == f"messages:{i}"]
        assert heights == [5, 4]
    html = compare.build_compare(runs)
    assert compare.WINDOW_TEXT in html.replace("&#x27;", "'")
    table = re.search(r'<table id="compare-table">.*?</table>', html, re.S).group(0)
    assert table.count("<tr>") == 4  # header + one row per run
    assert html.count('class="plot sequence"') == 2  # the third run has no messages.csv
    assert "no messages.csv" in html


def test_script_and_report_delegation(three_runs, tmp_path):
    out = tmp_path / "c.html"
    r = run_script("compare.py", *three_runs, "-o", str(out))
    assert r.returncode == 0, r.stderr
    text = out.read_text()
    assert text.count('<img class="plot') == 4  # two comparison plots + two sequence charts
    r = run_script("report.py", *three_runs, "-o", str(tmp_path / "r.html"))
    assert r.returncode == 0, r.stderr
    assert "compare-table" in (tmp_path / "r.html").read_text()
    bad = run_script("compare.py", *three_runs, "--window", "5s:1s")
    assert bad.returncode == 2 and "not after the start" in bad.stderr


def test_run_options_without_run_are_refused(three_runs, tmp_path):
    for extra in (["--out", str(tmp_path / "elsewhere")], ["--set", "duration=1m"]):
        r = run_script("compare.py", *three_runs, *extra)
        assert r.returncode == 2, r.stdout
        assert f"{extra[0]} applies only with --run" in r.stderr
        assert "-o FILE" in r.stderr
    assert not os.path.exists(os.path.join(os.path.dirname(three_runs[0]), "compare.html"))


def test_real_tsp_bully_ring_side_by_side(tmp_path):
    """The teacher's recipe on real runs (docs/analysis.md, Recipe 2)."""
    if not (BINARY and os.path.exists(BINARY)):
        pytest.fail("CLOCKSIM_BINARY is not set: build clocksim (CTest passes it)")
    dirs = []
    for name in ("failover", "bully-failover", "ring-failover"):
        d = tmp_path / name
        r = subprocess.run([BINARY, "run", os.path.join(SOURCE_DIR, "scenarios", f"{name}.yaml"), "--quiet",
                            "--set", "output.messages=true", "--out", str(d)], capture_output=True, text=True,
                           timeout=120)
        assert r.returncode in (0, 1), r.stderr
        dirs.append(str(d))
    runs = _load(dirs)
    for run in runs:
        f = run.summary["results"]["failovers"][0]
        m = run.messages
        # messages.csv agrees with the summary: the election window's messages, by type.
        lost = f["lost_at_ns"]
        sent = m[(m["sent_ns"] >= lost) & (m["layer"] == "election") & ~m["type"].isin(["HEARTBEAT", "LOOP"])]
        assert len(sent) >= f["election_messages"] > 0
    html = compare.build_compare(runs)
    assert html.count('class="plot sequence"') == 3
    for run in runs:
        f = run.summary["results"]["failovers"][0]
        ev, m = run.events, run.messages
        # The winner's election has a readable id, and its messages carry it.
        won = ev[(ev["kind"] == "became_master") & (ev["t_ns"] > f["lost_at_ns"])].iloc[0]
        assert won["node"] == f["new_master"] and re.fullmatch(r"n[0-7]#[1-9][0-9]*", won["election"])
        assert (m["election"] == won["election"]).sum() > 0
        # The old master comes back in all three and rejoins by its algorithm's rules.
        back = ev[(ev["node"] == f["old_master"]) & (ev["t_ns"] > f["lost_at_ns"])]
        assert back["kind"].iloc[0] == "restart"
        assert back["kind"].isin(["became_slave", "became_master"]).any()
