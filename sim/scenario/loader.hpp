// The strict scenario loader: YAML text in, a validated ScenarioSpec out, or a ScenarioError
// that names file:line:col, the key path and what was expected. The schema is documented in
// docs/scenario-reference.md (and docs/scenario.schema.json for editors).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "sim/scenario/error.hpp"
#include "sim/scenario/spec.hpp"

namespace clocksim::sim {
class TopologyCache;
}

namespace clocksim::scenario {

struct LoadOptions {
  std::vector<std::string> set_overrides;  // "key.path=value", applied in order before validation
  // A file or random topology the loader builds to check it goes here, for the run to take
  // (RunOptions::topologies) instead of building it again; not owned. Null: built and dropped.
  sim::TopologyCache* topologies = nullptr;
  // The caller reads the run's summary.json (a sweep: sweep.csv, resuming and --merge all do),
  // so `output.summary: false` is refused at the place it is written.
  bool require_summary = false;
};

// Reads and validates a scenario file; a relative topology file is resolved against the
// scenario's directory.
ScenarioSpec load_scenario_file(const std::string& path, const LoadOptions& options = {});

// Validates scenario text; `display_name` names it in errors and locates relative files.
ScenarioSpec load_scenario_text(std::string_view yaml, const std::string& display_name, const LoadOptions& options = {});

}  // namespace clocksim::scenario
