"""The clocksim Python module: in-process runs equal the CLI's files byte for byte, DataFrames
equal what the analysis scripts' readers make of those files, dict scenarios, overrides, seeds,
errors, sweeps."""
import json
import os
import subprocess
import sys

import pandas as pd
import pytest

import clocksim

BINARY = os.environ["CLOCKSIM_BINARY"]
SOURCE = os.environ["CLOCKSIM_SOURCE_DIR"]
sys.path.insert(0, os.path.join(SOURCE, "analysis"))
import clocksim_io  # noqa: E402  the analysis scripts' readers, reading the CLI's folder
WALL_CLOCK_FIELDS = ("wall_time_s", "events_per_s")


def scenario(name):
    return os.path.join(SOURCE, "scenarios", name)


def cli_run(path, out, *args):
    result = subprocess.run([BINARY, "run", path, "--out", str(out), "--quiet", *args], capture_output=True,
                            text=True, timeout=300)
    assert result.returncode in (0, 1), result.stderr
    return result.returncode


def without_wall_clock(summary_text):
    summary = json.loads(summary_text)
    for key in WALL_CLOCK_FIELDS:
        summary.pop(key)
    return summary


@pytest.mark.parametrize("name,sets", [
    ("failover.yaml", ["duration=90s", "faults.0.until=80s"]),
    ("berkeley-adversarial.yaml", []),
    ("cristian-basic.yaml", ["algorithm.sync.period=5s"]),
])
def test_in_process_run_equals_the_cli_files(tmp_path, name, sets):
    code = cli_run(scenario(name), tmp_path, *sum((["--set", s] for s in sets), []))
    result = clocksim.run(scenario(name), set=sets)
    assert result.passed == (code == 0)
    on_disk = sorted(p.name for p in tmp_path.iterdir())
    assert sorted(result.files) == on_disk
    for file_name in on_disk:
        text = (tmp_path / file_name).read_text()
        if file_name == "summary.json":
            assert without_wall_clock(result.files[file_name]) == without_wall_clock(text)
        else:
            assert result.files[file_name] == text, f"{name}: {file_name} differs from the CLI's"
    for frame, read in ((result.trace, clocksim_io.read_trace), (result.skew, clocksim_io.read_skew),
                        (result.events, clocksim_io.read_events)):
        pd.testing.assert_frame_equal(frame, read(str(tmp_path)))
    assert result.summary["results"]["max_skew_ns"] == json.loads((tmp_path / "summary.json").read_text())["results"]["max_skew_ns"]


def test_frames_have_the_documented_columns_and_types():
    r = clocksim.run(scenario("berkeley-basic.yaml"), set={"duration": "40s"})
    assert list(r.trace.columns) == ["t_ns", "node", "local_ns", "offset_ns", "role", "up"]
    assert r.trace["t_ns"].dtype.kind == "i" and r.trace["offset_ns"].dtype.kind == "i"
    assert str(r.skew["max_skew_ns"].dtype) == "Int64" and str(r.trace["role"].dtype) == "category"
    assert r.skew["master"].dtype == object and set(r.events["why"]) >= {""}  # text stays text
    assert r.messages is None and r.links is None  # not written by this scenario
    assert r.skew["t_ns"].iloc[-1] == 40_000_000_000
    assert set(r.trace["node"]) == {f"n{i}" for i in range(len(set(r.trace["node"])))}


def test_a_gzip_trace_equals_the_cli_file_and_reads_as_the_plain_one(tmp_path):
    sets = ["duration=40s", "output.compress=gzip"]
    cli_run(scenario("berkeley-basic.yaml"), tmp_path, *sum((["--set", s] for s in sets), []))
    packed = clocksim.run(scenario("berkeley-basic.yaml"), set=sets)
    plain = clocksim.run(scenario("berkeley-basic.yaml"), set=["duration=40s"])
    assert "trace.csv" not in packed.files and isinstance(packed.files["trace.csv.gz"], bytes)
    assert packed.files["trace.csv.gz"] == (tmp_path / "trace.csv.gz").read_bytes()
    pd.testing.assert_frame_equal(packed.trace, plain.trace)


