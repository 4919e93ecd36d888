// The runs of a sweep, in matrix order (first parameter slowest, seed fastest), each with the
// exact `--set` overrides that `clocksim run` would take and a stable folder name.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "config/error.hpp"
#include "sim/sweep/sweep_spec.hpp"

namespace clocksim::sweep {

struct PlannedRun {
  std::size_t index = 0;
  std::string folder;                  // relative to the sweep's --out, e.g. "period=5s,drift_ppm=10,seed=1"
  std::vector<std::string> values;     // one per matrix parameter, as written in the sweep file
  std::optional<std::uint64_t> seed;   // empty: the base scenario's own seed
  // "path=value": the sweep's set:, then the matrix, then seed, then output.trace=false unless
  // the sweep keeps traces
  std::vector<std::string> overrides;
};

std::vector<PlannedRun> plan_sweep(const SweepSpec& spec);

// A run's scenario refused on loading, said where the user wrote the cause: a value of the
// matrix or of `set:` that the base scenario refuses is reported at that value in the sweep file,
//   "sweep.yaml:5:26: error: at 'matrix.nodes' = '3,4' (run nodes=3_4): expected an integer, got '3,4'"
// anything else (an error in the base file itself) as the base file reports it, after the run.
std::string describe_run_error(const SweepSpec& spec, const PlannedRun& run, const config::ConfigError& error);

// The single-run command that produces the same folder, for logs and docs:
//   clocksim run base.yaml --set a=1 --set seed=2 --out OUT/folder
std::string equivalent_run_command(const SweepSpec& spec, const PlannedRun& run, const std::string& out_dir);

}  // namespace clocksim::sweep
