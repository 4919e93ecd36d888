// The bound's adversary corpus: scenarios under tests/sim/bound/cases/ each broke a skew bound
// once (found by fuzzing; the comment at the top of each says how). Every one must still get a
// bound, and hold it at every instant under the exact checker. A new counterexample goes in as a
// file: no code.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "sim/bound/skew_bound.hpp"
#include "sim/output/output_folder.hpp"
#include "sim/run/run_scenario.hpp"
#include "sim/scenario/loader.hpp"
#include "sim/bound/no_bound_text.hpp"
#include "tests/sim/yaml_files.hpp"

namespace clocksim::sim {
namespace {

namespace fs = std::filesystem;

std::vector<fs::path> cases() { return clocksim::testing::yaml_files_in("tests/sim/bound/cases"); }

TEST(BoundCases, EveryCounterexampleGetsABoundAndHoldsIt) {
  const auto files = cases();
  ASSERT_GE(files.size(), 7u);
  for (const fs::path& file : files) {
    SCOPED_TRACE(file.filename().string());
    const scenario::ScenarioSpec spec = scenario::load_scenario_file(file.string());
    const BoundAvailability bound = make_skew_bound(spec);
    ASSERT_NE(bound.bound, nullptr) << no_bound_text(bound.no_bound);
    MemoryFolder folder;
    RunOptions options;
    options.folder = &folder;
    std::ostringstream report;
    const RunOutcome outcome = run_scenario(spec, options, report);
    EXPECT_TRUE(outcome.expectations_passed) << report.str();
    // The case must claim the bound, not merely pass whatever else it expects.
    EXPECT_NE(report.str().find("ok    max_skew <= bound"), std::string::npos) << report.str();
  }
}

}  // namespace
}  // namespace clocksim::sim
