#!/usr/bin/python3
"""The adversary of the rule that a simulated clock runs forward (sim/clock/rate_room.hpp).

Draws scenarios whose clock rates each lie within what the loader accepts for that key alone:
drifts and sine amplitudes up to ±1e6 ppm, bounded and unbounded distributions, slew limits up to
1e6 ppm, wild wander, and Berkeley rate corrections up to 1e6 ppm, under Berkeley, Cristian and
NTP. Every run must either finish (exit 0 or 1) or be refused as a scenario error located in the
file (exit 2, "FILE:LINE:COL: error: at 'clocks...."); never abort or die on a signal, and never
leave an output file behind when refused.

usage: clock_rate_check.py CLOCKSIM WORK_DIR [CASES]"""
import pathlib
import random
import re
import shutil
import subprocess
import sys

from cli_check_common import fail

clocksim, work = sys.argv[1], pathlib.Path(sys.argv[2])
cases = int(sys.argv[3]) if len(sys.argv) > 3 else 160
shutil.rmtree(work, ignore_errors=True)
work.mkdir(parents=True)


def rate(r):
    return r.choice(["0", "-999999", "999999", "-600000", "600000", "-999000", f"{r.uniform(-999999, 999999):.3f}",
                     '"normal(0, 400000)"', '"normal(-500000, 300000)"', '"uniform(-999999, 999999)"',
                     '"uniform(-900000, -800000)"'])


def scenario(i):
    r = random.Random(i)
    clocks = {"drift_ppm": rate(r)}
    if r.random() < 0.6:
        clocks["max_slew_ppm"] = r.choice(["1000000", "999999", "500000", "100000", "0.001"])
    if r.random() < 0.3:
        clocks["sine_amplitude_ppm"] = rate(r)
        clocks["sine_period"] = r.choice(["3s", "7s", "1min"])
    if r.random() < 0.4:
        clocks["wander_ppm_per_sqrt_s"] = r.choice(["1000", "100000", "1000000"])
    sync = r.choice(["{kind: cristian, period: 1s}", "{kind: berkeley, period: 2s}",
                     "{kind: berkeley, period: 2s, rate_correction: true, rate_window: 2, max_rate_correction_ppm: 1000000}",
                     "{kind: ntp, minpoll: 1, maxpoll: 2}"])
    body = ", ".join(f"{k}: {v}" for k, v in clocks.items())
    return (f"name: rates{i}\nseed: {i}\nduration: 40s\ntick: 1s\nnodes: 5\nclocks: {{{body}}}\n"
            f"topology: star\nlinks: {{latency: \"uniform(1ms, 3ms)\"}}\n"
            f"algorithm: {{sync: {sync}, election: {{kind: static, leader: 0}}}}\n"
            "output: {trace: true, skew: true, events: false}\n")


located = re.compile(r"^rates\.yaml:\d+:\d+: error: at 'clocks\.[a-z_]+': ", re.M)
outcomes = {"ran": 0, "refused": 0}
for i in range(cases):
    text = scenario(i)
    (work / "rates.yaml").write_text(text)
    out = work / "out"
    shutil.rmtree(out, ignore_errors=True)
    p = subprocess.run([clocksim, "run", "rates.yaml", "--out", "out", "-q"], cwd=work, capture_output=True, text=True,
                       timeout=120)
    if p.returncode in (0, 1):
        outcomes["ran"] += 1
        if not (out / "summary.json").exists():
            fail(f"case {i}: exit {p.returncode} without summary.json\n{text}")
    elif p.returncode == 2:
        outcomes["refused"] += 1
        if not located.search(p.stderr):
            fail(f"case {i}: refused without a located clocks error: {p.stderr.strip()[:300]}\n{text}")
        if out.exists() and any(out.iterdir()):
            fail(f"case {i}: refused, yet left {sorted(x.name for x in out.iterdir())}\n{text}")
    else:
        fail(f"case {i}: exit {p.returncode}: {p.stderr.strip()[-300:]}\n{text}")
# Both outcomes must occur, or the adversary has stopped testing the edge.
if outcomes["ran"] < cases // 5 or outcomes["refused"] < cases // 5:
    fail(f"the draws no longer reach both sides of the rule: {outcomes}")
print(f"ok: {cases} scenarios, {outcomes['ran']} ran, {outcomes['refused']} refused with a located error")
