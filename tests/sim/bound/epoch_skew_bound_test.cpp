// The epoch model of docs/bounds.md §7, driven with scripted events and ticks: when it widens,
// what it widens by, and exactly when it may return to the steady bound.
#include "sim/bound/epoch_skew_bound.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "sim/bound/sync_skew_bound.hpp"
#include "tests/sim/bound/sync_bound_harness.hpp"

namespace clocksim::sim {
namespace {

using namespace literals;

// Four nodes; roles and masters as the test sets them.
class FakeView final : public TickView {
 public:
  explicit FakeView(NodeId n) : nodes_(n), names_(n) {
    for (NodeId i = 0; i < n; ++i) {
      nodes_[i] = NodeSnapshot{i, 0, 0, Role::kSlave, kNoNode, true};
      names_[i] = "n" + std::to_string(i);
    }
  }
  Time now() const override { return now_; }
  NodeId node_count() const override { return static_cast<NodeId>(nodes_.size()); }
  NodeSnapshot node(NodeId id) const override { return nodes_[id]; }
  const std::string& node_name(NodeId id) const override { return names_[id]; }

  void follow(NodeId master) {
    for (auto& s : nodes_) {
      s.role = s.id == master ? Role::kMaster : Role::kSlave;
      s.believed_master = master;
    }
  }
  Time now_ = Time::epoch();
  std::vector<NodeSnapshot> nodes_;
  std::vector<std::string> names_;
};

bounds::BerkeleyBoundInput input() {
  bounds::BerkeleyBoundInput in;
  in.nodes = 4;
  in.rho_ppm = 50;
  in.period_s = 10;
  in.latency_min_s = 0.001;
  in.latency_max_s = 0.003;
  in.probes = 4;
  in.good_replies = 2;
  in.probe_timeout_s = 0.1;
  in.measure_cap_s = 1;
  in.slew_ppm = 500;
  in.step_threshold_s = 0.001;
  in.initial_spread_s = 0.05;
  in.unresponsive_slaves = 1;
  in.retry_span_s = 3;
  in.epochs = true;
  return in;
}

double ms(std::optional<Duration> d) { return d ? static_cast<double>(d->ns()) * 1e-6 : -1; }

class EpochSkewBoundTest : public ::testing::Test {
 protected:
  EpochSkewBoundTest() : bound_(input(), scenario::ScenarioSpec{}), view_(4) {
    bounds::BerkeleyBoundInput all_up = input();
    all_up.unresponsive_slaves = 0;
    steady_ = bounds::berkeley_skew_bound(all_up);
    worst_ = bounds::berkeley_skew_bound(input());
  }
  void tick(double t_s) {
    view_.now_ = Time::from_ns(static_cast<std::int64_t>(std::llround(t_s * 1e9)));
    bound_.on_tick(view_);
  }
  void event(double t_s, NodeId node, EventKind kind) {
    bound_.on_event(Time::from_ns(static_cast<std::int64_t>(std::llround(t_s * 1e9))), node, kind, "");
  }
  double at(double t_s) { return ms(bound_.at(Time::from_ns(static_cast<std::int64_t>(std::llround(t_s * 1e9))))); }
  // One master n0 followed by all from t_s; two of its rounds complete after the retry span.
  void stabilize(double t_s) {
    view_.follow(0);
    tick(t_s);
    event(t_s + 4, 0, EventKind::kRoundComplete);
    event(t_s + 14, 0, EventKind::kRoundComplete);
    tick(t_s + 15);
    tick(t_s + 20);  // its slews (at most 1 ms at 500 ppm) are over
  }

