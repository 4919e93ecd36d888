#!/usr/bin/env bash
# Builds the benchmarks in Release (build/bench, separate from the dev build) and prints the PHOLD
# table: events/s per event-queue variant, ratio to a bare std::priority_queue loop, memory.
# Extra arguments go to the benchmark (e.g. --reps 5).
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build/bench -G Ninja -DCMAKE_BUILD_TYPE=Release -DCLOCKSIM_BUILD_TESTS=OFF >/dev/null
cmake --build build/bench -j "$(nproc)" --target clocksim_bench_phold >/dev/null
echo "host: $(nproc) cores, $(uname -m), $(${CXX:-c++} --version | head -1)"
exec build/bench/bench/clocksim_bench_phold "$@"
