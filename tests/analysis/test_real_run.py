"""Renders the plots and the report from a real small `clocksim run` (not a fixture), when
CTest passes the binary (CLOCKSIM_BINARY). Checks the scripts accept what the simulator
actually writes; the figures' structure is tested on fixtures in the other files."""
from __future__ import annotations

import os
import subprocess

import pytest

import clocksim_io as cio
import plot_offsets
from conftest import SOURCE_DIR, png_size, run_script

BINARY = os.environ.get("CLOCKSIM_BINARY", "")
SCENARIO = "scenarios/failover.yaml"

if not (BINARY and os.path.exists(BINARY)):
    pytest.fail("CLOCKSIM_BINARY not set or missing: build clocksim (cmake --build --preset ci)",
                pytrace=False)


@pytest.fixture(scope="module")
def real_run(tmp_path_factory):
    scenario = SCENARIO
    out = tmp_path_factory.mktemp("real") / "run"
    result = subprocess.run([BINARY, "run", os.path.join(SOURCE_DIR, scenario), "--out", str(out)],
                            capture_output=True, text=True, timeout=240)
    # A failed expectation is still a complete run for plotting purposes.
    assert (out / "summary.json").exists(), result.stdout + result.stderr
    return str(out)


def test_reads_every_file_of_a_real_run(real_run):
    run = cio.load_run(real_run, required=("trace", "skew", "events", "events_log"), optional=())
    assert len(run.trace) > 0 and len(run.skew) > 0
    assert run.trace["node"].nunique() == run.summary["scenario"]["nodes"]


def test_plots_and_report_from_a_real_run(real_run):
    result = run_script("plot_offsets.py", real_run)
    assert result.returncode == 0, result.stderr
    assert png_size(os.path.join(real_run, "offsets.png")) in ((1200, 600), (1200, 900))
    assert png_size(os.path.join(real_run, "skew.png")) == (1200, 600)
    run = cio.load_run(real_run)
    ax = plot_offsets.make_skew_figure(run).axes[0]
    assert [l for l in ax.lines if l.get_gid() == "max_skew"]
    if run.skew["bound_ns"].notna().any():
        assert [l for l in ax.lines if l.get_gid() == "bound"]
    if (run.skew["master"] != "").any():  # a master-led algorithm: the master line is drawn
        ax = plot_offsets.make_offsets_figure(run).axes[0]
        assert [l for l in ax.lines if l.get_gid() == "master"]
    result = run_script("report.py", real_run)
    assert result.returncode == 0, result.stderr
    assert os.path.getsize(os.path.join(real_run, "report.html")) > 10_000
