// Byzantine clocks (sim/world/byzantine) and the classic boundary (Dolev, Halpern & Strong;
// docs/bounds.md §4, §8): with n >= 3f + 1 the honest clocks of fault-tolerant averaging stay
// within the bound whatever the liar says; with n = 3f a two-faced liar keeps them apart; a
// lying Berkeley master splits its slaves.
#include "sim/world/byzantine.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "sim/bound/skew_bound.hpp"
#include "sim/scenario/loader.hpp"
#include "sim/world/world.hpp"

namespace clocksim::sim {
namespace {

TEST(LiarTable, TwoFacedTellsEachSideItsOwnStory) {
  LiarTable t(7);
  scenario::ByzantineSpec b;
  b.mode = scenario::ByzantineSpec::Mode::kTwoFaced;
  b.lie = Duration::from_ns(40'000'000);
  b.told_behind = {0, 1};
  EXPECT_FALSE(t.lying(3));
  t.start(0, 3, b);
  EXPECT_TRUE(t.lying(3));
  Message r = make_message(MsgType::kTimeReply, 1);
  r.t1_ns = 5;
  r.t2_ns = r.t3_ns = 1000;
  EXPECT_EQ(t.tamper(3, 0, r).t3_ns, 1000 - 40'000'000);
  EXPECT_EQ(t.tamper(3, 1, r).t2_ns, 1000 - 40'000'000);
  EXPECT_EQ(t.tamper(3, 2, r).t3_ns, 1000 + 40'000'000);
  EXPECT_EQ(t.tamper(3, 2, r).t1_ns, 5);  // the requester's own reading is left alone
  Message adj = make_message(MsgType::kAdjust, 2);
  adj.value_ns = 7;
  EXPECT_EQ(t.tamper(3, 2, adj).value_ns, 7 + 40'000'000);
  const Message other = make_message(MsgType::kHeartbeat, 3);
  EXPECT_EQ(t.tamper(3, 2, other).t3_ns, 0);
  EXPECT_EQ(t.tamper(2, 3, r).t3_ns, 1000);  // honest senders untouched
  t.stop(0);
  EXPECT_FALSE(t.lying(3));
}

// NTP's reply carries the server's receive and transmit timestamps in t2/t3, as a time reply
// does: a lying server shifts both; the origin timestamp (the client's own) is left alone.
TEST(LiarTable, AnNtpServerLiesInItsReceiveAndTransmitTimestamps) {
  LiarTable t(7);
  scenario::ByzantineSpec b;
  b.mode = scenario::ByzantineSpec::Mode::kTwoFaced;
  b.lie = Duration::from_ns(500'000'000);
  t.start(0, 2, b);
  Message r = make_message(MsgType::kNtpReply, 1);
  r.t1_ns = 5;
  r.t2_ns = 1000;
  r.t3_ns = 2000;
  const Message lied = t.tamper(2, 3, r);
  EXPECT_EQ(lied.t1_ns, 5);
  EXPECT_EQ(lied.t2_ns, 1000 + 500'000'000);
  EXPECT_EQ(lied.t3_ns, 2000 + 500'000'000);
}

TEST(LiarTable, ArbitraryDrawsStayInRangeAndRepeatPerSeed) {
  scenario::ByzantineSpec b;
  b.mode = scenario::ByzantineSpec::Mode::kArbitrary;
  b.lie = Duration::from_ns(1000);
  LiarTable a(11), c(11);
  a.start(2, 0, b);
  c.start(2, 0, b);
  bool negative = false, positive = false;
  for (int i = 0; i < 200; ++i) {
    const std::int64_t s = a.shift_ns(0, 1);
    EXPECT_EQ(s, c.shift_ns(0, 1));
    EXPECT_LE(std::llabs(s), 1000);
    negative = negative || s < 0;
    positive = positive || s > 0;
  }
  EXPECT_TRUE(negative && positive);
}

struct HonestRun {
  std::int64_t max_skew_ns = 0;   // over ticks after `after`
  std::int64_t end_skew_ns = 0;
  int violations = 0;             // ticks above the bound
  bool has_bound = false;
  std::uint64_t messages = 0;
};

class Honest final : public Observer {
 public:
  Honest(const SkewBound* b, Time after) : b_(b), after_(after) {}
  void on_tick(const TickView& v) override {
    std::int64_t lo = INT64_MAX, hi = INT64_MIN;
    for (NodeId i = 0; i < v.node_count(); ++i) {
      const auto s = v.node(i);
      if (!s.up || s.faulty) continue;
      lo = std::min(lo, s.offset_ns);
      hi = std::max(hi, s.offset_ns);
    }
    r.end_skew_ns = hi - lo;
    if (b_) {
      const auto b = b_->at(v.now());
      if (b && hi - lo > b->ns()) ++r.violations;
    }
    if (v.now() >= after_) r.max_skew_ns = std::max(r.max_skew_ns, hi - lo);
  }
  void on_event(Time, NodeId, const Note&) override {}
  HonestRun r;

