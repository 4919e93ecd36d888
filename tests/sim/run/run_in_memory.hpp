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

// `read_every_instant`: the exact checker's reference mode (RunOptions).
inline InMemoryRun run_in_memory(const scenario::ScenarioSpec& spec, bool read_every_instant = false) {
  MemoryFolder folder;
  RunOptions options;
  options.folder = &folder;
  options.quiet = true;
  options.read_every_instant = read_every_instant;
  std::ostringstream report;
  InMemoryRun r;
  r.outcome = run_scenario(spec, options, report);
  r.files = folder.take_files();
  r.summary = nlohmann::json::parse(r.files.at("summary.json"));
  return r;
}

// Every file of a run by name, with the run's own timing (summary.json's wall_time_s and
// events_per_s lines) left out: what two runs that must agree byte for byte are compared on.
inline std::map<std::string, std::string> files_without_timing(const scenario::ScenarioSpec& spec,
                                                               bool read_every_instant = false) {
  auto files = run_in_memory(spec, read_every_instant).files;
  if (auto it = files.find("summary.json"); it != files.end()) {
    std::istringstream in(it->second);
    std::string kept;
    for (std::string line; std::getline(in, line);) {
      if (line.find("\"wall_time_s\"") == std::string::npos && line.find("\"events_per_s\"") == std::string::npos) {
        kept += line + "\n";
      }
    }
    it->second = kept;
  }
  return files;
}

}  // namespace clocksim::sim::testing
