"""analysis/clocksim_io.py: column, value and version checks with clear messages."""
from __future__ import annotations

import json
import os

import pandas as pd
import pytest

import clocksim_io as cio
from conftest import run_script


def _rewrite(path, fn):
    with open(path) as f:
        lines = f.read().splitlines()
    with open(path, "w") as f:
        f.write("\n".join(fn(lines)) + "\n")


def test_reads_every_file_with_types(run_dir):
    run = cio.load_run(run_dir, required=("trace", "skew", "events", "events_log"), optional=())
    assert len(run.trace) == 6 * 600
    assert run.trace["t_ns"].dtype == "int64" and run.trace["offset_ns"].dtype == "int64"
    assert str(run.trace["node"].dtype) == "category"
    assert len(run.skew) == 600 and run.skew["bound_ns"].notna().all()
    assert set(run.events["kind"]) <= set(cio.EVENT_KINDS)
    assert any("crashed" in line for line in run.events_log)
    assert run.name == "fixture-failover" and run.seed == 7
    assert run.duration_ns == 60_000_000_000 and run.warmup_ns == 15_000_000_000


def test_missing_file_names_it(run_dir):
    os.remove(os.path.join(run_dir, "trace.csv"))
    with pytest.raises(cio.FormatError) as err:
        cio.read_trace(run_dir)
    assert err.value.path.endswith("trace.csv") and "file not found" in str(err.value)


def test_missing_column_is_reported_with_expected_header(run_dir):
    path = os.path.join(run_dir, "trace.csv")
    _rewrite(path, lambda ls: [ls[0].replace("offset_ns", "offset")] + ls[1:])
    with pytest.raises(cio.FormatError) as err:
        cio.read_trace(run_dir)
    assert "missing column(s) offset_ns" in str(err.value)
    assert "t_ns,node,local_ns,offset_ns,role,up" in str(err.value)


def test_extra_columns_are_tolerated(run_dir):
    path = os.path.join(run_dir, "skew.csv")
    _rewrite(path, lambda ls: [ls[0] + ",future"] + [l + ",1" for l in ls[1:]])
    assert len(cio.read_skew(run_dir)) == 600


def test_malformed_value_names_line_and_column(run_dir):
    path = os.path.join(run_dir, "skew.csv")
    _rewrite(path, lambda ls: ls[:3] + [ls[3].replace(ls[3].split(",")[1], "12x", 1)] + ls[4:])
    with pytest.raises(cio.FormatError) as err:
        cio.read_skew(run_dir)
    assert "line 4" in str(err.value) and "max_skew_ns" in str(err.value)


def test_empty_bound_is_missing_not_an_error(tmp_path):
    import fixture_run
    fixture_run.generate_run(str(tmp_path), with_bound=False, ticks=50)
    skew = cio.read_skew(str(tmp_path))
    assert skew["bound_ns"].isna().all()
    with open(tmp_path / "skew.csv") as f:
        assert f.readlines()[1].split(",")[3] == ""  # really written empty, per the format


def test_unknown_role_and_bad_up_are_rejected(run_dir):
    path = os.path.join(run_dir, "trace.csv")
    _rewrite(path, lambda ls: ls[:2] + [ls[2].replace(",slave,", ",boss,")] + ls[3:])
    with pytest.raises(cio.FormatError, match="line 3: column role: 'boss'"):
        cio.read_trace(run_dir)


def test_unsorted_rows_are_sorted(run_dir):
    path = os.path.join(run_dir, "skew.csv")
    _rewrite(path, lambda ls: [ls[0]] + ls[1:][::-1])
    t = cio.read_skew(run_dir)["t_ns"]
    assert t.is_monotonic_increasing


def test_format_version_checked(run_dir):
    path = os.path.join(run_dir, "summary.json")
    with open(path) as f:
        summary = json.load(f)
    summary["format_version"] = 2
    with open(path, "w") as f:
        json.dump(summary, f)
    with pytest.raises(cio.FormatError, match="format_version 2 is not supported"):
        cio.read_summary(run_dir)
    del summary["format_version"]
    with open(path, "w") as f:
        json.dump(summary, f)
    with pytest.raises(cio.FormatError, match="missing key format_version"):
        cio.read_summary(run_dir)


def test_invalid_json_gives_line_and_column(run_dir):
    with open(os.path.join(run_dir, "summary.json"), "w") as f:
        f.write('{\n  "format_version": 1,\n  oops\n}')
    with pytest.raises(cio.FormatError, match=r"line 3:3: invalid JSON"):
        cio.read_summary(run_dir)


