"""Reads the files `clocksim run` and `clocksim sweep` write (docs/output-formats.md).

A run folder is a path, or a mapping of file names to their contents (text or bytes): the files of
a run the Python module kept in memory (`clocksim.run`), which it reads with these same readers.

Every reader checks that the file exists, that its header names the documented columns (extra
columns are allowed so the format can grow additively) and that the values parse; anything else
raises FormatError, which `run_main` turns into one clear line on stderr and exit code 2.
Traces are read with explicit dtypes (int64, categories) so that 10^6 rows take well under a
second; drawing code downsamples (see plot_common.minmax_indices).
"""
from __future__ import annotations

import codecs
import csv
import gzip
import io
import json
import os
import re
import sys
import warnings
import zlib
from dataclasses import dataclass, field
from typing import Callable, Mapping, Union

import numpy as np
import pandas as pd

FORMAT_VERSION = 1
EXIT_FORMAT_ERROR = 2

TRACE_FILE = "trace.csv"
SKEW_FILE = "skew.csv"
EVENTS_FILE = "events.csv"
EVENTS_LOG_FILE = "events.log"
SUMMARY_FILE = "summary.json"
SWEEP_FILE = "sweep.csv"
MESSAGES_FILE = "messages.csv"
LINKS_FILE = "links.csv"

TRACE_COLUMNS = ["t_ns", "node", "local_ns", "offset_ns", "role", "up"]
SKEW_COLUMNS = ["t_ns", "max_skew_ns", "mean_abs_offset_ns", "bound_ns", "master", "masters"]
# Empty in skew.csv: the skew and mean |offset| at a tick with no correct node up, the bound of a
# scenario without one.
SKEW_NULLABLE_COLUMNS = ("max_skew_ns", "mean_abs_offset_ns", "bound_ns")
# events.csv: typed note fields; node columns hold names, empty when the field is not set.
EVENTS_COLUMNS = ["t_ns", "node", "kind", "what", "why", "subject", "peer", "election", "round", "seq",
                  "message", "value_ns", "rtt_ns", "error_ns", "count", "total", "nodes", "detail"]
EVENTS_INT_COLUMNS = ("round", "seq", "value_ns", "rtt_ns", "error_ns", "count", "total")
MESSAGES_COLUMNS = ["sent_ns", "received_ns", "from", "to", "type", "layer", "fate", "election"]
LINKS_COLUMNS = ["a", "b", "asymmetry", "factor_ab", "factor_ba"]
MESSAGE_FATES = {"delivered", "lost", "to_down_node", "in_flight"}
ROLES = {"none", "slave", "master", "candidate", "client", "server"}
EVENT_KINDS = (
    "crash", "restart", "link_down", "link_up", "partition", "heal", "clock_step",
    "master_silent", "election_started", "became_master", "became_slave", "conflict",
    "round_complete", "outlier", "late_reply", "peer_unreachable", "info", "expect_failed",
)

# sweep.csv: every column that is not one of these is a swept parameter (see output-formats.md).
SWEEP_RESULT_COLUMNS = [
    "run", "seed", "warmup_s", "max_skew_ns", "max_skew_after_warmup_ns", "steady_skew_mean_ns",
    "steady_skew_p50_ns", "steady_skew_p99_ns", "bound_ns", "skew_over_bound", "bound_violations",
    "bound_why", "bound_note", "elections", "failovers", "failovers_unfinished", "failover_time_max_s",
    "detection_time_max_s", "election_messages", "messages_sent", "messages_lost", "events", "expects",
    "expects_failed", "expects_not_evaluated", "wall_time_s",
]
# Nullable integer columns of sweep.csv (empty: not applicable, e.g. no bound, no failover).
# max_skew_ns is empty for a run in which no instant had a correct node up.
SWEEP_NULLABLE_INT_COLUMNS = (
    "max_skew_ns", "max_skew_after_warmup_ns", "steady_skew_mean_ns", "steady_skew_p50_ns", "steady_skew_p99_ns",
    "bound_ns", "bound_violations", "elections", "failovers_unfinished", "election_messages",
    "messages_sent", "messages_lost", "expects", "expects_failed", "expects_not_evaluated",
)
SWEEP_FLOAT_COLUMNS = ("warmup_s", "skew_over_bound", "failover_time_max_s",
                       "detection_time_max_s", "wall_time_s")
