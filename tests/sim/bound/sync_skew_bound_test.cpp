// The engine's bound hook for berkeley/cristian: a bound where the derivation's assumptions hold,
// none (with the reason) where they do not.
#include "sim/bound/sync_skew_bound.hpp"

#include <gtest/gtest.h>

#include "tests/sim/bound/sync_bound_harness.hpp"

namespace clocksim::sim {
namespace {

using testing::load_repo_scenario;

TEST(SyncSkewBound, BasicScenarioHasTheDerivedBound) {
  const auto b = make_skew_bound(load_repo_scenario("berkeley-basic.yaml", 1));
  ASSERT_NE(b.bound, nullptr) << b.unavailable_reason;
  // docs/bounds.md §4.5: at t = 0, S0 + s·d_max = 20 ms + 25 µs.
  EXPECT_EQ(b.bound->at(Time::epoch())->ns(), 20'025'000);
  const auto steady = b.bound->at(Time::from_ns(100'000'000'000));
  ASSERT_TRUE(steady.has_value());
  EXPECT_GT(steady->ns(), 6'000'000);
  EXPECT_LT(steady->ns(), 7'000'000);
  EXPECT_NE(b.bound->describe().find("berkeley"), std::string::npos);
}

TEST(SyncSkewBound, NoBoundWhereTheAssumptionsFail) {
  // Loss: no bound fixed in advance; the epoch model (docs/bounds.md §7) follows the run.
  const auto lossy = make_skew_bound(load_repo_scenario("berkeley-basic.yaml", 1, {"links.loss=0.01"}));
  ASSERT_NE(lossy.bound, nullptr) << lossy.unavailable_reason;
  EXPECT_NE(lossy.bound->observer(), nullptr);
  const auto ring = make_skew_bound(load_repo_scenario("berkeley-basic.yaml", 1, {"topology=ring"}));
  EXPECT_EQ(ring.bound, nullptr);
  const auto slow = make_skew_bound(load_repo_scenario("berkeley-basic.yaml", 1, {"clocks.max_slew_ppm=500"}));
  EXPECT_EQ(slow.bound, nullptr);
  EXPECT_NE(slow.unavailable_reason.find("slews outlast"), std::string::npos);
  const auto cristian = make_skew_bound(load_repo_scenario("cristian-basic.yaml", 1));
  EXPECT_NE(cristian.bound, nullptr) << cristian.unavailable_reason;
}

}  // namespace
}  // namespace clocksim::sim
