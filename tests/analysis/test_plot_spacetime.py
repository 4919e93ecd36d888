"""analysis/plot_spacetime.py: the file it writes and what its space-time diagram contains."""
from __future__ import annotations

import os
import re

import pytest

import plot_spacetime
from conftest import png_size, run_script

# n0 sends to n1 (m0), n1 does a local event then sends to n2 (m0 of n1), n2 receives both in
# turn; n0's second message to n2 crosses n1's.
LOGICAL_CSV = """event,t_ns,node,kind,peer,message_id,cause,lamport,vector
0,100000000,n0,send,n1,0,,1,1 0 0
1,150000000,n2,local,,,,1,0 0 1
2,300000000,n1,receive,n0,0,0,2,1 1 0
3,350000000,n0,send,n2,1,,2,2 0 0
4,400000000,n1,send,n2,0,,3,1 2 0
5,600000000,n2,receive,n1,0,4,4,1 2 2
6,700000000,n2,receive,n0,1,3,5,2 2 3
"""


# The rest of the run: n3 has no logical event (it is down from the start), n0 -- n2 is down
# from 450 ms to 650 ms, n1 crashes after its last event and restarts, a partition is healed.
TRACE_CSV = """t_ns,node,local_ns,offset_ns,role,up
0,n0,5,5,none,1
0,n1,-3,-3,none,1
0,n2,2,2,none,1
0,n3,7,7,none,0
100000000,n0,100000005,5,none,1
"""
EVENTS_CSV = """t_ns,node,kind,what,why,subject,peer,election,round,seq,message,value_ns,rtt_ns,error_ns,count,total,nodes,detail
0,n3,crash,crashed,,,,,,,,,,,,,,crashed
450000000,n0,link_down,link_down,,,n2,,,,,,,,,,,link to n2 down
650000000,n0,link_up,link_restored,,,n2,,,,,,,,,,,link restored to n2
720000000,n1,crash,crashed,,,,,,,,,,,,,,crashed
760000000,,partition,partitioned,,,,,,,,,,,,,n0 n1|n2 n3,network partitioned: [n0 n1] [n2 n3]
900000000,n1,restart,restarted,,,,,,,,,,,,,,restarted
950000000,,heal,healed,,,,,,,,,,,,,,network healed
"""
SUMMARY_JSON = """{"format_version": 1, "scenario": {"name": "logical-faults", "seed": 1,
 "duration_ns": 1000000000, "tick_ns": 100000000, "nodes": 4}, "results": {}, "expects": []}"""


@pytest.fixture
def faults_dir(tmp_path):
    d = tmp_path / "faults"
    d.mkdir()
    (d / "logical.csv").write_text(LOGICAL_CSV)
    (d / "trace.csv").write_text(TRACE_CSV)
    (d / "events.csv").write_text(EVENTS_CSV)
    (d / "summary.json").write_text(SUMMARY_JSON)
    return str(d)


def _figure(outdir, **kwargs):
    df = plot_spacetime.read_logical(outdir)
    return plot_spacetime.make_spacetime_figure(df, context=plot_spacetime.read_context(outdir, df), **kwargs)


def _legend(ax):
    return [t.get_text() for t in ax.get_legend().get_texts()]


@pytest.fixture
def logical_dir(tmp_path):
    d = tmp_path / "run"
    d.mkdir()
    (d / "logical.csv").write_text(LOGICAL_CSV)
    return str(d)


def _gids(ax, prefix):
    artists = list(ax.lines) + list(ax.texts) + list(ax.patches) + list(ax.collections)
    return sorted(a.get_gid() for a in artists if (a.get_gid() or "").startswith(prefix))


def test_script_writes_the_png(logical_dir):
    result = run_script("plot_spacetime.py", logical_dir)
    assert result.returncode == 0, result.stderr
    path = os.path.join(logical_dir, "spacetime.png")
    assert os.path.getsize(path) > 5_000
    width, height = png_size(path)
    assert width == 1200 and height > 300


