// Under host: daemon clocksyncd's clock guard judges every correction; a bound is claimed only
// where the guard can never refuse or clamp one the bound counts on.
#include "sim/bound/hosted_guard.hpp"

#include <gtest/gtest.h>

#include <string>

#include "sim/bound/skew_bound.hpp"
#include "sim/scenario/loader.hpp"
#include "sim/bound/no_bound_text.hpp"

namespace clocksim::sim {
namespace {

HostedGuardLimits defaults() {
  scenario::ScenarioSpec spec;
  spec.host = scenario::NodeHost::kDaemon;
  return *hosted_guard_limits(spec);
}

bounds::SkewBound with_corrections(double first_s, double steady_s, double cycle_min_s) {
  bounds::SkewBound b;
  b.valid = true;
  b.correction_first = first_s;
  b.correction_steady = steady_s;
  b.cycle_min = cycle_min_s;
  return b;
}

TEST(HostedGuard, OnlyUnderTheDaemonHost) {
  scenario::ScenarioSpec spec;
  EXPECT_FALSE(hosted_guard_limits(spec).has_value());
  const HostedGuardLimits l = defaults();
  EXPECT_DOUBLE_EQ(l.master_correction_s, 1.0);  // master_max_adjust
  EXPECT_DOUBLE_EQ(l.correction_s, 1000.0);      // panic_threshold
  EXPECT_DOUBLE_EQ(l.window_s, 3600.0);
  EXPECT_DOUBLE_EQ(l.rate_ppm, 500.0);
}

TEST(HostedGuard, AMastersOwnCorrectionAboveOneSecondBreaksTheBound) {
  const HostedGuardLimits l = defaults();
  EXPECT_EQ(guard_breaks_bound(with_corrections(0.9, 0.01, 10), l, true, 0).why, bounds::NoBoundWhy::kNone);
  const bounds::NoBound why = guard_breaks_bound(with_corrections(2.25, 0.5, 10), l, true, 0);
  ASSERT_EQ(why.why, bounds::NoBoundWhy::kGuardRefusesCorrection);
  EXPECT_DOUBLE_EQ(why.amount_s, 2.25);
  EXPECT_DOUBLE_EQ(why.limit_s, 1.0);
  EXPECT_NE(no_bound_text(why).find("clock guard"), std::string::npos) << no_bound_text(why);
  // A Cristian server corrects nothing: its clients meet the panic threshold only.
  EXPECT_EQ(guard_breaks_bound(with_corrections(20, 0.5, 100), l, false, 0).why, bounds::NoBoundWhy::kNone);
  EXPECT_EQ(guard_breaks_bound(with_corrections(1001, 0.5, 100), l, false, 0).why, bounds::NoBoundWhy::kGuardRefusesCorrection);
}

TEST(HostedGuard, CorrectionsAddingUpPastThePanicThresholdWithinTheWindowBreakIt) {
  const HostedGuardLimits l = defaults();
  // The first round and 3,601 more of 1 s within an hour, 0.5 s each: 1,801 s, past 1,000 s.
  EXPECT_EQ(guard_breaks_bound(with_corrections(0.5, 0.5, 1), l, true, 0).why, bounds::NoBoundWhy::kGuardRefusesCorrectionSum);
  EXPECT_EQ(guard_breaks_bound(with_corrections(0.2, 0.2, 1), l, true, 0).why, bounds::NoBoundWhy::kNone);
  // A first correction far larger than the steady ones counts once (Cristian: 60 s, then 1 ms).
  EXPECT_EQ(guard_breaks_bound(with_corrections(60, 0.001, 10), l, false, 0).why, bounds::NoBoundWhy::kNone);
  EXPECT_EQ(guard_breaks_bound(with_corrections(60, 3, 10), l, false, 0).why, bounds::NoBoundWhy::kGuardRefusesCorrectionSum);  // 60 + 361 · 3 s
}

TEST(HostedGuard, RateCorrectionsAboveTheClampBreakIt) {
  const HostedGuardLimits l = defaults();
  EXPECT_EQ(guard_breaks_bound(with_corrections(0.01, 0.01, 10), l, true, 500).why, bounds::NoBoundWhy::kNone);
  EXPECT_EQ(guard_breaks_bound(with_corrections(0.01, 0.01, 10), l, true, 1000).why, bounds::NoBoundWhy::kGuardClampsRate);
}

// scenarios/berkeley-high-drift.yaml: ±10 % drift makes the master's own correction up to 2.25 s,
// which clocksyncd refuses (master_max_adjust): under host: daemon its skew reached 19.6 s
// against a stated 2.28 s.
TEST(HostedGuard, HighDriftBerkeleyHasNoBoundUnderTheDaemonHost) {
  scenario::ScenarioSpec spec =
      scenario::load_scenario_file(std::string(CLOCKSIM_SOURCE_DIR) + "/scenarios/berkeley-high-drift.yaml");
  ASSERT_NE(make_skew_bound(spec).bound, nullptr);
  spec.host = scenario::NodeHost::kDaemon;
  const BoundAvailability a = make_skew_bound(spec);
  EXPECT_EQ(a.bound, nullptr);
  EXPECT_EQ(a.no_bound.why, bounds::NoBoundWhy::kGuardRefusesCorrection) << no_bound_text(a.no_bound);
  EXPECT_NE(no_bound_text(a.no_bound).find("host: daemon"), std::string::npos) << no_bound_text(a.no_bound);
}

}  // namespace
}  // namespace clocksim::sim
