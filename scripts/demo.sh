#!/usr/bin/env bash
# README command 1: installs what is missing, builds the release binary and runs the default
# failover scenario into out/failover (trace, skew, summary, narrative; plots when the analysis
# scripts are present).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release -j "$(nproc)" --target clocksim
scenario=scenarios/failover.yaml
[[ -f "$scenario" ]] || scenario=scenarios/drift-only.yaml
./build/release/sim/clocksim run "$scenario" --out out/failover --plot "$@"
