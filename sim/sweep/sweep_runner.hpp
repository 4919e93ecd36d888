// Runs a planned sweep on a thread pool: one folder per run under --out, sweep.csv beside them.
// Resuming: a run whose folder already holds summary.json is done and is not run again. A run is
// written into "<folder>.partial" and renamed into place only once complete, so an interrupted
// sweep never leaves a folder that looks done but is not.
#pragma once

#include <cstddef>
#include <functional>
#include <iosfwd>
#include <string>
#include <vector>

#include "sim/sweep/sweep_plan.hpp"

namespace clocksim::sweep {

struct SweepOptions {
  std::string out_dir;
  unsigned jobs = 0;      // 0: all cores
  bool progress = false;  // a live progress line (the CLI sets it on a terminal)
};

// Runs one planned run, writing its files into `run_dir` (created by the callee). Throws on
// failure. Must be safe to call from several threads at once for different runs.
using RunFunction = std::function<void(const PlannedRun& run, const std::string& run_dir)>;

struct SweepReport {
  std::size_t total = 0;
  std::size_t resumed = 0;  // already done before this invocation
  std::size_t ran = 0;      // completed now
  std::vector<std::string> failures;  // "<folder>: <what>", in matrix order
};

SweepReport run_sweep(const SweepSpec& spec, const std::vector<PlannedRun>& runs, const SweepOptions& options,
                      const RunFunction& run_one, std::ostream& progress_out);

}  // namespace clocksim::sweep
