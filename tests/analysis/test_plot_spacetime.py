"""analysis/plot_spacetime.py: the file it writes and what its space-time diagram contains."""
from __future__ import annotations

import os

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