SWEEP_REQUIRED_COLUMNS = ["run", "seed", "max_skew_ns", "bound_ns", "failovers", "events",
                          "wall_time_s"]


# The fields of summary.json and sweep.csv that measure the machine rather than the run
# (docs/output-formats.md): left out when two outputs of one scenario and seed are compared.
WALL_CLOCK_FIELDS = ("wall_time_s", "events_per_s")


class FormatError(Exception):
    """A missing or malformed input file; `path` says which one."""

    def __init__(self, path: str, message: str):
        super().__init__(f"{path}: {message}")
        self.path = path
        self.message = message


def run_main(main: Callable[[list[str]], int], argv: list[str] | None = None) -> int:
    """Runs a script's main; a FormatError becomes `error: <path>: <what>` and exit code 2."""
    try:
        return main(sys.argv[1:] if argv is None else argv)
    except FormatError as err:
        print(f"error: {err}", file=sys.stderr)
        return EXIT_FORMAT_ERROR
    except OSError as err:
        # Where an output cannot go (a missing folder, a file in the way, no permission): the
        # user's to fix, said in a line, not a traceback.
        where = "output" if err.filename is None else re.sub(r"\.tmp-\d+$", "", str(err.filename))
        print(f"error: {where}: {err.strerror or err}", file=sys.stderr)
        return EXIT_FORMAT_ERROR


# ---------------------------------------------------------------------------------------------
# CSV plumbing

# A run's folder: a path, or its files held in memory by name (text or bytes).
Folder = Union[str, "os.PathLike[str]", Mapping[str, Union[str, bytes]]]


class _File:
    """One file of a folder, on disk or in memory, opened the same way by every reader. `name` is
    what messages call it: the path, or the file's name for a folder in memory."""

    def __init__(self, folder: Folder, filename: str):
        if isinstance(folder, Mapping):
            data = folder.get(filename)
            self.path, self.name = None, filename
            self.data = data.encode("utf-8") if isinstance(data, str) else data
        else:
            self.path = os.path.join(folder, filename)
            self.name, self.data = self.path, None

    @classmethod
    def on_disk(cls, path: str) -> "_File":
        return cls(os.path.dirname(path), os.path.basename(path)) if not isinstance(path, _File) else path

    @property
    def gz(self) -> bool:
        return self.name.endswith(".gz")

    def open_binary(self):
        raw = open(self.path, "rb") if self.data is None else io.BytesIO(self.data)
        return gzip.GzipFile(fileobj=raw, mode="rb") if self.gz else raw

    def csv(self) -> dict:
        """What pandas.read_csv reads: the path, or the bytes with their compression named."""
        if self.data is None:
            return {"filepath_or_buffer": self.path}
        return {"filepath_or_buffer": io.BytesIO(self.data), "compression": "gzip" if self.gz else None}

    def read_text(self) -> str:
        with self.open_binary() as f:
            return f.read().decode("utf-8")


def _require_file(f: _File) -> None:
    if not _exists(f):
        raise FormatError(f.name, "file not found (did the run write it? see the scenario's output: "
                                  "section)")
    if f.path is not None and os.path.isdir(f.path):
        raise FormatError(f.name, "is a directory, expected a file")


def _present(folder: Folder, filename: str) -> _File:
    """`filename` in the folder, or its gzip form (output.compress: gzip) when only that exists;
    the plain name when neither does, for the error message."""
    plain, packed = _File(folder, filename), _File(folder, filename + ".gz")
    if not _exists(plain) and _exists(packed):
        return packed
    return plain


def _exists(f: _File) -> bool:
    return f.data is not None if f.path is None else os.path.exists(f.path)


def shown(text: str, limit: int = 120) -> str:
    """Text from a file made safe to print in one line of a message: control characters and
    undecodable bytes escaped, and cut to `limit` characters."""
    out = "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)
    return out if len(out) <= limit else out[:limit] + "..."