def test_values_past_two_to_the_53_are_exact_and_every_frame_is_read(tmp_path):
    # A step of 2^53 + 1 ns: in float64 (pandas' way with a column with gaps, here the crash's
    # empty value_ns) it reads ...992.
    sets = {"duration": "5s", "faults": [{"at": "1500ms", "clock_step": {"node": "n1", "by": "9007199254740993ns"}},
                                         {"at": "2s", "crash": "n2"}],
            "output.messages": True, "links.asymmetry": "uniform(-0.5, 0.5)"}
    r = clocksim.run({"name": "big", "duration": "5s", "nodes": 3, "tick": "1s"}, set=sets)
    step = r.events[r.events["kind"] == "clock_step"]
    assert step["value_ns"].tolist() == [9007199254740993] and r.events["round"].isna().all()
    assert r.skew["max_skew_ns"].iloc[-1] == 9007199254740993
    assert r.skew["bound_ns"].iloc[-1] >= 9007199254740993
    assert len(r.messages) == 0 and len(r.links) == 3
    folder = tmp_path / "cli"
    folder.mkdir()
    for name, data in r.files.items():
        (folder / name).write_bytes(data if isinstance(data, bytes) else data.encode())
    for frame, read in ((r.messages, clocksim_io.read_messages), (r.links, clocksim_io.read_links),
                        (r.events, clocksim_io.read_events)):
        pd.testing.assert_frame_equal(frame, read(str(folder)))


def test_seed_and_overrides_behave_like_the_cli(tmp_path):
    cli_run(scenario("berkeley-basic.yaml"), tmp_path, "--seed", "11", "--set", "duration=40s")
    r = clocksim.run(scenario("berkeley-basic.yaml"), seed=11, set=["duration=40s"])
    assert r.files["trace.csv"] == (tmp_path / "trace.csv").read_text()
    assert r.summary["scenario"]["seed"] == 11
    other = clocksim.run(scenario("berkeley-basic.yaml"), seed=12, set=["duration=40s"])
    assert other.files["trace.csv"] != r.files["trace.csv"]


def test_a_seed_outside_the_scenario_range_is_a_value_error():
    # The full uint64 range runs; beyond it, or not an integer, is refused before anything runs.
    top = clocksim.run(scenario("drift-only.yaml"), seed=2**64 - 1, set=["duration=10s"])
    assert top.summary["scenario"]["seed"] == 2**64 - 1
    for bad in (-1, 2**64, 2**70, 1.5, True, "7"):
        with pytest.raises(ValueError, match="seed must be an integer"):
            clocksim.run(scenario("drift-only.yaml"), seed=bad)


def test_a_dict_scenario_runs_like_its_file(tmp_path):
    import yaml
    with open(scenario("drift-only.yaml")) as f:
        spec = yaml.safe_load(f)
    from_dict = clocksim.run(spec, name="drift-only")
    from_file = clocksim.run(scenario("drift-only.yaml"))
    assert from_dict.files["trace.csv"] == from_file.files["trace.csv"]
    assert from_dict.files["skew.csv"] == from_file.files["skew.csv"]


