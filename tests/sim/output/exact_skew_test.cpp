#include "sim/output/exact_skew.hpp"

#include <gtest/gtest.h>

#include <map>
#include <sstream>
#include <string>

#include "sim/output/output_folder.hpp"
#include "sim/run/run_scenario.hpp"
#include "sim/scenario/loader.hpp"

namespace clocksim::sim {
namespace {

std::map<std::string, std::string> run_in_memory(const scenario::ScenarioSpec& spec, bool read_every_instant) {
  MemoryFolder folder;
  RunOptions options;
  options.quiet = true;
  options.folder = &folder;
  options.read_every_instant = read_every_instant;
  std::ostringstream report;
  run_scenario(spec, options, report);
  auto files = folder.take_files();
  // The run's own timing is the only thing that may differ: its lines are left out.
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

// Bounding an instant instead of reading every clock must never change a result: every file of
// shipped scenarios that exercise each kind of breakpoint (slews, steps, rate corrections,
// wander, crashes and restarts, Byzantine liars that turn honest, elections, the daemon's node
// loop) is the same both ways, byte for byte.
TEST(ExactSkewChecker, BoundingInstantsChangesNoOutput) {
  const std::string dir = std::string(CLOCKSIM_SOURCE_DIR) + "/scenarios/";
  struct Case {
    const char* file;
    std::vector<std::string> set;
  };
  const std::vector<Case> cases{
      {"berkeley-adversarial-together.yaml", {}},
      {"berkeley-rate-correction.yaml", {}},
      {"berkeley-textbook.yaml", {}},
      {"drift-only.yaml", {}},
      {"wander-and-step.yaml", {}},
      {"byzantine-berkeley.yaml", {}},
      {"welch-lynch-byzantine.yaml", {}},
      {"cristian-basic.yaml", {}},
      {"failover.yaml", {"duration=60s", "faults=[{at: 60s, crash: master}]"}},
      {"partition-heal.yaml", {}},
      {"graceful-handover.yaml", {"host=daemon"}},
      {"berkeley-basic.yaml", {"algorithm.sync.step_threshold=1us"}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.file);
    scenario::LoadOptions load;
    load.set_overrides = c.set;
    const auto spec = scenario::load_scenario_file(dir + c.file, load);
    const auto bounded = run_in_memory(spec, false);
    const auto read_all = run_in_memory(spec, true);
    ASSERT_EQ(bounded.size(), read_all.size());
    for (const auto& [name, text] : read_all) {
      SCOPED_TRACE(name);
      EXPECT_TRUE(bounded.at(name) == text) << "differs when instants are bounded";
    }
  }
}

}  // namespace
}  // namespace clocksim::sim