def not_utf8(file: str | _File) -> FormatError:
    """The error for a file that is not UTF-8, at its first bad byte's line and column (every file
    clocksim writes is UTF-8: such a file was damaged or written by something else)."""
    source = _File.on_disk(file)
    path = source.name
    decoder = codecs.getincrementaldecoder("utf-8")()
    line, column = 1, 1
    try:
        with source.open_binary() as f:
            while chunk := f.read(1 << 16):
                held = decoder.getstate()[0]  # the start of a sequence cut by the last chunk
                try:
                    text = decoder.decode(chunk)
                except UnicodeDecodeError as err:
                    data = held + chunk  # what the error's positions count in
                    good = data[:err.start].decode("utf-8", errors="ignore")
                    pending = good.rsplit("\n", 1)
                    line += good.count("\n")
                    column = (column if len(pending) == 1 else 1) + len(pending[-1])
                    return FormatError(path, f"line {line}, column {column}: byte 0x{data[err.start]:02X} is not "
                                             "UTF-8 (every file clocksim writes is UTF-8: this one was damaged or "
                                             "written by something else)")
                pieces = text.rsplit("\n", 1)
                line += text.count("\n")
                column = (column if len(pieces) == 1 else 1) + len(pieces[-1])
            decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return FormatError(path, f"line {line}: the file ends inside a UTF-8 sequence")
    except (OSError, EOFError, zlib.error) as e:
        return FormatError(path, f"cannot read: {e}")
    return FormatError(path, "not UTF-8")


def _read_header(source: _File, required: list[str]) -> list[str]:
    _require_file(source)
    path = source.name
    try:
        with io.TextIOWrapper(source.open_binary(), encoding="utf-8") as f:
            first = f.readline()
    except UnicodeDecodeError:
        raise not_utf8(source) from None
    except (OSError, EOFError, zlib.error) as e:  # a truncated or non-gzip .gz
        raise FormatError(path, f"cannot read: {e}") from None
    if not first.strip():
        raise FormatError(path, "empty file; expected the header " + ",".join(required))
    header = [c.strip() for c in first.rstrip("\r\n").split(",")]
    missing = [c for c in required if c not in header]
    if missing:
        raise FormatError(
            path, f"line 1: missing column(s) {', '.join(missing)}; expected header "
                  f"{','.join(required)}, found {shown(','.join(header))}")
    dupes = sorted({c for c in header if header.count(c) > 1})
    if dupes:
        raise FormatError(path, f"line 1: duplicate column(s) {shown(', '.join(dupes))}")
    return header


def _first_bad_line(source: _File, column: str, allow_empty: bool) -> str:
    """Finds where an integer column fails to parse, for the error message (slow path only)."""
    try:
        raw = pd.read_csv(**source.csv(), usecols=[column], dtype=str, keep_default_na=False)[column]
    except (ValueError, pd.errors.ParserError):
        return f"column {column}: malformed values"
    integer = raw.str.fullmatch(r"-?[0-9]+").to_numpy()
    bad = ~integer & ~((raw == "").to_numpy() if allow_empty else False)
    for i in np.flatnonzero(integer):
        if not -2**63 <= int(raw.iloc[i]) < 2**63:
            bad[i] = True
            break
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        return f"line {i + 2}: column {column}: expected a 64-bit integer, found {shown(repr(raw.iloc[i]))}"
    return f"column {column}: malformed values"


def _exact_nullable_int(text: pd.Series) -> pd.Series:
    """A column of integers or empty fields as Int64, every value exact: pandas reads a nullable
    integer column through float64, which rounds past 2^53 ns (104 days) and fails near 2^63."""
    empty = (text == "").to_numpy()
    values = np.zeros(len(text), dtype="int64")
    if not empty.all():
        values[~empty] = text[~empty].astype("int64").to_numpy()  # ValueError, OverflowError if not
    return pd.Series(pd.arrays.IntegerArray(values, empty), index=text.index, name=text.name)


def _read_csv(source: _File, required: list[str], dtypes: dict, int_columns: list[str],
              nullable_int: tuple[str, ...] = ()) -> pd.DataFrame:
    header = _read_header(source, required)
    path = source.name
    usecols = [c for c in header if c in dtypes]
    exact = [c for c in usecols if dtypes[c] == "Int64"]  # read as text, converted exactly
    na_values = {c: [""] for c in nullable_int if c not in exact}
    try:
        # pandas warns on stderr before it raises for a value it cannot cast (inf in an integer
        # column): the error below says it, with its line.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            df = pd.read_csv(**source.csv(), usecols=usecols,
                             dtype={c: "str" if c in exact else dtypes[c] for c in usecols},
                             keep_default_na=False, na_values=na_values, engine="c")
        for column in exact:
            df[column] = _exact_nullable_int(df[column])
    except UnicodeDecodeError:
        raise not_utf8(source) from None
    except pd.errors.ParserError as err:  # a ValueError too: the row structure, not a value
        raise FormatError(path, f"malformed CSV: {shown(str(err), 300)}") from err
    except (ValueError, TypeError, OverflowError) as err:
        for column in int_columns:
            if column in usecols:
                message = _first_bad_line(source, column, column in nullable_int)
                if not message.endswith("malformed values"):
                    raise FormatError(path, message) from err
        raise FormatError(path, f"malformed CSV: {shown(str(err), 300)}") from err
    except (OSError, EOFError, zlib.error) as err:  # a .gz cut short or damaged after its header
        raise FormatError(path, f"cannot read: {err}") from err
    for column in int_columns:
        if column in df.columns and column not in nullable_int and df[column].isna().any():
            i = int(np.flatnonzero(df[column].isna().to_numpy())[0])
            raise FormatError(path, f"line {i + 2}: column {column}: value missing")
    return df


