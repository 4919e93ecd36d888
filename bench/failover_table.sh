#!/usr/bin/env bash
# The failover table (docs/failover-table.md), measured with the simulator itself: for each
# election algorithm (tsp, bully, ring, standby) and node count, runs the algorithm's failover
# scenario (scenarios/{failover,bully-failover,ring-failover,standby}.yaml) through
# `clocksim sweep` over seeds 1..K and prints a markdown table of detection, election and
# failover times and messages per election, with each algorithm's message-complexity formula
# (in the simulator's counting) and a verdict.
#
#   bench/failover_table.sh                          # 8, 64, 512 nodes, 20 seeds each
#   bench/failover_table.sh --nodes 8,64 --seeds 20  # a subset
#   bench/failover_table.sh --algorithms ring --nodes 512 --seeds 5
#   bench/failover_table.sh --loss 0.01 --out out/failover-table-loss1   # 1 % loss on every link
#   options: --nodes LIST --seeds K --algorithms LIST --out DIR (default out/failover-table)
#            --jobs J (default 2) --loss P (links.loss of every run; default: the scenario's)
#            --clocksim PATH (use this binary, skip the build)
#
# Every run: one crash of the master (60 s; 120 s from 256 nodes on), no return of the old
# master, `expect` reduced to masters_at_end == 1. From 256 nodes on the Berkeley round is made to
# fit its period (probes 3, good_replies 1, period 10 s), TSP's election timeout becomes
# uniform(15 s, 30 s) and the ring's election timeout 20 s; bench/failover_table.py overrides()
# says why, and the printed table lists every override.
#
# The default table is 4 x {8, 64, 512} x 20 seeds (240 runs); the 512-node runs are nearly all
# of its time. Results go to DIR/table.md, DIR/table.json and one run folder per seed (DIR/<algorithm>-n<N>/).
# Builds build/release (the release preset, as scripts/demo.sh does) with -j2 when no --clocksim.
set -euo pipefail
cd "$(dirname "$0")/.."
clocksim=""
args=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --clocksim) clocksim="$2"; shift 2 ;;
    --clocksim=*) clocksim="${1#--clocksim=}"; shift ;;
    *) args+=("$1"); shift ;;
  esac
done
if [[ -z "$clocksim" ]]; then
  [[ -f build/release/CMakeCache.txt ]] || cmake --preset release >/dev/null
  cmake --build --preset release -j 2 --target clocksim >&2
  clocksim=build/release/sim/clocksim
fi
# Debian's interpreter, with the python3-* packages scripts/install-deps.sh installs, as every
# script of analysis/ and bench/ uses: a python3 found first on PATH (pyenv, a venv) may lack them.
exec /usr/bin/python3 bench/failover_table.py --clocksim "$clocksim" ${args[@]+"${args[@]}"}