def test_errors_carry_the_cli_message(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: bad\nduration: 10s\nnodes: 3\nlinks:\n  latency: 5 parsecs\n")
    cli = subprocess.run([BINARY, "run", str(bad), "--out", str(tmp_path / "o")], capture_output=True, text=True)
    assert cli.returncode == 2
    with pytest.raises(clocksim.ScenarioError) as err:
        clocksim.run(bad)
    assert str(err.value) == cli.stderr.strip()
    assert f"{bad}:5:" in str(err.value)
    with pytest.raises(clocksim.ScenarioError, match="links.latency"):
        clocksim.validate(bad)
    with pytest.raises(clocksim.ScenarioError, match="did you mean"):
        clocksim.run(scenario("berkeley-basic.yaml"), set={"duratoin": "10s"})
    with pytest.raises(clocksim.ScenarioError):
        clocksim.run({"name": "x", "nodes": "many"})
    assert isinstance(clocksim.ScenarioError("x"), ValueError)


def test_an_embedded_null_byte_is_refused_not_cut_short(tmp_path):
    path = str(scenario("drift-only.yaml"))
    with pytest.raises(ValueError, match="embedded null byte"):
        clocksim.run(path + "\0.bak")
    with pytest.raises(ValueError, match="embedded null byte"):
        clocksim.run(path, set={"name": "a\0b"})
    with pytest.raises(ValueError, match="embedded null byte"):
        clocksim.validate(path, set=["name=abc\0def"])
    with pytest.raises(ValueError, match="embedded null byte"):
        clocksim.sweep(path + "\0", tmp_path / "out")


def test_a_path_is_whatever_open_takes(tmp_path):
    path = scenario("drift-only.yaml")
    expected = clocksim.run(path).files["trace.csv"]
    assert clocksim.run(os.fsencode(path)).files["trace.csv"] == expected
    clocksim.validate(os.fsencode(path))
    with pytest.raises(ValueError, match="embedded null byte"):
        clocksim.run(os.fsencode(path) + b"\0.bak")
    with pytest.raises(TypeError, match=r"^scenario: expected a path \(str, bytes or os.PathLike\) or a dict, got int$"):
        clocksim.run(7)
    with pytest.raises(TypeError, match=r"^path: expected a path \(str, bytes or os.PathLike\), got NoneType$"):
        clocksim.validate(None)


def test_a_file_name_that_is_not_utf8_runs_and_is_named_in_errors(tmp_path):
    # Any bytes but '/' and NUL make a Linux file name; open() takes such a name as bytes.
    folder = os.fsencode(tmp_path)
    good = folder + b"/dr\xffift.yaml"
    with open(good, "wb") as f:
        f.write(open(scenario("drift-only.yaml"), "rb").read())
    expected = clocksim.run(scenario("drift-only.yaml")).files["trace.csv"]
    result = clocksim.run(good)
    assert result.files["trace.csv"] == expected
    assert result.summary["scenario"]["file"].endswith("dr\ufffdift.yaml")
    clocksim.validate(good)
    assert clocksim.run(os.fsdecode(good)).files["trace.csv"] == expected  # the surrogate-escaped str
    bad = folder + b"/b\xfead.yaml"
    with open(bad, "wb") as f:
        f.write(b"name: bad\nduration: 10s\nnodes: 3\nlinks:\n  latency: 5 parsecs\n")
    with pytest.raises(clocksim.ScenarioError, match=r"b\\xfead\.yaml:5:"):
        clocksim.run(bad)
    sweep_file = folder + b"/sw\xffeep.yaml"
    with open(folder + b"/base.yaml", "wb") as f:
        f.write(open(scenario("drift-only.yaml"), "rb").read())
    with open(sweep_file, "wb") as f:
        f.write(b"name: s\nbase: base.yaml\nset: {duration: 5s}\nmatrix:\n  clocks.drift_ppm: [1, 2]\n")
    table = clocksim.sweep(sweep_file, folder + b"/o\xffut")
    assert len(table) == 2 and os.path.exists(folder + b"/o\xffut/sweep.csv")


def test_python_values_a_scenario_cannot_hold_are_named_with_their_place():
    small = {"name": "x", "duration": "10s", "nodes": 3}
    with pytest.raises(TypeError, match=r"at 'clocks.drift_ppm': a object has no place in a scenario"):
        clocksim.run({**small, "clocks": {"drift_ppm": object()}})
    with pytest.raises(TypeError, match=r"at 'faults.0.at': a bytes has no place"):
        clocksim.run({**small, "faults": [{"at": b"5s", "crash": "n1"}]})
    # A list or dict that contains itself is no tree: named where it loops, not a RecursionError.
    looped = {"drift_ppm": 1}
    looped["again"] = looped
    with pytest.raises(ValueError, match=r"at 'clocks.again': this value contains itself"):
        clocksim.run({**small, "clocks": looped})
    ring = [{"at": "1s", "crash": "n1"}]
    ring.append(ring)
    with pytest.raises(ValueError, match=r"at 'faults.1': this value contains itself"):
        clocksim.run(small, set={"faults": ring})
    # The same dict twice is no loop.
    step = {"node": "n1", "by": "1ms"}
    twice = clocksim.run({**small, "faults": [{"at": "1s", "clock_step": step}, {"at": "2s", "clock_step": step}]})
    assert twice.summary["scenario"]["faults"] == 2
    for bad in (5, ["nodes=3", 4], object()):
        with pytest.raises(TypeError, match=r"set= takes a dict"):
            clocksim.run(small, set=bad)
    # What set= does take, each way.
    assert clocksim.run(small, set={"nodes": 4}).summary["scenario"]["nodes"] == 4
    assert clocksim.run(small, set=("nodes=5",)).summary["scenario"]["nodes"] == 5
    assert clocksim.run(small, set="nodes=6").summary["scenario"]["nodes"] == 6
    # None is YAML's null, as `--set faults=` gives it: the section is absent, not the text 'None'.
    crashing = {**small, "faults": [{"at": "1s", "crash": "n1"}]}
    assert clocksim.run(crashing).summary["results"]["crashes"] == 1
    assert clocksim.run(crashing, set={"faults": None}).summary["results"]["crashes"] == 0


def test_sweep_returns_the_cli_table(tmp_path):
    sweep_file = tmp_path / "s.yaml"
    sweep_file.write_text(
        f"name: s\nbase: {scenario('berkeley-basic.yaml')}\nset: {{duration: 40s}}\n"
        "matrix:\n  algorithm.sync.period: [5s, 10s]\nseeds: [1, 2]\n")
    table = clocksim.sweep(sweep_file, tmp_path / "py", jobs=2)
    subprocess.run([BINARY, "sweep", str(sweep_file), "--out", str(tmp_path / "cli"), "--quiet"], check=True)
    cli, _ = clocksim_io.read_sweep(str(tmp_path / "cli"))
    assert len(table) == 4
    pd.testing.assert_frame_equal(table.drop(columns=["wall_time_s"]), cli.drop(columns=["wall_time_s"]))
    with pytest.raises(clocksim.SweepError):
        bad = tmp_path / "bad.yaml"
        bad.write_text("name: s\nbase: nowhere.yaml\nmatrix: {}\n")
        clocksim.sweep(bad, tmp_path / "bad")
    for jobs in (-1, 1025, 2.5, True):
        with pytest.raises(ValueError, match="jobs must be an integer in 0 .. 1024"):
            clocksim.sweep(sweep_file, tmp_path / "never", jobs=jobs)
    assert not (tmp_path / "never").exists()


def test_the_module_and_the_command_line_of_one_build_share_a_sweep(tmp_path):
    version = subprocess.run([BINARY, "--version"], capture_output=True, text=True, check=True).stdout.strip()
    assert version == f"clocksim {clocksim.__version__} (code {clocksim.code_identity})"
    assert len(clocksim.code_identity) == 16 and int(clocksim.code_identity, 16) >= 0
    sweep_file = tmp_path / "s.yaml"
    sweep_file.write_text(
        f"name: s\nbase: {scenario('cristian-basic.yaml')}\nset: {{duration: 20s}}\n"
        "matrix:\n  algorithm.sync.period: [5s, 10s]\nseeds: [1]\n")
    clocksim.sweep(sweep_file, tmp_path / "out", jobs=1)
    # The command line resumes (here: finds done) what the module ran, and takes its record.
    done = subprocess.run([BINARY, "sweep", str(sweep_file), "--out", str(tmp_path / "out"), "--quiet"],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    record = (tmp_path / "out" / ".sweep-plan").read_text().splitlines()
    assert record[1] == f"code {clocksim.__version__} {clocksim.code_identity}"
    # A record of another build is refused by both, naming both builds.
    record[1] = "code 0.0.9 0123456789abcdef"
    (tmp_path / "out" / ".sweep-plan").write_text("\n".join(record) + "\n")
    refused = subprocess.run([BINARY, "sweep", str(sweep_file), "--out", str(tmp_path / "out"), "--quiet"],
                             capture_output=True, text=True)
    assert refused.returncode == 2
    assert "made by another build of clocksim (0.0.9, code 0123456789abcdef; this is " in refused.stderr
    with pytest.raises(clocksim.SweepError, match="another build of clocksim"):
        clocksim.sweep(sweep_file, tmp_path / "out", jobs=1)


def assert_same_as_the_cli(results, cli_runs, py_sweep, cli_sweep, condition):
    """In-process runs (name -> Result) and a sweep folder against the CLI's folders of the same."""
    for name, result in results.items():
        for file_name in sorted(p.name for p in (cli_runs / name).iterdir()):
            text = (cli_runs / name / file_name).read_text(encoding="utf-8")
            if file_name == "summary.json":
                assert without_wall_clock(result.files[file_name]) == without_wall_clock(text), name
            else:
                assert result.files[file_name] == text, f"{name}: {file_name} differs {condition}"
    py, _ = clocksim_io.read_sweep(str(py_sweep))
    cli, _ = clocksim_io.read_sweep(str(cli_sweep))
    pd.testing.assert_frame_equal(py.drop(columns=["wall_time_s"]), cli.drop(columns=["wall_time_s"]))


def test_a_comma_decimal_locale_in_the_interpreter_changes_no_byte(tmp_path):
    """locale.setlocale in the interpreter (or a GUI toolkit that sets the user's locale) switches the
    C library's number formatting for the whole process; the module's runs and sweeps must still
    be the command line's bytes."""
    import locale
    made = subprocess.run(["localedef", "-i", "de_DE", "-f", "UTF-8", str(tmp_path / "de_DE.UTF-8")],
                          capture_output=True, text=True)
    assert (tmp_path / "de_DE.UTF-8").exists(), \
        f"localedef failed ({made.returncode}: {made.stderr.strip()}): install Debian's 'locales' package"
    sweep_file = tmp_path / "s.yaml"
    sweep_file.write_text(
        f"name: s\nbase: {scenario('berkeley-basic.yaml')}\nset: {{duration: 30s}}\n"
        "matrix:\n  algorithm.sync.period: [2.5s, 10s]\n  links.latency: ['uniform(0.5ms, 1.5ms)']\nseeds: [1]\n")
    names = ("failover.yaml", "welch-lynch-byzantine.yaml", "ntp-strata.yaml", "logical-clocks.yaml")
    for name in names:
        cli_run(scenario(name), tmp_path / "cli" / name)
    subprocess.run([BINARY, "sweep", str(sweep_file), "--out", str(tmp_path / "cli-sweep"), "--quiet"], check=True)
    old_locpath = os.environ.get("LOCPATH")
    old_locale = locale.setlocale(locale.LC_ALL)
    os.environ["LOCPATH"] = str(tmp_path)
    try:
        locale.setlocale(locale.LC_ALL, "de_DE.UTF-8")
        assert locale.localeconv()["decimal_point"] == ","
        results = {name: clocksim.run(scenario(name)) for name in names}
        clocksim.sweep(sweep_file, tmp_path / "py-sweep", jobs=2)
    finally:
        locale.setlocale(locale.LC_ALL, old_locale)
        if old_locpath is None:
            os.environ.pop("LOCPATH")
        else:
            os.environ["LOCPATH"] = old_locpath
    assert_same_as_the_cli(results, tmp_path / "cli", tmp_path / "py-sweep", tmp_path / "cli-sweep", "in a comma locale")
    strip = lambda text: "\n".join(line.rsplit(",", 1)[0] for line in text.splitlines())  # wall_time_s is last
    assert strip((tmp_path / "py-sweep" / "sweep.csv").read_text(encoding="utf-8")) == \
        strip((tmp_path / "cli-sweep" / "sweep.csv").read_text(encoding="utf-8"))


def test_the_interpreters_rounding_mode_changes_no_byte(tmp_path):
    """A library loaded into the interpreter may change the floating-point environment (the
    rounding mode, or flush-to-zero when built with -ffast-math); runs and sweeps must still be the
    command line's bytes, and the interpreter gets its environment back."""
    import ctypes
    libm = ctypes.CDLL("libm.so.6")
    fe_upward, fe_downward = 0x800, 0x400  # x86-64 glibc <fenv.h>
    sweep_file = tmp_path / "s.yaml"
    sweep_file.write_text(
        f"name: s\nbase: {scenario('cristian-basic.yaml')}\nset: {{duration: 30s}}\n"
        "matrix:\n  algorithm.sync.period: [2.5s, 10s]\nseeds: [1, 2]\n")
    names = ("cristian-basic.yaml", "ntp-strata.yaml", "failover.yaml")
    for name in names:
        cli_run(scenario(name), tmp_path / "cli" / name)
    subprocess.run([BINARY, "sweep", str(sweep_file), "--out", str(tmp_path / "cli-sweep"), "--quiet"], check=True)
    for mode in (fe_upward, fe_downward):
        assert libm.fesetround(mode) == 0
        try:
            results = {name: clocksim.run(scenario(name)) for name in names}
            clocksim.sweep(sweep_file, tmp_path / f"py-sweep-{mode}", jobs=2)
            assert libm.fegetround() == mode, "the module did not give the rounding mode back"
        finally:
            libm.fesetround(0)
        assert_same_as_the_cli(results, tmp_path / "cli", tmp_path / f"py-sweep-{mode}", tmp_path / "cli-sweep",
                               f"with rounding mode {mode:#x}")


def test_the_python_sweep_example_measures_and_plots(tmp_path):
    import importlib.util
    path = os.path.join(SOURCE, "analysis", "sweep_from_python.py")
    spec = importlib.util.spec_from_file_location("sweep_from_python", path)
    example = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(example)
    assert example.main(["--out", str(tmp_path), "--seeds", "1"]) == 0
    table = pd.read_csv(tmp_path / "period_sweep.csv")
    assert list(table["period_s"]) == example.PERIODS_S
    assert (table["max_skew_ms"] > 0).all()
    bounded = table[table["bound_ms"].notna()]
    assert len(bounded) >= 3, table
    assert (bounded["max_skew_ms"] <= bounded["bound_ms"]).all(), table  # measured within clocksim's bound
    assert (tmp_path / "period_sweep.png").stat().st_size > 10_000


# About a minute of work for one core if nothing stops it; Ctrl-C must stop it within a second.
ENDLESS = {"name": "endless", "duration": "100000s", "tick": "1s", "nodes": 200,
           "algorithm": {"sync": {"kind": "berkeley", "period": "1s"}}, "output": {"trace": False}}


def interrupt_after(seconds):
    import signal
    import threading
    timer = threading.Timer(seconds, lambda: os.kill(os.getpid(), signal.SIGINT))
    timer.start()
    return timer


def test_ctrl_c_stops_a_long_run(tmp_path):
    import time
    timer = interrupt_after(0.5)
    start = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        clocksim.run(ENDLESS)
    timer.join()
    assert time.monotonic() - start < 5
    # The module still works afterwards.
    assert clocksim.run({"name": "after", "duration": "2s", "nodes": 3}).passed


def test_ctrl_c_stops_a_sweep_and_the_sweep_resumes(tmp_path):
    import time
    import yaml
    base = tmp_path / "endless.yaml"
    base.write_text(yaml.safe_dump(ENDLESS))
    sweep_file = tmp_path / "s.yaml"
    sweep_file.write_text(f"name: s\nbase: {base}\nmatrix:\n  nodes: [200, 201, 202, 203]\nseeds: [1]\n")
    timer = interrupt_after(0.5)
    start = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        clocksim.sweep(sweep_file, tmp_path / "out", jobs=2)
    timer.join()
    assert time.monotonic() - start < 5
    left = [p.name for p in (tmp_path / "out").rglob("*") if ".tmp." in p.name]
    assert left == []
    # Resumed with runs short enough to finish, the same sweep completes.
    sweep_file.write_text(f"name: s\nbase: {base}\nset: {{duration: 3s}}\nmatrix:\n  nodes: [200, 201, 202, 203]\n"
                          "seeds: [1]\n")
    assert len(clocksim.sweep(sweep_file, tmp_path / "out", jobs=2)) == 4


def test_a_run_whose_files_cannot_fit_in_memory_is_refused_before_it_starts():
    # 1,000 nodes traced every millisecond for 100 h: terabytes of trace.csv text. Under a 2 GB
    # address-space limit, so that a run that does start fails fast instead of filling the machine.
    code = (
        "import resource, time, clocksim\n"
        "resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))\n"
        "t = time.monotonic()\n"
        "try:\n"
        "    clocksim.run({'name': 'big', 'duration': '100h', 'tick': '1ms', 'nodes': 1000})\n"
        "except MemoryError as e:\n"
        "    print(f'{time.monotonic() - t:.3f}', e)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    seconds, message = out.stdout.split(" ", 1)
    assert "need at least" in message and "360000001000 trace rows" in message, message
    assert "output.trace_every" in message, message
    assert float(seconds) < 1.0, out.stdout
