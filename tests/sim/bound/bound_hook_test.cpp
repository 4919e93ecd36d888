// The two halves of the bound hook agree: each sync algorithm either declares that it has no bound
// (and make_skew_bound gives its reason) or has a bound function registered under its kind.
#include "sim/bound/bound_hook.hpp"

#include <gtest/gtest.h>

#include <filesystem>

#include "algorithms/registry.hpp"
#include "sim/scenario/loader.hpp"

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

TEST(BoundHook, AnAlgorithmWithoutABoundGivesItsReason) {
  for (const char* kind : {"ntp", "neighbour_average"}) {
    const auto b = make_skew_bound(spec_for(kind));
    EXPECT_EQ(b.bound, nullptr) << kind;
    EXPECT_EQ(b.unavailable_reason, algorithms::find_registration(kind, Layer::kSync)->bound.no_bound_reason);
  }
}

TEST(BoundHook, AnAlgorithmWithAHookGetsItsBound) {
  for (const char* kind : {"none", "berkeley", "welch_lynch"}) {
    const auto b = make_skew_bound(spec_for(kind));
    EXPECT_NE(b.bound, nullptr) << kind << ": " << b.unavailable_reason;
  }
}

TEST(BoundHook, LiarsBreakTheHonestModelsOnly) {
  const std::string byz = "faults:\n  - {at: 0s, byzantine: {node: n3, mode: two_faced, lie: 40ms, told_behind: [n0, n1]}}\n";
  auto with_liar = [&](const std::string& kind) {
    return scenario::load_scenario_text("name: t\nduration: 60s\ntick: 1s\nnodes: 4\nlinks:\n  latency: uniform(1ms, 2ms)\n"
                                        "algorithm: {sync: {kind: " + kind + "}}\n" + byz,
                                        "t.yaml");
  };
  EXPECT_NE(liars_break_the_model(with_liar("berkeley")), std::nullopt);
  EXPECT_EQ(make_skew_bound(with_liar("berkeley")).bound, nullptr);
  EXPECT_EQ(liars_break_the_model(spec_for("berkeley")), std::nullopt);
}

}  // namespace
}  // namespace clocksim::sim
