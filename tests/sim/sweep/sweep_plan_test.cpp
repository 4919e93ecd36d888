#include "sim/sweep/sweep_plan.hpp"

#include <gtest/gtest.h>

#include <set>

namespace clocksim::sweep {
namespace {

SweepSpec two_by_two() {
  SweepSpec spec;
  spec.base_scenario = "scenarios/base.yaml";
  spec.fixed_overrides = {"duration=1m"};
  spec.matrix = {{"algorithm.sync.period", {"5s", "10s"}}, {"clocks.drift_ppm", {"10", "uniform(-1, 1)"}}};
  spec.seeds = {1, 2};
  return spec;
}

TEST(SweepPlan, MatrixOrderFirstParameterSlowestSeedFastest) {
  const std::vector<PlannedRun> runs = plan_sweep(two_by_two());
  ASSERT_EQ(runs.size(), 8u);
  EXPECT_EQ(runs[0].folder, "period=5s,drift_ppm=10,seed=1");
  EXPECT_EQ(runs[1].folder, "period=5s,drift_ppm=10,seed=2");
  EXPECT_EQ(runs[2].folder, "period=5s,drift_ppm=uniform_-1__1_,seed=1");
  EXPECT_EQ(runs[7].folder, "period=10s,drift_ppm=uniform_-1__1_,seed=2");
  EXPECT_EQ(runs[7].values, (std::vector<std::string>{"10s", "uniform(-1, 1)"}));
  // The sweep's set:, the matrix, the seed; then traces off unless the sweep asks for them.
  EXPECT_EQ(runs[7].overrides,
            (std::vector<std::string>{"duration=1m", "algorithm.sync.period=10s", "clocks.drift_ppm=uniform(-1, 1)",
                                      "seed=2", "output.trace=false"}));
  for (std::size_t i = 0; i < runs.size(); ++i) EXPECT_EQ(runs[i].index, i);
}

TEST(SweepPlan, AWholeOutputMappingDoesNotBringTracesBack) {
  SweepSpec spec = two_by_two();
  spec.fixed_overrides = {"output={compress: gzip}"};
  for (const PlannedRun& run : plan_sweep(spec)) EXPECT_EQ(run.overrides.back(), "output.trace=false");
}

TEST(SweepPlan, TracesKeptOnlyWhenTheSweepAsks) {
  SweepSpec spec = two_by_two();
  spec.traces = true;
  for (const PlannedRun& run : plan_sweep(spec)) {
    EXPECT_EQ(run.overrides.front(), "duration=1m");
    for (const std::string& o : run.overrides) EXPECT_EQ(o.find("output.trace"), std::string::npos) << o;
  }
}

TEST(SweepPlan, WithoutSeedsEachCombinationRunsOnceWithTheBaseSeed) {
  SweepSpec spec = two_by_two();
  spec.seeds.clear();
  const std::vector<PlannedRun> runs = plan_sweep(spec);
  ASSERT_EQ(runs.size(), 4u);
  EXPECT_FALSE(runs[0].seed.has_value());
  EXPECT_EQ(runs[0].folder, "period=5s,drift_ppm=10");
  EXPECT_EQ(runs[0].overrides.back(), "output.trace=false");
  EXPECT_EQ(runs[0].overrides.end()[-2], "clocks.drift_ppm=10");
}

TEST(SweepPlan, FoldersStayUniqueWhenValuesSanitizeAlike) {
  SweepSpec spec;
  spec.matrix = {{"links.latency", {"uniform(1ms, 2ms)", "uniform(1ms,_2ms)"}}, {"a.max", {"1"}}, {"b.max", {"2"}}};
  const std::vector<PlannedRun> runs = plan_sweep(spec);
  ASSERT_EQ(runs.size(), 2u);
  EXPECT_NE(runs[0].folder, runs[1].folder);
  EXPECT_EQ(runs[0].folder.rfind("latency=uniform_1ms__2ms_,a.max=1,b.max=2~", 0), 0u) << runs[0].folder;
  EXPECT_EQ(plan_sweep(spec)[0].folder, runs[0].folder);  // stable across calls
}

// File systems refuse a name over 255 bytes; with the ".partial" of a run in progress and a
// "~tag" for names alike, every planned folder must still fit.
TEST(SweepPlan, FoldersFitInAFileNameHoweverLongTheValues) {
  SweepSpec spec;
  const std::string schedule(300, 'x');
  spec.matrix = {{"faults", {"[{at: 20s, crash: master}]", schedule, schedule + " "}}, {"description", {std::string(300, 'y')}}};
  spec.seeds = {1, 2};
  std::set<std::string> folders;
  for (const PlannedRun& run : plan_sweep(spec)) {
    EXPECT_LE((run.folder + ".partial").size(), 255u) << run.folder;
    folders.insert(run.folder);
  }
  EXPECT_EQ(folders.size(), 6u);
}

TEST(SweepPlan, EquivalentRunCommandQuotesForTheShell) {
  const std::vector<PlannedRun> runs = plan_sweep(two_by_two());
  EXPECT_EQ(equivalent_run_command(two_by_two(), runs[2], "out"),
            "clocksim run scenarios/base.yaml --set duration=1m --set algorithm.sync.period=5s "
            "--set 'clocks.drift_ppm=uniform(-1, 1)' --set seed=1 --set output.trace=false "
            "--out out/period=5s,drift_ppm=uniform_-1__1_,seed=1");
}

}  // namespace
}  // namespace clocksim::sweep
