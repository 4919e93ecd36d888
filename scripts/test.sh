#!/usr/bin/env bash
# README command 2: installs what is missing, builds with warnings as errors, runs every test;
# then (unless CLOCKSIM_SKIP_SANITIZERS=1) builds again under AddressSanitizer and
# UndefinedBehaviorSanitizer and runs the unit and scenario tests there too.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
jobs=$(nproc)

cmake --preset ci >/dev/null
cmake --build --preset ci -j "$jobs"
ctest --preset ci -j "$jobs"

if [[ "${CLOCKSIM_SKIP_SANITIZERS:-0}" != 1 ]]; then
  cmake --preset asan >/dev/null
  cmake --build --preset asan -j "$jobs"
  ctest --preset asan -j "$jobs"
fi