def test_json_nested_past_the_decoders_depth_is_a_format_error(run_dir):
    # 10^5 nested arrays: json raises RecursionError, which ended every script in a traceback.
    with open(os.path.join(run_dir, "summary.json"), "w") as f:
        f.write('{"format_version": 1, "x": ' + "[" * 100000 + "]" * 100000 + "}")
    with pytest.raises(cio.FormatError, match=r"summary.json: arrays or objects nested too deep to read"):
        cio.read_summary(run_dir)


def test_empty_csv_is_reported(run_dir):
    open(os.path.join(run_dir, "events.csv"), "w").close()
    with pytest.raises(cio.FormatError, match="empty file; expected the header t_ns,node,kind,what,why,"):
        cio.read_events(run_dir)


def test_events_detail_with_commas_and_quotes(run_dir):
    path = os.path.join(run_dir, "events.csv")
    with open(path, "a") as f:
        f.write('59000000000,n2,info,topology_warning,,,,,,,,,,,,,,"says ""hi"", twice"\n')
    ev = cio.read_events(run_dir)
    assert ev["detail"].iloc[-1] == 'says "hi", twice'


def test_sweep_parameters_are_the_other_columns(sweep_dir):
    df, params = cio.read_sweep(sweep_dir)
    assert params == ["algorithm.sync.period", "clocks.drift_ppm"]
    assert len(df) == 27 and df["bound_ns"].notna().all()


def test_sweep_run_with_no_node_ever_up_reads_as_missing_skew(sweep_dir):
    # clocksim leaves max_skew_ns empty for a run in which no instant had a correct node up.
    path = os.path.join(sweep_dir, "sweep.csv")
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    df.loc[3, "max_skew_ns"] = ""
    df.to_csv(path, index=False)
    got, _ = cio.read_sweep(sweep_dir)
    assert got["max_skew_ns"].isna().tolist() == [i == 3 for i in range(len(got))]
    assert str(got["max_skew_ns"].dtype) == "Int64"


def test_sweep_without_parameter_columns_is_rejected(sweep_dir):
    path = os.path.join(sweep_dir, "sweep.csv")
    df = pd.read_csv(path).drop(columns=["algorithm.sync.period", "clocks.drift_ppm"])
    df.to_csv(path, index=False)
    with pytest.raises(cio.FormatError, match="no parameter columns"):
        cio.read_sweep(sweep_dir)


@pytest.mark.parametrize("script", ["plot_offsets.py", "report.py"])
def test_scripts_exit_2_with_one_line_message(run_dir, script):
    os.remove(os.path.join(run_dir, "summary.json"))
    result = run_script(script, run_dir)
    assert result.returncode == 2
    assert result.stderr.startswith("error: ") and "summary.json: file not found" in result.stderr
    assert "Traceback" not in result.stderr


def test_script_exit_2_on_missing_directory(tmp_path):
    result = run_script("plot_offsets.py", str(tmp_path / "nope"))
    assert result.returncode == 2 and "no such output directory" in result.stderr


def test_reads_a_gzip_trace_as_the_plain_one(run_dir):
    """output.compress: gzip writes trace.csv.gz; the readers take it in place of trace.csv."""
    import gzip
    import shutil
    plain = cio.read_trace(run_dir)
    src = os.path.join(run_dir, "trace.csv")
    with open(src, "rb") as f_in, gzip.open(src + ".gz", "wb") as f_out:
        shutil.copyfileobj(f_in, f_out)
    os.remove(src)
    packed = cio.read_trace(run_dir)
    pd.testing.assert_frame_equal(plain, packed)
    run = cio.load_run(run_dir)
    assert len(run.trace) == len(plain) and "trace.csv" not in run.missing


def test_a_damaged_gzip_trace_is_a_format_error(run_dir):
    src = os.path.join(run_dir, "trace.csv")
    with open(src + ".gz", "wb") as f:
        f.write(b"\x1f\x8b\x08\x00not really gzip")
    os.remove(src)
    with pytest.raises(cio.FormatError) as err:
        cio.read_trace(run_dir)
    assert err.value.path.endswith("trace.csv.gz")


def test_trace_nodes_are_the_first_ticks_rows_plain_or_gzip(run_dir):
    """read_trace_nodes reads the first tick only (the fixture has 6 nodes over 600 ticks)."""
    import gzip
    import shutil
    assert cio.read_trace_nodes(run_dir) == [f"n{i}" for i in range(6)]
    src = os.path.join(run_dir, "trace.csv")
    with open(src, "rb") as f_in, gzip.open(src + ".gz", "wb") as f_out:
        shutil.copyfileobj(f_in, f_out)
    os.remove(src)
    assert cio.read_trace_nodes(run_dir) == [f"n{i}" for i in range(6)]


def _damage(path, line, column, byte=b"\xff"):
    """Puts `byte` (not UTF-8) at line:column (1-based) of the file."""
    with open(path, "rb") as f:
        lines = f.read().split(b"\n")
    lines[line - 1] = lines[line - 1][:column - 1] + byte + lines[line - 1][column - 1:]
    with open(path, "wb") as f:
        f.write(b"\n".join(lines))


