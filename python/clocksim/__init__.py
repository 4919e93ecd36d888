"""clocksim from Python: run scenarios in-process and get pandas DataFrames.

    import clocksim
    r = clocksim.run("scenarios/failover.yaml", set={"algorithm.sync.period": "5s"}, seed=7)
    r.skew.plot(x="t_ns", y=["max_skew_ns", "bound_ns"])
    r.summary["results"]["max_skew_ns"], r.passed

A scenario is a file path (str, bytes or os.PathLike, as open() takes) or a dict with the same keys as a scenario file. Overrides (`set=`) are
what `clocksim run --set` takes: a dict {"key.path": value} or a list of "key.path=value". The
DataFrames are read from the exact text `clocksim run` writes to its files (docs/output-formats.md)
by the analysis scripts' readers (analysis/clocksim_io.py), so every number is the CLI's, exact
to the ends of int64, and each frame equals what those readers make of the CLI's folder. Bad
input raises clocksim.ScenarioError with the CLI's file:line:col message.
"""
import json
import os
from typing import Mapping, Optional, Sequence, Union

import pandas as pd
import yaml

from . import _clocksim
from . import _io

ScenarioError = _clocksim.ScenarioError
SweepError = _clocksim.SweepError
# The release, and the identity of the simulation code this module was built from: the same as
# `clocksim --version` prints for the command line of the same build, whose runs and sweeps
# write the same bytes as this module's.
__version__ = _clocksim.version
code_identity = _clocksim.code_identity

__all__ = ["run", "validate", "sweep", "Result", "ScenarioError", "SweepError"]

Overrides = Union[None, Mapping[str, object], Sequence[str]]


def _no_nul(text, what):
    """The engine reads paths and overrides as C strings, which end at a NUL: refused here, as
    open() refuses such a path, instead of running another file or cutting a value short."""
    if "\0" in text:
        raise ValueError(f"{what}: embedded null byte in {text!r}")
    return text


def _path(path, what, kinds="a path (str, bytes or os.PathLike)"):
    """A path as open() takes one: text, bytes or an os.PathLike; anything else is named with the
    argument it was given for. Handed on as the file system's bytes (os.fsencode), so that a name
    that is not UTF-8 (any bytes are a valid Linux file name) reaches the engine as it is."""
    try:
        text = os.fsdecode(path)
    except TypeError:
        raise TypeError(f"{what}: expected {kinds}, got {type(path).__name__}") from None
    return os.fsencode(_no_nul(text, what))


def _override_list(overrides: Overrides):
    return [_no_nul(item, "set=") for item in _override_texts(overrides)]


def _override_texts(overrides: Overrides):
    if overrides is None:
        return []
    if isinstance(overrides, Mapping):
        return [f"{key}={_scalar_text(value, key)}" for key, value in overrides.items()]
    if isinstance(overrides, str):
        return [overrides]
    if isinstance(overrides, (list, tuple)) and all(isinstance(item, str) for item in overrides):
        return list(overrides)
    raise TypeError("set= takes a dict {'key.path': value} or a list of 'key.path=value' strings, got "
                    + type(overrides).__name__ + (" of other things" if isinstance(overrides, (list, tuple)) else ""))


_YAML_TYPES = (str, int, float, bool, type(None))


def _check_yaml_values(value, path="scenario", _inside=None):
    """A dict scenario holds what a scenario file can: text, numbers, booleans, lists and dicts,
    as a tree. Anything else, and a list or dict that contains itself, is named with its place,
    before PyYAML's own message ("cannot represent an object") or Python's RecursionError."""
    if isinstance(value, (Mapping, list, tuple)):
        inside = set() if _inside is None else _inside  # the containers on the way here
        if id(value) in inside:
            raise ValueError(f"at '{path}': this value contains itself; a scenario is a tree of text, "
                             "numbers, booleans, lists and dicts, as in a scenario file")
        inside.add(id(value))
        try:
            if isinstance(value, Mapping):
                for key, item in value.items():
                    if not isinstance(key, (str, int, float, bool)):
                        raise TypeError(f"{path}: key {key!r} is a {type(key).__name__}; a scenario's keys are text")
                    _check_yaml_values(item, f"{path}.{key}" if path != "scenario" else str(key), inside)
            else:
                for i, item in enumerate(value):
                    _check_yaml_values(item, f"{path}.{i}", inside)
        finally:
            inside.discard(id(value))
    elif not isinstance(value, _YAML_TYPES):
        raise TypeError(f"at '{path}': a {type(value).__name__} has no place in a scenario; "
                        "use text, numbers, booleans, lists and dicts as in a scenario file")


