#!/usr/bin/python3
"""Run-level robustness: shipped scenarios with one to three values replaced by edge values (0, -1,
2^63 - 1, NaN, 1e308, 1 ns, 2,562,047 h, distributions with absurd or reversed arguments, node
names that do not exist), half of them under `--set host=daemon`, each run through `clocksim run`
(most with their duration cut to seconds). Each case must end one of three ways:

- exit 0 or 1 (ran; an expectation may fail), or
- exit 2 with the error located in the mutated file (file:line:col) and no output folder left,
  or a refusal before the run that names what would not fit (disk or memory);

never a signal, another exit status or a sanitizer report. A case still running after --timeout
is listed as slow and not judged: some mutations are honest hours of work (65,536 nodes, a 1 ns
tick), which a time limit cannot tell from a hang. Case k is
drawn from its own seed k, so a failing case is re-run alone with FIRST=k COUNT=1 and its file is
kept in WORK_DIR.

    scenario_run_fuzz.py CLOCKSIM SCENARIOS_DIR WORK_DIR FIRST COUNT [--timeout S]
"""
import argparse
import math
import os
import random
import re
import shutil
import subprocess
import sys

try:
    import yaml
except ImportError:  # pragma: no cover
    print("missing yaml: install the Debian package python3-yaml (scripts/install-deps.sh)")
    sys.exit(1)

DURATIONS = ["0s", "1ns", "1us", "999ns", "1ms", "10ms", "100ms", "1s", "3s", "10s", "1h", "-1s", "1000000h",
             "0.5ns", "1e-9s", "2562047h"]
NUMBERS = [0, 1, -1, 2, 3, 0.5, 1e-9, 1e9, 1e18, -1e18, 2**63 - 1, -2**63, 1e308, math.inf, math.nan, 100, 1000,
           65536, 2**32 - 1, 2**32]
NODE_NAMES = ["n0", "n1", "n999999", "n4294967295", "n-1"]
DISTRIBUTION = re.compile(r"(\w+)\((.*)\)")


def mutate_leaf(value, rng):
    if isinstance(value, bool):
        return rng.choice([not value, 0, "yes", None])
    if isinstance(value, (int, float)):
        return rng.choice(NUMBERS + [value * rng.choice([10, 100, -1, 0.001])])
    if isinstance(value, str):
        if re.fullmatch(r"-?[0-9.e+-]+(ns|us|ms|s|m|h)", value):
            return rng.choice(DURATIONS)
        m = DISTRIBUTION.fullmatch(value)
        if m:
            args = [rng.choice(DURATIONS + [str(x) for x in NUMBERS[:8]]) for _ in m.group(2).split(",")]
            if rng.random() < 0.2:
                args.reverse()
            return f"{m.group(1)}({', '.join(args)})"
        if re.fullmatch(r"n\d+", value):
            return rng.choice(NODE_NAMES)
        return rng.choice([value, value + "x", "", str(rng.choice(NUMBERS)), rng.choice(DURATIONS)])
    if value is None:
        return rng.choice([0, "1s", [], {}])
    return value


def leaves(node, path=()):
    if isinstance(node, dict):
        for k, v in node.items():
            yield from leaves(v, path + (k,))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from leaves(v, path + (i,))
    else:
        yield path


def at(node, path):
    for p in path:
        node = node[p]
    return node


def put(node, path, value):
    at(node, path[:-1])[path[-1]] = value


def make_case(k, scenarios):
    """The mutated scenario of case k and the extra command-line arguments."""
    rng = random.Random(k)
    source = rng.choice(scenarios)
    with open(source) as f:
        doc = yaml.safe_load(f)
    paths = list(leaves(doc))
    for _ in range(rng.randint(1, 3)):
        path = rng.choice(paths)
        put(doc, path, mutate_leaf(at(doc, path), rng))
    if rng.random() < 0.8 and isinstance(doc, dict) and "duration" in doc:
        doc["duration"] = rng.choice(["2s", "20s", "60s"])
    if isinstance(doc, dict) and rng.random() < 0.3 and isinstance(doc.get("output"), dict):
        doc["output"]["trace"] = False
    extra = ["--set", "host=daemon"] if rng.random() < 0.5 else []
    return source, doc, extra


def main():
    p = argparse.ArgumentParser()
    p.add_argument("clocksim")
    p.add_argument("scenarios")
    p.add_argument("work")
    p.add_argument("first", type=int)
    p.add_argument("count", type=int)
    p.add_argument("--timeout", type=float, default=120)
    a = p.parse_args()
    scenarios = sorted(os.path.join(a.scenarios, f) for f in os.listdir(a.scenarios) if f.endswith(".yaml"))
    os.makedirs(a.work, exist_ok=True)
    outcomes, problems, slow = {}, [], []
    for k in range(a.first, a.first + a.count):
        source, doc, extra = make_case(k, scenarios)
        case_dir = os.path.join(a.work, f"case{k}")
        shutil.rmtree(case_dir, ignore_errors=True)
        os.makedirs(case_dir)
        path = os.path.join(case_dir, "scenario.yaml")
        with open(path, "w") as f:
            yaml.safe_dump(doc, f, sort_keys=False)
        out = os.path.join(case_dir, "out")
        try:
            r = subprocess.run([a.clocksim, "run", path, "--quiet", "--out", out, *extra], capture_output=True,
                               text=True, timeout=a.timeout)
            rc, err = r.returncode, r.stderr
        except subprocess.TimeoutExpired:
            rc, err = "timeout", ""
        outcomes[rc] = outcomes.get(rc, 0) + 1
        problem = None
        if rc == "timeout":
            slow.append(f"case {k} ({os.path.basename(source)} {' '.join(extra)}): still running after {a.timeout:g} s")
            shutil.rmtree(case_dir)
            continue
        if rc not in (0, 1, 2):
            problem = f"exit status {rc}"
        elif "Sanitizer" in err or "runtime error" in err:
            problem = "a sanitizer report"
        elif rc == 2 and not re.search(re.escape(path) + r":\d+:\d+", err) and " free;" not in err \
                and "is available;" not in err:
            problem = "an error without file:line:col"
        elif rc == 2 and os.path.exists(out):
            problem = f"output left after exit 2: {sorted(os.listdir(out))}"
        if problem:
            problems.append(f"case {k} ({os.path.basename(source)} {' '.join(extra)}): {problem}: {err.strip()[:800]}")
        else:
            shutil.rmtree(case_dir)
    print(f"cases {a.first}..{a.first + a.count - 1}: outcomes {outcomes}")
    for line in slow:
        print("slow, not judged: " + line)
    for line in problems:
        print("FAIL: " + line)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