@pytest.mark.parametrize("name, read", [("trace.csv", cio.read_trace), ("skew.csv", cio.read_skew),
                                        ("events.csv", cio.read_events), ("summary.json", cio.read_summary),
                                        ("trace.csv", cio.read_trace_nodes)])
def test_bytes_that_are_not_utf8_are_located(run_dir, name, read):
    _damage(os.path.join(run_dir, name), 3, 4)
    with pytest.raises(cio.FormatError) as err:
        read(run_dir)
    assert err.value.path.endswith(name)
    assert "line 3, column 4: byte 0xFF is not UTF-8" in str(err.value), str(err.value)


def test_a_damaged_header_is_shown_escaped_and_cut(run_dir):
    path = os.path.join(run_dir, "skew.csv")
    with open(path, "rb") as f:
        rest = f.read().split(b"\n", 1)[1]
    with open(path, "wb") as f:
        f.write(b"t\x1b[2J\x07" + b"x" * 500 + b"\n" + rest)
    with pytest.raises(cio.FormatError) as err:
        cio.read_skew(run_dir)
    message = str(err.value)
    assert "\x1b" not in message and "\x07" not in message and "\\x1b[2J\\x07" in message
    found = message.split(", found ", 1)[1]
    assert len(found) <= 123 and found.endswith("...")


def test_a_gzip_file_not_utf8_inside_is_located(run_dir):
    import gzip
    src = os.path.join(run_dir, "trace.csv")
    _damage(src, 2, 1, b"\xc3(")
    with open(src, "rb") as f_in, gzip.open(src + ".gz", "wb") as f_out:
        f_out.write(f_in.read())
    os.remove(src)
    with pytest.raises(cio.FormatError, match=r"line 2, column 1: byte 0xC3 is not UTF-8"):
        cio.read_trace(run_dir)


@pytest.mark.parametrize("script, name", [("plot_offsets.py", "skew.csv"), ("events.py", "events.csv"),
                                          ("report.py", "summary.json"), ("compare.py", "summary.json")])
def test_scripts_refuse_a_file_not_utf8_in_one_line(run_dir, tmp_path, script, name):
    _damage(os.path.join(run_dir, name), 2, 2, b"\x9a")
    extra = ["-o", str(tmp_path / "c.html")] if script == "compare.py" else []
    result = run_script(script, run_dir, *extra)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert f"{name}: line 2, column 2: byte 0x9A is not UTF-8" in result.stderr


def test_nullable_integers_are_read_exactly_to_the_end_of_int64(tmp_path):
    # pandas reads a nullable integer column through float64: 1234567890123456789 came back as
    # ...768, and 2^63 - 1 failed. Nanosecond counts that large are what clocksim writes for
    # absurd runs, and the analysis must read what was written.
    import fixture_run
    fixture_run.generate_run(str(tmp_path), with_bound=False, ticks=5)
    big = [1234567890123456789, 2**63 - 1, -2**63, 2**53 + 1]
    path = tmp_path / "skew.csv"
    lines = path.read_text().splitlines()
    for i, value in enumerate(big):
        fields = lines[i + 1].split(",")
        fields[1] = str(value)
        lines[i + 1] = ",".join(fields)
    path.write_text("\n".join(lines) + "\n")
    skew = cio.read_skew(str(tmp_path))
    assert [int(v) for v in skew["max_skew_ns"][:4]] == big
    assert skew["bound_ns"].isna().all() and str(skew["max_skew_ns"].dtype) == "Int64"


@pytest.mark.parametrize("value, found", [("inf", "'inf'"), ("1e308", "'1e308'"), ("1.5", "'1.5'"),
                                          ("99999999999999999999", "'99999999999999999999'"),
                                          ("9223372036854775808", "'9223372036854775808'")])
def test_a_value_that_is_no_int64_is_named_at_its_line(run_dir, value, found):
    path = os.path.join(run_dir, "skew.csv")
    _rewrite(path, lambda ls: ls[:3] + [ls[3].replace(ls[3].split(",")[1], value, 1)] + ls[4:])
    with pytest.raises(cio.FormatError) as err:
        cio.read_skew(run_dir)
    assert f"line 4: column max_skew_ns: expected a 64-bit integer, found {found}" in str(err.value), str(err.value)


def test_an_unterminated_quote_is_one_line_not_a_traceback(sweep_dir):
    path = os.path.join(sweep_dir, "sweep.csv")
    _rewrite(path, lambda ls: ls + ['"never closed,1'])
    result = run_script("plot_sweep.py", sweep_dir)
    assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "sweep.csv: malformed CSV" in result.stderr and "EOF inside string" in result.stderr, result.stderr
