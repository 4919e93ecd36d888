#!/usr/bin/env bash
# Installs the Debian 12 packages clocksim needs to build, test, benchmark and plot.
# Idempotent and quiet when everything is already there. Needs root (or sudo) only to install.
set -euo pipefail

packages=(
  build-essential cmake ninja-build ccache pkg-config
  libboost-graph-dev libboost-random-dev libyaml-cpp-dev libeigen3-dev
  libgtest-dev libgmock-dev libbenchmark-dev libcli11-dev nlohmann-json3-dev libssl-dev
  libcap-dev libseccomp-dev zlib1g-dev
  python3 python3-matplotlib python3-numpy python3-pandas python3-pytest
  python3-jsonschema python3-yaml
  openmpi-bin libopenmpi-dev
  pybind11-dev python3-pybind11 python3-dev
  chrony    # the NTP interoperability test (daemon label) talks to a real chronyd on loopback
  chromium  # the report's browser test (label "browser") renders report.html headless
  clang libclang-rt-14-dev  # the wire decoders' libFuzzer targets (label "fuzz")
  libns3-dev  # the peer benchmark (bench/peers.sh) and its CTest check: ns-3 runs the same workloads
  locales   # glibc's locale sources: tests compile a ',' decimal locale and check outputs do not change
)
# Every test is part of the normal run, so everything any test needs is installed for everyone:
# a test whose dependency is missing fails and names the package; none is skipped.

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]} == 0)); then exit 0; fi

echo "installing: ${missing[*]}" >&2
sudo_cmd=()
if [[ $(id -u) != 0 ]]; then sudo_cmd=(sudo); fi
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
