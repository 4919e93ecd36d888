// A whole run of a scenario into memory, for tests that judge its files: no folder on disk, the
// files by name, summary.json parsed.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "sim/output/output_folder.hpp"
#include "sim/run/run_scenario.hpp"
#include "sim/scenario/spec.hpp"

namespace clocksim::sim::testing {

struct InMemoryRun {
  RunOutcome outcome;
  std::map<std::string, std::string> files;
  nlohmann::json summary;
};

inline InMemoryRun run_in_memory(const scenario::ScenarioSpec& spec) {
  MemoryFolder folder;
  RunOptions options;
  options.folder = &folder;
  options.quiet = true;
  std::ostringstream report;
  InMemoryRun r;
  r.outcome = run_scenario(spec, options, report);
  r.files = folder.take_files();
  r.summary = nlohmann::json::parse(r.files.at("summary.json"));
  return r;
}

}  // namespace clocksim::sim::testing
