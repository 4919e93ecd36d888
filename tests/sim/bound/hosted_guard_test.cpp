// Under host: daemon clocksyncd's clock guard judges every correction; a bound is claimed only
// where the guard can never refuse or clamp one the bound counts on.
#include "sim/bound/hosted_guard.hpp"

#include <gtest/gtest.h>

#include <limits>
#include <string>

#include "sim/bound/skew_bound.hpp"
#include "sim/scenario/loader.hpp"
#include "sim/bound/no_bound_text.hpp"
#include "tests/sim/run/run_in_memory.hpp"

namespace clocksim::sim {
namespace {

using namespace clocksim::literals;

// The algorithm steps no correction: min_step has nothing to slew.
constexpr double kStepsNone = std::numeric_limits<double>::infinity();

HostedGuardLimits defaults() {
  scenario::ScenarioSpec spec;
  spec.host = scenario::NodeHost::kDaemon;
  return hosted_guard_limits(spec).front().limits;
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
  EXPECT_TRUE(hosted_guard_limits(spec).empty());
  const HostedGuardLimits l = defaults();
  EXPECT_DOUBLE_EQ(l.master_correction_s, 1.0);  // master_max_adjust
  EXPECT_DOUBLE_EQ(l.correction_s, 1000.0);      // panic_threshold
  EXPECT_DOUBLE_EQ(l.window_s, 3600.0);
  EXPECT_DOUBLE_EQ(l.rate_ppm, 500.0);
}

TEST(HostedGuard, AMastersOwnCorrectionAboveOneSecondBreaksTheBound) {
  const HostedGuardLimits l = defaults();
  EXPECT_EQ(guard_breaks_bound(with_corrections(0.9, 0.01, 10), l, true, 0, kStepsNone).why, bounds::NoBoundWhy::kNone);
  const bounds::NoBound why = guard_breaks_bound(with_corrections(2.25, 0.5, 10), l, true, 0, kStepsNone);
  ASSERT_EQ(why.why, bounds::NoBoundWhy::kGuardRefusesCorrection);
  EXPECT_DOUBLE_EQ(why.amount_s, 2.25);
  EXPECT_DOUBLE_EQ(why.limit_s, 1.0);
  EXPECT_NE(no_bound_text(why).find("clock guard"), std::string::npos) << no_bound_text(why);
  // A Cristian server corrects nothing: its clients meet the panic threshold only.
  EXPECT_EQ(guard_breaks_bound(with_corrections(20, 0.5, 100), l, false, 0, kStepsNone).why, bounds::NoBoundWhy::kNone);
  EXPECT_EQ(guard_breaks_bound(with_corrections(1001, 0.5, 100), l, false, 0, kStepsNone).why, bounds::NoBoundWhy::kGuardRefusesCorrection);
}

TEST(HostedGuard, CorrectionsAddingUpPastThePanicThresholdWithinTheWindowBreakIt) {
  const HostedGuardLimits l = defaults();
  // The first round and 3,601 more of 1 s within an hour, 0.5 s each: 1,801 s, past 1,000 s.
  EXPECT_EQ(guard_breaks_bound(with_corrections(0.5, 0.5, 1), l, true, 0, kStepsNone).why, bounds::NoBoundWhy::kGuardRefusesCorrectionSum);
  EXPECT_EQ(guard_breaks_bound(with_corrections(0.2, 0.2, 1), l, true, 0, kStepsNone).why, bounds::NoBoundWhy::kNone);
  // A first correction far larger than the steady ones counts once (Cristian: 60 s, then 1 ms).
  EXPECT_EQ(guard_breaks_bound(with_corrections(60, 0.001, 10), l, false, 0, kStepsNone).why, bounds::NoBoundWhy::kNone);
  EXPECT_EQ(guard_breaks_bound(with_corrections(60, 3, 10), l, false, 0, kStepsNone).why, bounds::NoBoundWhy::kGuardRefusesCorrectionSum);  // 60 + 361 · 3 s
}

TEST(HostedGuard, MinStepAboveTheSmallestStepBreaksIt) {
  HostedGuardLimits l = defaults();
  l.min_step_s = 0.01;
  EXPECT_EQ(guard_breaks_bound(with_corrections(0.5, 0.5, 10), l, true, 0, 0.01).why, bounds::NoBoundWhy::kNone);
  const bounds::NoBound why = guard_breaks_bound(with_corrections(0.5, 0.5, 10), l, true, 0, 0.005);
  EXPECT_EQ(why.why, bounds::NoBoundWhy::kGuardSlewsSteps);
  EXPECT_DOUBLE_EQ(why.amount_s, 0.005);
  EXPECT_DOUBLE_EQ(why.limit_s, 0.01);
  EXPECT_EQ(guard_breaks_bound(with_corrections(0.5, 0.5, 10), l, true, 0, 0).why, bounds::NoBoundWhy::kGuardSlewsSteps);
  EXPECT_EQ(guard_breaks_bound(with_corrections(0.5, 0.5, 10), l, true, 0, kStepsNone).why, bounds::NoBoundWhy::kNone);
}

// A frequency correction's movement counts in the panic window with the corrections: the largest
// rate the algorithm sends, for a window and a slice, with the guard's margin.
TEST(HostedGuard, RateCorrectionsMovementCountsTowardTheWindowsSum) {
  HostedGuardLimits l = defaults();
  l.correction_s = 0.5;
  // Steps: 0.001 + 361 x 0.001 = 0.362 s; alone within 0.5 s.
  EXPECT_EQ(guard_breaks_bound(with_corrections(0.001, 0.001, 10), l, true, 0, kStepsNone).why, bounds::NoBoundWhy::kNone);
  // With 100 ppm for an hour and a slice: 0.366 s more.
  const bounds::NoBound why = guard_breaks_bound(with_corrections(0.001, 0.001, 10), l, true, 100, kStepsNone);
  ASSERT_EQ(why.why, bounds::NoBoundWhy::kGuardRefusesCorrectionSum);
  EXPECT_NEAR(why.amount_s, 0.362 + 100e-6 * 3600 * (1 + 1.0 / 64) * 1.001, 1e-9);
  EXPECT_NE(no_bound_text(why).find("frequency"), std::string::npos) << no_bound_text(why);
  // 30 ppm: 0.110 s more, within.
  EXPECT_EQ(guard_breaks_bound(with_corrections(0.001, 0.001, 10), l, true, 30, kStepsNone).why, bounds::NoBoundWhy::kNone);
}

// End to end under host: daemon: Berkeley's frequency corrections with a panic budget they use up
// (50 ms an hour, where the slaves' rates move them by ~100 ms in the run's ten minutes). The bound
// is not claimed, the guard revokes rates (events.csv says so), and the run is the same bytes
// twice. With the default budget the bound is claimed and the guard never steps in.
TEST(HostedGuard, ABerkeleyRunWhoseRatesSpendTheBudgetHasItsRatesRevoked) {
  const std::string file = std::string(CLOCKSIM_SOURCE_DIR) + "/scenarios/berkeley-rate-correction.yaml";
  const auto plain = scenario::load_scenario_file(file, scenario::LoadOptions{{"host=daemon"}});
  ASSERT_NE(make_skew_bound(plain).bound, nullptr) << no_bound_text(make_skew_bound(plain).no_bound);
  const auto plain_run = testing::run_in_memory(plain);
  EXPECT_EQ(plain_run.files.at("events.csv").find("rate_budget_spent"), std::string::npos);
  EXPECT_EQ(plain_run.summary["results"]["bound_violations"], 0);

  const auto tight = scenario::load_scenario_file(file, scenario::LoadOptions{{"host=daemon", "limits.panic_threshold=50ms"}});
  EXPECT_EQ(make_skew_bound(tight).no_bound.why, bounds::NoBoundWhy::kGuardRefusesCorrectionSum)
      << no_bound_text(make_skew_bound(tight).no_bound);
  const auto first = testing::files_without_timing(tight);
  const std::string& events = first.at("events.csv");
  EXPECT_NE(events.find("rate_budget_spent"), std::string::npos);
  EXPECT_NE(events.find("a frequency correction of"), std::string::npos);
  EXPECT_TRUE(first == testing::files_without_timing(tight)) << "not the same bytes twice";
}

TEST(HostedGuard, RateCorrectionsAboveTheClampBreakIt) {
  const HostedGuardLimits l = defaults();
  EXPECT_EQ(guard_breaks_bound(with_corrections(0.01, 0.01, 10), l, true, 500, kStepsNone).why, bounds::NoBoundWhy::kNone);
  EXPECT_EQ(guard_breaks_bound(with_corrections(0.01, 0.01, 10), l, true, 1000, kStepsNone).why, bounds::NoBoundWhy::kGuardClampsRate);
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

// The scenario's limits are what the guard judges by, in the run and in the bound. With
// master_max_adjust off the high-drift master's own corrections pass, the bound is claimed again,
// and the run, checked at every instant, stays within it.
TEST(HostedGuard, AScenariosLimitsDecideTheBoundAndTheRunKeepsIt) {
  const std::string file = std::string(CLOCKSIM_SOURCE_DIR) + "/scenarios/berkeley-high-drift.yaml";
  const auto off = scenario::load_scenario_file(file, scenario::LoadOptions{{"host=daemon", "limits.master_max_adjust=0s"}});
  const BoundAvailability a = make_skew_bound(off);
  ASSERT_NE(a.bound, nullptr) << no_bound_text(a.no_bound);
  const auto run = testing::run_in_memory(off);
  EXPECT_EQ(run.summary["results"]["bound_violations"], 0) << run.summary["results"].dump();
  EXPECT_LE(run.summary["results"]["max_skew_ns"].get<double>(), run.summary["results"]["bound_ns"].get<double>());
  EXPECT_EQ(run.files.at("events.csv").find("clock_guarded"), std::string::npos) << "the guard let every correction through";

  // A panic threshold below the largest correction the bound counts on takes it away again.
  const auto tight = scenario::load_scenario_file(
      file, scenario::LoadOptions{{"host=daemon", "limits.master_max_adjust=0s", "limits.panic_threshold=1s"}});
  EXPECT_EQ(make_skew_bound(tight).no_bound.why, bounds::NoBoundWhy::kGuardRefusesCorrection);
}

// A node given limits of its own (clocksyncd's config differs per member) runs them, and the bound
// counts them: the high-drift master with master_max_adjust back on for it alone refuses its own
// corrections, only it does, and the bound, claimed without it, is declined naming it. A node
// whose own limits equal everyone's changes nothing, nor does a slave's master_max_adjust.
TEST(HostedGuard, ANodesOwnLimitsAreWhatItsGuardAndTheBoundGoBy) {
  const std::string file = std::string(CLOCKSIM_SOURCE_DIR) + "/scenarios/berkeley-high-drift.yaml";
  const auto same = scenario::load_scenario_file(
      file, scenario::LoadOptions{{"host=daemon", "limits.master_max_adjust=0s", "nodes.overrides.n3.limits.master_max_adjust=0s"}});
  ASSERT_EQ(same.node_limits.size(), 1u);
  ASSERT_NE(make_skew_bound(same).bound, nullptr) << no_bound_text(make_skew_bound(same).no_bound);
  EXPECT_EQ(hosted_guard_limits(same).size(), 1u);

  // master_max_adjust limits a master's own correction: a slave's (n3 never leads under the static
  // master) takes nothing from the bound, and the run, checked at every instant, keeps it.
  const auto slave = scenario::load_scenario_file(
      file, scenario::LoadOptions{{"host=daemon", "limits.master_max_adjust=0s", "nodes.overrides.n3.limits.master_max_adjust=1s"}});
  ASSERT_NE(make_skew_bound(slave).bound, nullptr) << no_bound_text(make_skew_bound(slave).no_bound);
  const auto slave_run = testing::run_in_memory(slave);
  EXPECT_EQ(slave_run.summary["results"]["bound_violations"], 0) << slave_run.summary["results"].dump();
  EXPECT_EQ(slave_run.files.at("events.csv").find("clock_guarded"), std::string::npos);

  const auto mixed = scenario::load_scenario_file(
      file, scenario::LoadOptions{{"host=daemon", "limits.master_max_adjust=0s", "nodes.overrides.n0.limits.master_max_adjust=1s"}});
  EXPECT_EQ(mixed.limits_of(0).master_max_adjust, 1_s);
  EXPECT_EQ(mixed.limits_of(1).master_max_adjust, Duration::zero());
  const BoundAvailability a = make_skew_bound(mixed);
  ASSERT_EQ(a.no_bound.why, bounds::NoBoundWhy::kGuardRefusesCorrection) << no_bound_text(a.no_bound);
  EXPECT_EQ(a.no_bound.node, "n0");
  EXPECT_DOUBLE_EQ(a.no_bound.limit_s, 1.0);
  EXPECT_NE(no_bound_text(a.no_bound).find("node n0's own limits"), std::string::npos) << no_bound_text(a.no_bound);

  const std::string events = testing::run_in_memory(mixed).files.at("events.csv");
  std::size_t guarded = 0;
  for (std::size_t at = events.find("clock_guarded"); at != std::string::npos; at = events.find("clock_guarded", at + 1)) {
    const std::size_t line = events.rfind('\n', at) + 1;
    EXPECT_NE(events.substr(line, at - line).find(",n0,"), std::string::npos) << events.substr(line, events.find('\n', at) - line);
    ++guarded;
  }
  EXPECT_GT(guarded, 0u) << "the master's own limits refused nothing";
}

// A Cristian server corrects nothing, so its own limits cannot break its clients' bound; a
// client's can, and is named. (cristian-basic steps every correction: a min_step would slew them.)
TEST(HostedGuard, ACristianServersOwnLimitsDoNotCountAClientsDo) {
  auto spec = scenario::load_scenario_file(std::string(CLOCKSIM_SOURCE_DIR) + "/scenarios/cristian-basic.yaml",
                                           scenario::LoadOptions{{"host=daemon"}});
  ASSERT_NE(make_skew_bound(spec).bound, nullptr) << no_bound_text(make_skew_bound(spec).no_bound);
  ClockGuardConfig slews = spec.daemon_limits;
  slews.min_step = 1_ms;
  spec.node_limits[0] = slews;  // the server (no election: the lowest id)
  EXPECT_NE(make_skew_bound(spec).bound, nullptr) << no_bound_text(make_skew_bound(spec).no_bound);
  spec.node_limits[3] = slews;
  const BoundAvailability a = make_skew_bound(spec);
  EXPECT_EQ(a.no_bound.why, bounds::NoBoundWhy::kGuardSlewsSteps) << no_bound_text(a.no_bound);
  EXPECT_EQ(a.no_bound.node, "n3");
  // The top-level limits count only where a client runs them: every client with limits of its own
  // that let everything through, and the top level slewing, leaves the server alone with them.
  scenario::ScenarioSpec all_own = spec;
  all_own.daemon_limits = slews;
  all_own.node_limits.clear();
  for (NodeId i = 1; i < all_own.nodes.size(); ++i) all_own.node_limits[i] = ClockGuardConfig{};
  EXPECT_NE(make_skew_bound(all_own).bound, nullptr) << no_bound_text(make_skew_bound(all_own).no_bound);
  all_own.node_limits.erase(5);
  EXPECT_EQ(make_skew_bound(all_own).no_bound.why, bounds::NoBoundWhy::kGuardSlewsSteps);
}

// A step the guard would slew (below min_step) is one the bound takes as done at once.
TEST(HostedGuard, MinStepAboveTheSmallestStepTakesTheBoundAway) {
  const std::string file = std::string(CLOCKSIM_SOURCE_DIR) + "/scenarios/cristian-basic.yaml";
  const auto plain = scenario::load_scenario_file(file, scenario::LoadOptions{{"host=daemon"}});
  ASSERT_NE(make_skew_bound(plain).bound, nullptr) << no_bound_text(make_skew_bound(plain).no_bound);
  // cristian-basic steps every correction (step_threshold: 0s).
  const auto slewed = scenario::load_scenario_file(file, scenario::LoadOptions{{"host=daemon", "limits.min_step=1ms"}});
  const BoundAvailability b = make_skew_bound(slewed);
  EXPECT_EQ(b.no_bound.why, bounds::NoBoundWhy::kGuardSlewsSteps) << no_bound_text(b.no_bound);
  EXPECT_DOUBLE_EQ(b.no_bound.limit_s, 1e-3);
  // Slewing below step_threshold, stepping above it: a min_step at or below it slews no step.
  const auto above = scenario::load_scenario_file(
      file, scenario::LoadOptions{{"host=daemon", "algorithm.sync.step_threshold=10ms", "limits.min_step=10ms"}});
  EXPECT_NE(make_skew_bound(above).no_bound.why, bounds::NoBoundWhy::kGuardSlewsSteps)
      << no_bound_text(make_skew_bound(above).no_bound);
}

// welch_lynch under host: daemon: every node's round correction passes the guard, or no bound.
TEST(HostedGuard, WelchLynchKeepsItsBoundOnlyWhereTheGuardLetsEveryRoundThrough) {
  const std::string file = std::string(CLOCKSIM_SOURCE_DIR) + "/scenarios/welch-lynch-mesh.yaml";
  const auto plain = scenario::load_scenario_file(file, scenario::LoadOptions{{"host=daemon"}});
  ASSERT_NE(make_skew_bound(plain).bound, nullptr) << no_bound_text(make_skew_bound(plain).no_bound);
  const auto tight = scenario::load_scenario_file(file, scenario::LoadOptions{{"host=daemon", "limits.panic_threshold=1us"}});
  EXPECT_EQ(make_skew_bound(tight).no_bound.why, bounds::NoBoundWhy::kGuardRefusesCorrection)
      << no_bound_text(make_skew_bound(tight).no_bound);
  const auto slewed = scenario::load_scenario_file(file, scenario::LoadOptions{{"host=daemon", "limits.min_step=1us"}});
  EXPECT_EQ(make_skew_bound(slewed).no_bound.why, bounds::NoBoundWhy::kGuardSlewsSteps);
}

}  // namespace
}  // namespace clocksim::sim
