// The two halves of the bound hook agree: each sync algorithm either declares that it has no bound
// (and make_skew_bound gives its reason) or has a bound function registered under its kind.
#include "sim/bound/bound_hook.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "algorithms/registry.hpp"
#include "sim/scenario/loader.hpp"
#include "tests/sim/run/run_in_memory.hpp"
#include "sim/bound/no_bound_text.hpp"

namespace clocksim::sim {
namespace {

using algorithms::Layer;

TEST(BoundHook, EveryDeclaredHookIsRegisteredAndEveryHookIsDeclared) {
  for (const auto& r : algorithms::registrations()) {
    if (r.info.layer != Layer::kSync) continue;
    EXPECT_EQ(find_bound_hook(r.info.kind) != nullptr, r.bound.has_hook()) << r.info.kind;
  }
  std::size_t files = 0;
  for (const auto& e : std::filesystem::directory_iterator(std::string(CLOCKSIM_SOURCE_DIR) + "/sim/bound")) {
    if (e.path().filename().string().ends_with("_bound_hook.cpp")) ++files;
  }
  const auto hooks = registered_bound_hooks();
  EXPECT_EQ(hooks.size(), files) << "a bound hook file is not in the generated list: reconfigure";
  for (const auto& h : hooks) {
    const auto* r = algorithms::find_registration(h.kind, Layer::kSync);
    ASSERT_NE(r, nullptr) << "a bound hook for an unregistered kind: " << h.kind;
    EXPECT_TRUE(r->bound.has_hook()) << h.kind << " declares no bound but has a hook";
  }
}

scenario::ScenarioSpec spec_for(const std::string& sync) {
  return scenario::load_scenario_text("name: t\nduration: 60s\ntick: 1s\nnodes: 4\nclocks:\n  drift_ppm: uniform(-20, 20)\n"
                                      "links:\n  latency: uniform(1ms, 2ms)\nalgorithm: {sync: {kind: " + sync + "}}\n",
                                      "t.yaml");
}

// A clock resolution of 3e9 s makes Berkeley's bound (four resolutions and more) exceed int64
// nanoseconds at some ticks. It saturates at the largest value; a wrap to -2^63 made skew.csv list
// a negative bound and `max_skew: 0.5 * bound` fail a skew of 0 ("allowed -4611686018.427s").
TEST(BoundHook, ABoundBeyondTheNanosecondRangeSaturatesInsteadOfTurningNegative) {
  const auto spec = scenario::load_scenario_text(
      "name: t\nduration: 60s\ntick: 1s\nnodes: 4\nclocks: {resolution: 3000000000s}\n"
      "links: {latency: \"uniform(1ms, 5ms)\"}\nalgorithm: {sync: {kind: berkeley, period: 10s, step_threshold: 1ms}}\n"
      "expect:\n  - {max_skew: bound}\n  - {max_skew: 0.5 * bound}\n",
      "t.yaml");
  const auto r = testing::run_in_memory(spec);
  std::istringstream skew(r.files.at("skew.csv"));
  std::string line;
  std::getline(skew, line);
  int rows = 0;
  while (std::getline(skew, line)) {
    std::vector<std::string> cols;
    std::stringstream ls(line);
    for (std::string c; std::getline(ls, c, ',');) cols.push_back(c);
    ASSERT_GE(cols.size(), 4u) << line;
    if (cols[3].empty()) continue;
    ++rows;
    EXPECT_GE(std::stoll(cols[3]), 0) << line;
  }
  EXPECT_GT(rows, 0);
  EXPECT_TRUE(r.outcome.expectations_passed);
  for (const auto& e : r.summary["expects"]) EXPECT_EQ(e["detail"].get<std::string>().find("allowed -"), std::string::npos) << e;
}

TEST(BoundHook, AnAlgorithmWithoutABoundGivesItsReason) {
  for (const char* kind : {"ntp", "neighbour_average"}) {
    const auto b = make_skew_bound(spec_for(kind));
    EXPECT_EQ(b.bound, nullptr) << kind;
    EXPECT_EQ(b.no_bound.why, bounds::NoBoundWhy::kNoModel) << kind;
    EXPECT_EQ(b.no_bound.algorithm, kind);
    EXPECT_EQ(no_bound_text(b.no_bound), algorithms::find_registration(kind, Layer::kSync)->bound.no_bound_reason);
  }
}

TEST(BoundHook, AnAlgorithmWithAHookGetsItsBound) {
  for (const char* kind : {"none", "berkeley", "welch_lynch"}) {
    const auto b = make_skew_bound(spec_for(kind));
    EXPECT_NE(b.bound, nullptr) << kind << ": " << no_bound_text(b.no_bound);
  }
}

TEST(BoundHook, LiarsBreakTheHonestModelsOnly) {
  const std::string byz = "faults:\n  - {at: 0s, byzantine: {node: n3, mode: two_faced, lie: 40ms, told_behind: [n0, n1]}}\n";
  auto with_liar = [&](const std::string& kind) {
    return scenario::load_scenario_text("name: t\nduration: 60s\ntick: 1s\nnodes: 4\nlinks:\n  latency: uniform(1ms, 2ms)\n"
                                        "algorithm: {sync: {kind: " + kind + "}}\n" + byz,
                                        "t.yaml");
  };
  EXPECT_EQ(liars_break_the_model(with_liar("berkeley")).why, bounds::NoBoundWhy::kByzantineClocks);
  EXPECT_EQ(make_skew_bound(with_liar("berkeley")).bound, nullptr);
  EXPECT_EQ(liars_break_the_model(spec_for("berkeley")).why, bounds::NoBoundWhy::kNone);
}

}  // namespace
}  // namespace clocksim::sim
