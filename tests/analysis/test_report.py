"""analysis/report.py: a self-contained page with plots, summary, expects and timeline."""
from __future__ import annotations

import base64
import json
import os
import re
from html.parser import HTMLParser

import pytest

from conftest import png_size, run_script


class _Collect(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


@pytest.fixture(scope="module")
def rendered(shared_run_dir):
    return (shared_run_dir, *_render(shared_run_dir))


def _render(run_dir, *extra):
    result = run_script("report.py", run_dir, *extra)
    assert result.returncode == 0, result.stderr
    path = os.path.join(run_dir, "report.html")
    with open(path, encoding="utf-8") as f:
        text = f.read()
    parser = _Collect()
    parser.feed(text)
    return text, parser.tags


def test_report_embeds_plots_and_needs_no_network(rendered):
    run_dir, text, tags = rendered
    imgs = [a for t, a in tags if t == "img"]
    assert [a["alt"] for a in imgs] == ["clock offsets", "max skew vs bound"]
    for a, size in zip(imgs, [(1200, 900), (1200, 600)]):
        prefix = "data:image/png;base64,"
        assert a["src"].startswith(prefix)
        assert png_size(base64.b64decode(a["src"][len(prefix):])) == size
    # Nothing is fetched: no URL anywhere, no external scripts, styles or fonts.
    without_data = re.sub(r"data:image/png;base64,[A-Za-z0-9+/=]+", "", text)
    assert not re.search(r"(https?:)?//[a-z]", without_data)
    assert not [a for t, a in tags if t in ("script", "link", "iframe") and ("src" in a or "href" in a)]


def test_report_shows_summary_expects_and_params(rendered):
    run_dir, text, tags = rendered
    with open(os.path.join(run_dir, "summary.json")) as f:
        summary = json.load(f)
    assert "fixture-failover" in text
    assert "81.86 ms" in text  # max skew, in readable units
    assert f">{summary['results']['bound_violations']}<" in text
    assert text.count('class="badge pass"') == 1 and text.count('class="badge fail"') == 1
    assert "1 of 2 expectations passed" in text
    assert "algorithm.sync.period" in text and "uniform(-100, 100)" in text
    # The failover table: durations in readable units, instants in seconds.
    assert "<th>lost at</th>" in text and "<td>t=24.000s</td>" in text and "<td>8 s</td>" in text


def test_timeline_has_one_mark_per_event_and_interval(rendered):
    run_dir, text, tags = rendered
    circles = [a for t, a in tags if t == "circle" and "mark" in a.get("class", "")]
    with open(os.path.join(run_dir, "events.csv")) as f:
        n_events = len(f.readlines()) - 1
    assert len(circles) == n_events
    assert {a["data-kind"] for a in circles} >= {"crash", "became_master", "partition", "heal"}
    bars = [a for t, a in tags if t == "rect" and "interval" in a.get("class", "")]
    assert len(bars) == 3  # n0 down, election, partition
    assert "t=24.000s n0 crashed (was master)" in text  # the events.log narrative


def test_text_is_escaped(run_dir):
    with open(os.path.join(run_dir, "events.csv"), "a") as f:
        f.write('59000000000,n2,info,topology_warning,,,,,,,,,,,,,,"<script>alert(1)</script>"\n')
    text, _ = _render(run_dir)
    assert "<script>alert(1)</script>" not in text and "&lt;script&gt;" in text


def test_summary_only_run_still_reports(run_dir):
    for name in ("trace.csv", "skew.csv", "events.csv", "events.log"):
        os.remove(os.path.join(run_dir, name))
    text, tags = _render(run_dir)
    assert not [a for t, a in tags if t == "img"]
    assert "Not plotted: trace.csv, skew.csv" in text and "No events were recorded" in text


def test_links_csv_adds_the_asymmetry_figure(run_dir):
    with open(os.path.join(run_dir, "links.csv"), "w") as f:
        f.write("a,b,asymmetry,factor_ab,factor_ba\nn0,n1,0.4,1.4,0.6\nn0,n2,-0.2,0.8,1.2\nn1,n2,0,1,1\n")
    text, tags = _render(run_dir)
    imgs = [a for t, a in tags if t == "img"]
    assert "link asymmetry" in [a["alt"] for a in imgs]


def test_output_option(run_dir, tmp_path):
    out = tmp_path / "elsewhere.html"
    result = run_script("report.py", run_dir, "-o", str(out))
    assert result.returncode == 0 and out.exists()


def test_wrong_format_version_exits_2(run_dir):
    path = os.path.join(run_dir, "summary.json")
    with open(path) as f:
        summary = json.load(f)
    summary["format_version"] = 99
    with open(path, "w") as f:
        json.dump(summary, f)
    result = run_script("report.py", run_dir)
    assert result.returncode == 2 and "format_version 99 is not supported" in result.stderr
    assert not os.path.exists(os.path.join(run_dir, "report.html"))


def test_malformed_trace_exits_2_even_though_optional(run_dir):
    with open(os.path.join(run_dir, "trace.csv"), "w") as f:
        f.write("t_ns,node\n1,n0\n")
    result = run_script("report.py", run_dir)
    assert result.returncode == 2 and "missing column(s) local_ns, offset_ns, role, up" in result.stderr
