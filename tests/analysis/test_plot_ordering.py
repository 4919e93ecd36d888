"""analysis/plot_ordering.py: the file it writes and what its figure contains."""
from __future__ import annotations

import json
import os

import plot_ordering
from conftest import png_size, run_script


def _run(tmp_path, name, clock, lamport, skew_ns, arrival=0.05):
    d = tmp_path / name
    d.mkdir()
    summary = {"format_version": 1, "scenario": {"name": "enrollment"}, "expects": [],
               "results": {"ordering": {"requests": 100, "consecutive_pairs": 90,
                                        "wrongly_ordered_by_clock": clock, "wrongly_ordered_by_lamport": lamport,
                                        "wrongly_ordered_by_arrival": arrival,
                                        "servers_max_skew_ns": skew_ns, "servers_mean_skew_ns": skew_ns // 2}}}
    (d / "summary.json").write_text(json.dumps(summary))
    return str(d)


def test_bars_and_skews_per_run(tmp_path):
    runs = [("free", plot_ordering.read_ordering(_run(tmp_path, "free", 0.2, 0.4, 30_000_000))),
            ("Berkeley", plot_ordering.read_ordering(_run(tmp_path, "berkeley", 0.01, 0.4, 1_500_000, 0.25)))]
    fig = plot_ordering.make_ordering_figure(runs)
    ax = fig.axes[0]
    bars = {p.get_gid(): p.get_height() for p in ax.patches if p.get_gid()}
    assert bars == {"clock:free": 20.0, "lamport:free": 40.0, "arrival:free": 5.0,
                    "clock:Berkeley": 1.0, "lamport:Berkeley": 40.0, "arrival:Berkeley": 25.0}
    skews = {t.get_gid(): t.get_text() for t in ax.texts if (t.get_gid() or "").startswith("skew:")}
    assert skews == {"skew:free": "mean skew 15 ms", "skew:Berkeley": "mean skew 750 µs"}
    assert [t.get_text() for t in ax.get_xticklabels()] == ["free", "Berkeley"]


def test_script_writes_the_png_and_rejects_a_run_without_ordering(tmp_path):
    a = _run(tmp_path, "a", 0.1, 0.3, 1_000_000)
    out = str(tmp_path / "o.png")
    r = run_script("plot_ordering.py", "--out", out, f"A={a}")
    assert r.returncode == 0, r.stderr
    assert png_size(out) == (1200, 600)
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "summary.json").write_text(json.dumps({"format_version": 1, "scenario": {}, "results": {}}))
    r = run_script("plot_ordering.py", "--out", str(tmp_path / "x.png"), f"B={bad}")
    assert r.returncode == 2
    assert "results.ordering" in r.stderr
    assert not os.path.exists(tmp_path / "x.png")