def test_figure_has_a_line_per_node_an_arrow_per_message_and_a_dot_per_event(logical_dir):
    fig = plot_spacetime.make_spacetime_figure(plot_spacetime.read_logical(logical_dir))
    ax = fig.axes[0]
    assert _gids(ax, "node:") == ["node:n0", "node:n1", "node:n2"]
    assert _gids(ax, "message:") == ["message:0->2", "message:3->6", "message:4->5"]
    events = _gids(ax, "event:")
    assert len(events) == 7
    assert "event:1:local" in events and "event:5:receive" in events and "event:0:send" in events
    labels = {t.get_gid(): t.get_text() for t in ax.texts if (t.get_gid() or "").startswith("label:")}
    assert labels["label:6"] == "5 [2,2,3]"
    assert labels["label:1"] == "1 [0,0,1]"
    assert [t.get_text() for t in ax.get_yticklabels()] == ["n0", "n1", "n2"]
    assert ax.get_xlabel() == "true time (ms)"


def test_arrows_go_from_send_to_receive(logical_dir):
    fig = plot_spacetime.make_spacetime_figure(plot_spacetime.read_logical(logical_dir))
    ax = fig.axes[0]
    arrow = next(t for t in ax.texts if t.get_gid() == "message:4->5")
    (x0, y0), (x1, y1) = arrow.xyann, arrow.xy
    assert (x0, x1) == (400.0, 600.0)
    assert y0 > y1  # n1 is drawn above n2


def test_lamport_only_and_event_cap(logical_dir):
    fig = plot_spacetime.make_spacetime_figure(plot_spacetime.read_logical(logical_dir), max_events=3, vectors=False)
    ax = fig.axes[0]
    assert len(_gids(ax, "event:")) == 3
    assert _gids(ax, "message:") == ["message:0->2"]
    assert "first 3 of 7" in ax.get_title()
    assert {t.get_text() for t in ax.texts if (t.get_gid() or "").startswith("label:")} == {"1", "2"}


def test_malformed_input_exits_2(tmp_path):
    d = tmp_path / "bad"
    d.mkdir()
    (d / "logical.csv").write_text("event,t_ns,node\n0,1,n0\n")
    result = run_script("plot_spacetime.py", str(d))
    assert result.returncode == 2
    assert "missing columns" in result.stderr
    result = run_script("plot_spacetime.py", str(tmp_path))
    assert result.returncode == 2


def test_a_run_without_events_draws_an_empty_diagram_that_says_so(tmp_path):
    d = tmp_path / "quiet"
    d.mkdir()
    (d / "logical.csv").write_text(LOGICAL_CSV.splitlines()[0] + "\n")
    result = run_script("plot_spacetime.py", str(d))
    assert result.returncode == 0, result.stderr
    assert os.path.isfile(d / "spacetime.png")
    fig = plot_spacetime.make_spacetime_figure(plot_spacetime.read_logical(str(d)))
    ax = fig.axes[0]
    assert _gids(ax, "event:") == []
    assert "no events" in ax.get_title()


def test_max_events_below_one_is_refused(logical_dir):
    for value in ("0", "-2"):
        result = run_script("plot_spacetime.py", logical_dir, "--max-events", value)
        assert result.returncode == 2
        assert "--max-events must be at least 1" in result.stderr
        assert not os.path.exists(os.path.join(logical_dir, "spacetime.png"))


def test_every_node_of_the_run_gets_its_line_one_without_events_included(faults_dir):
    ax = _figure(faults_dir).axes[0]
    assert _gids(ax, "node:") == ["node:n0", "node:n1", "node:n2", "node:n3"]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["n0", "n1", "n2", "n3"]
    # Drawn to the end of the run (1 s), past the last logical event (700 ms).
    line = next(l for l in ax.lines if l.get_gid() == "node:n3")
    assert list(line.get_xdata()) == [0, 1000.0]


