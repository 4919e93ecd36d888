"""Mistakes a user makes on the command line of the analysis scripts end in one line on stderr and
exit code 2, never a traceback, and never a silent wrong result."""
import os

from conftest import run_script


def one_line_error(p, *needles):
    assert p.returncode == 2, (p.returncode, p.stderr)
    assert "Traceback" not in p.stderr, p.stderr
    for needle in needles:
        assert needle in p.stderr, p.stderr


def test_an_output_that_cannot_be_written_is_named(run_dir, tmp_path):
    missing = str(tmp_path / "no" / "such" / "report.html")
    one_line_error(run_script("report.py", run_dir, "-o", missing), missing, "No such file or directory")
    one_line_error(run_script("report.py", run_dir, "-o", str(tmp_path)), str(tmp_path), "Is a directory")


def test_a_metric_that_is_not_a_number_is_refused(sweep_dir):
    one_line_error(run_script("plot_sweep.py", sweep_dir, "--metric", "run"), "--metric run", "not numeric")


def test_plot_offsets_needs_points_to_draw(run_dir):
    for value in ("0", "-5", "1"):
        one_line_error(run_script("plot_offsets.py", run_dir, "--max-points", value), "--max-points")


def test_an_inverted_window_is_refused(run_dir):
    one_line_error(run_script("events.py", run_dir, "--from", "20s", "--to", "10s"), "before --from")


def test_compare_runs_the_binary_it_is_given_or_none(tmp_path):
    scenario = tmp_path / "s.yaml"
    scenario.write_text("name: s\nduration: 2s\nnodes: 2\n")
    missing = str(tmp_path / "no-clocksim")
    one_line_error(run_script("compare.py", "--run", str(scenario), "--clocksim", missing,
                              "--out", str(tmp_path / "o")), missing, "not an executable file")


def test_compare_refuses_two_scenarios_that_would_share_a_folder(tmp_path):
    for sub in ("a", "b"):
        os.makedirs(tmp_path / sub)
        (tmp_path / sub / "base.yaml").write_text("name: s\nduration: 2s\nnodes: 2\n")
    p = run_script("compare.py", "--run", str(tmp_path / "a" / "base.yaml"), str(tmp_path / "b" / "base.yaml"),
                   "--out", str(tmp_path / "o"))
    one_line_error(p, "same file name", "rename one")


def test_the_python_example_says_how_to_get_the_module(tmp_path):
    # A copy outside the tree finds no build folder to take the module from, and no PYTHONPATH.
    import shutil
    import subprocess
    import sys
    folder = tmp_path / "analysis"
    folder.mkdir()
    shutil.copy(os.path.join(os.path.dirname(__file__), "..", "..", "analysis", "sweep_from_python.py"), folder)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    p = subprocess.run([sys.executable, str(folder / "sweep_from_python.py"), "--seeds", "1"], capture_output=True,
                       text=True, env=env, cwd=tmp_path)
    one_line_error(p, "clocksim module is not built", "scripts/test.sh", "PYTHONPATH")


def test_dollars_in_a_scenario_name_are_drawn_as_they_are(tmp_path):
    # Between two "$" matplotlib reads mathtext: such a name stopped every figure with a parse
    # error (exit 1 and a traceback), or lost its dollars.
    import json
    import fixture_run
    import plot_common as pc
    assert pc.plain("a$\\frac{b$") == "a\\$\\frac{b\\$" and pc.plain(pc.plain("$5")) == "\\$5"
    run = tmp_path / "run$1"
    fixture_run.generate_run(str(run), ticks=100, with_messages=True)
    summary = json.loads((run / "summary.json").read_text())
    summary["scenario"]["name"] = "a$\\frac{b$ costs $5"
    (run / "summary.json").write_text(json.dumps(summary))
    for script, *args in [("plot_offsets.py",), ("report.py",), ("plot_sequence.py", "--window", "0s:10s"),
                          ("compare.py", "-o", str(tmp_path / "c.html"))]:
        p = run_script(script, *args, str(run))
        assert p.returncode == 0 and "Traceback" not in p.stderr, (script, p.stderr)


def test_report_needs_a_node_to_draw(run_dir):
    for value in ("0", "-3"):
        one_line_error(run_script("report.py", run_dir, "--max-nodes", value), "--max-nodes")