def _sorted_by_time(df: pd.DataFrame) -> pd.DataFrame:
    t = df["t_ns"].to_numpy()
    if len(t) > 1 and np.any(t[1:] < t[:-1]):
        df = df.sort_values("t_ns", kind="stable").reset_index(drop=True)
    return df


# ---------------------------------------------------------------------------------------------
# One file each

def read_trace(outdir: Folder) -> pd.DataFrame:
    source = _present(outdir, TRACE_FILE)
    path = source.name
    dtypes = {"t_ns": "int64", "node": "category", "local_ns": "int64", "offset_ns": "int64",
              "role": "category", "up": "int8"}
    df = _read_csv(source, TRACE_COLUMNS, dtypes, ["t_ns", "local_ns", "offset_ns", "up"])
    unknown_roles = set(df["role"].cat.categories) - ROLES
    if unknown_roles:
        i = int(np.flatnonzero(df["role"].isin(unknown_roles).to_numpy())[0])
        raise FormatError(path, f"line {i + 2}: column role: {shown(repr(df['role'].iloc[i]))} is not one of "
                                f"{', '.join(sorted(ROLES))}")
    bad_up = ~df["up"].isin([0, 1])
    if bad_up.any():
        i = int(np.flatnonzero(bad_up.to_numpy())[0])
        raise FormatError(path, f"line {i + 2}: column up: expected 0 or 1, found {df['up'].iloc[i]}")
    return _sorted_by_time(df)


def read_trace_nodes(outdir: Folder) -> list[str]:
    """The nodes trace.csv (or trace.csv.gz) traces, in the order of its first tick's rows (node id
    order), reading only that tick: every node of the run unless output.trace_nodes chose some."""
    source = _present(outdir, TRACE_FILE)
    path = source.name
    _read_header(source, TRACE_COLUMNS)
    names: list[str] = []
    try:
        chunks = pd.read_csv(**source.csv(), usecols=["t_ns", "node"], dtype={"t_ns": "int64", "node": "str"},
                             keep_default_na=False, chunksize=4096)
        first = None
        for chunk in chunks:
            if first is None and len(chunk):
                first = int(chunk["t_ns"].iloc[0])
            same = (chunk["t_ns"] == first).to_numpy()
            names += chunk.loc[same, "node"].tolist()
            if not same.all():
                break
        chunks.close()
    except UnicodeDecodeError:
        raise not_utf8(source) from None
    except (ValueError, TypeError, OverflowError, pd.errors.ParserError) as err:
        raise FormatError(path, f"malformed CSV: {shown(str(err), 300)}") from err
    except (OSError, EOFError, zlib.error) as err:
        raise FormatError(path, f"cannot read: {err}") from err
    return names


def read_skew(outdir: Folder) -> pd.DataFrame:
    """skew.csv. max_skew_ns and mean_abs_offset_ns are <NA> at a tick with no correct node up
    (nothing measured), bound_ns when the scenario has no bound: nullable Int64 columns, which
    `.to_numpy(dtype=float, na_value=np.nan)` turns into NaN gaps."""
    source = _File(outdir, SKEW_FILE)
    path = source.name
    dtypes = {"t_ns": "int64", "max_skew_ns": "Int64", "mean_abs_offset_ns": "Int64",
              "bound_ns": "Int64", "master": "str", "masters": "int64"}
    df = _read_csv(source, SKEW_COLUMNS, dtypes,
                   ["t_ns", "max_skew_ns", "mean_abs_offset_ns", "bound_ns", "masters"],
                   nullable_int=SKEW_NULLABLE_COLUMNS)
    return _sorted_by_time(df)