def test_crashes_restarts_links_and_partitions_are_marked_with_a_legend(faults_dir):
    ax = _figure(faults_dir).axes[0]
    assert _gids(ax, "crash:") == ["crash:n1:720000000", "crash:n3:0"]
    assert _gids(ax, "restart:") == ["restart:n1:900000000"]
    down = {l.get_gid(): list(l.get_xdata()) for l in ax.lines if (l.get_gid() or "").startswith("down:")}
    # n1 from its crash to its restart; n3 never restarts: down to the end of the run.
    assert down == {"down:n1:720000000": [720.0, 900.0], "down:n3:0": [0.0, 1000.0]}
    y = {t.get_text(): v for t, v in zip(ax.get_yticklabels(), ax.get_yticks())}
    crash = next(l for l in ax.lines if l.get_gid() == "crash:n1:720000000")
    assert list(crash.get_ydata()) == [y["n1"]]
    links = {l.get_gid(): (list(l.get_xdata()), l.get_ydata()[0]) for l in ax.lines
             if (l.get_gid() or "").startswith("link-down:")}
    assert links == {"link-down:n0-n2:n0:450000000": ([450.0, 650.0], y["n0"] - 0.22),
                     "link-down:n0-n2:n2:450000000": ([450.0, 650.0], y["n2"] - 0.22)}
    spans = [p for p in ax.patches if (p.get_gid() or "").startswith("partition:")]
    assert len(spans) == 1
    xs = [v[0] for v in spans[0].get_xy()]
    assert (min(xs), max(xs)) == (760.0, 950.0)
    assert "n0 n1 | n2 n3" in [t.get_text().strip() for t in ax.texts]
    legend = _legend(ax)
    for entry in ("crash", "restart", "node down", "link down (under both ends)", "partition (until healed)"):
        assert entry in legend


def test_a_cut_diagram_marks_only_the_faults_up_to_its_last_event(faults_dir):
    ax = _figure(faults_dir, max_events=3).axes[0]  # events up to 300 ms
    assert _gids(ax, "crash:") == ["crash:n3:0"]
    assert _gids(ax, "restart:") == [] and _gids(ax, "link-down:") == [] and _gids(ax, "partition:") == []
    n3 = next(l for l in ax.lines if l.get_gid() == "down:n3:0")
    assert list(n3.get_xdata()) == [0.0, 300.0]


def test_the_script_draws_the_faults_from_the_run_folder(faults_dir):
    result = run_script("plot_spacetime.py", faults_dir)
    assert result.returncode == 0, result.stderr
    assert os.path.getsize(os.path.join(faults_dir, "spacetime.png")) > 5_000


def test_a_run_without_faults_has_no_fault_legend(logical_dir):
    ax = _figure(logical_dir).axes[0]
    assert ax.get_legend() is None
    assert _gids(ax, "node:") == ["node:n0", "node:n1", "node:n2"]


def test_nodes_no_file_names_are_counted_in_the_title(faults_dir):
    # output.trace_nodes: [n0]: trace.csv names n0 alone, and n3 is in no other file.
    with open(os.path.join(faults_dir, "trace.csv"), "w") as f:
        f.write(TRACE_CSV.splitlines()[0] + "\n0,n0,5,5,none,1\n")
    with open(os.path.join(faults_dir, "events.csv"), "w") as f:
        f.write(EVENTS_CSV.splitlines()[0] + "\n")
    ax = _figure(faults_dir).axes[0]
    assert _gids(ax, "node:") == ["node:n0", "node:n1", "node:n2"]
    assert "3 of 4 nodes" in ax.get_title()


def test_lines_follow_node_ids_as_vector_entries_do(tmp_path):
    # Names that sort otherwise than their ids: n0 is "zeta", n1 "alpha", n2 "mid", n3 "beta".
    rename = {"n0": "zeta", "n1": "alpha", "n2": "mid", "n3": "beta"}

    def renamed(text):
        for old, new in rename.items():
            text = re.sub(rf"\b{old}\b", new, text)
        return text

    d = tmp_path / "named"
    d.mkdir()
    for name, text in (("logical.csv", LOGICAL_CSV), ("trace.csv", TRACE_CSV), ("events.csv", EVENTS_CSV),
                       ("summary.json", SUMMARY_JSON)):
        (d / name).write_text(renamed(text))
    ax = _figure(str(d)).axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["zeta", "alpha", "mid", "beta"]
    assert "node id" not in ax.get_title()
    # Without trace.csv the ids are unknown: names in order, and the title says the vectors differ.
    (d / "trace.csv").unlink()
    ax = _figure(str(d)).axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["alpha", "beta", "mid", "zeta"]
    assert "vector entries by node id" in ax.get_title()