 private:
  const SkewBound* b_;
  Time after_;
};

HonestRun run(const std::string& yaml, Time after) {
  const auto spec = scenario::load_scenario_text(yaml, "byzantine.yaml");
  const auto bound = make_skew_bound(spec);
  Honest obs(bound.bound.get(), after);
  World w(spec);
  w.add_observer(&obs);
  w.run_until(w.end());
  obs.r.has_bound = bound.bound != nullptr;
  obs.r.messages = w.stats().messages_sent;
  return obs.r;
}

// n0 starts behind and runs slow, n1 ahead and fast; the liar tells n0 it is even further behind
// and n1 even further ahead, so neither ever has a reason to move. n = 4 adds one honest node.
std::string boundary_yaml(int n, std::uint64_t seed, const std::string& sync) {
  std::string y = "name: boundary\nseed: " + std::to_string(seed) +
                  "\nduration: 10m\ntick: 1s\nnodes:\n  - {name: n0, initial_offset: -5ms, drift_ppm: -50}\n"
                  "  - {name: n1, initial_offset: 5ms, drift_ppm: 50}\n  - {name: liar}\n";
  if (n == 4) y += "  - {name: n3, drift_ppm: \"uniform(-50, 50)\"}\n";
  y += "topology: full_mesh\nlinks: {latency: \"uniform(1ms, 3ms)\"}\nalgorithm:\n  sync: " + sync +
       "\nfaults:\n  - {at: 0s, byzantine: {node: liar, mode: two_faced, lie: 200ms, told_behind: [n0]}}\n";
  return y;
}

const char* kWelchLynch = "{kind: welch_lynch, period: 10s, faults: 1, read_window: 500ms, step_threshold: 0s}";

TEST(ByzantineBoundary, ThreeFPlusOneHonestClocksStayWithinTheBound) {
  for (std::uint64_t seed = 1; seed <= 100; ++seed) {
    const HonestRun r = run(boundary_yaml(4, seed, kWelchLynch), Time::epoch());
    ASSERT_TRUE(r.has_bound);
    EXPECT_EQ(r.violations, 0) << "seed " << seed;
    EXPECT_LT(r.end_skew_ns, 5'000'000) << "seed " << seed;
  }
}

TEST(ByzantineBoundary, ThreeFLetsTheLiarDriveHonestClocksApart) {
  const HonestRun r = run(boundary_yaml(3, 1, kWelchLynch), Time::epoch());
  EXPECT_FALSE(r.has_bound);  // n = 3 < 3f + 1: the engine says there is none
  // Never corrected: 10 ms + 100 ppm * 600 s = 70 ms, as if free-running.
  EXPECT_GT(r.end_skew_ns, 65'000'000);
}

// The same liar as Berkeley's master: it tells each slave a different correction, and the
// 4.3 window (which only the master applies) cannot help; as a slave it is merely left out.
TEST(ByzantineBoundary, BerkeleyMasterLiarSplitsItsSlaves) {
  std::string y = boundary_yaml(4, 1, "{kind: berkeley, period: 10s, step_threshold: 0s}\n  election: {kind: static, leader: 2}");
  const HonestRun master = run(y, Time::from_ns(30'000'000'000));
  EXPECT_GT(master.max_skew_ns, 350'000'000);  // 2 * 200 ms, less what the slaves' own spread hides
  y = boundary_yaml(4, 1, "{kind: berkeley, period: 10s, step_threshold: 0s}\n  election: {kind: static, leader: 3}");
  const HonestRun slave = run(y, Time::from_ns(30'000'000'000));
  EXPECT_LT(slave.max_skew_ns, 20'000'000);
}

}  // namespace
}  // namespace clocksim::sim