  EpochSkewBound bound_;
  FakeView view_;
  bounds::SkewBound steady_, worst_;
};

TEST_F(EpochSkewBoundTest, StartsFromTheInitialSpreadAndGrowsByDriftAndRounds) {
  ASSERT_TRUE(steady_.valid);
  EXPECT_FALSE(bound_.stable());
  EXPECT_NEAR(at(0), 50, 1e-6);
  EXPECT_NEAR(at(10), 50 + 100e-6 * 10 * 1e3, 1e-5);  // D = 2ρ = 100 ppm
  event(10, 0, EventKind::kRoundComplete);
  EXPECT_NEAR(at(10), 51 + worst_.round_growth * 1e3, 1e-5);
  // 2M + q plus drift and slew over the apply window and retries, as derived.
  const double m = worst_.e_hi;
  EXPECT_NEAR(worst_.round_growth, 2 * m + (100e-6 + 500e-6) * (worst_.apply_window + 3), 1e-12);
}

TEST_F(EpochSkewBoundTest, StableOnlyAfterAFullRoundOfTheAgreedMaster) {
  view_.follow(0);
  tick(20);
  // Within the retry span (3 s) of the agreement: does not count (older corrections may land).
  event(21, 0, EventKind::kRoundComplete);
  event(22.5, 0, EventKind::kRoundComplete);
  tick(25);
  EXPECT_FALSE(bound_.stable());
  // First completion after it may end a round that began before the agreement.
  event(30, 0, EventKind::kRoundComplete);
  tick(31);
  EXPECT_FALSE(bound_.stable());
  // Another master's completion is not the agreed master's full round.
  event(35, 2, EventKind::kRoundComplete);
  tick(36);
  EXPECT_FALSE(bound_.stable());
  event(40, 0, EventKind::kRoundComplete);  // the full round
  const double done = steady_.full_round_done(0.05 + 100e-6 * 40 + 5 * worst_.round_growth);
  ASSERT_TRUE(std::isfinite(done));
  tick(40 + done - 0.01);
  EXPECT_FALSE(bound_.stable()) << "its corrections are still being applied";
  tick(40 + done + 0.01);
  EXPECT_TRUE(bound_.stable());
  EXPECT_NEAR(at(41 + done), steady_.steady * 1e3, 1e-5);
  EXPECT_EQ(bound_.stabilizations(), 1u);
}

TEST_F(EpochSkewBoundTest, DisagreementAtATickRestartsTheWait) {
  view_.follow(0);
  tick(20);
  event(24, 0, EventKind::kRoundComplete);
  view_.nodes_[3].believed_master = 2;  // n3 follows somebody else
  tick(25);
  view_.follow(0);
  tick(26);
  event(34, 0, EventKind::kRoundComplete);  // only the first completion of the new agreement
  tick(35);
  EXPECT_FALSE(bound_.stable());
  // Two masters never agree.
  view_.nodes_[2].role = Role::kMaster;
  event(44, 0, EventKind::kRoundComplete);
  tick(46);
  EXPECT_FALSE(bound_.stable());
}

TEST_F(EpochSkewBoundTest, MasterCrashWidensFromTheSteadyCorners) {
  stabilize(20);
  ASSERT_TRUE(bound_.stable());
  EXPECT_NEAR(at(45), steady_.steady * 1e3, 1e-5);
  event(50, 0, EventKind::kCrash);
  view_.nodes_[0].up = false;
  EXPECT_FALSE(bound_.stable());
  // The corners of the steady state with one node down, then 2ρ.
  bounds::BerkeleyBoundInput one_down = input();
  const bounds::SkewBound b1 = bounds::berkeley_skew_bound(one_down);
  EXPECT_NEAR(at(50), b1.steady_corners * 1e3, 1e-5);
  EXPECT_NEAR(at(60), b1.steady_corners * 1e3 + 1.0, 1e-5);
  EXPECT_GE(b1.steady_corners, b1.steady);
  EXPECT_EQ(bound_.disruptions(), 1u);
}

TEST_F(EpochSkewBoundTest, SlaveCrashKeepsStableWithTheLongerRoundAndRestartDisrupts) {
  stabilize(20);
  ASSERT_TRUE(bound_.stable());
  const double before = at(40);
  event(50, 3, EventKind::kCrash);
  view_.nodes_[3].up = false;
  tick(50.1);
  EXPECT_TRUE(bound_.stable()) << "a slave's crash changes nothing the up nodes see";
  EXPECT_GE(at(51), before) << "but the master now waits out its probes: longer rounds";
  // A round later it comes back, having run free: the hull that followed it since its crash.
  event(60, 0, EventKind::kRoundComplete);
  event(70, 3, EventKind::kRestart);
  view_.nodes_[3].up = true;
  EXPECT_FALSE(bound_.stable());
  EXPECT_NEAR(at(70), (steady_.steady_corners + worst_.round_growth + 20 * 100e-6) * 1e3, 1e-5);
}

TEST_F(EpochSkewBoundTest, ClockStepAddsItsSizeAndPartitionBlocksStability) {
  scenario::ScenarioSpec spec;
  scenario::FaultSpec step;
  step.kind = scenario::FaultSpec::Kind::kClockStep;
  step.at = 30_s;
  step.node = 1;
  step.step = -7_ms;
  spec.faults.push_back(step);
  EpochSkewBound b(input(), spec);
  view_.follow(0);
  view_.now_ = Time::from_ns(1);
  b.on_tick(view_);
  const double before = ms(b.at(Time::from_ns(30'000'000'000)));
  b.on_event(Time::from_ns(30'000'000'000), 1, EventKind::kClockStep, "");
  EXPECT_NEAR(ms(b.at(Time::from_ns(30'000'000'000))), before + 7, 1e-5);

  event(0, kNoNode, EventKind::kPartition);
  view_.follow(0);
  tick(20);
  event(24, 0, EventKind::kRoundComplete);
  event(34, 0, EventKind::kRoundComplete);
  event(44, 0, EventKind::kRoundComplete);
  tick(50);
  EXPECT_FALSE(bound_.stable()) << "a cut network never counts as agreement";
  event(51, kNoNode, EventKind::kHeal);
  stabilize(52);
  EXPECT_TRUE(bound_.stable());
}

TEST(EpochSkewBoundScenarios, FailoverScenariosGetTheEpochModelAndLossGetsNone) {
  const auto failover = make_skew_bound(testing::load_repo_scenario("failover.yaml", 1));
  ASSERT_NE(failover.bound, nullptr) << failover.unavailable_reason;
  EXPECT_NE(failover.bound->observer(), nullptr);
  EXPECT_NE(failover.bound->describe().find("§7"), std::string::npos);
  const auto lossy = make_skew_bound(testing::load_repo_scenario("lossy-election.yaml", 1));
  EXPECT_EQ(lossy.bound, nullptr);
  EXPECT_NE(lossy.unavailable_reason.find("loss"), std::string::npos);
  const auto rc = make_skew_bound(testing::load_repo_scenario("failover.yaml", 1, {"algorithm.sync.rate_correction=true"}));
  EXPECT_EQ(rc.bound, nullptr);
  const auto slow = make_skew_bound(testing::load_repo_scenario("failover.yaml", 1, {"algorithm.sync.step_threshold=10ms"}));
  EXPECT_EQ(slow.bound, nullptr);
  EXPECT_NE(slow.unavailable_reason.find("slews outlast"), std::string::npos);
}

}  // namespace
}  // namespace clocksim::sim
