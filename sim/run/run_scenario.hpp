// One complete run: world + recorder + analysis, progress on a terminal, and the files of
// docs/output-formats.md in the output folder. Shared by `clocksim run` and the sweep runner.
#pragma once

#include <exception>
#include <functional>
#include <iosfwd>
#include <string>

#include "sim/scenario/spec.hpp"

namespace clocksim::sim {

class TopologyCache;

class OutputFolder;

struct RunOptions {
  std::string out_dir;          // created if missing; unused when `folder` is set
  bool progress = false;        // print progress lines (the CLI sets it on a terminal)
  bool quiet = false;           // no result lines either
  OutputFolder* folder = nullptr;  // where the files go instead of out_dir (e.g. memory); not owned
  // The exact skew checker reads every clock at every instant instead of first bounding it
  // (sim/output/exact_skew.hpp): slower, the same results; tests compare the two.
  bool read_every_instant = false;
  // Asked every tenth of a second of wall time or so; true stops the run with RunStopped (how an
  // in-process caller such as the Python module lets Ctrl-C through a long run).
  std::function<bool()> should_stop = nullptr;
  // Where the world takes its topology from (the loader's, when it was given the same cache); not
  // owned. Null: the world builds it.
  TopologyCache* topologies = nullptr;
};

// Thrown when RunOptions::should_stop said so. Nothing is published: the output folder is as it
// was. Not a std::runtime_error, so that callers counting failed runs (the sweep) let it through.
struct RunStopped : std::exception {
  const char* what() const noexcept override { return "the run was stopped"; }
};

struct RunOutcome {
  bool expectations_passed = true;
  std::uint64_t events_processed = 0;
  double wall_time_s = 0;
};

// Runs the scenario; throws std::runtime_error on I/O failure (nothing half-written remains). A
// write refused in the middle of the run (sim/output/output_room.hpp refused_write_message) says
// which file, how far the run got and what to change.
// Writes a short human report to `report` (which expectations held, by how much they failed).
RunOutcome run_scenario(const scenario::ScenarioSpec& spec, const RunOptions& options, std::ostream& report);

}  // namespace clocksim::sim
