#!/usr/bin/env bash
# The peer comparison (bench/peers.py, docs/performance.md): installs ns-3 from Debian if it is
# missing, builds clocksim and the peer harnesses in Release (build/bench) and prints the table.
#   bench/peers.sh [--quick] [--full] [--reps N] [--cpu N] [--star-only]
set -euo pipefail
cd "$(dirname "$0")/.."
if ! dpkg -s libns3-dev >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q libns3-dev >/dev/null
  else
    sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -q libns3-dev >/dev/null
  fi
fi
cmake -S . -B build/bench -G Ninja -DCMAKE_BUILD_TYPE=Release -DCLOCKSIM_BUILD_TESTS=OFF >/dev/null
cmake --build build/bench -j "$(nproc)" --target clocksim clocksim_bench_bare clocksim_bench_ns3 clocksim_bench_engine >/dev/null
echo "$(${CXX:-c++} --version | head -1); ns-3 $(dpkg-query -W -f='${Version}' libns3-dev)"
exec bench/peers.py build/bench "$@"
