#include "sim/sweep/sweep_run_scenario.hpp"

#include <unistd.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "sim/scenario/error.hpp"

namespace clocksim::sweep {
namespace {

namespace fs = std::filesystem;

// A sweep knows a run is done by its summary.json and builds sweep.csv from it: a run that
// writes none is refused while the sweep is validated, where the setting is written, instead
// of being simulated and then failed.
class SweepRunScenario : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("clocksim_sweep_run_scenario_test-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  SweepSpec spec_with_base(const std::string& yaml) {
    std::ofstream(dir_ / "b.yaml") << yaml;
    SweepSpec spec;
    spec.source_file = (dir_ / "sw.yaml").string();
    spec.base_scenario = (dir_ / "b.yaml").string();
    spec.matrix = {{"nodes", {"3"}}};
    return spec;
  }

  fs::path dir_;
  sim::TopologyCache topologies_;
};

TEST_F(SweepRunScenario, ABaseWithoutSummaryIsRefusedWhereItSaysSo) {
  const SweepSpec spec = spec_with_base("name: b\nduration: 10s\nnodes: 4\noutput: {summary: false}\n");
  try {
    load_run_scenario(spec, plan_sweep(spec).front(), topologies_);
    FAIL() << "a run without summary.json was accepted";
  } catch (const scenario::ScenarioError& e) {
    EXPECT_EQ(std::string(e.what()), spec.base_scenario +
                                         ":4:19: error: at 'output.summary': a sweep reads every run's summary.json "
                                         "(sweep.csv, resuming, --merge); remove 'summary: false'");
  }
}

TEST_F(SweepRunScenario, ASetWithoutSummaryIsRefusedAtTheSweepFilesLine) {
  SweepSpec spec = spec_with_base("name: b\nduration: 10s\nnodes: 4\n");
  spec.fixed_overrides = {"output={summary: false}"};
  spec.fixed_origins = {{3, 8}};
  const PlannedRun run = plan_sweep(spec).front();
  try {
    load_run_scenario(spec, run, topologies_);
    FAIL() << "a run without summary.json was accepted";
  } catch (const scenario::ScenarioError& e) {
    const std::string said = describe_run_error(spec, run, e);
    EXPECT_EQ(said.rfind(spec.source_file + ":3:8: error: at 'set.output'", 0), 0u) << said;
    EXPECT_NE(said.find("a sweep reads every run's summary.json"), std::string::npos) << said;
  }
}

TEST_F(SweepRunScenario, SummaryOnIsTheDefault) {
  const SweepSpec spec = spec_with_base("name: b\nduration: 10s\nnodes: 4\n");
  EXPECT_TRUE(load_run_scenario(spec, plan_sweep(spec).front(), topologies_).output.summary);
}

// The sweep's record names what its runs read besides the base: every run's topology file, once
// each, whether the base names it or a run's value does.
TEST_F(SweepRunScenario, EveryRunsTopologyFileIsNotedOnce) {
  std::ofstream(dir_ / "a.dot") << "graph { n0 -- n1; n1 -- n2; }\n";
  std::ofstream(dir_ / "b.dot") << "graph { n0 -- n1; n0 -- n2; }\n";
  SweepSpec spec = spec_with_base("name: b\nduration: 10s\nnodes: 3\ntopology: full_mesh\n");
  spec.matrix = {{"topology", {"{file: a.dot}", "{file: b.dot}", "full_mesh", "{file: a.dot}"}}};
  for (const PlannedRun& run : plan_sweep(spec)) note_input_files(spec, load_run_scenario(spec, run, topologies_));
  ASSERT_EQ(spec.input_files.size(), 2u);
  EXPECT_EQ(spec.input_files[0], (dir_ / "a.dot").string());
  EXPECT_EQ(spec.input_files[1], (dir_ / "b.dot").string());
}

}  // namespace
}  // namespace clocksim::sweep
