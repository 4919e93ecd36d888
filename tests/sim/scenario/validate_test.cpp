// validate_files (behind `clocksim validate`) and the shipped scenarios.
#include "sim/scenario/validate.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "tests/sim/scenario/shipped_scenarios.hpp"

namespace clocksim::scenario {
namespace {

using clocksim::testing::shipped_scenarios;

TEST(Validate, EveryShippedScenarioIsValid) {
  const auto files = shipped_scenarios();
  ASSERT_FALSE(files.empty());
  std::ostringstream out, err;
  EXPECT_EQ(validate_files(files, out, err), 0) << err.str();
  EXPECT_EQ(err.str(), "");
  for (const auto& f : files) EXPECT_NE(out.str().find("ok: " + f), std::string::npos) << f;
}

TEST(Validate, DriftOnlyScenarioIsWhatTheEngineExpects) {
  const auto s = load_scenario_file(std::string(CLOCKSIM_SOURCE_DIR) + "/scenarios/drift-only.yaml");
  EXPECT_EQ(s.nodes.size(), 16u);
  EXPECT_EQ(s.algorithm.sync.kind, "none");
  EXPECT_EQ(s.clocks.drift_ppm.kind, Distribution::Kind::kUniform);
  EXPECT_EQ(s.duration.ns(), 600'000'000'000);
}

TEST(Validate, BadFileGivesExitCode2AndTheLocatedError) {
  const std::string dir = std::string(CLOCKSIM_BINARY_DIR) + "/validate_test";
  std::filesystem::create_directories(dir);
  std::ofstream(dir + "/good.yaml") << "duration: 1s\nnodes: 2\n";
  std::ofstream(dir + "/bad.yaml") << "duration: 1s\nnodes: 2\nseeed: 3\n";
  std::ostringstream out, err;
  EXPECT_EQ(validate_files({dir + "/good.yaml", dir + "/bad.yaml"}, out, err), 2);
  EXPECT_NE(out.str().find("ok: " + dir + "/good.yaml (good: 2 nodes, duration 1s"), std::string::npos) << out.str();
  EXPECT_NE(err.str().find(dir + "/bad.yaml:3:1: error: at 'seeed': unknown key 'seeed' (did you mean 'seed'?)"),
            std::string::npos)
      << err.str();
}

// Every unknown key of a mapping is named, not the first only, each at its place.
TEST(Validate, EveryUnknownKeyOfAMappingIsNamed) {
  const std::string dir = std::string(CLOCKSIM_BINARY_DIR) + "/validate_test";
  std::filesystem::create_directories(dir);
  std::ofstream(dir + "/keys.yaml") << "duration: 1s\nnodes: 2\nlinks:\n  latncy: 2ms\n  los: 0.1\n";
  std::ostringstream out, err;
  EXPECT_EQ(validate_files({dir + "/keys.yaml"}, out, err), 2);
  for (const char* line :
       {":4:3: error: at 'links.latncy': unknown key 'latncy' (did you mean 'latency'?)",
        ":5:3: error: at 'links.los': unknown key 'los' (did you mean 'loss'?)"}) {
    EXPECT_NE(err.str().find(dir + "/keys.yaml" + std::string(line)), std::string::npos) << err.str();
  }
}

TEST(Validate, MissingFileAndNoFiles) {
  std::ostringstream out, err;
  EXPECT_EQ(validate_files({"/nonexistent/x.yaml"}, out, err), 2);
  EXPECT_NE(err.str().find("/nonexistent/x.yaml: error: cannot open"), std::string::npos) << err.str();
  std::ostringstream out2, err2;
  EXPECT_EQ(validate_files({}, out2, err2), 2);
}

}  // namespace
}  // namespace clocksim::scenario

namespace clocksim::scenario {
namespace {

TEST(Validate, GoodFixturesLoad) {
  std::vector<std::string> files;
  for (const auto& e : std::filesystem::directory_iterator(std::string(CLOCKSIM_SOURCE_DIR) + "/tests/sim/scenario/good")) {
    files.push_back(e.path().string());
  }
  std::sort(files.begin(), files.end());
  ASSERT_GE(files.size(), 3u);
  std::ostringstream out, err;
  EXPECT_EQ(validate_files(files, out, err), 0) << err.str();
  const auto s = load_scenario_file(std::string(CLOCKSIM_SOURCE_DIR) + "/tests/sim/scenario/good/everything.yaml");
  EXPECT_EQ(s.nodes.size(), 6u);
  EXPECT_EQ(s.nodes[4].name, "n4");
  EXPECT_FALSE(s.nodes[5].can_be_master);
  EXPECT_EQ(s.faults[5].groups[2], (std::vector<NodeId>{3, 4, 5}));
  EXPECT_EQ(s.algorithm.sync.kind, "berkeley");
  EXPECT_EQ(s.algorithm.sync.params.get_choice("average"), "fault_tolerant");
}

}  // namespace
}  // namespace clocksim::scenario