def read_events(outdir: Folder) -> pd.DataFrame:
    source = _File(outdir, EVENTS_FILE)
    path = source.name
    dtypes = {c: "str" for c in EVENTS_COLUMNS}
    dtypes["t_ns"] = "int64"
    dtypes.update({c: "Int64" for c in EVENTS_INT_COLUMNS})
    df = _read_csv(source, EVENTS_COLUMNS, dtypes, ["t_ns", *EVENTS_INT_COLUMNS], nullable_int=EVENTS_INT_COLUMNS)
    return _sorted_by_time(df)


def read_messages(outdir: Folder) -> pd.DataFrame:
    """messages.csv (written with `output: {messages: true}`): one row per message sent."""
    source = _File(outdir, MESSAGES_FILE)
    path = source.name
    dtypes = {"sent_ns": "int64", "received_ns": "Int64", "from": "str", "to": "str", "type": "str",
              "layer": "str", "fate": "str", "election": "str"}
    df = _read_csv(source, MESSAGES_COLUMNS, dtypes, ["sent_ns", "received_ns"],
                   nullable_int=("received_ns",))
    bad = ~df["fate"].isin(MESSAGE_FATES)
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise FormatError(path, f"line {i + 2}: column fate: unknown value {shown(repr(df['fate'].iloc[i]))}; "
                                f"expected one of {', '.join(sorted(MESSAGE_FATES))}")
    return df


def read_links(outdir: Folder) -> pd.DataFrame:
    """links.csv (written when the asymmetry is drawn per link, or with `output: {links: true}`):
    one row per link a -- b, its asymmetry and the latency factor of each direction."""
    source = _File(outdir, LINKS_FILE)
    path = source.name
    dtypes = {"a": "str", "b": "str", "asymmetry": "float64", "factor_ab": "float64", "factor_ba": "float64"}
    df = _read_csv(source, LINKS_COLUMNS, dtypes, [])
    bad = ~df["asymmetry"].between(-1, 1)
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise FormatError(path, f"line {i + 2}: column asymmetry: {df['asymmetry'].iloc[i]} is outside [-1, 1]")
    return df


def read_events_log(outdir: Folder) -> list[str]:
    source = _File(outdir, EVENTS_LOG_FILE)
    _require_file(source)
    with io.TextIOWrapper(source.open_binary(), encoding="utf-8", errors="replace") as f:
        return [line.rstrip("\n") for line in f if line.strip()]


def read_summary(outdir: Folder) -> dict:
    source = _File(outdir, SUMMARY_FILE)
    path = source.name
    _require_file(source)
    try:
        text = source.read_text()
    except UnicodeDecodeError:
        raise not_utf8(source) from None
    if not text.strip():
        raise FormatError(path, "empty file; expected a JSON object")
    try:
        summary = json.loads(text)
    except json.JSONDecodeError as err:
        raise FormatError(path, f"line {err.lineno}:{err.colno}: invalid JSON: {err.msg}") from err
    except RecursionError:
        # The decoder descends once per nested array or object; a summary nests a few levels.
        raise FormatError(path, "arrays or objects nested too deep to read; not a summary.json "
                                "clocksim writes") from None
    if not isinstance(summary, dict):
        raise FormatError(path, "expected a JSON object at the top level")
    if "format_version" not in summary:
        raise FormatError(path, f"missing key format_version (expected {FORMAT_VERSION})")
    version = summary["format_version"]
    if version != FORMAT_VERSION:
        raise FormatError(path, f"format_version {shown(repr(version))} is not supported: these scripts read "
                                f"format_version {FORMAT_VERSION}; use the analysis/ scripts from "
                                f"the same clocksim version as the binary")
    for key in ("scenario", "results"):
        if not isinstance(summary.get(key), dict):
            raise FormatError(path, f"missing or non-object key {key!r}")
    if not isinstance(summary.get("expects", []), list):
        raise FormatError(path, "key 'expects' must be a list")
    return summary


