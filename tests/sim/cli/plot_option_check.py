#!/usr/bin/python3
"""--plot hands the output folder to the plot script as one argument, whatever it holds: the
default folder is out/<scenario name>, and the name is free text from the scenario file, so a
quote, a semicolon or a $( ) in it must reach the script as characters, never run as a shell
command. The plot script is a stand-in (CLOCKSIM_ANALYSIS_DIR) that records its arguments.

usage: plot_option_check.py CLOCKSIM WORKDIR"""
import ast
import os
import shutil
import subprocess
import sys

from cli_check_common import fail

clocksim, work = sys.argv[1], sys.argv[2]
shutil.rmtree(work, ignore_errors=True)
fake = os.path.join(work, "analysis")
os.makedirs(fake)
record = os.path.join(work, "argv.txt")
with open(os.path.join(fake, "plot_offsets.py"), "w") as f:
    f.write(f"import sys\nopen({record!r}, 'w').write(repr(sys.argv[1:]))\n")
env = dict(os.environ, CLOCKSIM_ANALYSIS_DIR=fake)

names = ["q'; touch injected; echo '", "$(touch injected)", "it's `touch injected`", 'say "hi"']
for name in names:
    if os.path.exists(record):
        os.remove(record)
    path = os.path.join(work, "scenario.yaml")
    with open(path, "w") as f:
        f.write("name: '" + name.replace("'", "''") + "'\nduration: 2s\nnodes: 2\n")
    p = subprocess.run([clocksim, "run", path, "--plot", "--quiet"], cwd=work, env=env, capture_output=True,
                       text=True, timeout=60)
    if p.returncode != 0:
        fail(f"name {name!r}: exit {p.returncode}: {p.stderr.strip()}")
    if "not installed" in p.stderr:
        fail("python3 with matplotlib and pandas is needed for --plot (scripts/install-deps.sh)")
    if os.path.exists(os.path.join(work, "injected")):
        fail(f"name {name!r}: the folder name ran as a shell command")
    if not os.path.exists(record):
        fail(f"name {name!r}: the plot script did not run; stderr: {p.stderr.strip()}")
    with open(record) as f:
        args = ast.literal_eval(f.read())
    if args != ["out/" + name]:
        fail(f"name {name!r}: the plot script got {args}, expected {['out/' + name]}")
print("ok")
