// The epoch model of docs/bounds.md §7, driven with scripted events and ticks: when it widens,
// what it widens by, and exactly when it may return to the steady bound.
#include "sim/bound/epoch_skew_bound.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "sim/bound/sync_skew_bound.hpp"
#include "tests/sim/bound/sync_bound_harness.hpp"
#include "sim/bound/no_bound_text.hpp"

namespace clocksim::sim {
namespace {

using namespace literals;

// Four nodes; roles and masters as the test sets them.
class FakeView final : public TickView {
 public:
  explicit FakeView(NodeId n) : nodes_(n), names_(n) {
    for (NodeId i = 0; i < n; ++i) {
      nodes_[i] = NodeSnapshot{i, 0, 0, Role::kSlave, kNoNode, true, false};
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
  EpochSkewBoundTest() : bound_(input(), scenario::ScenarioSpec{}, false), view_(4) {
    bounds::BerkeleyBoundInput all_up = input();
    all_up.unresponsive_slaves = 0;
    steady_ = bounds::berkeley_skew_bound(all_up);
    worst_ = bounds::berkeley_skew_bound(input());
  }
  void tick(double t_s) {
    view_.now_ = Time::from_ns(static_cast<std::int64_t>(std::llround(t_s * 1e9)));
    bound_.on_tick(view_);
  }
  // A note of `kind` with no fields set (a round note without counts starts no round watch).
  void event(double t_s, NodeId node, EventKind kind) {
    Note note;
    for (int w = 0; w <= static_cast<int>(kLastNoteWhat); ++w) {
      note.what = static_cast<NoteWhat>(w);
      if (note.kind() == kind) break;
    }
    ASSERT_EQ(note.kind(), kind);
    const Time t = Time::from_ns(static_cast<std::int64_t>(std::llround(t_s * 1e9)));
    if (kind == EventKind::kRoundComplete && node < view_.nodes_.size() && !send_none_) {
      // A round corrects every up node in the master's table (here: all but `skip`).
      Message m = make_message(set_time_ ? MsgType::kSetTime : MsgType::kAdjust, 7);
      m.term = ++term_;
      for (NodeId to = 0; to < view_.nodes_.size(); ++to) {
        if (to != node && to != skip_ && view_.nodes_[to].up) bound_.on_message_sent(t, node, to, m);
      }
    }
    bound_.on_event(t, node, note);
  }
  NodeId skip_ = kNoNode;
  bool send_none_ = false;  // a round that measured no slave sends no correction
  bool set_time_ = false;
  std::uint32_t term_ = 0;
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
  EXPECT_NEAR(at(10), worst_.grow(0.051) * 1e3, 1e-5);
  // 2M + q plus drift and slew over the apply window and retries, as derived.
  const double m = worst_.e_hi;
  EXPECT_NEAR(worst_.round_growth, 2 * m + (100e-6 + 500e-6) * (worst_.apply_window + 3), 1e-12);
  EXPECT_NEAR(worst_.grow(0.051), 0.051 + worst_.round_growth, 1e-12);
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
  double hull = 0.05 + 100e-6 * 40;
  for (int i = 0; i < 5; ++i) hull = worst_.grow(hull);
  const double done = steady_.full_round_done(hull);
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
  EXPECT_NEAR(at(70), (worst_.grow(steady_.steady_corners + 10 * 100e-6) + 10 * 100e-6) * 1e3, 1e-5);
}

TEST_F(EpochSkewBoundTest, ClockStepAddsItsSizeAndPartitionBlocksStability) {
  scenario::ScenarioSpec spec;
  scenario::FaultSpec step;
  step.kind = scenario::FaultSpec::Kind::kClockStep;
  step.at = 30_s;
  step.node = 1;
  step.step = -7_ms;
  spec.faults.push_back(step);
  EpochSkewBound b(input(), spec, false);
  view_.follow(0);
  view_.now_ = Time::from_ns(1);
  b.on_tick(view_);
  const double before = ms(b.at(Time::from_ns(30'000'000'000)));
  b.on_event(Time::from_ns(30'000'000'000), 1, Note(NoteWhat::kClockStepped));
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

TEST_F(EpochSkewBoundTest, RoundsThatSkipAnUpSlaveNeverMakeItStable) {
  skip_ = 3;  // dropped from the master's host table, but up
  stabilize(20);
  event(44, 0, EventKind::kRoundComplete);
  tick(60);
  EXPECT_FALSE(bound_.stable());
  skip_ = kNoNode;  // back in the table: the next two rounds make it stable
  stabilize(70);
  EXPECT_TRUE(bound_.stable());
}

TEST_F(EpochSkewBoundTest, HostDroppedWhileStableDisrupts) {
  stabilize(20);
  ASSERT_TRUE(bound_.stable());
  bound_.on_event(Time::from_ns(50'000'000'000), 0, Note(NoteWhat::kHostDropped).with_peer(2));
  EXPECT_FALSE(bound_.stable());
  // A dropped slave that is down changes nothing.
  stabilize(60);
  ASSERT_TRUE(bound_.stable());
  view_.nodes_[3].up = false;
  event(90, 3, EventKind::kCrash);
  bound_.on_event(Time::from_ns(95'000'000'000), 0, Note(NoteWhat::kHostDropped).with_peer(3));
  EXPECT_TRUE(bound_.stable());
}

// A slave whose reply comes after its last probe timed out is left out of that round, with no
// host_dropped until lost_host_rounds such rounds (or never, with 0): the steady cycle, which
// corrects every up clock each round, no longer holds from that round's completion.
TEST_F(EpochSkewBoundTest, RoundLeavingOutAnUpSlaveWhileStableDisrupts) {
  stabilize(20);
  ASSERT_TRUE(bound_.stable());
  const double corners_ms = steady_.steady_corners * 1e3;
  skip_ = 2;
  event(50, 0, EventKind::kRoundComplete);
  EXPECT_FALSE(bound_.stable());
  EXPECT_NEAR(at(50), worst_.grow(steady_.steady_corners) * 1e3, 1e-5);
  EXPECT_GT(at(50), corners_ms);
  // A round that measured nobody sends nothing: every up slave was left out.
  skip_ = kNoNode;
  stabilize(60);
  ASSERT_TRUE(bound_.stable());
  send_none_ = true;
  event(90, 0, EventKind::kRoundComplete);
  EXPECT_FALSE(bound_.stable());
  // A slave that is down is not left out: the steady bound with it down already counts it.
  send_none_ = false;
  stabilize(100);
  ASSERT_TRUE(bound_.stable());
  view_.nodes_[3].up = false;
  event(130, 3, EventKind::kCrash);
  skip_ = 3;
  event(134, 0, EventKind::kRoundComplete);
  EXPECT_TRUE(bound_.stable());
}

// Under host: daemon clocksyncd's clock guard may refuse a correction (a master's own above
// master_max_adjust): the clock is not where the round put it, so the steady phase ends and no
// later round counts as full; the hull, which covers a clock left where it was, goes on.
TEST_F(EpochSkewBoundTest, ACorrectionTheGuardRefusedEndsTheSteadyPhaseForGood) {
  stabilize(20);
  ASSERT_TRUE(bound_.stable());
  bound_.on_clock_guarded(Time::from_ns(50'000'000'000), 0);
  EXPECT_FALSE(bound_.stable());
  EXPECT_NEAR(at(50), steady_.steady_corners * 1e3, 1e-5);
  stabilize(60);
  stabilize(90);
  EXPECT_FALSE(bound_.stable());
  // It only grows: by drift between rounds and by a round's growth at each completion.
  EXPECT_GT(at(115), at(50));
}

TEST_F(EpochSkewBoundTest, SetTimeRoundGrowsByTheTransitAndIsNotAFullRound) {
  bounds::BerkeleyBoundInput wide = input();
  wide.settime_error = true;
  const bounds::SkewBound w = bounds::berkeley_skew_bound(wide);
  // The error interval now holds the transit: landing up to (1 + ρ + s)·d_max behind is a
  // delta read that much too high.
  EXPECT_GE(w.e_hi, (1 + 50e-6 + 500e-6) * 0.003);
  EXPECT_GT(w.round_growth, worst_.round_growth);
  const double before = at(10);
  set_time_ = true;
  event(10, 0, EventKind::kRoundComplete);
  EXPECT_NEAR(at(10), w.grow(before * 1e-3) * 1e3, 1e-5);
  // Agreement and two completions, but the second sent SETTIMEs: not stable from it.
  view_.follow(0);
  tick(20);
  event(24, 0, EventKind::kRoundComplete);
  event(34, 0, EventKind::kRoundComplete);
  tick(40);
  tick(45);
  EXPECT_FALSE(bound_.stable());
  set_time_ = false;
  event(44.5, 0, EventKind::kRoundComplete);
  tick(50);
  tick(55);
  EXPECT_TRUE(bound_.stable());
  // Stable: a SETTIME disrupts first.
  set_time_ = true;
  event(60, 0, EventKind::kRoundComplete);
  EXPECT_FALSE(bound_.stable());
}

// Under loss there is no steady phase: the hull only shrinks after a round seen to correct every
// up clock once.
class LossyEpochTest : public ::testing::Test {
 protected:
  LossyEpochTest() : bound_(lossy_input(), scenario::ScenarioSpec{}, true), worst_(bounds::berkeley_skew_bound(lossy_input())) {}
  static bounds::BerkeleyBoundInput lossy_input() {
    bounds::BerkeleyBoundInput in = input();
    in.unresponsive_slaves = 3;
    return in;
  }
  static Time at_s(double t) { return Time::from_ns(static_cast<std::int64_t>(std::llround(t * 1e9))); }
  // A correction computed by round `term` of n0.
  void adjust(double t, NodeId node, Duration delta, std::uint32_t term, AdjustMode mode = AdjustMode::kStep) {
    bound_.on_clock_adjust(at_s(t), node, delta, mode, CorrectionSource{0, term});
  }
  // n0 completes round `term`, sending corrections to the slaves it measured.
  void complete(double t, NodeId master, std::uint32_t term, const std::vector<NodeId>& measured) {
    Message m = make_message(MsgType::kAdjust, 7);
    m.term = term;
    for (NodeId to : measured) bound_.on_message_sent(at_s(t), master, to, m);
    bound_.on_event(at_s(t), master, Note(NoteWhat::kRoundComplete).with_round(term));
  }
  double bound_ms(double t) { return ms(bound_.at(at_s(t))); }
  EpochSkewBound bound_;
  bounds::SkewBound worst_;
};

TEST_F(LossyEpochTest, FullRoundResetsTheHull) {
  const double before = bound_ms(30);
  adjust(30, 0, 2_ms, 3);  // the master's own, applied as the round completes
  complete(30, 0, 3, {1, 2, 3});
  EXPECT_NEAR(bound_ms(30), worst_.grow(before * 1e-3) * 1e3, 1e-5) << "counted before it lands";
  adjust(30.002, 1, -1_ms, 3);
  adjust(30.003, 2, 500_us, 3, AdjustMode::kSlew);  // slews 0.5 ms at 500 ppm: over at 31.003
  adjust(30.004, 3, 3_ms, 3);
  // Not before the last slew is over.
  bound_.on_event(at_s(31), kNoNode, Note());  // an info note: only time advances
  EXPECT_EQ(bound_.resets(), 0u);
  bound_.on_event(at_s(31.01), kNoNode, Note());  // an info note: only time advances
  EXPECT_EQ(bound_.resets(), 1u);
  // K + D·(r − T_s,min), T_s,min = c − T_meas; no slew was running before the round.
  const double start = 30 - worst_.t_meas;
  EXPECT_NEAR(bound_ms(31.003), (worst_.k_new + 100e-6 * (31.003 - start)) * 1e3, 1e-5);
  EXPECT_FALSE(bound_.stable()) << "never stable under loss";
}

TEST_F(LossyEpochTest, OldSlewsStillRunningAddTheirProgress) {
  adjust(20, 1, 1_ms, 3, AdjustMode::kSlew);   // n1 slews 1 ms until t = 22
  complete(21, 0, 4, {1, 2, 3});  // no own correction (it was 0)
  adjust(21.5, 1, 1_ms, 4);
  adjust(21.5, 2, 1_ms, 4);
  adjust(21.5, 3, 1_ms, 4);
  bound_.on_event(at_s(21.6), kNoNode, Note());  // an info note: only time advances
  EXPECT_EQ(bound_.resets(), 0u) << "n1's old slew runs on after the step, until t = 22";
  bound_.on_event(at_s(22.01), kNoNode, Note());  // an info note: only time advances
  ASSERT_EQ(bound_.resets(), 1u);
  // It may have moved n1 by min(1 ms, s·(22 − start)) after the measurement.
  const double start = 21 - worst_.t_meas;
  const double moved = std::min(1e-3, 500e-6 * (22 - start));
  EXPECT_NEAR(bound_ms(22), (worst_.k_new + 100e-6 * (22 - start) + moved) * 1e3, 1e-5);
  // A new slew replaces the remainder: only the progress until it lands counts.
  adjust(30, 2, 1_ms, 4, AdjustMode::kSlew);  // until 32
  complete(31, 0, 5, {1, 2, 3});
  adjust(31.2, 1, 1_ms, 5);
  adjust(31.2, 2, 100_us, 5, AdjustMode::kSlew);  // replaces n2's; its own lasts 0.2 s
  adjust(31.2, 3, 1_ms, 5);
  bound_.on_event(at_s(31.41), kNoNode, Note());  // an info note: only time advances
  ASSERT_EQ(bound_.resets(), 2u);
  const double start2 = std::max(31 - worst_.t_meas, 21.0);
  const double moved2 = std::min(1e-3, 500e-6 * (31.2 - start2));
  EXPECT_NEAR(bound_ms(31.4), (worst_.k_new + 100e-6 * (31.4 - start2) + moved2) * 1e3, 1e-5);
}

TEST_F(LossyEpochTest, RoundsThatMissAClockOrCorrectOneTwiceDoNotReset) {
  complete(10, 0, 1, {1, 2});  // one slave not measured
  adjust(10.1, 1, 1_ms, 1);
  adjust(10.1, 2, 1_ms, 1);
  bound_.on_event(at_s(11), kNoNode, Note());  // an info note: only time advances
  EXPECT_EQ(bound_.resets(), 0u);
  complete(20, 0, 2, {1, 2, 3});
  adjust(20.1, 1, 1_ms, 2);
  adjust(20.2, 1, 1_ms, 2);  // twice: something else moved it
  adjust(20.3, 2, 1_ms, 2);
  adjust(20.3, 3, 1_ms, 2);
  bound_.on_event(at_s(21), kNoNode, Note());  // an info note: only time advances
  EXPECT_EQ(bound_.resets(), 0u);
  complete(30, 0, 3, {1, 2, 3});
  adjust(30.1, 1, 1_ms, 3);
  bound_.on_event(at_s(30.2), 2, Note(NoteWhat::kCrashed));  // the up set changed mid-round
  adjust(30.3, 3, 1_ms, 3);
  bound_.on_event(at_s(31), kNoNode, Note());  // an info note: only time advances
  EXPECT_EQ(bound_.resets(), 0u);
  // Only clocks that are up count: with n2 down, "2 of 3" is a full round.
  complete(40, 0, 4, {1, 3});
  adjust(40.1, 1, 1_ms, 4);
  adjust(40.1, 3, 1_ms, 4);
  bound_.on_event(at_s(41), kNoNode, Note());  // an info note: only time advances
  EXPECT_EQ(bound_.resets(), 1u);
}

// A correction that arrives while a round is watched counts only if that round computed it: a
// demoted master's correction still in flight must not complete the new master's round.
TEST_F(LossyEpochTest, OnlyTheWatchedRoundsOwnCorrectionsCount) {
  complete(10, 0, 6, {1, 2, 3});
  adjust(10.1, 1, 1_ms, 6);
  bound_.on_clock_adjust(at_s(10.1), 2, 1_ms, AdjustMode::kStep, CorrectionSource{3, 9});  // n3's old round
  adjust(10.2, 3, 1_ms, 6);
  bound_.on_event(at_s(11), kNoNode, Note());
  EXPECT_EQ(bound_.resets(), 0u);
  // An older round of the same master (a retransmission) is not this round either.
  complete(20, 0, 7, {1, 2, 3});
  adjust(20.1, 1, 1_ms, 7);
  adjust(20.1, 2, 1_ms, 6);
  adjust(20.2, 3, 1_ms, 7);
  bound_.on_event(at_s(21), kNoNode, Note());
  EXPECT_EQ(bound_.resets(), 0u);
}

// Another master's round that completed just before a reset may still land a correction after
// it: the reset keeps that round counted.
TEST_F(LossyEpochTest, ResetKeepsRecentRoundsOfOtherMastersCounted) {
  Message m = make_message(MsgType::kAdjust, 9);
  m.term = 2;
  bound_.on_message_sent(at_s(29.9), 2, 3, m);
  bound_.on_event(at_s(29.9), 2, Note(NoteWhat::kRoundComplete).with_round(2));  // n2 also acts as a master
  complete(30, 0, 3, {1, 2, 3});
  adjust(30.1, 1, 1_ms, 3);
  adjust(30.1, 2, 1_ms, 3);
  adjust(30.2, 3, 1_ms, 3);
  bound_.on_event(at_s(31), kNoNode, Note());
  ASSERT_EQ(bound_.resets(), 1u);
  const double base = worst_.k_new + 100e-6 * (30.2 - (30 - worst_.t_meas));
  EXPECT_NEAR(bound_ms(30.2), worst_.grow(base) * 1e3, 1e-5);
}

// A fault that steps a clock while a round is measuring: that round's corrections do not put
// the stepped clock on its trajectory (some probes saw it before the step), so no reset.
TEST_F(LossyEpochTest, ClockStepDuringTheRoundPreventsItsReset) {
  bound_.on_event(at_s(29.99), 2, Note(NoteWhat::kClockStepped));
  complete(30, 0, 3, {1, 2, 3});
  adjust(30.1, 1, 1_ms, 3);
  adjust(30.1, 2, 1_ms, 3);
  adjust(30.2, 3, 1_ms, 3);
  bound_.on_event(at_s(31), kNoNode, Note());
  EXPECT_EQ(bound_.resets(), 0u);
  // The next round began after the step: it counts.
  complete(40, 0, 4, {1, 2, 3});
  adjust(40.1, 1, 1_ms, 4);
  adjust(40.1, 2, 1_ms, 4);
  adjust(40.2, 3, 1_ms, 4);
  bound_.on_event(at_s(41), kNoNode, Note());
  EXPECT_EQ(bound_.resets(), 1u);
}

// Below the quantum the hull can widen on both sides: 2M + 2q, not 2M + q.
TEST(EpochGrowth, NarrowHullGrowsByTwoRoundings) {
  bounds::BerkeleyBoundInput in = input();
  in.quantum_s = 0.005;
  in.step_threshold_s = 0;
  const bounds::SkewBound b = bounds::berkeley_skew_bound(in);
  EXPECT_NEAR(b.grow(0), 2 * b.e_hi + 0.005 + (100e-6 + 500e-6) * (b.apply_window + 3), 1e-12);
  EXPECT_NEAR(b.grow(0.01), 0.01 + b.round_growth, 1e-12);
}

// A step that lands while the clock's previous slew runs adds that slew's observed remainder,
// not the whole step threshold (20 s at timed's MAXADJ).
TEST_F(LossyEpochTest, StepOverARunningSlewAddsItsRemainder) {
  adjust(10, 1, 1_ms, 1, AdjustMode::kSlew);  // 1 ms at 500 ppm: runs until t = 12
  const double before = bound_ms(11);
  adjust(11, 1, 5_ms, 2);                     // a step at 11: 0.5 ms of the slew remain
  EXPECT_NEAR(bound_ms(11), before + 0.5, 1e-5);
  adjust(13, 2, 1_ms, 2, AdjustMode::kSlew);
  adjust(15, 2, 5_ms, 3);                     // that slew ended at 15: nothing remains
  EXPECT_NEAR(bound_ms(15), bound_ms(11) + 100e-6 * 4 * 1e3, 1e-5);
}

// A slew still running when the agreed master's next round began (here a correction of its
// previous round that landed late, within the retry span) moved that slave while the round read
// it: that round is not the full round that makes the run stable. The same rounds without the
// late slew are, so the check is on the slew and not on the rounds.
TEST(EpochSkewBoundSlews, ASlewRunningIntoARoundKeepsItFromBeingTheFullRound) {
  bounds::BerkeleyBoundInput in = input();
  in.period_s = 4;
  auto at_s = [](double t) { return Time::from_ns(static_cast<std::int64_t>(std::llround(t * 1e9))); };
  auto run = [&](bool late_slew) {
    EpochSkewBound bound(in, scenario::ScenarioSpec{}, false);
    FakeView view(4);
    view.follow(0);
    auto complete = [&](double t, std::uint32_t term) {
      Message m = make_message(MsgType::kAdjust, 7);
      m.term = term;
      for (NodeId to = 1; to < 4; ++to) bound.on_message_sent(at_s(t), 0, to, m);
      bound.on_event(at_s(t), 0, Note(NoteWhat::kRoundComplete).with_round(term));
    };
    view.now_ = at_s(20);
    bound.on_tick(view);
    complete(24, 1);  // after the retry span of the agreement: the first completion
    // 0.4 ms at 500 ppm: runs until 27.8 s, into the next round (which began at or after
    // 28 s - T_meas, T_meas about 0.43 s) but not until it completes.
    if (late_slew) bound.on_clock_adjust(at_s(27), 1, 400_us, AdjustMode::kSlew, CorrectionSource{0, 1});
    complete(28, 2);
    view.now_ = at_s(31.9);  // every correction of round 2 applied (full_round_done <= 2.5 s)
    bound.on_tick(view);
    return bound.stable();
  };
  EXPECT_TRUE(run(false));
  EXPECT_FALSE(run(true)) << "round 2 read n1 while its slew ran";
}

TEST(EpochSkewBoundScenarios, FailoverScenariosGetTheEpochModelAndLossGetsNone) {
  const auto failover = make_skew_bound(testing::load_repo_scenario("failover.yaml", 1));
  ASSERT_NE(failover.bound, nullptr) << no_bound_text(failover.no_bound);
  EXPECT_NE(failover.bound->observer(), nullptr);
  EXPECT_NE(failover.bound->describe().find("§7"), std::string::npos);
  const auto lossy = make_skew_bound(testing::load_repo_scenario("lossy-election.yaml", 1));
  ASSERT_NE(lossy.bound, nullptr) << no_bound_text(lossy.no_bound);
  EXPECT_NE(lossy.bound->describe().find("lose messages"), std::string::npos);
  const auto rc = make_skew_bound(testing::load_repo_scenario("failover.yaml", 1, {"algorithm.sync.rate_correction=true"}));
  EXPECT_EQ(rc.bound, nullptr);
  const auto slow = make_skew_bound(testing::load_repo_scenario("failover.yaml", 1, {"algorithm.sync.step_threshold=10ms"}));
  EXPECT_EQ(slow.bound, nullptr);
  EXPECT_EQ(slow.no_bound.why, bounds::NoBoundWhy::kSlewsOutlastPeriod) << no_bound_text(slow.no_bound);
}

}  // namespace
}  // namespace clocksim::sim
