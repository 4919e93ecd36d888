// The engine's bound hook for berkeley/cristian: a bound where the derivation's assumptions hold,
// none (with the reason) where they do not.
#include "sim/bound/sync_skew_bound.hpp"

#include <gtest/gtest.h>

#include <vector>

#include <string>

#include <cmath>

#include <algorithm>

#include "tests/sim/bound/declared_instants.hpp"
#include "tests/sim/bound/sync_bound_harness.hpp"
#include "sim/bound/no_bound_text.hpp"

namespace clocksim::sim {
namespace {

using testing::load_repo_scenario;

TEST(SyncSkewBound, BasicScenarioHasTheDerivedBound) {
  const auto b = make_skew_bound(load_repo_scenario("berkeley-basic.yaml", 1));
  ASSERT_NE(b.bound, nullptr) << no_bound_text(b.no_bound);
  // docs/bounds.md §4.5: at t = 0, S0 + s·d_max = 20 ms + 25 µs.
  EXPECT_EQ(b.bound->at(Time::epoch())->ns(), 20'025'000);
  const auto steady = b.bound->at(Time::from_ns(100'000'000'000));
  ASSERT_TRUE(steady.has_value());
  EXPECT_GT(steady->ns(), 6'000'000);
  EXPECT_LT(steady->ns(), 7'000'000);
  EXPECT_NE(b.bound->describe().find("berkeley"), std::string::npos);
}

// The exact checker reads the clocks where the bound changes only at declared instants: both
// sides of every step of at() and an instant beside every turn of its slope, through the first
// round (where its lines' lower envelope turns) into the steady state, stepping and slewing,
// with and without rate correction.
TEST(SyncSkewBound, EveryStepAndTurnOfTheBoundIsADeclaredInstant) {
  struct Case {
    const char* file;
    std::vector<std::string> overrides;
  };
  const std::vector<Case> cases = {{"berkeley-basic.yaml", {}},
                                   {"berkeley-basic.yaml", {"algorithm.sync.step_threshold=1ms"}},
                                   {"berkeley-basic.yaml", {"clocks.initial_offset=0s"}},
                                   {"berkeley-basic.yaml", {"clocks.initial_offset=uniform(-1ms, 1ms)"}},
                                   {"cristian-basic.yaml", {"clocks.initial_offset=0s"}},
                                   {"berkeley-rate-correction.yaml", {}},
                                   {"cristian-basic.yaml", {}}};
  int turns = 0;
  for (const Case& c : cases) {
    const auto spec = load_repo_scenario(c.file, 1, c.overrides);
    const auto b = make_skew_bound(spec);
    ASSERT_NE(b.bound, nullptr) << c.file << ": " << no_bound_text(b.no_bound);
    const double rho = std::max(std::fabs(spec.clocks.drift_ppm.lower_bound()), std::fabs(spec.clocks.drift_ppm.upper_bound())) * 1e-6;
    const auto seen = testing::expect_changes_declared(*b.bound, std::min<std::int64_t>(spec.duration.ns(), 120'000'000'000),
                                                       4 * rho + 1e-6, c.file);
    turns += seen.turns;
  }
  EXPECT_GT(turns, 0);  // clocks that start together: the first round's lines cross, and the scan sees it
}

TEST(SyncSkewBound, NoBoundWhereTheAssumptionsFail) {
  // Loss: no bound fixed in advance; the epoch model (docs/bounds.md §7) follows the run.
  const auto lossy = make_skew_bound(load_repo_scenario("berkeley-basic.yaml", 1, {"links.loss=0.01"}));
  ASSERT_NE(lossy.bound, nullptr) << no_bound_text(lossy.no_bound);
  EXPECT_NE(lossy.bound->observer(), nullptr);
  const auto ring = make_skew_bound(load_repo_scenario("berkeley-basic.yaml", 1, {"topology=ring"}));
  EXPECT_EQ(ring.bound, nullptr);
  const auto slow = make_skew_bound(load_repo_scenario("berkeley-basic.yaml", 1, {"clocks.max_slew_ppm=500"}));
  EXPECT_EQ(slow.bound, nullptr);
  EXPECT_EQ(slow.no_bound.why, bounds::NoBoundWhy::kFirstSlewsOutlastPeriod) << no_bound_text(slow.no_bound);
  const auto cristian = make_skew_bound(load_repo_scenario("cristian-basic.yaml", 1));
  EXPECT_NE(cristian.bound, nullptr) << no_bound_text(cristian.no_bound);
  // A correction's ACK after the master's last wait (one send, 3 ms, against a 10 ms round trip)
  // counts the slave as failed, and with lost_host_rounds 1 drops it from every later round: no
  // bound. Three sends wait 3 + 6 + 12 ms, which every ACK beats.
  const std::vector<std::string> late = {"algorithm.sync.ack_timeout=3ms", "algorithm.sync.ack_tries=1",
                                         "algorithm.sync.lost_host_rounds=1"};
  const auto late_ack = make_skew_bound(load_repo_scenario("berkeley-basic.yaml", 1, late));
  EXPECT_EQ(late_ack.bound, nullptr);
  EXPECT_EQ(late_ack.no_bound.why, bounds::NoBoundWhy::kLateCorrectionAck) << no_bound_text(late_ack.no_bound);
  const auto in_time = make_skew_bound(load_repo_scenario(
      "berkeley-basic.yaml", 1, {"algorithm.sync.ack_timeout=3ms", "algorithm.sync.ack_tries=3", "algorithm.sync.lost_host_rounds=1"}));
  EXPECT_NE(in_time.bound, nullptr) << no_bound_text(in_time.no_bound);
}

// max_slew_ppm 0 (docs/bounds.md §4.7b): clocks that cannot slew step every correction. The bound
// must exist (all steps, θ = 0) and hold at every tick, for every node unable to slew and for one
// such node among slewing ones.
TEST(SyncSkewBound, ClocksThatCannotSlewAreBoundedAsSteppingAndTheBoundHolds) {
  for (const bool all : {true, false}) {
    for (std::uint64_t seed = 1; seed <= 10; ++seed) {
      auto spec = load_repo_scenario("berkeley-basic.yaml", seed, {"algorithm.sync.step_threshold=1s"});
      for (auto& n : spec.nodes) {
        if (!all && n.id != 3) continue;
        scenario::ClockOverride o = n.clock.get();
        o.max_slew_ppm = 0;
        n.clock = o;
      }
      const auto r = testing::run_against_bound(spec);
      ASSERT_TRUE(r.has_value()) << no_bound_text(make_skew_bound(spec).no_bound);
      EXPECT_EQ(r->violations, 0) << (all ? "all" : "one") << " seed " << seed << " ratio " << r->max_ratio;
      EXPECT_GT(r->ticks, 0);
    }
  }
}

// Wander (docs/bounds.md §4.7): a stated-confidence envelope, flagged probabilistic, that holds over
// seeds for free-running clocks and under Berkeley, and is wider than without wander.
TEST(SyncSkewBound, WanderEnvelopeIsProbabilisticAndHolds) {
  for (const char* name : {"berkeley-basic.yaml", "drift-only.yaml"}) {
    const auto plain = make_skew_bound(load_repo_scenario(name, 1));
    ASSERT_NE(plain.bound, nullptr) << name << ": " << no_bound_text(plain.no_bound);
    for (std::uint64_t seed = 1; seed <= 10; ++seed) {
      const auto spec = load_repo_scenario(name, seed, {"clocks.wander_ppm_per_sqrt_s=0.5"});
      const auto b = make_skew_bound(spec);
      ASSERT_NE(b.bound, nullptr) << name << ": " << no_bound_text(b.no_bound);
      if (std::string(name) == "berkeley-basic.yaml") {
        EXPECT_NE(b.bound->describe().find("wander"), std::string::npos) << b.bound->describe();
      }
      const Time late = Time::epoch() + spec.duration;
      EXPECT_GT(b.bound->at(late)->ns(), plain.bound->at(late)->ns()) << name;
      const auto r = testing::run_against_bound(spec);
      ASSERT_TRUE(r.has_value());
      EXPECT_EQ(r->violations, 0) << name << " seed " << seed << " ratio " << r->max_ratio;
    }
  }
}

}  // namespace
}  // namespace clocksim::sim