def read_sweep(sweepdir: Folder) -> tuple[pd.DataFrame, list[str]]:
    """Returns sweep.csv and the names of its swept-parameter columns, in file order."""
    source = _File(sweepdir, SWEEP_FILE)
    path = source.name
    header = _read_header(source, SWEEP_REQUIRED_COLUMNS)
    params = [c for c in header if c not in SWEEP_RESULT_COLUMNS]
    if not params:
        raise FormatError(path, "line 1: no parameter columns: expected at least one swept "
                                "parameter path (e.g. algorithm.sync.period) besides "
                                + ",".join(SWEEP_RESULT_COLUMNS))
    dtypes = {c: "str" for c in params}
    dtypes.update({"run": "str", "seed": "int64", "failovers": "int64",
                   "events": "int64", "bound_why": "str", "bound_note": "str"})
    dtypes.update({c: "Int64" for c in SWEEP_NULLABLE_INT_COLUMNS})
    dtypes.update({c: "float64" for c in SWEEP_FLOAT_COLUMNS})
    ints = ["seed", "failovers", "events", *SWEEP_NULLABLE_INT_COLUMNS]
    df = _read_csv(source, SWEEP_REQUIRED_COLUMNS, dtypes, ints,
                   nullable_int=SWEEP_NULLABLE_INT_COLUMNS + SWEEP_FLOAT_COLUMNS)
    for text in ("bound_why", "bound_note"):
        if text in df.columns:
            df[text] = df[text].fillna("")
    return df, params


# ---------------------------------------------------------------------------------------------
# A whole run folder

@dataclass
class Run:
    outdir: str
    summary: dict
    trace: pd.DataFrame | None = None
    skew: pd.DataFrame | None = None
    events: pd.DataFrame | None = None
    events_log: list[str] | None = None
    messages: pd.DataFrame | None = None
    links: pd.DataFrame | None = None
    missing: list[str] = field(default_factory=list)  # optional files that were absent

    @property
    def name(self) -> str:
        return str(self.summary.get("scenario", {}).get("name") or os.path.basename(self.outdir))

    @property
    def seed(self):
        return self.summary.get("scenario", {}).get("seed")

    @property
    def duration_ns(self) -> int:
        d = self.summary.get("scenario", {}).get("duration_ns")
        if isinstance(d, (int, float)) and d > 0:
            return int(d)
        for df in (self.skew, self.trace):
            if df is not None and len(df):
                return int(df["t_ns"].iloc[-1])
        return 0

    @property
    def warmup_ns(self) -> int:
        w = self.summary.get("results", {}).get("warmup_ns")
        return int(w) if isinstance(w, (int, float)) else 0


_READERS = {
    "trace": (TRACE_FILE, read_trace),
    "skew": (SKEW_FILE, read_skew),
    "events": (EVENTS_FILE, read_events),
    "events_log": (EVENTS_LOG_FILE, read_events_log),
    "messages": (MESSAGES_FILE, read_messages),
    "links": (LINKS_FILE, read_links),
}


def load_run(outdir: str, required=("trace", "skew"), optional=("events", "events_log")) -> Run:
    """Reads summary.json plus the named files. A required file that is absent is an error; an
    optional one is recorded in Run.missing. A present but malformed file is always an error."""
    if not os.path.isdir(outdir):
        raise FormatError(outdir, "no such output directory (expected the --out DIR of a run)")
    run = Run(outdir=outdir, summary=read_summary(outdir))
    for key in list(required) + list(optional):
        filename, reader = _READERS[key]
        if key in optional and not _exists(_present(outdir, filename)):
            run.missing.append(filename)
            continue
        setattr(run, key, reader(outdir))
    return run


def deterministic_files(folder: str, require_wall_clock: bool = False) -> dict[str, bytes]:
    """Every file below a run or sweep folder, by relative path, with the wall-clock fields of
    summary.json and sweep.csv taken out: what must be equal byte for byte between two outputs
    of the same scenario and seed, on any number of threads, ranks or shards. With
    `require_wall_clock`, a summary.json without those fields raises FormatError."""
    out = {}
    for root, _, names in os.walk(folder):
        for name in names:
            path = os.path.join(root, name)
            rel = os.path.relpath(path, folder)
            with open(path, "rb") as f:
                data = f.read()
            if name == SUMMARY_FILE:
                summary = json.loads(data)
                for key in WALL_CLOCK_FIELDS:
                    if key not in summary and require_wall_clock:
                        raise FormatError(path, f"no {key}")
                    summary.pop(key, None)
                data = json.dumps(summary, sort_keys=True).encode()
            elif rel == SWEEP_FILE:
                rows = list(csv.DictReader(io.StringIO(data.decode())))
                for row in rows:
                    row.pop("wall_time_s", None)
                data = json.dumps(rows).encode()
            out[rel] = data
    return out
