"""analysis/plot_sequence.py: the message sequence chart (arrows, fates, role events) of a window."""
from __future__ import annotations

import os

import pandas as pd
import pytest

import clocksim_io as cio
import plot_sequence
from conftest import png_size, run_script

MS = 1_000_000


def write_messages(outdir) -> pd.DataFrame:
    """A bully-like cascade at t = 60 s: n3 (down) is lost as master; n1 starts an election."""
    rows = [
        (59_000 * MS, 59_002 * MS, "n0", "n1", "TIME_REQUEST", "sync", "delivered", ""),
        (60_000 * MS, None, "n1", "n3", "BULLY_ELECTION", "election", "to_down_node", "n1#2"),
        (60_000 * MS, 60_003 * MS, "n1", "n2", "BULLY_ELECTION", "election", "delivered", "n1#2"),
        (60_004 * MS, 60_006 * MS, "n2", "n1", "BULLY_OK", "election", "delivered", "n1#2"),
        (60_004 * MS, None, "n2", "n0", "BULLY_ELECTION", "election", "lost", "n2#1"),
        (60_200 * MS, 60_204 * MS, "n2", "n0", "BULLY_COORDINATOR", "election", "delivered", "n2#1"),
        (60_200 * MS, 60_201 * MS, "n2", "n1", "BULLY_COORDINATOR", "election", "delivered", "n2#1"),
        (70_000 * MS, 70_001 * MS, "n2", "n1", "HEARTBEAT", "election", "delivered", ""),
    ]
    df = pd.DataFrame(rows, columns=cio.MESSAGES_COLUMNS)
    df["received_ns"] = df["received_ns"].astype("Int64")
    os.makedirs(outdir, exist_ok=True)
    df.to_csv(os.path.join(outdir, "messages.csv"), index=False)
    return df


def _events():
    return pd.DataFrame({"t_ns": [59_500 * MS, 60_000 * MS, 60_200 * MS],
                         "node": ["n3", "n1", "n2"],
                         "kind": ["crash", "election_started", "became_master"],
                         "election": ["", "n1#2", "n2#1"],
                         "detail": ["", "", ""]})


def test_arrows_fates_and_events_of_the_window(tmp_path):
    write_messages(tmp_path)
    msgs = cio.read_messages(str(tmp_path))
    fig = plot_sequence.make_sequence_figure(msgs, _events(), 59_900 * MS, 60_500 * MS,
                                             origin_ns=59_500 * MS, time_axis="linear")
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["n0", "n1", "n2", "n3"]
    top, bottom = ax.get_ylim()
    assert top > bottom  # time flows down
    arrows = [a for a in ax.texts if hasattr(a, "xyann")]
    # Four delivered messages in the window, drawn from (sender, sent) to (receiver, received),
    # in ms since the origin.
    assert sorted((a.xyann, a.xy) for a in arrows) == sorted([
        ((1, 500.0), (2, 503.0)), ((2, 504.0), (1, 506.0)), ((2, 700.0), (0, 704.0)), ((2, 700.0), (1, 701.0))])
    assert len([l for l in ax.lines if l.get_gid() == "fate:lost"]) == 1
    down = [l for l in ax.lines if l.get_gid() == "fate:to_down_node"]
    assert len(down) == 1 and down[0].get_xdata()[0] == 3  # the cross sits on the receiver
    marks = {c.get_gid(): c.get_offsets().tolist() for c in ax.collections}
    assert marks == {"event:election_started": [[1, 500.0]], "event:became_master": [[2, 700.0]]}
    # Each election mark names its election, beside the marker.
    ids = [(t.get_text(), t.get_position()) for t in ax.texts if t.get_gid() == "election_id"]
    assert sorted(ids) == [("n1#2", (1.1, 500.0)), ("n2#1", (2.1, 700.0))]
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "BULLY_ELECTION (3)" in legend and "BULLY_COORDINATOR (2)" in legend
    assert "TIME_REQUEST" not in " ".join(legend) and "HEARTBEAT" not in " ".join(legend)
    assert ax.get_ylabel() == "time since t=59.500s (ms)"
    assert "6 messages drawn (this window)" in ax.get_title()


def test_event_order_axis_gives_every_instant_a_row_and_writes_out_long_pauses(tmp_path):
    write_messages(tmp_path)
    msgs = cio.read_messages(str(tmp_path))
    fig = plot_sequence.make_sequence_figure(msgs, _events(), 59_900 * MS, 60_500 * MS, origin_ns=59_500 * MS)
    ax = fig.axes[0]
    # Instants (ms since 59.5 s): 500 sent, 503, 504, 506, 700, 701, 704: rows 0..6.
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == ["500.000", "503.000", "504.000", "506.000", "700.000", "701.000", "704.000"]
    arrows = sorted((a.xyann, a.xy) for a in ax.texts if hasattr(a, "xyann"))
    assert arrows == sorted([((1, 0.0), (2, 1.0)), ((2, 2.0), (1, 3.0)), ((2, 4.0), (0, 6.0)), ((2, 4.0), (1, 5.0))])
    gaps = [t.get_text().strip() for t in ax.texts if t.get_gid() == "gap"]
    assert gaps == ["+194 ms"]  # 506 -> 700 ms, hidden by the rows, written out
    assert ax.get_ylabel() == "time since t=59.500s (ms), in event order"


def test_layer_filter(tmp_path):
    write_messages(tmp_path)
    msgs = cio.read_messages(str(tmp_path))
    fig = plot_sequence.make_sequence_figure(msgs, None, 58_000 * MS, 61_000 * MS, layer="sync")
    ax = fig.axes[0]
    assert len([a for a in ax.texts if hasattr(a, "xyann")]) == 1
    assert "1 messages drawn (sync layer, this window)" in ax.get_title()


def test_script_writes_png_and_rejects_bad_input(tmp_path):
    write_messages(tmp_path)
    (tmp_path / "summary.json").write_text('{"format_version": 1, "scenario": {"name": "x"}, "results": {}}')
    ok = run_script("plot_sequence.py", str(tmp_path), "--window", "59.9s:60.5s", "--layer", "election")
    assert ok.returncode == 0, ok.stderr
    w, h = png_size(str(tmp_path / "sequence.png"))
    assert w >= 800 and h == 700
    bad = run_script("plot_sequence.py", str(tmp_path), "--window", "60s")
    assert bad.returncode == 2 and "expected START:END" in bad.stderr
    (tmp_path / "messages.csv").write_text("sent_ns,received_ns,from,to,type,layer,fate,election\n1,,n0,n1,X,sync,eaten,\n")
    bad = run_script("plot_sequence.py", str(tmp_path), "--window", "0s:1s")
    assert bad.returncode == 2 and "line 2: column fate: unknown value 'eaten'" in bad.stderr


@pytest.mark.parametrize("text, ns", [("60s", 60_000_000_000), ("250ms", 250_000_000), ("-2s", -2_000_000_000),
                                      ("1.5", 1_500_000_000)])
def test_parse_time(text, ns):
    assert plot_sequence.parse_time_ns(text) == ns


def test_a_run_without_messages_draws_quietly(tmp_path):
    # A run that sent no message (one node): no node to draw, still an axis (matplotlib warned of
    # a singular x range on stderr).
    import warnings
    messages = write_messages(str(tmp_path)).iloc[0:0]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fig = plot_sequence.make_sequence_figure(messages, None, 0, 10_000 * MS)
        fig.canvas.draw()