def _scalar_text(value, key="value"):
    if value is None:
        # YAML's null, as `--set key=` writes it; str(None) would be the text 'None'.
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple, dict)):
        # Lists and mappings travel in YAML flow form, as `--set` takes them.
        _check_yaml_values(value, key)
        return yaml.safe_dump(value, default_flow_style=True).strip()
    return str(value)


class Result:
    """One run: its files as DataFrames (trace, skew, events, messages, links; None for a file the
    run did not write), summary.json as a dict, the raw text of every file in `files`, whether
    every `expect:` held in `passed`, and `report`, the lines `clocksim run` prints about the
    expectations."""

    def __init__(self, raw):
        self.files = dict(raw.files)
        self.passed = bool(raw.passed)
        self.report = raw.report
        self.summary = json.loads(self.files["summary.json"]) if "summary.json" in self.files else None
        self._frames = {}

    def _frame(self, name, read):
        if name not in self._frames:
            present = name in self.files or name + ".gz" in self.files  # output.compress: gzip
            self._frames[name] = read(self.files) if present else None
        return self._frames[name]

    @property
    def trace(self):
        return self._frame(_io.TRACE_FILE, _io.read_trace)

    @property
    def skew(self):
        return self._frame(_io.SKEW_FILE, _io.read_skew)

    @property
    def events(self):
        return self._frame(_io.EVENTS_FILE, _io.read_events)

    @property
    def messages(self):
        """messages.csv, written with `output: {messages: true}`."""
        return self._frame(_io.MESSAGES_FILE, _io.read_messages)

    @property
    def links(self):
        """links.csv, written when the asymmetry is drawn per link."""
        return self._frame(_io.LINKS_FILE, _io.read_links)

    @property
    def events_log(self):
        return self.files.get("events.log")

    def __repr__(self):
        name = (self.summary or {}).get("scenario", {}).get("name", "?")
        return f"<clocksim.Result {name!r} passed={self.passed} files={sorted(self.files)}>"


def run(scenario: Union[str, bytes, os.PathLike, Mapping], *, set: Overrides = None, seed: Optional[int] = None,
        name: str = "<dict>") -> Result:
    """Runs a scenario (a file path or a dict) in this process and returns its Result."""
    overrides = _override_list(set)
    if seed is not None and not (isinstance(seed, int) and not isinstance(seed, bool) and 0 <= seed < 2**64):
        raise ValueError(f"seed must be an integer in 0 .. 2**64 - 1, got {seed!r}")
    if isinstance(scenario, Mapping):
        _check_yaml_values(scenario)
        text = yaml.safe_dump(dict(scenario), sort_keys=False)
        return Result(_clocksim.run_text(text, _no_nul(name, "name"), overrides, seed))
    return Result(_clocksim.run_file(_path(scenario, "scenario", "a path (str, bytes or os.PathLike) or a dict"),
                                     overrides, seed))


def validate(path: Union[str, bytes, os.PathLike], *, set: Overrides = None) -> None:
    """Raises ScenarioError if the scenario file (with the overrides) is invalid."""
    _clocksim.validate_file(_path(path, "path"), _override_list(set))


def sweep(path: Union[str, bytes, os.PathLike], out: Union[str, bytes, os.PathLike], *, jobs: int = 0) -> pd.DataFrame:
    """Runs a sweep file (docs/sweeps.md) into the folder `out`, exactly as `clocksim sweep` does
    (resumable: finished runs are kept), and returns sweep.csv as one DataFrame, read as
    analysis/clocksim_io.py's read_sweep reads the folder. Raises
    RuntimeError naming the runs that failed to complete."""
    if not (isinstance(jobs, int) and not isinstance(jobs, bool) and 0 <= jobs <= 1024):
        raise ValueError(f"jobs must be an integer in 0 .. 1024 (0: every core), got {jobs!r}")
    csv_text, failures = _clocksim.sweep_file(_path(path, "path"), _path(out, "out"), jobs)
    if failures:
        raise RuntimeError("sweep runs failed: " + "; ".join(failures))
    return _io.read_sweep({_io.SWEEP_FILE: csv_text})[0]
