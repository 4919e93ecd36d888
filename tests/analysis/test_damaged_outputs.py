"""The analysis scripts against damaged run and sweep folders: case k damages one file of a run folder (drawn
from seed k: cut short, emptied, left with its header, a byte changed, a field replaced by an edge
value, a column dropped, rows shuffled, separators changed, a column added, random bytes, the file
removed) and runs one script on it, in this process. Each must end as a user expects: exit 0, or
exit 2 with one line on stderr; never an exception out of the script, never a second line."""
from __future__ import annotations

import contextlib
import io
import os
import random
import shutil

import pytest

import clocksim_io as cio
import compare
import events as events_tool
import fixture_run
import plot_offsets
import plot_sequence
import plot_sweep
import report

CASES = 60
EDGE_VALUES = [b"", b"nan", b"inf", b"-1", b"99999999999999999999999", b"x", b'"', b"1e308",
               b"-9223372036854775808", b"\xff\xfe", b"\x1b[2J"]


def damage(data: bytes, rng: random.Random) -> bytes:
    lines = data.split(b"\n")
    kind = rng.randrange(10)
    if kind == 0:
        return data[:rng.randrange(len(data) + 1)]
    if kind == 1:
        return b""
    if kind == 2:
        return lines[0] + b"\n"
    if kind == 3:
        i = rng.randrange(max(1, len(data)))
        return data[:i] + bytes([rng.randrange(256)]) + data[i + 1:]
    if kind == 4:
        i = rng.randrange(len(lines))
        fields = lines[i].split(b",")
        fields[rng.randrange(len(fields))] = rng.choice(EDGE_VALUES)
        lines[i] = b",".join(fields)
        return b"\n".join(lines)
    if kind == 5:
        j = rng.randrange(len(lines[0].split(b",")))
        return b"\n".join(b",".join(x.split(b",")[:j] + x.split(b",")[j + 1:]) for x in lines)
    if kind == 6:
        rng.shuffle(lines)
        return b"\n".join(lines)
    if kind == 7:
        return data.replace(b",", b";", rng.randrange(1, 50))
    if kind == 8:
        return data + b"\n" + lines[rng.randrange(len(lines))] + b",extra"
    return bytes(rng.randrange(256) for _ in range(rng.randrange(1, 300)))


SCRIPTS = [
    ("plot_offsets", lambda d, out: plot_offsets.main([d])),
    ("report", lambda d, out: report.main([d, "-o", os.path.join(out, "report.html")])),
    ("events", lambda d, out: events_tool.main([d, "--only", "elections"])),
    ("plot_sequence", lambda d, out: plot_sequence.main([d, "--window", "20s:40s", "-o", os.path.join(out, "s.png")])),
    ("compare", lambda d, out: compare.main([d, "-o", os.path.join(out, "compare.html")])),
]


@pytest.fixture(scope="module")
def pristine(tmp_path_factory):
    folder = tmp_path_factory.mktemp("pristine") / "run"
    fixture_run.generate_run(str(folder), ticks=300, with_messages=True)
    return str(folder)


@pytest.mark.parametrize("k", range(CASES))
def test_a_damaged_run_folder_ends_in_a_result_or_one_line(pristine, tmp_path, k):
    rng = random.Random(k)
    folder = str(tmp_path / "run")
    shutil.copytree(pristine, folder)
    name = rng.choice(sorted(os.listdir(folder)))
    path = os.path.join(folder, name)
    if rng.random() < 0.1:
        os.remove(path)
        what = "removed"
    else:
        with open(path, "rb") as f:
            data = f.read()
        with open(path, "wb") as f:
            f.write(damage(data, rng))
        what = "damaged"
    script, call = rng.choice(SCRIPTS)
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = cio.run_main(lambda argv: call(folder, str(tmp_path)), [])
    message = err.getvalue().strip().splitlines()
    where = f"case {k}: {name} {what}, {script}"
    assert code in (0, 2), (where, code, message)
    if code == 2:
        assert len(message) == 1 and message[0].startswith("error: "), (where, message)


@pytest.fixture(scope="module")
def pristine_sweep(tmp_path_factory):
    folder = tmp_path_factory.mktemp("pristine") / "sweep"
    fixture_run.generate_sweep(str(folder))
    return str(folder)


@pytest.mark.parametrize("k", range(40))
def test_a_damaged_sweep_csv_ends_in_a_plot_or_one_line(pristine_sweep, tmp_path, k):
    rng = random.Random(1000 + k)
    folder = str(tmp_path / "sweep")
    shutil.copytree(pristine_sweep, folder)
    path = os.path.join(folder, cio.SWEEP_FILE)
    with open(path, "rb") as f:
        data = f.read()
    with open(path, "wb") as f:
        f.write(damage(data, rng))
    argv = [folder, "--out", str(tmp_path / "sweep.png")] + rng.choice([[], ["--metric", "max"]])
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = cio.run_main(plot_sweep.main, argv)
    message = err.getvalue().strip().splitlines()
    assert code in (0, 2), (k, code, message)
    if code == 2:
        assert len(message) == 1 and message[0].startswith("error: "), (k, message)
