// The adversary of docs/extending.md's example: why `neighbour_average` declares no bound. On its
// own ring it holds the clocks within 3 ms; one two-faced liar (telling n2 it is 40 ms behind and
// everyone else 40 ms ahead) splits the honest clocks apart by more than the lie, and averaging
// never recovers while the liar stays.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>

#include "tests/sim/run/run_in_memory.hpp"
#include "sim/scenario/loader.hpp"

namespace clocksim::sim {
namespace {

nlohmann::json run_results(const scenario::ScenarioSpec& spec) { return testing::run_in_memory(spec).summary["results"]; }

TEST(NeighbourAverageLiar, OneTwoFacedNodeSplitsTheHonestClocks) {
  auto spec = scenario::load_scenario_file(std::string(CLOCKSIM_SOURCE_DIR) + "/scenarios/neighbour-average-ring.yaml");
  const auto honest = run_results(spec);
  EXPECT_LE(honest["max_skew_after_warmup_ns"].get<double>(), 3e6);
  EXPECT_TRUE(honest["bound_ns"].is_null());
  EXPECT_EQ(honest["bound_why"], "no_model");
  EXPECT_NE(honest["bound_note"].get<std::string>().find("tolerates no liar"), std::string::npos);

  const std::string text =
      "name: liar\nseed: 1\nduration: 10m\ntick: 1s\nwarmup: 1m\nnodes: 8\nclocks:\n  initial_offset: uniform(-25ms, 25ms)\n"
      "  drift_ppm: uniform(-50, 50)\ntopology: ring\nlinks:\n  latency: uniform(1ms, 3ms)\n"
      "algorithm: {sync: {kind: neighbour_average, period: 5s, read_window: 200ms, step_threshold: 0s}}\n"
      "faults:\n  - {at: 0s, byzantine: {node: n3, mode: two_faced, lie: 40ms, told_behind: [n2]}}\n";
  const auto lied_to = run_results(scenario::load_scenario_text(text, "liar.yaml"));
  // Measured: 60.1 ms at the end of the run, against 1.6 ms without the liar.
  EXPECT_GE(lied_to["max_skew_after_warmup_ns"].get<double>(), 40e6);
}

}  // namespace
}  // namespace clocksim::sim
