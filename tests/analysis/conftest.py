"""Shared fixtures for the analysis/ tests: synthetic run and sweep folders written exactly in
the documented format (fixture_run.py), and helpers to run a script as a user would."""
from __future__ import annotations

import os
import struct
import subprocess
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE_DIR = os.path.abspath(os.path.join(HERE, "..", ".."))
ANALYSIS_DIR = os.path.join(SOURCE_DIR, "analysis")
sys.path[:0] = [ANALYSIS_DIR, HERE]

import fixture_run  # noqa: E402


@pytest.fixture
def run_dir(tmp_path):
    out = tmp_path / "run"
    fixture_run.generate_run(str(out))
    return str(out)


@pytest.fixture(scope="module")
def shared_run_dir(tmp_path_factory):
    """A run folder shared by the read-only tests of one file (rendering is the slow part)."""
    out = tmp_path_factory.mktemp("shared") / "run"
    fixture_run.generate_run(str(out))
    return str(out)


@pytest.fixture
def sweep_dir(tmp_path):
    out = tmp_path / "sweep"
    fixture_run.generate_sweep(str(out))
    return str(out)


def run_script(name: str, *args: str) -> subprocess.CompletedProcess:
    """Runs analysis/<name> with the interpreter running the tests, as a user would."""
    return subprocess.run([sys.executable, os.path.join(ANALYSIS_DIR, name), *args],
                          capture_output=True, text=True, timeout=120)


def png_size(path_or_bytes) -> tuple[int, int]:
    """(width, height) from a PNG's IHDR chunk."""
    data = path_or_bytes
    if isinstance(path_or_bytes, str):
        with open(path_or_bytes, "rb") as f:
            data = f.read(32)
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    return struct.unpack(">II", data[16:24])
